"""The scheduler step: a bounded number of items sent as low-priority runs; items follow their runs; errors stay
with their item; pause, resume, cancel and retry."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.models import AuditEvent, BatchItem, BatchStatus, ItemStatus, Run, RunStatus
from core.services.batches import batch_cancel, batch_pause, batch_resume, batch_retry_failed, batches_tick
from tests.ops.batches import make_batch

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_window(settings):
    settings.BATCH_MAX_IN_FLIGHT = 3


def finish(items, status=RunStatus.DONE, error=""):
    Run.objects.filter(batch_item__in=items).update(status=status, error=error, finished_at=timezone.now())


def test_items_are_sent_a_bounded_number_at_a_time_as_low_priority_runs(owner):
    batch = make_batch(owner, 7)
    assert batches_tick() == 3 and batches_tick() == 0
    runs = Run.objects.filter(batch_item__batch=batch)
    assert runs.count() == 3 and {r.priority for r in runs} == {10}
    assert all(r.params["fields"] == {"question": "What is shown?"} for r in runs)
    finish(batch.items.filter(status=ItemStatus.SUBMITTED)[:2])
    assert batches_tick() == 2
    assert batch.items.filter(status=ItemStatus.DONE).count() == 2


def test_a_failed_item_does_not_stop_the_batch_and_the_batch_ends_when_all_items_have(owner):
    batch = make_batch(owner, 4)
    while batch.items.filter(status__in=[ItemStatus.PENDING, ItemStatus.SUBMITTED]).exists():
        batches_tick()
        sent = list(batch.items.filter(status=ItemStatus.SUBMITTED))
        finish(sent[:1], RunStatus.FAILED, "engine said no")
        finish(sent[1:])
        batches_tick()
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE and batch.finished_at is not None
    assert batch.items.filter(status=ItemStatus.FAILED).count() >= 1
    assert batch.items.filter(status=ItemStatus.DONE).count() >= 2


def test_with_no_batch_running_a_tick_only_reads(owner):
    """Every serving process ticks every second: with nothing to do it must not take the database's write lock."""
    batch = make_batch(owner, 2)
    while batches_tick() or batch.items.filter(status=ItemStatus.SUBMITTED).exists():
        finish(batch.items.filter(status=ItemStatus.SUBMITTED))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE
    with CaptureQueriesContext(connection) as queries:
        assert batches_tick() == 0
    assert queries.captured_queries, "the tick should still look for work"
    statements = [q["sql"] for q in queries.captured_queries]
    assert all(sql.lstrip().upper().startswith("SELECT") for sql in statements), statements


def test_a_paused_batch_sends_nothing_until_it_is_resumed(owner):
    batch = make_batch(owner, 4)
    batch_pause(batch=batch, actor=owner)
    assert batches_tick() == 0
    batch_resume(batch=batch, actor=owner)
    assert batches_tick() == 3


def test_cancelling_drops_waiting_items_and_cancels_sent_runs(owner):
    batch = make_batch(owner, 5)
    batches_tick()
    batch_cancel(batch=batch, actor=owner)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CANCELLED
    assert set(batch.items.values_list("status", flat=True)) == {ItemStatus.CANCELLED}
    assert set(Run.objects.filter(batch_item__batch=batch).values_list("status", flat=True)) == {RunStatus.CANCELLED}
    assert batches_tick() == 0


def test_failed_items_can_be_retried_with_new_runs(owner):
    batch = make_batch(owner, 2)
    batches_tick()
    old_runs = set(Run.objects.filter(batch_item__batch=batch).values_list("id", flat=True))
    finish(batch.items.all(), RunStatus.FAILED, "engine down")
    batches_tick()
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE
    batch_retry_failed(batch=batch, actor=owner)
    assert batches_tick() == 2
    new_runs = set(Run.objects.filter(batch_item__batch=batch).values_list("id", flat=True))
    assert not (new_runs & old_runs) and batch.items.filter(status=ItemStatus.SUBMITTED).count() == 2


def test_an_item_that_cannot_become_a_run_fails_alone(owner):
    batch = make_batch(owner, 2)
    type(batch).objects.filter(id=batch.id).update(fields={})  # the question is now missing
    batches_tick()
    errors = list(BatchItem.objects.filter(batch=batch).values_list("status", "error"))
    assert all(status == ItemStatus.FAILED and "question" in error for status, error in errors)


def test_two_schedulers_never_send_the_same_item(owner):
    from core.services.batches import _send

    batch = make_batch(owner, 1)
    item = batch.items.get()
    stale_copy = BatchItem.objects.select_related("batch", "photo").get(id=item.id)  # what a second process read
    assert _send(BatchItem.objects.select_related("batch", "photo").get(id=item.id)) == 1
    assert _send(stale_copy) == 0
    assert Run.objects.filter(batch_item__batch=batch).count() == 1 == Run.objects.count()


def test_batch_actions_are_audited(owner):
    batch = make_batch(owner, 1)
    batch_pause(batch=batch, actor=owner)
    batch_resume(batch=batch, actor=owner)
    events = AuditEvent.objects.filter(target_id=str(batch.id)).order_by("id")
    actions = list(events.values_list("action", flat=True))
    assert actions == ["batch.create", "batch.pause", "batch.resume"]

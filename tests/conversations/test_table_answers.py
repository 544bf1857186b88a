"""A question about a table is answered from its stored cells (naming table and cells) when they can answer it;
otherwise the model answers, shown the table's crop."""

from __future__ import annotations

import pytest

from core.models import Run, TurnSource
from core.services.conversations import conversation_ask, conversation_start
from inference.protocol import ImageInput
from tests.conversations.builders import finished_run, photo_for, read_table, table_photo_for
from tests.conversations.test_followup_request import request_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation_with_table(owner):
    photo = table_photo_for(owner)
    conversation, _ = conversation_start(user=owner, run=finished_run(owner, [photo]))
    return conversation, read_table(owner, photo)


def test_row_3_comes_from_the_stored_cells_without_a_new_run(owner, conversation_with_table):
    conversation, table = conversation_with_table
    runs_before = Run.objects.count()
    turn = conversation_ask(
        user=owner, conversation=conversation, question="What is in row 3 of the table in the previous photo?"
    )
    assert Run.objects.count() == runs_before and turn.run is None
    assert turn.source == TurnSource.TABLE
    assert (
        turn.answer
        == "Table 1 on photo 1 (stored cells), row 3 (below the header): Tag: FT-303; Reading: 12.5; Unit: m3/h"
    )
    assert turn.cited["table"] == table.id and turn.cited["cells"] == [[3, 0], [3, 1], [3, 2]]


def test_the_previous_photo_is_the_most_recent_one_with_a_table(owner):
    first, second = table_photo_for(owner, shade=0), table_photo_for(owner, shade=30)
    conversation, _ = conversation_start(user=owner, run=finished_run(owner, [first]))
    read_table(owner, first)
    conversation_ask(user=owner, conversation=conversation, question="Here is the next panel.", photos=[second])
    newer = read_table(owner, second)
    conversation_ask(user=owner, conversation=conversation, question="And the pump?", photos=[photo_for(owner, 5)])
    turn = conversation_ask(user=owner, conversation=conversation, question="Row 1 of the table in the previous photo?")
    assert turn.cited["table"] == newer.id and turn.answer.startswith("Table 1 on photo 2")


def test_a_photo_named_in_the_question_wins(owner):
    first, second = table_photo_for(owner, shade=0), table_photo_for(owner, shade=30)
    conversation, _ = conversation_start(user=owner, run=finished_run(owner, [first, second]))
    older = read_table(owner, first)
    read_table(owner, second)
    turn = conversation_ask(user=owner, conversation=conversation, question="What is in row 2 of the table in photo 1?")
    assert turn.cited["table"] == older.id


def test_what_the_cells_cannot_answer_goes_to_the_model_with_the_table_crop(owner, conversation_with_table):
    conversation, table = conversation_with_table
    turn = conversation_ask(user=owner, conversation=conversation, question="Which reading in the table is highest?")
    assert turn.source == TurnSource.MODEL and turn.run is not None
    assert turn.cited == {"table": table.id, "table_index": 1, "photo": 1, "crop": True}
    last = request_for(turn.run).messages[-1]
    crops = [p for p in last.parts if isinstance(p, ImageInput)]
    assert len(crops) == 1 and "-table-" in crops[0].uuid
    assert "FT-303 | 12.5 | m3/h" in last.text, "the stored cells go along with the crop"


def test_a_table_still_being_read_says_so(owner):
    photo = table_photo_for(owner)
    conversation, _ = conversation_start(user=owner, run=finished_run(owner, [photo]))
    from core.selectors import user_team
    from core.services.tables import tables_extract
    from tests.conversations.builders import FixedTables

    tables_extract(user=owner, team=user_team(owner), photo=photo, recognizer=FixedTables())
    turn = conversation_ask(user=owner, conversation=conversation, question="What is in row 1 of the table?")
    assert turn.source == TurnSource.TABLE and "still being read" in turn.answer


def test_a_question_that_adds_photos_always_goes_to_the_model(owner, conversation_with_table):
    conversation, _ = conversation_with_table
    turn = conversation_ask(
        user=owner, conversation=conversation, question="Row 3 of this table?", photos=[photo_for(owner, 9)]
    )
    assert turn.source == TurnSource.MODEL and turn.photo_numbers == [2]

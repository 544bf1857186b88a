"""A run may ask for a lighter look at its photos than its task's budget, never a heavier one."""

from inference.prompts import get_template


def test_a_run_gets_the_smaller_of_what_it_asked_and_the_tasks_budget():
    small_task = get_template("describe").with_changes(image_tokens=256)

    assert small_task.image_budget(None) == 256
    assert small_task.image_budget(128) == 128
    assert small_task.image_budget(512) == 256, "asking for more than the task is sized for does not get more"

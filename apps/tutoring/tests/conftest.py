"""Tutoring personas: the shared owner, teammate and outsider, as teachers; and an inspector, who may not tutor."""

from __future__ import annotations

import pytest

from core.models import Role
from tests.fixtures.people import make_user


@pytest.fixture
def owner(team):
    return make_user("olivia", team, role=Role.TEACHER)


@pytest.fixture
def teammate(team):
    return make_user("tom", team, role=Role.TEACHER)


@pytest.fixture
def outsider(other_team):
    return make_user("oscar", other_team, role=Role.TEACHER)


@pytest.fixture
def inspector(team):
    return make_user("ingrid", team, role=Role.INSPECTOR)

"""Support personas: the shared owner, teammate and outsider as support agents; a team lead who runs the catalogue
and policy; an inspector, who may not use support; and a catalogue product with a reference photo."""

from __future__ import annotations

import pytest

from core.models import Role


def _user(username: str, team, role: str):
    from tests.fixtures.people import make_user

    return make_user(username, team, role=role)


def _api(user):
    from tests.fixtures.people import api_client_for

    return api_client_for(user)


@pytest.fixture
def owner(team):
    return _user("olivia", team, Role.SUPPORT_AGENT)


@pytest.fixture
def teammate(team):
    return _user("tom", team, Role.SUPPORT_AGENT)


@pytest.fixture
def outsider(other_team):
    return _user("oscar", other_team, Role.SUPPORT_AGENT)


@pytest.fixture
def lead(team):
    return _user("lena", team, Role.TEAM_LEAD)


@pytest.fixture
def inspector(team):
    return _user("ingrid", team, Role.INSPECTOR)


@pytest.fixture
def lead_api(lead):
    return _api(lead)


@pytest.fixture
def teammate_api(teammate):
    return _api(teammate)


@pytest.fixture
def product(team, owner):
    from apps.support.tests.factories import product_with_reference

    return product_with_reference(team, owner, sku="KET-1")

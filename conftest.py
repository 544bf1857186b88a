"""Fixtures shared by every test tree (tests/ and apps/*/tests/)."""

pytest_plugins = [
    "tests.fixtures.browser",
    "tests.fixtures.runs",
    "tests.fixtures.people",
    "tests.fixtures.engine",
    "tests.fixtures.live_app",
]

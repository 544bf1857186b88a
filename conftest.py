"""Fixtures shared by every test tree (tests/ and apps/*/tests/)."""

pytest_plugins = [
    # Modules that others import come first, so pytest can rewrite their asserts.
    "tests.fixtures.people",
    "tests.fixtures.live_app",
    "tests.fixtures.engine",
    "tests.fixtures.runs",
    "tests.fixtures.browser",
]

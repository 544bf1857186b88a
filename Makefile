# VisionDesk: `make run` serves the product, `make test` passes the tests. Both set up what is missing first.
.PHONY: install run test bench lint soak engine-plan tiny-model

VENV := .venv
PY := $(VENV)/bin/python

install:
	@bash scripts/install.sh

run: install
	@$(PY) manage.py migrate --noinput
	@$(PY) manage.py collectstatic --noinput -v 0
	@$(PY) manage.py serve

test: install
	@bash scripts/install-test-tools.sh
	@$(PY) -m pytest

soak: install
	@$(PY) -m pytest -m soak tests/reliability

bench: install
	@$(PY) bench/run_all.py

lint: install
	@$(PY) -m ruff check .
	@$(PY) -m ruff format --check .
	@$(PY) -m mypy core inference

engine-plan: install
	@$(PY) manage.py engine plan

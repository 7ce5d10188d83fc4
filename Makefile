# Two commands a newcomer needs: `make run` and `make test`. Each creates .venv on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test bench lint clean screenshots

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

run: $(VENV)/.installed
	$(PY) main.py $(ARGS)

test: $(VENV)/.installed-test
	$(PY) -m ruff check .
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

# torch is optional: the benchmarks report PyTorch as "not installed" without it.
bench: $(VENV)/.installed-test
	-$(PY) -m pip install --quiet "torch==2.13.0"
	QT_QPA_PLATFORM=offscreen $(PY) benchmarks/run_all.py

# The README's pictures, made by the app's own command line (offscreen, no display needed).
SHOT := QT_QPA_PLATFORM=offscreen $(PY) main.py --size 1200x720 --screenshot
screenshots: $(VENV)/.installed
	$(SHOT) docs/stepper.png --example mazur --steps 12
	$(SHOT) docs/training.png --example circle --train 200
	$(SHOT) docs/lesson.png --lesson herd-effect
	$(PY) docs/shrink_png.py docs/stepper.png docs/training.png docs/lesson.png

lint: $(VENV)/.installed-test
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache

# Thin wrappers: each target installs what it needs, then runs one command.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
OUT ?= dist
DATA ?= ../shared/data/mnist.npz

.PHONY: demo build test train bench screens chromium

demo: $(VENV)/.build node_modules/.installed ## build the site from the committed models and serve it on http://127.0.0.1:$(PORT) (Ctrl-C stops)
	$(PY) build.py --out $(OUT) --serve --port $(PORT)

build: $(VENV)/.build node_modules/.installed ## build dist/ without serving
	$(PY) build.py

test: $(VENV)/.test node_modules/.installed chromium ## every test: the page's pure modules in Node, then Python, Node parity, Chromium
	node --test tests/node/
	$(PY) -m pytest

bench: $(VENV)/.test node_modules/.installed bench/node_modules/.installed chromium ## the page's speed and weight in Chromium vs native Keras -> bench.json
	$(PY) -m bench

screens: $(VENV)/.test node_modules/.installed chromium ## screenshots: desktop and phone, light and dark, every slider's ends -> screens/
	$(PY) -m bench.screens --out screens

train: $(VENV)/.train ## the default model (local DATA if it exists, else keras.datasets); README has the others
	$(PY) -m training.train $(if $(wildcard $(DATA)),--data $(DATA)) --out runs/mnist

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.build: requirements.txt | $(PY)
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.train: requirements-train.txt | $(PY)
	$(PY) -m pip install -q -r requirements-train.txt
	touch $@ $(VENV)/.build

$(VENV)/.test: requirements-test.txt requirements-train.txt | $(PY)
	$(PY) -m pip install -q -r requirements-test.txt
	touch $@ $(VENV)/.train $(VENV)/.build

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Lighthouse and what it brings (puppeteer, Sentry, ...) only for the benchmark, in a folder of its own.
bench/node_modules/.installed: bench/package.json bench/package-lock.json
	npm ci --prefix bench --no-audit --no-fund
	touch $@

# Debian's Chromium for the browser tests (Playwright must never download a browser of its own).
chromium:
	@test -x /usr/bin/chromium || (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium)

# Build, run and test st-tui in a local virtual environment (.venv).
#
# torch is installed first, on its own, so that the build is chosen here and not by the
# resolver: a plain `torch` requirement with no torch present takes a CUDA build from
# PyPI (several GB). GPU users choose their build with TORCH_SPEC (see README.md).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

# The torch requirement installed before the project. CPU=0 asks for any torch release,
# which pip takes from PyPI (CUDA builds on Linux x86_64); an empty TORCH_SPEC keeps the
# torch the venv has. TORCH_PIP_ARGS adds options to that pip call.
CPU ?= 1
ifeq ($(CPU),0)
TORCH_SPEC ?= torch
else
TORCH_SPEC ?= torch==2.13.0
endif

TORCH_PIP_ARGS ?=
PYTEST_ARGS ?=
RUN_ARGS ?=

empty :=
space := $(empty) $(empty)
torch_tag := $(subst $(space),_,$(subst =,_,$(subst <,_,$(subst >,_,$(TORCH_SPEC)))))
TORCH_STAMP := $(VENV)/.torch-$(if $(torch_tag),$(torch_tag),kept)

.PHONY: run test lint bench bench-gpu venv clean

run: $(VENV)/.installed-offline
	$(BIN)/st-tui $(RUN_ARGS)

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The quick benchmarks take under 10 minutes on 2 cores; BENCH_ARGS= runs the full
# suite behind BENCHMARKS.md. bench-gpu needs a CUDA build of torch (CPU=0).
BENCH_ARGS ?= --quick

bench: $(VENV)/.installed-offline $(VENV)/.installed-dev
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

bench-gpu: $(VENV)/.installed-offline $(VENV)/.installed-dev
	$(BIN)/python benchmarks/run.py --gpu

venv: $(BIN)/python

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(TORCH_STAMP): | $(BIN)/python
	@if [ -n "$(TORCH_SPEC)" ]; then \
		echo "Installing $(TORCH_SPEC) before the project"; \
		$(BIN)/python -m pip install $(TORCH_PIP_ARGS) "$(TORCH_SPEC)"; \
	fi
	rm -f $(VENV)/.torch-* $(VENV)/.installed-*
	touch $@

$(VENV)/.installed-offline: pyproject.toml $(TORCH_STAMP)
	$(BIN)/python -m pip install -e '.[offline]'
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(TORCH_STAMP)
	$(BIN)/python -m pip install -e '.[dev]'
	touch $@

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache .mypy_cache

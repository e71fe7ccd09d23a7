# terraform-aws-feature-flag-rollback: every workflow in one place. `make` lists them.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-builtin-rules

PYTHON     ?= python3
VENV       ?= .venv
CHECKOV_VENV ?= .venv-checkov
PORT       ?= 4566
TERRAFORM  ?= terraform
PYTEST_ARGS ?=
# pytest-xdist workers: the slow suites (end-to-end, Terraform compatibility) mostly wait
# on Terraform, so two workers halve the run; each end-to-end block stays on one worker.
PYTEST_WORKERS ?= 2
# make stress: how many times the concurrency tests run back to back, and which tests.
STRESS_RUNS ?= 50
STRESS_TESTS ?= tests/functional/test_concurrency.py tests/functional/test_races.py

PY    := $(VENV)/bin/python
CACHE := $(CURDIR)/.cache
# The function package ships with the module (committed, so a `git::...?ref=` import needs no
# build step); `make build` rewrites it and its .sha256 byte for byte from lambda/.
ZIP   := modules/rollback-function/package/flag-rollback.zip

# Terraform installs providers through this CLI configuration: a local mirror found at
# run time when one exists (offline machines), the public registry otherwise.
TF_RC      ?= $(CACHE)/terraform.rc
export TF_CLI_CONFIG_FILE := $(TF_RC)
export TF_IN_AUTOMATION := 1
export PYTHONDONTWRITEBYTECODE := 1

# Folders holding Terraform code: the root module, every submodule, every example and every
# fixture folder the end-to-end tests apply (validated too, so a new required input of a
# submodule fails `make lint`, not an end-to-end test minutes later).
TF_MODULES  := $(patsubst %/versions.tf,%,$(wildcard modules/*/versions.tf))
TF_EXAMPLES := $(patsubst %/versions.tf,%,$(wildcard examples/*/versions.tf))
TF_FIXTURES := $(patsubst %/versions.tf,%,$(wildcard tests/terraform/*/versions.tf))
TF_DIRS     := . $(TF_MODULES) $(TF_EXAMPLES) $(TF_FIXTURES)
# Folders with native `terraform test` files: the root (tests/*.tftest.hcl), every submodule and
# every example.
TF_TEST_DIRS := $(if $(wildcard tests/*.tftest.hcl),.) \
  $(sort $(patsubst %/tests/,%,$(dir $(wildcard modules/*/tests/*.tftest.hcl examples/*/tests/*.tftest.hcl))))
# `make mutation`: parallel mutant runs (each forks a pytest run) and the score it must reach.
# Two per core: the functional tests spend about half their time waiting (backoffs, bakes).
MUTATION_JOBS ?= $(shell echo $$(( $$(nproc) * 2 )))
MUTATION_MIN  ?= 90
# Mutant names or globs to run instead of all, e.g. MUTANTS='flag_rollback.flags.*'.
MUTANTS       ?=
# MUTATION_RESUME=1 keeps the results of an earlier (interrupted) run and tries the rest.
MUTATION_RESUME ?=
# Terraform folders checked or tested at once (each command loads the ~675 MB provider).
TF_JOBS ?= 2

# $(call dep_group,NAME): the requirements of pyproject.toml's [dependency-groups].NAME, one a line.
dep_group = $(PYTHON) -c 'import sys, tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["dependency-groups"][sys.argv[1]]))' $(1)
# $(call tf_init,DIRS): init each folder in turn (the plugin cache is not safe for parallel init).
tf_init = for dir in $(1); do $(TERRAFORM) -chdir=$$dir init -backend=false -input=false >/dev/null; done
# $(call tf_each,COMMAND,DIRS): run `terraform COMMAND` in every folder, $(TF_JOBS) at a time;
# each folder's output is printed whole when it ends; fails when any folder fails.
tf_each = printf '%s\n' $(2) | xargs -P $(TF_JOBS) -I '{}' $(SHELL) -c \
  'out=$$($(TERRAFORM) -chdir={} $(1) -no-color 2>&1); rc=$$?; printf "== terraform $(1): %s\n%s\n" {} "$$out"; exit $$rc'

.PHONY: help
help: ## List the targets (this text)
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-15s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

## ---------------------------------------------------------------- setup

.PHONY: setup
setup: $(VENV)/.installed $(TF_RC) ## Create .venv with the pinned dev dependencies and the Terraform CLI config

$(VENV)/.installed: pyproject.toml requirements-dev.lock
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; install Python 3.11+" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --require-virtualenv -r requirements-dev.lock
	@touch $@

$(TF_RC): tools/terraform_rc.py
	@command -v $(TERRAFORM) >/dev/null || { echo "error: terraform not found on PATH; install Terraform >= 1.7" >&2; exit 1; }
	@mkdir -p $(CACHE)
	$(PYTHON) tools/terraform_rc.py $@

.PHONY: setup-checkov
setup-checkov: $(CHECKOV_VENV)/.installed ## Create .venv-checkov (checkov pins an older botocore than moto)

$(CHECKOV_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet --disable-pip-version-check --require-virtualenv \
	  "$$($(call dep_group,checkov))"
	@touch $@

.PHONY: lock
lock: ## Re-resolve the dev dependencies of pyproject.toml into requirements-dev.lock
	rm -rf $(CACHE)/lock-venv && $(PYTHON) -m venv $(CACHE)/lock-venv
	$(call dep_group,dev) > $(CACHE)/dev.txt
	$(CACHE)/lock-venv/bin/pip install --quiet --disable-pip-version-check -r $(CACHE)/dev.txt
	{ echo "# Generated by 'make lock' from pyproject.toml [dependency-groups].dev: do not edit."; \
	  $(CACHE)/lock-venv/bin/pip freeze --exclude-editable; } > requirements-dev.lock

## ---------------------------------------------------------------- build

# No other target depends on build: tests use the committed package, so a payload change
# committed without `make build` fails tests/test_package.py instead of being rebuilt away.
.PHONY: build
build: ## Rebuild the committed function package and its .sha256 (same source, same bytes)
	$(PYTHON) tools/build_zip.py lambda/flag_rollback $(ZIP)

## ---------------------------------------------------------------- test

.PHONY: test
test: setup test-python test-terraform ## Run every test: unit, emulator, terraform, end-to-end, bench smoke

.PHONY: test-python
test-python: setup ## Run the pytest suites (PYTEST_ARGS passes extra flags)
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

.PHONY: stress
stress: setup ## Run the concurrency tests STRESS_RUNS times with every core busy; stop at the first failure
	@load=(); trap 'kill $${load[@]} 2>/dev/null || true' EXIT; \
	for _ in $$(seq $$(nproc)); do $(PY) -c 'while True: pass' & load+=($$!); done; \
	echo "stress: $${#load[@]} busy loop(s) (pids $${load[*]}), $(STRESS_RUNS) run(s) of $(STRESS_TESTS)"; \
	for run in $$(seq $(STRESS_RUNS)); do \
	  echo "== stress run $$run/$(STRESS_RUNS)"; \
	  $(PY) -m pytest -p no:xdist -p no:cacheprovider -x -q $(PYTEST_ARGS) $(STRESS_TESTS) \
	    || { echo "stress: run $$run of $(STRESS_RUNS) failed" >&2; exit 1; }; \
	done; echo "stress: $(STRESS_RUNS)/$(STRESS_RUNS) runs passed under load"

.PHONY: test-terraform
test-terraform: setup ## Run the native terraform tests (mock provider) of the root, submodules and examples
	@$(call tf_init,$(TF_TEST_DIRS))
	@$(call tf_each,test,$(TF_TEST_DIRS))

# Not part of `test`: it reruns the payload's tests once per mutant (see lambda/MUTATION.md).
.PHONY: mutation
mutation: setup ## Mutation-test lambda/flag_rollback (mutmut, slow): score, survivors in .cache/mutation
	nice -n 10 $(PY) -m tools.mutation --max-children $(MUTATION_JOBS) --min-score $(MUTATION_MIN) \
	  $(if $(MUTATION_RESUME),--keep) $(foreach m,$(MUTANTS),'$(m)')

## ---------------------------------------------------------------- lint

.PHONY: lint
lint: setup setup-checkov lint-python lint-terraform ## Run every linter: ruff, mypy, terraform fmt/validate, checkov

.PHONY: lint-python
lint-python: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check lambda tools emulator
	$(VENV)/bin/mypy

.PHONY: lint-terraform
lint-terraform: setup setup-checkov
	$(TERRAFORM) fmt -check -recursive -diff
	@$(call tf_init,$(TF_DIRS))
	@$(call tf_each,validate,$(TF_DIRS))
	BC_SKIP_MAPPING=TRUE $(CHECKOV_VENV)/bin/checkov --directory . --framework terraform \
	  --compact --quiet --skip-download --config-file .checkov.yaml

.PHONY: docs
docs: setup ## Regenerate the inputs/outputs tables of every module's and example's README
	$(PY) tools/tfdocs.py

.PHONY: fmt
fmt: setup ## Format Terraform and Python code in place
	$(TERRAFORM) fmt -recursive
	$(VENV)/bin/ruff format lambda tools emulator
	$(VENV)/bin/ruff check --fix .

## ---------------------------------------------------------------- run

.PHONY: emulator
emulator: setup ## Serve the local AWS emulator on 127.0.0.1:$(PORT) until Ctrl-C
	$(PY) -m emulator --port $(PORT)

.PHONY: demo
demo: setup ## Apply examples/complete against the emulator, fire an alarm, show the rollback
	$(PY) tools/demo.py

.PHONY: bench
bench: setup ## Measure speed, API calls, storms and module scale into bench/
	$(PY) -m bench

.PHONY: clean
clean: ## Remove build output, caches and Terraform working folders (keeps .venv)
	rm -rf dist $(CACHE) .pytest_cache .mypy_cache .ruff_cache .hypothesis
	find . -name .terraform -type d -prune -exec rm -rf {} + -o -name '*.tfstate*' -exec rm -f {} + \
	  -o -name .terraform.lock.hcl -exec rm -f {} + -o -name tf_resources.json -exec rm -f {} +

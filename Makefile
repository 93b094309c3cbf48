# Two commands matter: `make demo` and `make test` (see README.md). Both install what is missing.
SHELL := /bin/bash
HOST ?= 127.0.0.1
PORT ?= 4173
CHROMIUM ?= /usr/bin/chromium
STAMP := node_modules/.install-stamp

.PHONY: demo test install build chromium lint typecheck unit e2e bench clean

# npm ci only when the lock file changed since the last install (or node_modules is missing).
$(STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: $(STAMP)

# Browser tests drive Debian's chromium (no browser downloads on this network).
chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  echo "Installing Debian's chromium for the browser tests…"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; \
	fi

build: install
	npm run build

demo: build
	@echo ""
	@echo "  Multi-task playground: http://$(HOST):$(PORT)/   (Ctrl+C to stop)"
	@echo ""
	npx vite preview --host $(HOST) --port $(PORT) --strictPort

typecheck: install
	npx tsc --noEmit -p tsconfig.json

lint: install
	npx eslint .
	npx prettier --check .

unit: install
	npx vitest run

e2e: build chromium
	npx vitest run -c vitest.e2e.config.ts

test: typecheck lint unit e2e
	@echo "make test: all checks passed"

# Node part (docs/results/performance-node.*) then the browser part (docs/results/performance.*).
bench: build chromium
	npm run bench
	npx tsx test/bench/browser.ts

clean:
	rm -rf dist .out

# ftppanel: `make run` starts the FTP server and the panel; `make test` runs every test.
GO ?= go
DATA ?= ./data

# The browser tests save what Chromium showed here; `make test` prints the path.
SCREENSHOTS := $(CURDIR)/screenshots

# axe-core checks the panel's accessibility in the browser tests. It comes from
# npm, pinned, into .cache (outside the Go tree); without npm the check skips.
AXE_VERSION := 4.14.1
AXE_JS := $(CURDIR)/.cache/axe/node_modules/axe-core/axe.min.js

.PHONY: run build test check-generated generate lint bench bench-go bench-servers bench-retr soak axe docker-check docs

run: build
	./bin/ftppanel serve --data $(DATA)

# `ftppanel version` prints these; the Dockerfile builds with the same command
# (./deploy's test checks that they agree and that the binary is static).
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT ?= $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo dev)

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags="-s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT)" -o bin/ftppanel ./cmd/ftppanel

generate:
	$(GO) tool templ generate

# Fails when the committed *_templ.go files are not what `templ generate` makes
# from the .templ files next to them.
check-generated:
	$(GO) test -count=1 -run TestGeneratedFilesAreFresh ./templates

lint:
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

# The end-to-end tests that touch the store (accounts, provisioning, panel sign-in, tokens,
# login links, history, audit, bans, the commands), run a second time on a
# throwaway PostgreSQL store; internal/store's own tests run on both every time.
PG_E2E_TESTS ?= ^(TestAccount.*|TestPanelSignIn.*|TestChangePanelPassword|TestTokensFromThePanel|TestLoginLinks|TestHistory.*|TestAudit.*|TestCLI.*|TestAPITokensSeeAndTouchOnlyTheirScope|TestProvisioningAPI.*|TestFleetProvisioningReachesEveryNode|TestRepeatedFailedLoginsBanTheAddress|TestOneBanPerAddressWhoeverBans|TestABurstOfFailuresBansOnce|TestDisconnectAndBanAnAddress|TestChangingAnAccountEndsItsSessions|TestFleetOnASharedStore|TestWebhookEvents)$$

# ./deploy, which docker-check runs alone, is one of the packages of ./...
test: lint axe
	@rm -rf $(SCREENSHOTS) && mkdir -p $(SCREENSHOTS)
	status=0; \
	FTPPANEL_TEST_STORE=sqlite FTPPANEL_SCREENSHOTS=$(SCREENSHOTS) FTPPANEL_AXE_JS=$(AXE_JS) \
		$(GO) test -race -count=1 -timeout 20m ./... github.com/fclairamb/ftpserverlib || status=$$?; \
	echo "Browser screenshots: $(SCREENSHOTS)"; \
	echo "The store's end-to-end tests again, on PostgreSQL:"; \
	FTPPANEL_TEST_STORE=postgres $(GO) test -race -count=1 -timeout 10m -run '$(PG_E2E_TESTS)' ./cmd/ftppanel || status=$$?; \
	exit $$status

# A longer soak than the 30 s one in `make test`: SOAK_CLIENTS FTP clients churn for
# SOAK_DURATION while an admin disconnects random sessions, checked every
# SOAK_CHECK_EVERY; it prints a summary and fails on any violation. Without the
# race detector by default, for ten times the churn (SOAK_FLAGS=-race to add it).
SOAK_DURATION ?= 10m
SOAK_CLIENTS ?= 500
SOAK_CHECK_EVERY ?= 1m
SOAK_TIMEOUT ?= 1h
soak:
	FTPPANEL_SOAK_DURATION=$(SOAK_DURATION) FTPPANEL_SOAK_CLIENTS=$(SOAK_CLIENTS) \
	FTPPANEL_SOAK_CHECK_EVERY=$(SOAK_CHECK_EVERY) \
		$(GO) test $(SOAK_FLAGS) -count=1 -timeout $(SOAK_TIMEOUT) -run '^TestSoak$$' -v ./cmd/ftppanel

# README.md's configuration reference, rewritten from serve's flags; the test
# suite fails while it differs (TestREADMEConfigReference).
docs:
	$(GO) test -count=1 -run TestREADMEConfigReference ./cmd/ftppanel -args -update-readme

# The Dockerfile without docker: runs its build command, checks that it is
# `make build`'s and that the binary is static, runs the image's command with
# its environment and its HEALTHCHECK, and checks deploy/'s systemd unit.
docker-check:
	$(GO) test -count=1 ./deploy

# Installs axe-core once, when npm is there; the file's presence is the stamp
# (after changing AXE_VERSION, remove .cache/axe).
axe: $(AXE_JS)

$(AXE_JS):
	@if command -v npm >/dev/null 2>&1; then \
		npm install --no-save --no-audit --no-fund --prefix .cache/axe axe-core@$(AXE_VERSION) || \
			echo "npm could not install axe-core: the accessibility check will be skipped (it fails under CI)"; \
	else \
		echo "npm not found: the accessibility check will be skipped (it fails under CI)"; \
	fi

# Benchmarks print numbers; they assert nothing and are not part of `make test`.
# bench-go: the Go micro-benchmarks. bench-servers: cmd/ftpbench measures ftppanel
# against vsftpd (installed with apt-get when missing and run as root) and writes
# docs/benchmarks.md; BENCH_FLAGS=-quick makes every measure small. bench-retr: the
# downloads alone (the benchmark's client, curl, lftp), printed, docs left as they are.
bench: bench-go bench-servers

# FTP logins per second on SQLite and on PostgreSQL (issue 13's goal: PostgreSQL
# at least 0.8x SQLite): first logins hash at bcrypt's default cost, repeat
# logins use the verified-password cache.
bench-go:
	$(GO) test -run '^$$' -bench . -benchmem ./internal/...
	$(GO) test -run '^$$' -bench . -skip FTPLogins -benchmem -benchtime 100x ./cmd/ftppanel
	$(GO) test -run '^$$' -bench 'FTPLogins/.*/first' -benchtime 100x ./cmd/ftppanel
	$(GO) test -run '^$$' -bench 'FTPLogins/.*/repeat' -benchtime 5000x ./cmd/ftppanel

bench-servers: build
	$(GO) run ./cmd/ftpbench -ftppanel bin/ftppanel -commit "$$(git describe --always --dirty)" -out docs/benchmarks.md $(BENCH_FLAGS)

bench-retr: build
	$(GO) run ./cmd/ftpbench -ftppanel bin/ftppanel -commit "$$(git describe --always --dirty)" -out - \
		-measures retr,retr-curl,retr-lftp,retr-parallel,retr-parallel-curl,retr-parallel-lftp $(BENCH_FLAGS)

# Every fuzz target (func FuzzX in any package) for FUZZTIME each; `make test`
# runs only their seed inputs, as ordinary tests.
FUZZTIME ?= 10s
.PHONY: fuzz
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
		for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
			echo "== $$pkg $$target"; \
			$(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) $$pkg; \
		done; \
	done

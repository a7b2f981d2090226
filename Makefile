# git-worktree-ports. `make help` lists the targets.
PREFIX  ?= $(HOME)/.local
GO      ?= go
BIN     := bin/git-worktree-ports
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
# A static binary starts faster (no dynamic loader), and env runs on every shell prompt
# of direnv users. Nothing here needs cgo.
export CGO_ENABLED ?= 0
# Bounded runs for `make test` (and so CI); the dedicated targets run the full sizes.
# A count, not a duration: with a duration, Go up to 1.26 can fail a fuzz target with a
# bare "context deadline exceeded" when a busy worker misses the deadline (Go issue
# 75804), which would fail CI at random on a loaded machine.
FUZZTIME ?= 20000x
# A fuzz target named ...AgainstGit runs git for its inputs, a few milliseconds each:
# it gets its own, smaller count, which keeps it to seconds.
FUZZTIME_GIT ?= 300x

.PHONY: help build test unit fuzz-short install install-notes uninstall lint cover bench bench-proxy stress crash fuzz demo clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -e 's/:.*## /\t/' | expand -t 14

build: ## build bin/git-worktree-ports (and bin/git-worktree-ports-serve: the proxy and the MCP server)
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/git-worktree-ports
	$(GO) build -trimpath -ldflags '-s -w' -o $(BIN)-serve ./cmd/git-worktree-ports-serve

test: lint unit fuzz-short ## the whole suite: lint, unit + end-to-end tests (bounded stress and crash included), short fuzz
	@echo "make test: all passed"

# The packages' own tests run under the race detector, which needs cgo (and so a C
# compiler); the end-to-end suite in tests/ drives the static binary as users get it.
unit:
	CGO_ENABLED=1 $(GO) test -race -count=1 -timeout 10m ./internal/... ./cmd/... ./hooks/...
	$(GO) test -count=1 -timeout 10m ./tests/

# Every fuzz target in the tree, found by name, so a new one is never left out.
fuzz-short:
	@for f in $$(grep -l '^func Fuzz' $$(find . -name '*_test.go' -not -path './.git/*') | sort); do \
	  for fn in $$(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' $$f); do \
	    t=$(FUZZTIME); case $$fn in *AgainstGit) t=$(FUZZTIME_GIT);; esac; \
	    echo "fuzz $$(dirname $$f) $$fn ($$t)"; \
	    $(GO) test -run='^$$' -fuzz="^$$fn$$" -fuzztime=$$t ./$$(dirname $$f)/ || exit 1; \
	  done; \
	done

# The systems the binary must build for. The tests run here, on Linux; the others are
# built and vetted (docs: README "Where it is tested").
CROSS := windows/amd64 darwin/arm64 freebsd/amd64

lint: ## gofmt, go vet (here and cross-built for windows, darwin, freebsd), staticcheck
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) vet -tags manpages ./cmd/...
	@for p in $(CROSS); do \
	  echo "vet and build for $$p"; \
	  GOOS=$${p%/*} GOARCH=$${p#*/} $(GO) vet ./... || exit 1; \
	  GOOS=$${p%/*} GOARCH=$${p#*/} $(GO) build -o /dev/null ./cmd/git-worktree-ports || exit 1; \
	  GOOS=$${p%/*} GOARCH=$${p#*/} $(GO) build -o /dev/null ./cmd/git-worktree-ports-serve || exit 1; \
	done
	$(GO) tool staticcheck ./...

cover: ## coverage of the unit and end-to-end runs together; the data stays in coverage/
	rm -rf coverage && mkdir -p coverage/unit coverage/e2e
	$(GO) test -count=1 -cover -coverpkg=./... ./internal/... ./cmd/... ./hooks/... -args -test.gocoverdir=$(CURDIR)/coverage/unit
	GWP_COVERDIR=$(CURDIR)/coverage/e2e $(GO) test -count=1 -timeout 20m ./tests/
	$(GO) tool covdata percent -i=coverage/unit,coverage/e2e

# fish loads a completion file only for the command being completed, so for
# `git worktree-ports <TAB>` it would never read ours: vendor_conf.d has it read at start.
install: build ## install the binary, man pages and completions under $(PREFIX) (default ~/.local)
	install -d $(PREFIX)/bin $(PREFIX)/share/man/man1 $(PREFIX)/share/bash-completion/completions \
	  $(PREFIX)/share/zsh/site-functions $(PREFIX)/share/fish/vendor_completions.d $(PREFIX)/share/fish/vendor_conf.d
	install -m 0755 $(BIN) $(PREFIX)/bin/git-worktree-ports
	install -m 0755 $(BIN)-serve $(PREFIX)/bin/git-worktree-ports-serve
	$(GO) run -tags manpages -ldflags '-X main.version=$(VERSION)' ./cmd/git-worktree-ports man $(PREFIX)/share/man/man1
	$(PREFIX)/bin/git-worktree-ports completion bash > $(PREFIX)/share/bash-completion/completions/git-worktree-ports
	$(PREFIX)/bin/git-worktree-ports completion zsh  > $(PREFIX)/share/zsh/site-functions/_git-worktree-ports
	$(PREFIX)/bin/git-worktree-ports completion fish > $(PREFIX)/share/fish/vendor_completions.d/git-worktree-ports.fish
	$(PREFIX)/bin/git-worktree-ports completion fish > $(PREFIX)/share/fish/vendor_conf.d/git-worktree-ports.fish
	@$(MAKE) -s --no-print-directory install-notes

# install-notes is what install says at the end: what to set so that git, zsh, bash and
# fish find what it installed. bash-completion and fish find the files under
# ~/.local/share by themselves; under any other PREFIX only through XDG_DATA_DIRS, whose
# default when unset is /usr/local/share:/usr/share for bash-completion.
# tests/testdata/completion_tmux_bash.txtar and _fish.txtar run it and follow it.
install-notes:
	@case ":$$PATH:" in *":$(PREFIX)/bin:"*) ;; *) echo "note: add $(PREFIX)/bin to PATH so git finds 'git worktree-ports'";; esac
	@echo "zsh: for completion, add this line to ~/.zshrc, before compinit:"
	@echo "  fpath=($(PREFIX)/share/zsh/site-functions \$$fpath)"
	@case "$(PREFIX)/share" in "$${XDG_DATA_HOME:-$$HOME/.local/share}") exit 0;; esac; \
	case ":$$XDG_DATA_DIRS:" in *":$(PREFIX)/share:"*) exit 0;; esac; \
	echo "bash and fish: for completion, set this where your login shell sets the environment"; \
	echo "(~/.profile); bash also takes it from ~/.bashrc, fish only from the environment it starts in:"; \
	echo "  export XDG_DATA_DIRS=\"$(PREFIX)/share:\$${XDG_DATA_DIRS:-/usr/local/share:/usr/share}\""

uninstall: ## remove what install put there
	rm -f $(PREFIX)/bin/git-worktree-ports $(PREFIX)/bin/git-worktree-ports-serve $(PREFIX)/share/man/man1/git-worktree-ports*.1 \
	  $(PREFIX)/share/bash-completion/completions/git-worktree-ports \
	  $(PREFIX)/share/zsh/site-functions/_git-worktree-ports \
	  $(PREFIX)/share/fish/vendor_completions.d/git-worktree-ports.fish \
	  $(PREFIX)/share/fish/vendor_conf.d/git-worktree-ports.fish

demo: build ## build, then show the tool on a throwaway repository with a few worktrees
	@PATH="$(CURDIR)/bin:$$PATH" ./scripts/demo.sh

# bench also times the binary a plain `go build` makes where cgo is on (dynamically
# linked), since that is what `go install` users get.
# GWP_BENCH_PORTLESS=DIR adds portless's proxy (DIR holds node 24 and portless).
bench-proxy: ## the proxy's latency and throughput against a direct connection (docs/BENCHMARKS.md)
	$(GO) test -run '^$$' -bench Proxy -benchtime 5000x -count 5 ./internal/proxy/

bench: build ## the speed goals against git itself (hyperfine), PASS or MISS; BENCH_QUICK=1 for a short run
	CGO_ENABLED=1 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/git-worktree-ports-cgo ./cmd/git-worktree-ports
	BIN_CGO=bin/git-worktree-ports-cgo ./scripts/bench.sh

stress: ## concurrency stress: ~10,000 allocations, must report 0 overlaps
	GWP_STRESS_ROUNDS=$${GWP_STRESS_ROUNDS:-160} $(GO) test -count=1 -timeout 60m -run 'TestStress' -v ./tests/

crash: ## SIGKILL allocate at random moments, 1,000 runs; nothing may be lost
	GWP_CRASH_RUNS=$${GWP_CRASH_RUNS:-1000} $(GO) test -count=1 -timeout 60m -run 'TestCrash' -v ./tests/

fuzz: ## each fuzz target for FUZZTIME (default here 60s)
	$(MAKE) fuzz-short FUZZTIME=$${FUZZTIME_LONG:-60s} FUZZTIME_GIT=$${FUZZTIME_LONG:-60s}

clean:
	rm -rf bin coverage

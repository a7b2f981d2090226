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
FUZZTIME ?= 5s

.PHONY: help build test unit fuzz-short install uninstall lint bench stress crash fuzz demo clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -e 's/:.*## /\t/' | expand -t 14

build: ## build bin/git-worktree-ports
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/git-worktree-ports

test: lint unit fuzz-short ## the whole suite: lint, unit + end-to-end tests (bounded stress and crash included), short fuzz
	@echo "make test: all passed"

unit:
	$(GO) test -count=1 -timeout 10m ./...

fuzz-short:
	@for t in gitwt:FuzzParseWorktreesZ config:FuzzParse reserve:FuzzParse render:FuzzRender; do \
	  pkg=$${t%%:*}; fn=$${t##*:}; \
	  echo "fuzz $$fn ($(FUZZTIME))"; \
	  $(GO) test -run='^$$' -fuzz="^$$fn$$" -fuzztime=$(FUZZTIME) ./internal/$$pkg/ || exit 1; \
	done

lint: ## gofmt and go vet
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) vet -tags manpages ./cmd/...

install: build ## install the binary, man pages and completions under $(PREFIX) (default ~/.local)
	install -d $(PREFIX)/bin $(PREFIX)/share/man/man1 $(PREFIX)/share/bash-completion/completions \
	  $(PREFIX)/share/zsh/site-functions $(PREFIX)/share/fish/vendor_completions.d
	install -m 0755 $(BIN) $(PREFIX)/bin/git-worktree-ports
	$(GO) run -tags manpages ./cmd/git-worktree-ports man $(PREFIX)/share/man/man1
	$(PREFIX)/bin/git-worktree-ports completion bash > $(PREFIX)/share/bash-completion/completions/git-worktree-ports
	$(PREFIX)/bin/git-worktree-ports completion zsh  > $(PREFIX)/share/zsh/site-functions/_git-worktree-ports
	$(PREFIX)/bin/git-worktree-ports completion fish > $(PREFIX)/share/fish/vendor_completions.d/git-worktree-ports.fish
	@case ":$$PATH:" in *":$(PREFIX)/bin:"*) ;; *) echo "note: add $(PREFIX)/bin to PATH so git finds 'git worktree-ports'";; esac

uninstall: ## remove what install put there
	rm -f $(PREFIX)/bin/git-worktree-ports $(PREFIX)/share/man/man1/git-worktree-ports*.1 \
	  $(PREFIX)/share/bash-completion/completions/git-worktree-ports \
	  $(PREFIX)/share/zsh/site-functions/_git-worktree-ports \
	  $(PREFIX)/share/fish/vendor_completions.d/git-worktree-ports.fish

demo: build ## build, then show the tool on a throwaway repository with a few worktrees
	@PATH="$(CURDIR)/bin:$$PATH" ./scripts/demo.sh

bench: build ## benchmarks against git itself (hyperfine); writes the table to stdout
	./scripts/bench.sh

stress: ## concurrency stress: ~10,000 allocations, must report 0 overlaps
	GWP_STRESS_ROUNDS=$${GWP_STRESS_ROUNDS:-160} $(GO) test -count=1 -timeout 60m -run 'TestStress' -v ./tests/

crash: ## SIGKILL allocate at random moments, 1,000 runs; nothing may be lost
	GWP_CRASH_RUNS=$${GWP_CRASH_RUNS:-1000} $(GO) test -count=1 -timeout 60m -run 'TestCrash' -v ./tests/

fuzz: ## each fuzz target for FUZZTIME (default here 60s)
	$(MAKE) fuzz-short FUZZTIME=$${FUZZTIME_LONG:-60s}

clean:
	rm -rf bin

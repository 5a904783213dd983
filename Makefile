# exsweep: run `make help` for the targets.
GO ?= go
FUZZTIME ?= 30000x

.PHONY: help build run-example test test-update lint fuzz fuzz-long bench bench-scan bench-files bench-evtx bench-clean check

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-13s %s\n", $$1, $$2}'

build: ## build ./exsweep (static, pure Go)
	CGO_ENABLED=0 $(GO) build -trimpath -o exsweep ./cmd/exsweep

run-example: build ## hunt the example host shipped in examples/ (exit 1 = findings, as expected)
	./exsweep hunt --root examples/compromised-host --format table; test $$? -eq 1

test: ## the test suite, as CI runs it (race detector on)
	$(GO) test -race ./...

test-update: ## rewrite golden files after a deliberate output change (review the diff!)
	$(GO) test ./internal/cli/ ./internal/report/ -update

lint: ## vet (Linux and Windows), gofmt, Windows cross-build
	$(GO) vet ./...
	GOOS=windows GOARCH=amd64 CGO_ENABLED=0 $(GO) vet ./...
	GOOS=windows GOARCH=amd64 CGO_ENABLED=0 $(GO) build -o /dev/null ./...
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change: $$out"; exit 1; fi

fuzz: ## every fuzz target for FUZZTIME each (a count: CI uses 30000x; see scripts/fuzz-smoke.sh)
	./scripts/fuzz-smoke.sh $(FUZZTIME)

fuzz-long: ## every fuzz target for 5 minutes each
	./scripts/fuzz-smoke.sh 5m

bench: ## the hunt benchmark against ripgrep (prints the table of bench/README.md; needs rg, ~12 GB disk)
	./bench/hunt-logs.sh

bench-scan: ## the scan benchmark against nmap on an emulated fleet of 4,096 hosts (table of bench/README.md)
	./bench/scan-fleet.sh

bench-files: ## the file-hunt benchmark against yara on a 200,000-file / 5 GB server drive (table of bench/README.md)
	./bench/files-hunt.sh

bench-evtx: ## the event-log hunt benchmark against evtxexport on 1 GiB of generated EVTX (table of bench/README.md)
	./bench/evtx-hunt.sh

bench-clean: ## exsweep clean --apply on 2,000 shells + 1 GB of dumps, against the same steps with coreutils (table of bench/README.md)
	./bench/clean.sh

check: lint test fuzz ## what CI runs

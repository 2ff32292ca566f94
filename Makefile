# maintsim: the two commands a newcomer needs are `make run` and `make test`.
GO ?= go
OUT ?= out

.PHONY: run test verify bench fuzz build examples clean

build:
	$(GO) build -o $(OUT)/maintsim ./cmd/maintsim

# The built-in example, with every output written under out/.
run: build
	$(OUT)/maintsim run --report $(OUT)/report.html --trace $(OUT)/trace.jsonl \
		--summary $(OUT)/summary.json --junit $(OUT)/junit.xml
	@echo "outputs: $(OUT)/report.html $(OUT)/trace.jsonl $(OUT)/summary.json $(OUT)/junit.xml"

test:
	$(GO) test ./...

# Every example scenario through `maintsim run` (they are tests too).
examples: build
	@for f in scenarios/examples/*.yaml; do \
		$(OUT)/maintsim run $$f >/dev/null || { echo "FAIL $$f"; exit 1; }; echo "ok   $$f"; done

verify:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt: files above need formatting"; exit 1; }
	$(GO) vet ./...
	@$(GO) mod tidy -diff || { echo "go mod tidy would change go.mod/go.sum: run it and commit"; exit 1; }
	$(GO) test ./...

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./sim/ ./model/ ./scenarios/

# The scenario and trace readers under the fuzzer (go test runs only the
# seeds): FUZZTIME each.
FUZZTIME ?= 60s
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParseScenario -fuzztime $(FUZZTIME) -fuzzminimizetime 1s ./scenarios/
	$(GO) test -run '^$$' -fuzz FuzzVerifyTrace -fuzztime $(FUZZTIME) -fuzzminimizetime 1s ./scenarios/

clean:
	rm -rf $(OUT)

# ftppanel: `make run` starts the FTP server and the panel; `make test` runs every test.
GO ?= go
DATA ?= ./data

.PHONY: run build test check-generated generate lint bench

run: build
	./bin/ftppanel serve --data $(DATA)

build:
	$(GO) build -o bin/ftppanel ./cmd/ftppanel

generate:
	$(GO) tool templ generate

# Fails when the committed *_templ.go files are not what `templ generate` makes
# from the .templ files next to them.
check-generated:
	$(GO) test -count=1 -run TestGeneratedFilesAreFresh ./templates

lint:
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

test: lint
	$(GO) test -race -count=1 -timeout 20m ./...

# Benchmarks print numbers; they assert nothing and are not part of `make test`.
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 100x ./...

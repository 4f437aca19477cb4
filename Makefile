# Thin wrappers over CMake. `make run` and `make test` install what is
# missing first (scripts/deps.sh).
BUILD      ?= build
BUILD_TEST ?= build-test
PORT       ?= 8080
DB         ?= var/fuyou.db
DEMO_BIRTHS ?= 1000
JOBS       ?= $(shell nproc)

.PHONY: all deps build run test test-build bench bench-compare fuzz clean

all: build

deps:
	@scripts/deps.sh

build:
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j $(JOBS) --target fuyou

run: deps build
	@if [ ! -f $(DB) ]; then \
	  echo "creating $(DB) with demo data ($(DEMO_BIRTHS) births)…"; \
	  $(BUILD)/fuyou demo --db $(DB) --births $(DEMO_BIRTHS) --seed 1 || exit 1; \
	fi
	@scripts/banner.sh $(PORT)
	@exec $(BUILD)/fuyou serve --db $(DB) --port $(PORT)

test-build: deps
	@cmake -S . -B $(BUILD_TEST) -DCMAKE_BUILD_TYPE=Debug -DFUYOU_SANITIZE=ON >/dev/null
	@cmake --build $(BUILD_TEST) -j $(JOBS)

test: test-build
	@cd $(BUILD_TEST) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS)
	@scripts/fuzz.sh $(or $(FUZZ_TEST_SECONDS),5)

bench: deps
	@bench/run.sh

bench-compare: deps
	@bench/compare.sh

# libFuzzer targets (tests/fuzz/): build-fuzz/ with clang, each target run
# for FUZZ_SECONDS (default 60) after replaying tests/fuzz/regressions/.
fuzz: deps
	@scripts/fuzz.sh $(or $(FUZZ_SECONDS),60)

clean:
	rm -rf $(BUILD) $(BUILD_TEST) build-bench build-fuzz

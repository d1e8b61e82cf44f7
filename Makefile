# The two commands of the README: `make run` and `make test`. Both install the Debian
# packages they need when missing, so a fresh Debian 12 machine with Swift is enough.

SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
RUN_PACKAGES := libsnmp-dev
TEST_PACKAGES := libsnmp-dev ipmitool freeipmi-tools snmptrapd snmp smitools

.PHONY: run test build bench deps-run deps-test clean fuzz fuzz-build

run: deps-run build
	.build/debug/ipmigod --simulate --state-dir .state/simulate

test: deps-test
	@scripts/fetch-ietf-mibs
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --disable-swift-testing
	$(MAKE) fuzz FUZZ_SECONDS=60

build:
	$(SWIFT) build

# Release build of the daemon and the benchmark; see docs/benchmarks.md.
bench: deps-run
	$(SWIFT) build -c release --product ipmigod
	$(SWIFT) build -c release --product ipmigod-bench
	.build/release/ipmigod-bench --daemon .build/release/ipmigod

# libFuzzer over the packet codec, the session layer and every command parser, built apart
# (its own scratch path) with -sanitize=fuzzer; new inputs go to .build-fuzz/corpus, the seeds
# stay in Fuzz/corpus. A bounded run is part of `make test`; see docs/security.md for a long one.
FUZZ_SECONDS ?= 60
fuzz-build:
	$(SWIFT) build --product ipmigod-fuzz --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING

fuzz: fuzz-build
	@mkdir -p .build-fuzz/corpus
	.build-fuzz/debug/ipmigod-fuzz -max_total_time=$(FUZZ_SECONDS) -max_len=512 -timeout=10 .build-fuzz/corpus Fuzz/corpus

deps-run:
	@scripts/install-packages $(RUN_PACKAGES)

deps-test:
	@scripts/install-packages $(TEST_PACKAGES)

clean:
	rm -rf .build .build-fuzz .state

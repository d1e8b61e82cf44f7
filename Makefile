# The two commands of the README: `make run` and `make test`. Both install the Debian
# packages they need when missing, so a fresh Debian 12 machine with Swift is enough.

SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
RUN_PACKAGES := libsnmp-dev
TEST_PACKAGES := libsnmp-dev ipmitool freeipmi-tools snmptrapd snmp smitools

.PHONY: run test build bench bench-fleet demo deps-run deps-test clean

run: deps-run build
	.build/debug/ipmigod --simulate --state-dir .state/simulate

test: deps-test
	@scripts/fetch-ietf-mibs
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --disable-swift-testing

build:
	$(SWIFT) build

# Release build of the daemon and the benchmark; see docs/benchmarks.md.
bench: deps-run
	$(SWIFT) build -c release --product ipmigod
	$(SWIFT) build -c release --product ipmigod-bench
	.build/release/ipmigod-bench --daemon .build/release/ipmigod

# 1,000 simulated switches in one process: memory, idle CPU, an alert storm; see docs/benchmarks.md.
bench-fleet: deps-run
	$(SWIFT) build -c release --product ipmigod
	$(SWIFT) build -c release --product ipmigod-bench
	.build/release/ipmigod-bench --daemon .build/release/ipmigod --fleet $${FLEET:-1000}

# A simulated switch runs a fault scenario (SCENARIO=psu-failure by default) while snmptrapd,
# with IPMIGOD-PET-MIB and ipmi-pet, prints its alerts live; see README "Simulate mode".
demo: deps-test build
	@scripts/fetch-ietf-mibs
	@scripts/demo

deps-run:
	@scripts/install-packages $(RUN_PACKAGES)

deps-test:
	@scripts/install-packages $(TEST_PACKAGES)

clean:
	rm -rf .build .state

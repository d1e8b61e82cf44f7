# The two commands of the README: `make run` and `make test`. Both install the Debian
# packages they need when missing, so a fresh Debian 12 machine with Swift is enough.

SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
RUN_PACKAGES := libsnmp-dev libyaml-dev
TEST_PACKAGES := libsnmp-dev libyaml-dev ipmitool freeipmi-tools snmptrapd snmp smitools prometheus-ipmi-exporter prometheus chromium python3-websocket curl

.PHONY: run test build release bench bench-compare bench-fleet demo deps-run deps-test clean fuzz fuzz-build

# Simulate mode's own state directory ($XDG_STATE_HOME/ipmigod/simulate), where
# `ipmigod sim` and `ipmigod status` find it with no options.
run: deps-run build
	.build/debug/ipmigod --simulate

test: deps-test
	@scripts/fetch-ietf-mibs
	$(SWIFT) build --build-tests
	$(MAKE) fuzz FUZZ_SECONDS=60
	$(SWIFT) test --skip-build --disable-swift-testing

build:
	$(SWIFT) build

# Release builds link the Swift runtime in statically, and export no symbols (the static
# runtime's link arguments would export every one): a smaller resident set (docs/benchmarks.md).
# They link with lld, which packs the relative relocations (RELR: 30 KiB to read at start
# instead of 1.6 MiB), and link libstdc++ and libgcc in statically (scripts/static-libstdc++-dir).
RELEASE_BUILD := $(SWIFT) build -c release --static-swift-stdlib -Xlinker --no-export-dynamic
RELEASE_BUILD += -Xswiftc -use-ld=lld -Xlinker -z -Xlinker pack-relative-relocs
RELEASE_BUILD += -Xswiftc -L -Xswiftc "$$(scripts/static-libstdc++-dir)" -Xswiftc -Xclang-linker -Xswiftc -static-libgcc
# Without dynamic exclusivity checks in any module (IPMICore already has none in release):
# swift-crypto's hash and AES calls and NIO's buffer growth paid a swift_beginAccess each,
# 11 % of a Get Device ID's instructions. Debug builds, where the tests run, keep them.
RELEASE_BUILD += -Xswiftc -enforce-exclusivity=unchecked

release: deps-run
	$(RELEASE_BUILD) --product ipmigod

# Release build of the daemon and the benchmark; see docs/benchmarks.md.
bench: deps-run
	$(RELEASE_BUILD) --product ipmigod
	$(RELEASE_BUILD) --product ipmigod-bench
	.build/release/ipmigod-bench --daemon .build/release/ipmigod

# 1,000 simulated switches in one process: memory, idle CPU, an alert storm; see docs/benchmarks.md.
bench-fleet: deps-run
	$(RELEASE_BUILD) --product ipmigod
	$(RELEASE_BUILD) --product ipmigod-bench
	.build/release/ipmigod-bench --daemon .build/release/ipmigod --fleet $${FLEET:-1000}

# A simulated switch runs a fault scenario (SCENARIO=psu-failure by default) while snmptrapd,
# with IPMIGOD-PET-MIB and ipmi-pet, prints its alerts live; see README "Simulate mode".
demo: deps-test build
	@scripts/fetch-ietf-mibs
	@scripts/demo

# ipmigod and OpenIPMI's ipmi_sim (Benchmarks/ipmi_sim) side by side, in alternating rounds.
bench-compare: deps-run
	@scripts/install-packages openipmi
	$(RELEASE_BUILD) --product ipmigod
	$(RELEASE_BUILD) --product ipmigod-bench
	.build/release/ipmigod-bench --daemon .build/release/ipmigod --compare-ipmi-sim /usr/bin/ipmi_sim

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

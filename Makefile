# coffer - see README.md. `make` builds build/coffer; `make run` and `make test`
# install what is missing first (scripts/deps.sh).
CC      ?= cc
PY      := /usr/bin/python3
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2 -Wno-unused-parameter
CFLAGS_BASE := -std=c11 -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -Isrc $(WARN) -MMD -MP
LIBS    := -lmicrohttpd -lsqlite3 -lcrypto -lexpat -lisal -ljansson -largon2 -lpthread

OPT     ?= -O2 -g
SAN     := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
# The sanitizer build is the test build: it also has the I/O fault hooks.
FAULTS  := -DCOFFER_FAULTS

SRCS    := $(shell find src -name '*.c' | sort)
LIBSRCS := $(filter-out src/main.c,$(SRCS))
OBJS    := $(SRCS:src/%.c=build/obj/%.o)
LIBOBJS := $(LIBSRCS:src/%.c=build/obj/%.o)
SOBJS   := $(SRCS:src/%.c=build/asan/obj/%.o)
SLIBOBJS:= $(LIBSRCS:src/%.c=build/asan/obj/%.o)
UNITS   := $(patsubst tests/unit/%.c,build/asan/tests/%,$(wildcard tests/unit/test_*.c))

# The console's browser app, embedded into the binary: every file under
# src/console/assets becomes a byte array in a generated C file.
ASSETS  := $(shell find src/console/assets -type f 2>/dev/null | LC_ALL=C sort)
ASSETDIRS := $(shell find src/console/assets -type d 2>/dev/null)
GEN     := build/gen/console_assets.c
OBJS    += build/obj/gen/console_assets.o
LIBOBJS += build/obj/gen/console_assets.o
SOBJS   += build/asan/obj/gen/console_assets.o
SLIBOBJS+= build/asan/obj/gen/console_assets.o

DATA    ?= ./data
LISTEN  ?= 127.0.0.1:9000
CONSOLE ?= 127.0.0.1:9001

.PHONY: all run test deps deps-test unit integration security browser js clean asan bench bench-quick fuzz fuzz-smoke fuzz-build \
	crash crash-quick faults soak valgrind
all: build/coffer

build/coffer: $(OBJS)
	@echo "  LD      $@"
	@$(CC) $(OPT) -o $@ $(OBJS) $(LIBS)

build/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS_BASE) $(OPT) -c -o $@ $<

$(GEN): scripts/embed-assets.sh $(ASSETS) $(ASSETDIRS)
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	@sh scripts/embed-assets.sh src/console/assets $@

build/obj/gen/%.o: build/gen/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS_BASE) $(OPT) -c -o $@ $<

build/asan/obj/gen/%.o: build/gen/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $< (ASan+UBSan)"
	@$(CC) $(CFLAGS_BASE) $(SAN) -c -o $@ $<

asan: build/asan/coffer
build/asan/coffer: $(SOBJS)
	@echo "  LD      $@ (ASan+UBSan)"
	@$(CC) $(SAN) -o $@ $(SOBJS) $(LIBS)

build/asan/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $< (ASan+UBSan)"
	@$(CC) $(CFLAGS_BASE) $(SAN) $(FAULTS) -c -o $@ $<

build/asan/libcoffer.a: $(SLIBOBJS)
	@rm -f $@ && ar rcs $@ $(SLIBOBJS)

build/asan/tests/%: tests/unit/%.c build/asan/libcoffer.a
	@mkdir -p $(dir $@)
	@echo "  CC      $< (unit test)"
	@$(CC) $(CFLAGS_BASE) $(SAN) -Itests/unit -o $@ $< build/asan/libcoffer.a $(LIBS) -lcmocka

deps:
	@sh scripts/deps.sh build
deps-test:
	@sh scripts/deps.sh test

run: deps
	@$(MAKE) --no-print-directory build/coffer
	./build/coffer server --data $(DATA) --listen $(LISTEN) --console-listen $(CONSOLE)

unit: $(UNITS)
	@set -e; for t in $(UNITS); do echo "== $$t"; ./$$t; done

integration: build/coffer build/asan/coffer build/bench/headload
	@env -u AWS_CA_BUNDLE -u REQUESTS_CA_BUNDLE -u CURL_CA_BUNDLE -u SSL_CERT_FILE \
	    COFFER_BIN=$(CURDIR)/build/asan/coffer COFFER_RELEASE_BIN=$(CURDIR)/build/coffer \
	    $(PY) -m pytest -q -p no:cacheprovider tests/integration

# The attack suite (tests/security/README.md): its own pytest run, on the
# integration suite's fixtures.
security: build/coffer build/asan/coffer
	@env -u AWS_CA_BUNDLE -u REQUESTS_CA_BUNDLE -u CURL_CA_BUNDLE -u SSL_CERT_FILE \
	    COFFER_BIN=$(CURDIR)/build/asan/coffer COFFER_RELEASE_BIN=$(CURDIR)/build/coffer \
	    $(PY) -m pytest -q -p no:cacheprovider tests/security

# The console in Debian's chromium (tests/browser); screenshots in build/screenshots/.
# BROWSER_BIN=build/coffer runs it against the release build instead.
BROWSER_BIN ?= build/asan/coffer
browser: $(BROWSER_BIN)
	@env -u AWS_CA_BUNDLE -u REQUESTS_CA_BUNDLE -u CURL_CA_BUNDLE -u SSL_CERT_FILE \
	    COFFER_BIN=$(CURDIR)/$(BROWSER_BIN) NODE_PATH=$(CURDIR)/tests/browser/node_modules \
	    node tests/browser/console.test.mjs

test: deps-test
	@$(MAKE) --no-print-directory all asan
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory integration
	@$(MAKE) --no-print-directory security
	@$(MAKE) --no-print-directory fuzz-smoke
	@$(MAKE) --no-print-directory browser
	@$(MAKE) --no-print-directory crash-quick
	@$(MAKE) --no-print-directory faults

# Reliability (docs/reliability.md). `make crash`: SIGKILL at random moments
# under mixed traffic, CRASH_CYCLES times (release build); `make test` runs
# crash-quick: 5 cycles on the sanitizer build, plus the checker's self-test.
TEST_ENV := env -u AWS_CA_BUNDLE -u REQUESTS_CA_BUNDLE -u CURL_CA_BUNDLE -u SSL_CERT_FILE
CRASH_CYCLES ?= 50
SOAK_SECONDS ?= 300

crash: build/coffer
	@$(TEST_ENV) $(PY) tests/crash/crash.py --cycles $(CRASH_CYCLES) --bin $(CURDIR)/build/coffer

crash-quick: build/asan/coffer
	@$(TEST_ENV) $(PY) tests/crash/crash.py --cycles 5 --bin $(CURDIR)/build/asan/coffer
	@$(TEST_ENV) $(PY) tests/crash/crash.py --cycles 1 --sabotage \
	    --bin $(CURDIR)/build/asan/coffer >/dev/null || \
	    { echo "crash.py --sabotage: the checker missed deliberate damage"; exit 1; }

# Mixed S3 + IAM load for SOAK_SECONDS: RSS and fds must not trend up.
soak: build/coffer
	@$(TEST_ENV) $(PY) tests/soak/soak.py --seconds $(SOAK_SECONDS) --bin $(CURDIR)/build/coffer

# The soak for a minute with the release build under valgrind memcheck
# (exit 99 on a memory error or a definite leak). Not in `make test`: slow.
VALGRIND_SECONDS ?= 60
valgrind: build/coffer
	@command -v valgrind >/dev/null || sh scripts/deps.sh valgrind
	@$(TEST_ENV) $(PY) tests/soak/soak.py --valgrind --seconds $(VALGRIND_SECONDS) --clients 6 \
	    --bin $(CURDIR)/build/coffer

# Disk full (tmpfs), read-only object store, injected EIO: needs root for mount.
faults: build/asan/coffer
	@$(TEST_ENV) COFFER_BIN=$(CURDIR)/build/asan/coffer \
	    $(PY) -m pytest -q -p no:cacheprovider tests/faults

# Benchmarks (docs/performance.md): never part of `make test`.
BENCH_ENV := env -u AWS_CA_BUNDLE -u REQUESTS_CA_BUNDLE -u CURL_CA_BUNDLE -u SSL_CERT_FILE

bench:
	@sh scripts/deps.sh bench
	@$(MAKE) --no-print-directory build/coffer build/bench/headload
	@$(BENCH_ENV) $(PY) bench/run.py

bench-quick:
	@sh scripts/deps.sh bench
	@$(MAKE) --no-print-directory build/coffer build/bench/headload
	@$(BENCH_ENV) BENCH_QUICK=1 $(PY) bench/run.py

build/bench/headload: bench/headload.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) -O2 -Wall -Wextra -o $@ $<

# Fuzzing (tests/fuzz/README.md): libFuzzer targets over the library built
# with clang and -fsanitize=fuzzer-no-link; `make fuzz` runs each target for
# FUZZ_SECONDS, `make fuzz-smoke` (part of `make test`) replays the corpora and
# regressions and fuzzes each target for a few seconds.
FUZZ_CC      := clang
FUZZ_SAN     := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_OBJS    := $(LIBSRCS:src/%.c=build/fuzz/obj/%.o) build/fuzz/obj/gen/console_assets.o
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS    := $(FUZZ_TARGETS:%=build/fuzz/%)
# The library is gcc's to keep warning-free (-Werror there); clang's extra
# warnings must not break this build.
FUZZ_CFLAGS  := $(filter-out -Werror,$(CFLAGS_BASE)) -Wno-format-nonliteral
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 3

fuzz-build: $(FUZZ_BINS)

build/fuzz/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $< (fuzz)"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link -c -o $@ $<

build/fuzz/obj/gen/%.o: build/gen/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $< (fuzz)"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link -c -o $@ $<

build/fuzz/libcoffer.a: $(FUZZ_OBJS)
	@rm -f $@ && ar rcs $@ $(FUZZ_OBJS)

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_util.h build/fuzz/libcoffer.a
	@echo "  LD      $@ (libFuzzer)"
	@$(FUZZ_CC) $(CFLAGS_BASE) $(FUZZ_SAN) -fsanitize=fuzzer -Itests/fuzz -o $@ $< \
	    build/fuzz/libcoffer.a $(LIBS)

fuzz: deps-test
	@$(MAKE) --no-print-directory -j2 fuzz-build
	@sh scripts/fuzz.sh run $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-smoke: deps-test
	@$(MAKE) --no-print-directory -j2 fuzz-build
	@sh scripts/fuzz.sh smoke $(FUZZ_SMOKE_SECONDS) $(FUZZ_TARGETS)

clean:
	rm -rf build

-include $(OBJS:.o=.d) $(SOBJS:.o=.d) $(FUZZ_OBJS:.o=.d)

# stepscope — see README.md. `make run` builds and opens the seed scenario; `make test` builds
# and runs every test, then the suite again under ASan+UBSan.
VERSION := 0.1.0
PREFIX ?= /usr/local
BUILD ?= build
SANITIZE ?= 0
CC ?= cc
PKGS := ncursesw jansson yaml-0.1 libcrypto yajl
# `make V=1` shows full commands.
Q := $(if $(filter 1,$(V)),,@)

CFLAGS ?= -O2 -g
WARN := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wno-unused-parameter
ifeq ($(SANITIZE),1)
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
CFLAGS := -O1 -g
endif

# Library flags come from pkg-config once (again when this file changes, e.g. a new library),
# through a generated file; generating it installs missing libraries first (the deps target).
CONFIG := $(BUILD)/config.mk
NO_CONFIG_GOALS := clean deps deps-test help
ifeq ($(filter $(NO_CONFIG_GOALS),$(MAKECMDGOALS)),)
-include $(CONFIG)
endif

CPPFLAGS += -Isrc -D_DEFAULT_SOURCE -DSTEPSCOPE_VERSION='"$(VERSION)"' \
	-DSTEPSCOPE_DATADIR='"$(PREFIX)/share/stepscope"' \
	$(if $(findstring _XOPEN_SOURCE,$(PKG_CFLAGS)),,-D_XOPEN_SOURCE=700)
ALL_CFLAGS = $(WARN) $(CFLAGS) $(SANFLAGS) $(PKG_CFLAGS) -MMD -MP
LDLIBS += $(PKG_LIBS) -lm -pthread

SRC := $(sort $(wildcard src/*/*.c))
CLI_SRC := $(filter src/cli/%,$(SRC))
LIB_SRC := $(filter-out src/cli/%,$(SRC))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
LIB := $(BUILD)/libstepscope.a
BIN := $(BUILD)/stepscope

UNIT_SRC := $(sort $(wildcard tests/unit/*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all run test check check-asan check-clang check-valgrind unit bench install uninstall clean deps deps-test \
	format help
all: stepscope

# The top-level ./stepscope is the normal build; sanitizer builds stay in their folder.
stepscope: $(BIN)
	@if [ "$(BUILD)" = build ]; then cp $(BIN) $@; fi

$(BIN): $(CLI_OBJ) $(LIB)
	@$(if $(Q),echo "  LD      $@",:)
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(LDLIBS)

$(LIB): $(LIB_OBJ)
	@rm -f $@
	$(Q)$(AR) rcs $@ $^

$(BUILD)/%.o: %.c $(CONFIG)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<",:)
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(CONFIG): Makefile
	@sh tests/tools/deps.sh build
	@mkdir -p $(@D)
	@printf 'PKG_CFLAGS := %s\nPKG_LIBS := %s\nCMOCKA_CFLAGS := %s\nCMOCKA_LIBS := %s\n' \
		"$$(pkg-config --cflags $(PKGS))" "$$(pkg-config --libs $(PKGS))" \
		"$$(pkg-config --cflags cmocka 2>/dev/null)" \
		"$$(pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)" > $@

$(BUILD)/tests/%: tests/unit/%.c $(LIB) $(CONFIG)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  TEST    $@",:)
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(CMOCKA_CFLAGS) -o $@ $< $(LIB) $(CMOCKA_LIBS) $(LDLIBS)

unit: $(UNIT_BIN)

deps:
	@sh tests/tools/deps.sh build

deps-test:
	@sh tests/tools/deps.sh test

run: stepscope
	./stepscope

# One build directory's suite; `make test` runs it for the normal and the sanitizer build.
check: stepscope unit
	@sh tests/tools/run-tests.sh $(BUILD)

check-asan:
	@$(MAKE) --no-print-directory BUILD=build/asan SANITIZE=1 stepscope unit

# The code must stay warning-free with clang too (-Werror): a build-only pass.
check-clang:
	@$(MAKE) --no-print-directory CC=clang BUILD=build/clang build/clang/stepscope unit

# The end-to-end suites with the binary under valgrind: no memory errors, no leaks. Slow, so
# not part of `make test`.
VALGRIND_SUITES ?= cli e2e seed explain install
check-valgrind: stepscope
	@command -v valgrind >/dev/null || { echo "check-valgrind needs valgrind"; exit 2; }
	@mkdir -p build/valgrind
	@printf '#!/bin/sh\nexec valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect --track-fds=no "%s/build/stepscope" "$$@"\n' "$(CURDIR)" > build/valgrind/stepscope
	@chmod +x build/valgrind/stepscope
	@SUITES="$(VALGRIND_SUITES)" sh tests/tools/run-tests.sh build/valgrind

test: deps-test
	@$(MAKE) --no-print-directory stepscope unit
	@$(MAKE) --no-print-directory check-asan
	@$(MAKE) --no-print-directory check-clang
	@sh tests/tools/run-tests.sh build build/asan

bench: stepscope
	@sh tests/tools/bench.sh

install: stepscope
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/stepscope
	install -m 755 stepscope $(DESTDIR)$(PREFIX)/bin/stepscope
	install -m 644 assets/stepscope.1 $(DESTDIR)$(PREFIX)/share/man/man1/stepscope.1
	cp -R assets/. $(DESTDIR)$(PREFIX)/share/stepscope/
	cp -R samples $(DESTDIR)$(PREFIX)/share/stepscope/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/stepscope $(DESTDIR)$(PREFIX)/share/man/man1/stepscope.1
	rm -rf $(DESTDIR)$(PREFIX)/share/stepscope

format:
	clang-format -i $(SRC) $(wildcard src/*/*.h) $(UNIT_SRC)

clean:
	rm -rf build stepscope

help:
	@echo "make            build ./stepscope (installs missing libraries first)"
	@echo "make run        build and open the seed scenario (config.yaml)"
	@echo "make test       build and run every test, then again under ASan+UBSan"
	@echo "make check      run the suite for one build (BUILD=dir)"
	@echo "make bench      benchmarks"
	@echo "make install    install into PREFIX (default /usr/local)"
	@echo "make deps       install the libraries stepscope needs"

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)

# ---- fuzzing (tests/fuzz/) ----
# Each tests/fuzz/fz_*.c is a libFuzzer target. `make fuzz [FUZZ_SECONDS=N]` builds the library
# and the targets with clang (-fsanitize=fuzzer,address,undefined) into build/fuzz/ and runs
# each target for N seconds, one at a time. Every build also links each target with
# tests/fuzz/runner.c (a plain main, the normal compiler) into $(BUILD)/fuzz-regress/; the
# golden suite tests/fuzz/run.sh replays the seeds and regression cases through them.
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fz_*.c))
FUZZ_RUNNERS := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz-regress/%)
FUZZ_SECONDS ?= 20
# FUZZ_RUNS=N: N inputs per target with a fixed seed instead of a time budget (reproducible).
FUZZ_RUNS ?=
ifeq ($(SANITIZE),fuzz)
SANFLAGS := -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
CFLAGS := -O1 -g
endif

.PHONY: fuzz fuzz-targets
unit: $(FUZZ_RUNNERS)

$(BUILD)/fuzz-regress/%: tests/fuzz/%.c tests/fuzz/runner.c $(wildcard tests/fuzz/*.h) $(LIB) \
		$(CONFIG)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  FUZZREG $@",:)
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $< tests/fuzz/runner.c $(LIB) $(LDLIBS)

fuzz-targets: $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/bin/%)

$(BUILD)/bin/%: tests/fuzz/%.c $(wildcard tests/fuzz/*.h) $(LIB) $(CONFIG)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  FUZZ    $@",:)
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -fsanitize=fuzzer -o $@ $< $(LIB) $(LDLIBS)

fuzz:
	@sh tests/tools/deps.sh fuzz
	@$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang SANITIZE=fuzz fuzz-targets
	@FUZZ_RUNS=$(FUZZ_RUNS) sh tests/fuzz/fuzz.sh build/fuzz $(FUZZ_SECONDS)

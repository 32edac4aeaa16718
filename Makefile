# clobber - non-recursive Makefile.
#
#   make            build bin/clobber
#   make test       build and run the tests, then again under ASan+UBSan
#   make demo       build, run scenarios/compare.yaml, draw its charts
#   make bench      the benchmark suite
#   make test-slurm the Slurm recipe on a single-node cluster it starts (root)
#   make test-fresh the README's commands on a fresh minimal Debian 12 (root)
#   make install    bin/clobber and clobber.1 under $(PREFIX)
#
# Every object but main.o goes into one static library per variant, which
# the binary and the tests link, so tests run exactly the shipped code.
# Variants: build/rel (optimised) and build/san (AddressSanitizer + UBSan),
# generated from one template.

CC ?= cc
PREFIX ?= /usr/local
WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Werror
BASEFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -g -MMD -MP -I. -Ibuild/gen $(WARN)
LIBS := -lsqlite3 -lyaml -lgsl -lgslcblas -lpthread -lm
TESTLIBS := -lcmocka

LIB_SRC := $(sort $(wildcard sim/core/*.c sim/truth/*.c models/*.c sim/app/*.c))
LIB_SRC := $(filter-out sim/app/main.c,$(LIB_SRC))
TEST_SRC := $(sort $(wildcard tests/test_*.c))
TEST_NAMES := $(notdir $(TEST_SRC:.c=))
FUZZ_NAMES := scenario parsers

REL := build/rel
SAN := build/san
REL_FLAGS := -O2 -flto=auto
SAN_FLAGS := -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

.SECONDARY:
.PHONY: all test test-rel test-san demo bench install clean setup setup-test fuzz analyze docs
.PHONY: test-slurm test-fresh
.DEFAULT_GOAL := all

all: bin/clobber

# Dependencies: checked (and installed, as root) by scripts/setup.sh.
build/.setup-build: scripts/setup.sh
	@sh scripts/setup.sh build
	@mkdir -p build && touch $@
build/.setup-test: scripts/setup.sh
	@sh scripts/setup.sh test
	@mkdir -p build && touch $@
setup: build/.setup-build
setup-test: build/.setup-test

# variant template: $(1) = dir, $(2) = extra flags
define VARIANT
$(1)/%.o: %.c | build/.setup-build
	@mkdir -p $$(dir $$@)
	$$(CC) $$(BASEFLAGS) $(2) $$(CFLAGS) -c $$< -o $$@

$(1)/libclobber.a: $$(LIB_SRC:%.c=$(1)/%.o)
	@rm -f $$@
	ar rcs $$@ $$^

$(1)/tests/%: $(1)/tests/%.o $(1)/libclobber.a
	$$(CC) $(2) $$(CFLAGS) -o $$@ $$^ $$(TESTLIBS) $$(LIBS)

$(1)/tests/fuzz/replay_%: $(1)/tests/fuzz/replay.o $(1)/tests/fuzz/fuzz_%.o $(1)/libclobber.a
	$$(CC) $(2) $$(CFLAGS) -o $$@ $$^ $$(LIBS)

$(1)/bench/bench: $(1)/bench/bench.o $(1)/bench/floor.o $(1)/bench/resume.o $(1)/libclobber.a
	$$(CC) $(2) $$(CFLAGS) -o $$@ $$^ $$(LIBS)

$(1)/bin/clobber: $(1)/sim/app/main.o $(1)/libclobber.a
	@mkdir -p $$(dir $$@)
	$$(CC) $(2) $$(CFLAGS) -o $$@ $$^ $$(LIBS)

-include $$(wildcard $(1)/*/*.d $(1)/*/*/*.d $(1)/*/*/*/*.d)
endef

$(eval $(call VARIANT,$(REL),$(REL_FLAGS)))
$(eval $(call VARIANT,$(SAN),$(SAN_FLAGS)))

# The chart theme plots/theme.gp, built into clobber as a C string for the
# charts drawn where no theme.gp is at hand (sim/app/gnuplot.c includes it
# as sim/app/theme.inc, found under build/gen/).
build/gen/sim/app/theme.inc: plots/theme.gp
	@mkdir -p $(dir $@)
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/?/\\?/g' -e 's/^/"/' -e 's/$$/\\n"/' $< > $@.tmp
	@mv $@.tmp $@
$(REL)/sim/app/gnuplot.o $(SAN)/sim/app/gnuplot.o $(FUZZ)/sim/app/gnuplot.o: build/gen/sim/app/theme.inc

bin/clobber: $(REL)/bin/clobber
	@mkdir -p bin
	cp $< $@

# Tests run with the binary they may call in CLOBBER (the same variant).
test: build/.setup-test
	@sh scripts/check-layers.sh
	@$(MAKE) --no-print-directory test-rel
	@$(MAKE) --no-print-directory test-san
	@echo "make test: all tests passed (release and ASan+UBSan builds)"

test-rel: $(TEST_NAMES:%=$(REL)/tests/%) $(REL)/bin/clobber bin/clobber
	@CLOBBER=$(REL)/bin/clobber sh tests/run.sh $(REL) $(TEST_NAMES)

test-san: $(TEST_NAMES:%=$(SAN)/tests/%) $(SAN)/bin/clobber $(FUZZ_NAMES:%=$(SAN)/tests/fuzz/replay_%)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		CLOBBER=$(SAN)/bin/clobber CLOBBER_SANITIZED=1 sh tests/run.sh $(SAN) $(TEST_NAMES)
	@# the fuzzers' regression corpora (and the shipped scenarios), replayed
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1 \
		$(SAN)/tests/fuzz/replay_scenario tests/fuzz/regressions/scenario scenarios scenarios/labs
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1 \
		$(SAN)/tests/fuzz/replay_parsers tests/fuzz/regressions/parsers tests/fuzz/seeds/parsers

# The Slurm recipe (scripts/slurm-sweep.sh) on a single-node cluster that
# tests/slurm.sh starts on 127.0.0.1 and stops again (as root).
test-slurm: build/.setup-slurm bin/clobber
	@sh tests/slurm.sh bin/clobber
build/.setup-slurm: scripts/setup.sh
	@sh scripts/setup.sh slurm
	@mkdir -p build && touch $@

# The README's two commands, as typed, on a fresh minimal Debian 12 built by
# debootstrap (tests/fresh.sh; as root).
test-fresh: build/.setup-fresh
	@sh tests/fresh.sh
build/.setup-fresh: scripts/setup.sh
	@sh scripts/setup.sh fresh
	@mkdir -p build && touch $@

# Static analysis and a leak check (CI runs it after the tests):
#   cppcheck with the checks warning, performance, portability and style
#   (inline suppressions carry their reason); valgrind --leak-check=full on
#   an end-to-end run with two threads and both recordings, its merge into a
#   new database and a shard's run list: no leak, no error.
CPPCHECK_CHECKS := warning,performance,portability,style
analyze: build/.setup-analyze bin/clobber
	cppcheck --enable=$(CPPCHECK_CHECKS) --std=c11 -D_POSIX_C_SOURCE=200809L -I. -Ibuild/gen --inline-suppr \
		--quiet --error-exitcode=1 sim models tests/fuzz bench
	sh scripts/check-layers.sh
	@rm -f build/analyze.db build/analyze.db-wal build/analyze.db-shm
	valgrind --quiet --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all \
		--error-exitcode=1 ./bin/clobber run scenarios/labs/03-shopping-cart.yaml \
		scenarios/compare.yaml -o build/analyze.db -j 2 --set stop.ops=300 \
		--set replications=1 --record ops --record trace
	valgrind --quiet --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all \
		--error-exitcode=1 ./bin/clobber report build/analyze.db >/dev/null
	@rm -f build/analyze-merged.db build/analyze-merged.db-wal build/analyze-merged.db-shm
	valgrind --quiet --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all \
		--error-exitcode=1 ./bin/clobber merge build/analyze-merged.db build/analyze.db >/dev/null
	valgrind --quiet --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all \
		--error-exitcode=1 ./bin/clobber check scenarios/compare.yaml --shard 2/3 >/dev/null
	@echo "make analyze: cppcheck clean, valgrind: no leaks, no errors"
build/.setup-analyze: scripts/setup.sh
	@sh scripts/setup.sh build analyze
	@mkdir -p build && touch $@

# Fuzzing with libFuzzer (clang): FUZZ_TIME seconds per harness, seeded
# from scenarios/ and tests/fuzz/seeds/; inputs that crash or hang are
# written to tests/fuzz/found/ (fix, then move them to regressions/).
FUZZ_TIME ?= 120
FUZZ := build/fuzz
FUZZ_FLAGS := -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_OBJ := $(LIB_SRC:%.c=$(FUZZ)/%.o)
$(FUZZ)/%.o: %.c | build/.setup-fuzz
	@mkdir -p $(dir $@)
	clang $(BASEFLAGS) $(FUZZ_FLAGS) -c $< -o $@
$(FUZZ)/fuzz_%: $(FUZZ)/tests/fuzz/fuzz_%.o $(FUZZ_OBJ)
	clang -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -o $@ $^ $(LIBS)
# header dependencies, as in the other variants (a stale object of an old
# struct layout reads as a buffer overflow)
-include $(wildcard $(FUZZ)/*/*.d $(FUZZ)/*/*/*.d $(FUZZ)/*/*/*/*.d $(FUZZ)/*/*/*/*/*.d)
build/.setup-fuzz: scripts/setup.sh
	@sh scripts/setup.sh build fuzz
	@mkdir -p build && touch $@
fuzz: $(FUZZ_NAMES:%=$(FUZZ)/fuzz_%)
	@mkdir -p tests/fuzz/found $(FUZZ)/corpus/scenario $(FUZZ)/corpus/parsers
	@cp scenarios/*.yaml scenarios/labs/*.yaml tests/fuzz/regressions/scenario/* $(FUZZ)/corpus/scenario/ 2>/dev/null || true
	@cp tests/fuzz/seeds/parsers/* tests/fuzz/regressions/parsers/* $(FUZZ)/corpus/parsers/ 2>/dev/null || true
	$(FUZZ)/fuzz_scenario -max_total_time=$(FUZZ_TIME) -timeout=10 -rss_limit_mb=4096 \
		-dict=tests/fuzz/scenario.dict -artifact_prefix=tests/fuzz/found/scenario- $(FUZZ)/corpus/scenario
	$(FUZZ)/fuzz_parsers -max_total_time=$(FUZZ_TIME) -timeout=10 -rss_limit_mb=4096 \
		-dict=tests/fuzz/parsers.dict -artifact_prefix=tests/fuzz/found/parsers- $(FUZZ)/corpus/parsers

# The benchmark suite: the kernel's hold model beside every case, memory,
# --record ops, -j 2 against -j 1, and the SimPy peer (docs/performance.md).
bench: build/.setup-bench $(REL)/bench/bench
	@$(REL)/bench/bench
	@echo
	@/usr/bin/python3 bench/peer.py $(REL)/bench/bench 5

build/.setup-bench: scripts/setup.sh
	@sh scripts/setup.sh bench
	@mkdir -p build && touch $@

# The README's main command: set up what is missing, build, run the default
# comparison, draw its charts, print the report and where the charts are.
demo: build/.setup-demo bin/clobber
	./bin/clobber run scenarios/compare.yaml
	./bin/clobber plot results/compare.db
	./bin/clobber report results/compare.db
	@echo
	@echo "results: results/compare.db (SQLite)   charts: plots/compare/*.png, all on plots/compare/index.html"
	@echo "next: ./bin/clobber trace scenarios/labs/01-lost-increment.yaml   (docs/labs/)"
	@echo "more: scenarios/strategies.yaml, pbs.yaml, crossover.yaml, and nemesis.yaml (run it with --record ops)"

build/.setup-demo: scripts/setup.sh
	@sh scripts/setup.sh demo
	@mkdir -p build && touch $@

# The reference tables of docs/scenarios.md, regenerated from the tables
# they document (test_schema fails when they disagree).
docs: $(REL)/tests/docgen
	$(REL)/tests/docgen docs/scenarios.md

install: bin/clobber
	install -D -m 755 bin/clobber $(DESTDIR)$(PREFIX)/bin/clobber
	install -D -m 644 clobber.1 $(DESTDIR)$(PREFIX)/share/man/man1/clobber.1

clean:
	rm -rf build bin

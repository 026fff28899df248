# Fuzzing: a libFuzzer target for every parser of nsinit's input. Included
# from the Makefile; reuses its BUILD, CPPFLAGS and WARNINGS.
#
#   make fuzz          install clang and libFuzzer if missing, build the
#                      targets into $(BUILD)/fuzz/ and run each for its share
#                      of FUZZ_SECONDS on a scratch copy of its seed corpus;
#                      fails on any crash, leak, undefined behaviour or broken
#                      invariant, naming the reproducer
#   make fuzz-build    only build the targets
#
#   make fuzz FUZZ_SECONDS=600 FUZZ_TARGETS=options    one target, longer
#   $(BUILD)/fuzz/fuzz_options FILE                    replay one input
#
# The targets (tests/fuzz/fuzz_TARGET.c, seeds in tests/fuzz/corpus/TARGET/):
#   options      options_parse on any argv (the input split on NUL bytes)
#   signame      signame_parse, and signame_format round trips
#   duration     duration_parse, against a long double reference
#   rewrite      -r FROM:TO specs through options_parse, against signame_parse
#   caps         capname_parse (libcap names them back: the oracle)
#   environment  environment_read after options_parse, the five variables
#                taken from the input
#   fmt          fmt_v with fixed formats and fuzzed arguments, against glibc
#
# Like the unit tests, the targets compile the files under test directly,
# here with clang's libFuzzer, ASan and UBSan. Each also checks the
# invariants the rest of nsinit relies on, and aborts when one breaks.
#
# Variables: FUZZ_SECONDS (total, split evenly over the targets), FUZZ_TARGETS,
# FUZZ_FLAGS (extra libFuzzer flags, e.g. -jobs=2), FUZZ_CC.

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_FLAGS   ?=
FUZZ_TARGETS ?= options signame duration rewrite caps environment fmt passwd execwhy num
FUZZ_DIR     := $(BUILD)/fuzz
# The parsers, and what they link against.
FUZZ_SUBJECT := lib/clock.c lib/fmt.c lib/signame.c lib/duration.c init/options.c init/environment.c \
                lib/capname.c lib/msg.c lib/sys.c lib/exitcode.c lib/errtext.c lib/num.c lib/passwd.c \
                lib/execwhy.c
FUZZ_OBJS    := $(FUZZ_SUBJECT:%.c=$(FUZZ_DIR)/obj/%.o)
FUZZ_BINS    := $(FUZZ_TARGETS:%=$(FUZZ_DIR)/fuzz_%)
FUZZ_CFLAGS  := -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -g -O1 \
                -fno-omit-frame-pointer
FUZZ_HEADERS := $(wildcard lib/*.h init/*.h spawn/*.h) tests/fuzz/fuzz.h

export FUZZ_FLAGS

.PHONY: fuzz fuzz-build fuzz-deps

fuzz: fuzz-build
	sh tests/fuzz/run.sh $(FUZZ_DIR) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-build: $(FUZZ_BINS)

# clang alone may lack libFuzzer's runtime (libclang-rt-dev in Debian), so
# try linking a target rather than looking for the compiler.
fuzz-deps:
	@mkdir -p $(FUZZ_DIR)
	@missing=; \
	echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }' | \
		$(FUZZ_CC) -fsanitize=fuzzer,address,undefined -x c -o $(FUZZ_DIR)/probe - \
		>/dev/null 2>&1 || missing="clang libclang-rt-dev"; \
	[ -e /usr/include/sys/capability.h ] || missing="$$missing libcap-dev"; \
	[ -z "$$missing" ] || sh packaging/install.sh $$missing

$(FUZZ_OBJS): $(FUZZ_DIR)/obj/%.o: %.c $(FUZZ_HEADERS) | fuzz-deps
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(WARNINGS) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_BINS): $(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJS) $(FUZZ_HEADERS) | fuzz-deps
	$(FUZZ_CC) $(CPPFLAGS) $(WARNINGS) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_OBJS) -lcap -lm

/*
 * fuzz_scenario.c - libFuzzer harness for the scenario loader: parse the
 * input as a scenario file, check it (every point, when the sweep is small
 * enough to check quickly), and write the parameters of its first run.
 * Built by `make fuzz` (clang, -fsanitize=fuzzer,address,undefined); the
 * regression corpus is replayed by tests/fuzz/replay.c under `make test`.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/app/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > SCENARIO_MAX_FILE)
		return 0;
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	struct sdiag d;
	struct scenario *s = scenario_parse("fuzz.yaml", text, size, NULL, 0, &d);
	if (s && scenario_runs(s) <= 2000 && scenario_check(s, &d) == 0) {
		struct run_spec r;
		if (scenario_resolve(s, 0, 0, &r, &d) == 0) {
			struct strbuf b;
			sb_init(&b);
			scenario_params_json(s, &r, 0, &b);
			sb_free(&b);
			run_spec_free(&r);
		}
	}
	scenario_free(s);
	free(text);
	return 0;
}

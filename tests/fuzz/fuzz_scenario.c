/*
 * fuzz_scenario.c - libFuzzer harness for the scenario loader: parse the
 * input as a scenario file, check it (every point, when the sweep is small
 * enough to check quickly), write the parameters of its first run, and run
 * a few of its runs a little: a loaded scenario must also run without
 * undefined behaviour (a clock that overflows, a loop that never advances
 * time), and the kernel's guards must stop what cannot go on.
 * Built by `make fuzz` (clang, -fsanitize=fuzzer,address,undefined, every
 * sanitizer report fatal); the regression corpus is replayed by
 * tests/fuzz/replay.c under `make test`.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/app/runner.h"
#include "sim/app/scenario.h"
#include "sim/core/kernel.h"

/* Each run is bounded so that one input takes milliseconds: at most
 * FUZZ_EVENTS events, FUZZ_INSTANT of them at one instant (a loop that does
 * not advance time is stopped there, as the default limit would stop it
 * much later), FUZZ_OPS operations when stopped by a count; runs of more
 * clients or keys are not started (their allocation alone is slow). */
#define FUZZ_EVENTS 3000
#define FUZZ_INSTANT 1000
#define FUZZ_OPS 100
#define FUZZ_CLIENTS 2000
#define FUZZ_KEYS 100000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What must hold of a run, whatever the scenario: it ends normally or by a
 * guard, its clock never passes KERNEL_TIME_MAX, and it counts no more
 * outcomes than operations.  A violation aborts: a finding. */
static void run_a_little(const struct run_config *resolved)
{
	struct run_config cfg = *resolved;
	if (cfg.clients > FUZZ_CLIENTS || cfg.keys > FUZZ_KEYS)
		return;
	if (cfg.stop_ops > FUZZ_OPS)
		cfg.stop_ops = FUZZ_OPS;
	cfg.max_events = FUZZ_EVENTS;
	cfg.instant_limit = FUZZ_INSTANT;
	cfg.record_ops = true;
	cfg.record_trace = true;
	struct run_result r;
	int rc = runner_run(&cfg, &r, NULL, NULL);
	switch (rc) {
	case 0: {
		double t = r.metric[M_SIM_TIME], ops = r.metric[M_OPS];
		if (!(t >= 0 && t <= (double)KERNEL_TIME_MAX / 1e9))
			abort();
		if (!(r.metric[M_EVENTS] <= FUZZ_EVENTS))
			abort();
		if (!(r.metric[M_OPS_OK] + r.metric[M_OPS_ABORTED] + r.metric[M_OPS_FAILED] <= ops))
			abort();
		run_result_free(&r);
		break;
	}
	case -ERANGE:
		if (r.failed_at < 0 || r.failed_at > KERNEL_TIME_MAX)
			abort();
		break;
	case -ELOOP:
	case -E2BIG:
	case -ENOMEM:
		break;
	default:
		abort();
	}
}

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
			run_a_little(&r.cfg);
			run_spec_free(&r);
		}
		/* the second policy at the first point, and the last point */
		uint64_t last = scenario_points(s) - 1;
		if (s->npolicies > 1 && scenario_resolve(s, 0, 1, &r, &d) == 0) {
			run_a_little(&r.cfg);
			run_spec_free(&r);
		}
		if (last > 0 && scenario_resolve(s, last, 0, &r, &d) == 0) {
			run_a_little(&r.cfg);
			run_spec_free(&r);
		}
	}
	scenario_free(s);
	free(text);
	return 0;
}

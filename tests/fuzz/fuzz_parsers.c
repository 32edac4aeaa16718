/*
 * fuzz_parsers.c - libFuzzer harness for the value parsers: durations,
 * rates, numbers, counts, distributions (both units, then printed back and
 * parsed again: the round trip must give the same distribution), key
 * choosers and every policy option.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "models/model.h"
#include "sim/core/dist.h"
#include "sim/core/keys.h"
#include "sim/core/units.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	struct parse_error e;
	double x;
	int64_t ns;
	uint64_t n;
	units_duration(s, &x, &e);
	units_duration_ns(s, &ns, &e);
	units_rate(s, &x, &e);
	units_number(s, &x, &e);
	units_count(s, &n, &e);
	for (int u = 0; u < 2; u++) {
		struct dist d, again;
		if (dist_parse(s, (enum dist_unit)u, &d, &e) == 0) {
			char buf[128];
			dist_format(&d, (enum dist_unit)u, buf, sizeof(buf));
			if (dist_parse(buf, (enum dist_unit)u, &again, &e) != 0 || again.kind != d.kind)
				abort(); /* what we print must read back */
		}
	}
	struct keys_spec k;
	keys_parse(s, &k, &e);
	unsigned char opts[POLICY_OPTS_MAX];
	for (size_t i = 0; i < registry_count(); i++) {
		const struct policy *p = registry_at(i);
		for (const struct field *o = p->options; o && o->name; o++) {
			policy_defaults(p, opts);
			policy_set_option(p, opts, o->name, s, &e);
		}
	}
	free(s);
	return 0;
}

/*
 * phases.c - the next arrival of a piecewise-constant Poisson process.
 * See phases.h.
 */
#include "sim/core/phases.h"

#define MAX_DELAY 4e18 /* ns: as dist_sample_ns clamps draws */

/* now + ns, rounded, without overflow. */
static int64_t after(int64_t now, double ns)
{
	if (!(ns < MAX_DELAY))
		ns = MAX_DELAY;
	return now + (int64_t)(ns + 0.5);
}

int64_t phases_next(const struct load_phase *ph, uint32_t n, int64_t now, double e)
{
	int64_t t = now;
	uint32_t i = 0;
	while (i < n && ph[i].end <= t)
		i++;
	for (; i < n; i++) {
		double span = (double)(ph[i].end - t); /* ns left in phase i */
		double rate = ph[i].rate / 1e9;	       /* per ns */
		if (rate > 0 && e < rate * span)
			return after(t, e / rate);
		e -= rate * span;
		t = ph[i].end;
	}
	double rate = n ? ph[n - 1].rate / 1e9 : 0;
	if (!(rate > 0))
		return -1;
	if (e < 0)
		e = 0;
	return after(t, e / rate);
}

double phases_expected(const struct load_phase *ph, uint32_t n, int64_t until)
{
	double sum = 0;
	int64_t start = 0;
	for (uint32_t i = 0; i < n && start < until; i++) {
		int64_t end = ph[i].end < until ? ph[i].end : until;
		sum += ph[i].rate * (double)(end - start) / 1e9;
		start = ph[i].end;
	}
	if (n && until > ph[n - 1].end)
		sum += ph[n - 1].rate * (double)(until - ph[n - 1].end) / 1e9;
	return sum;
}

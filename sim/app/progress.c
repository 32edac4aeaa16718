/*
 * progress.c - the progress line.
 */
#include "sim/app/progress.h"

#include <stdio.h>
#include <time.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void progress_init(struct progress *p, const char *name, uint64_t total, bool enabled)
{
	p->name = name;
	p->total = total;
	p->enabled = enabled && total > 0;
	p->drawn = false;
	p->start = p->last = now_s();
}

static void human(double x, char *buf, size_t n)
{
	if (x >= 1e9)
		snprintf(buf, n, "%.1fG", x / 1e9);
	else if (x >= 1e6)
		snprintf(buf, n, "%.1fM", x / 1e6);
	else if (x >= 1e3)
		snprintf(buf, n, "%.1fk", x / 1e3);
	else
		snprintf(buf, n, "%.0f", x);
}

void progress_update(struct progress *p, uint64_t done, uint64_t events)
{
	if (!p->enabled)
		return;
	double t = now_s();
	if (t - p->last < 0.2 && done < p->total)
		return;
	p->last = t;
	double elapsed = t - p->start;
	char rate[16];
	human(elapsed > 0 ? (double)events / elapsed : 0, rate, sizeof(rate));
	char left[32] = "--";
	if (done > 0 && done < p->total) {
		double secs = elapsed / (double)done * (double)(p->total - done);
		snprintf(left, sizeof(left), "%d:%02d", (int)(secs / 60), (int)secs % 60);
	} else if (done >= p->total) {
		snprintf(left, sizeof(left), "0:00");
	}
	fprintf(stderr, "\r  %s: %llu/%llu runs, %s events/s, %s left  ", p->name,
		(unsigned long long)done, (unsigned long long)p->total, rate, left);
	fflush(stderr);
	p->drawn = true;
}

void progress_end(struct progress *p)
{
	if (p->drawn) {
		fputc('\n', stderr);
		fflush(stderr);
	}
}

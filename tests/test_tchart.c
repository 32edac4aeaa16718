/*
 * test_tchart.c - the swimlane chart's shading of fault windows
 * (sim/app/tchart.c, tchart_bands), against windows and trace rows made by
 * hand: a crash and a pause on their own lanes, a partition on the lanes
 * of the nodes it cut off (from the partition rows and the nodes they
 * name, a one-way cut included), message loss across every lane, a clock
 * jump as a mark with the step its row carries, bands clipped to the
 * trace's span, a window that lasts to the end ending with the last row,
 * and windows of actors without a lane, or outside the span, left out.
 */
#include "testutil.h"

#include "sim/app/tchart.h"
#include "sim/app/tview.h"

/* The code of fault event `name` in the world's vocabulary. */
static uint16_t fault_code(const char *name)
{
	const struct policy *p = registry_find("lww");
	const struct repl *r = registry_repl_find("primary");
	for (unsigned code = TR_FAULT; code < TR_MAX; code++) {
		const struct trace_vocab *v = model_event(p, r, code);
		if (v && strcmp(v->name, name) == 0)
			return (uint16_t)code;
	}
	fail_msg("no fault event %s", name);
	return 0;
}

static struct trace_row row(int64_t ms, uint32_t actor, unsigned ev, int64_t aux, uint32_t detail)
{
	struct trace_row t = {.time = ms * KERNEL_MS, .op = UINT64_MAX, .actor = actor,
			      .version = HIST_NONE, .event = (uint16_t)ev, .value = -1, .aux = aux,
			      .detail = detail};
	return t;
}

static struct fault_window win(int kind, int target, uint32_t index, int64_t start_ms, int64_t end_ms)
{
	return (struct fault_window){.kind = kind, .target = target, .index = index,
				     .start = start_ms * KERNEL_MS,
				     .end = end_ms < 0 ? -1 : end_ms * KERNEL_MS};
}

/* Lanes: client 0, client 1, node 0, node 1, node 2, the lock service (0
 * to 5); node 3 has no row, client 7 neither. */
static void test_bands(void **state)
{
	(void)state;
	/* the partition rows' details: node 0 cut off from n1 and n2 (a
	 * one-way cut from 0: nodes 1 and 2 have no row of their own) */
	static const char text[] = "n1, n2";
	uint16_t issue = TR_ISSUE, crash = fault_code("crash"), cut = fault_code("partition"),
		 jump = fault_code("clock-jump"), pause = fault_code("pause");
	struct trace_row rows[] = {
		row(10, 0, issue, 0, TRACE_NO_DETAIL),
		row(12, 1, issue, 0, TRACE_NO_DETAIL),
		row(20, TRACE_NODE(1), crash, 0, TRACE_NO_DETAIL),
		row(30, 1, pause, 5 * KERNEL_MS, TRACE_NO_DETAIL),
		row(40, TRACE_NODE(0), cut, 0, 0),
		row(45, TRACE_NODE(2), jump, -7 * KERNEL_MS, TRACE_NO_DETAIL),
		row(50, TRACE_SERVICE, pause, 5 * KERNEL_MS, TRACE_NO_DETAIL),
		row(90, 0, issue, 0, TRACE_NO_DETAIL),
	};
	struct fault_window w[] = {
		win(FAULT_PAUSE, FAULT_ON_NODE, 0, 0, 5),	   /* before the first row: left out */
		win(FAULT_CRASH, FAULT_ON_PRIMARY, 1, 20, 50),	   /* node 1's lane */
		win(FAULT_PAUSE, FAULT_ON_CLIENT, 1, 30, 35),	   /* client 1's lane */
		win(FAULT_PARTITION, FAULT_ON_NETWORK, 0, 40, 60), /* nodes 0, 1, 2 */
		win(FAULT_CLOCK_JUMP, FAULT_ON_NODE, 2, 45, 45),   /* a mark on node 2, -7ms */
		win(FAULT_LOSS, FAULT_ON_NETWORK, 0, 5, 15),	   /* every lane, from the first row */
		win(FAULT_CRASH, FAULT_ON_NODE, 3, 50, 60),	   /* node 3 has no lane */
		win(FAULT_CRASH, FAULT_ON_CLIENT, 7, 50, -1),	   /* nor has client 7 */
		win(FAULT_PAUSE, FAULT_ON_NODE, 2, 80, -1),	   /* to the end: the last row */
		win(FAULT_PAUSE, FAULT_ON_SERVICE, 0, 50, 55),	   /* the lock service's lane */
		win(FAULT_CRASH, FAULT_ON_SERVICE, 0, 95, 99),	   /* after the last row */
	};
	struct tview v = {.policy = registry_find("lww"), .repl = registry_repl_find("primary"),
			  .rows = rows, .nrows = sizeof(rows) / sizeof(rows[0]), .text = text,
			  .faults = w, .nfaults = sizeof(w) / sizeof(w[0])};
	assert_int_equal(tview_init(&v), 0);
	assert_int_equal(v.nlanes, 6);
	struct tchart_band *b;
	size_t n;
	assert_int_equal(tchart_bands(&v, &b, &n), 0);
	static const struct {
		int kind;
		double x0, x1;
		uint32_t lane;
		double by_ms;
	} want[] = {
		{FAULT_CRASH, 20, 50, 3, 0},	 {FAULT_PAUSE, 30, 35, 1, 0},
		{FAULT_PARTITION, 40, 60, 2, 0}, {FAULT_PARTITION, 40, 60, 3, 0},
		{FAULT_PARTITION, 40, 60, 4, 0}, {FAULT_CLOCK_JUMP, 45, 45, 4, -7},
		{FAULT_LOSS, 10, 15, TCHART_ALL_LANES, 0}, {FAULT_PAUSE, 80, 90, 4, 0},
		{FAULT_PAUSE, 50, 55, 5, 0},
	};
	size_t nwant = sizeof(want) / sizeof(want[0]);
	if (n != nwant) {
		for (size_t i = 0; i < n; i++)
			print_error("band %zu: kind %d %g..%g lane %u\n", i, b[i].kind, b[i].x0, b[i].x1,
				    b[i].lane);
		fail_msg("%zu bands, expected %zu", n, nwant);
	}
	for (size_t i = 0; i < n; i++) {
		if (b[i].kind != want[i].kind || b[i].lane != want[i].lane)
			fail_msg("band %zu: kind %d on lane %u, expected kind %d on lane %u", i, b[i].kind,
				 b[i].lane, want[i].kind, want[i].lane);
		check_near(b[i].x0, want[i].x0, 1e-9, "band start (ms)");
		check_near(b[i].x1, want[i].x1, 1e-9, "band end (ms)");
		check_near((double)b[i].by / 1e6, want[i].by_ms, 1e-9, "clock jump step (ms)");
	}
	free(b);
	/* no windows: no bands */
	v.nfaults = 0;
	assert_int_equal(tchart_bands(&v, &b, &n), 0);
	assert_int_equal(n, 0);
	assert_null(b);
	tview_free(&v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bands),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

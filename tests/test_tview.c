/*
 * test_tview.c - trace rows as text (sim/app/tview.c): lanes for every
 * actor, templates, and the timeline laid out to a width.
 *
 * The rows are made by hand, so every expected line below is written out
 * from the templates of the world's events (models/world.c) and the
 * layout rules of tview.h: clients first, then nodes, one node called
 * "store"; a detail in parentheses; columns when every line fits, else
 * who/event, no line longer than the width, marks never split.
 */
#include "testutil.h"

#include "sim/app/tview.h"

static struct trace_row row(int64_t ms, uint32_t actor, uint64_t op, unsigned ev, uint32_t version,
			    int64_t value, int64_t aux)
{
	struct trace_row t = {.time = ms * KERNEL_MS, .op = op, .actor = actor, .key = 0,
			      .version = version, .event = (uint16_t)ev, .kind = OP_INCR,
			      .value = value, .aux = aux, .detail = TRACE_NO_DETAIL};
	return t;
}

/* Prints v at width into a string (the caller frees it). */
static char *printed(const struct tview *v, int width)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(tview_print(v, width, f), 0);
	fclose(f);
	return buf;
}

static size_t longest_line(const char *s)
{
	size_t best = 0;
	for (const char *p = s; *p;) {
		size_t n = strcspn(p, "\n");
		best = n > best ? n : best;
		p += n + (p[n] == '\n');
	}
	return best;
}

/* Three nodes and two clients, out of order: lanes are the clients, then
 * the nodes, each by index, and nobody is "store". */
static void test_lanes(void **state)
{
	(void)state;
	struct trace_row rows[] = {
		row(0, 1, 0, TR_ISSUE, HIST_NONE, -1, 0),
		row(1, TRACE_NODE(2), 0, TR_READ, HIST_NONE, 0, 0),
		row(2, 0, 1, TR_ISSUE, HIST_NONE, -1, 0),
		row(3, TRACE_NODE(0), 1, TR_READ, HIST_NONE, 0, 0),
		row(4, TRACE_NODE(1), 1, TR_READ, HIST_NONE, 0, 0),
	};
	struct tview v = {.policy = registry_find("lww"), .repl = registry_repl_find("none"),
			  .rows = rows, .nrows = 5};
	assert_int_equal(tview_init(&v), 0);
	static const char *const want[] = {"client 0", "client 1", "node 0", "node 1", "node 2"};
	assert_int_equal(v.nlanes, 5);
	for (uint32_t l = 0; l < 5; l++) {
		char name[32];
		tview_lane_name(&v, l, name, sizeof(name));
		assert_string_equal(name, want[l]);
	}
	assert_int_equal(tview_lane(&v, TRACE_NODE(1)), 3);
	/* wide: a column per lane, in that order */
	char *out = printed(&v, 200);
	const char *h = strstr(out, "time (ms)");
	assert_non_null(h);
	const char *at = h;
	for (int l = 0; l < 5; l++) {
		const char *p = strstr(at, want[l]);
		if (!p || p - h > 200)
			fail_msg("lane '%s' not in order in the header:\n%s", want[l], out);
		at = p;
	}
	free(out);
	tview_free(&v);
	/* one node: the store */
	struct tview one = {.policy = v.policy, .repl = v.repl, .rows = rows + 2, .nrows = 2};
	assert_int_equal(tview_init(&one), 0);
	char name[32];
	tview_lane_name(&one, 1, name, sizeof(name));
	assert_string_equal(name, "store");
	tview_free(&one);
}

/* Words from the world's templates: a detail in parentheses after them, a
 * merge naming the sibling it kept (the writer of that version is the op
 * of the rows that wrote it), a lost write marked. */
static void test_words(void **state)
{
	(void)state;
	struct record rec;
	memset(&rec, 0, sizeof(rec));
	struct trace_row rows[] = {
		row(4, TRACE_STORE, 7, TR_APPLIED, 3, 2, 0),
		row(5, 0, 7, TR_ACK, 3, 2, 0),
		row(9, 1, 8, TR_MERGE, 3, -1, 2),
		row(9, 1, 9, TR_MERGE, HIST_NONE, -1, 2),
	};
	rows[0].detail = record_text(&rec, "ts 3ms > 1ms");
	rows[0].lost = 1;
	struct tview v = {.policy = registry_find("lww"), .repl = registry_repl_find("none"),
			  .rows = rows, .nrows = 4, .text = rec.text};
	assert_int_equal(tview_init(&v), 0);
	struct tview_event e;
	tview_event(&v, 0, &e);
	assert_string_equal(e.text, "#7 applied: k0 = 2");
	assert_string_equal(e.detail, "ts 3ms > 1ms");
	assert_string_equal(e.mark, "LOST");
	tview_event(&v, 2, &e);
	assert_string_equal(e.text, "#8 merges 2 siblings, keeps #7's");
	tview_event(&v, 3, &e);
	assert_string_equal(e.text, "#9 merges 2 siblings");
	char *out = printed(&v, 80);
	if (!strstr(out, "store     #7 applied: k0 = 2 (ts 3ms > 1ms)  <-- LOST\n"))
		fail_msg("the detail or the mark is not where it belongs:\n%s", out);
	free(out);
	tview_free(&v);
	record_free(&rec);
}

/* However narrow, no line is longer than the width, and the mark of a
 * wrapped line stays whole and on the event's first line. */
static void test_width(void **state)
{
	(void)state;
	struct record rec;
	memset(&rec, 0, sizeof(rec));
	struct trace_row rows[] = {
		row(0, 0, 0, TR_ISSUE, HIST_NONE, -1, 0),
		row(1, 1, 1, TR_ISSUE, HIST_NONE, -1, 0),
		row(2, 2, 2, TR_ISSUE, HIST_NONE, -1, 0),
		row(4, TRACE_STORE, 0, TR_APPLIED, 1, 12345, 0),
	};
	rows[3].detail = record_text(&rec, "clock {c0:1,c1:2,c2:3,c3:4,c4:5} pruned to {c4:5}");
	rows[3].lost = 1;
	struct tview v = {.policy = registry_find("lww"), .repl = registry_repl_find("none"),
			  .rows = rows, .nrows = 4, .text = rec.text};
	assert_int_equal(tview_init(&v), 0);
	for (int w = TVIEW_MIN_WIDTH; w <= 120; w += 7) {
		char *out = printed(&v, w);
		if (longest_line(out) > (size_t)w)
			fail_msg("--width %d: a line of %zu:\n%s", w, longest_line(out), out);
		const char *m = strstr(out, "<-- LOST");
		if (!m)
			fail_msg("--width %d: the mark is split or gone:\n%s", w, out);
		/* the mark is on the line of the event's words */
		const char *bol = m;
		while (bol > out && bol[-1] != '\n')
			bol--;
		if (w >= 60 && !strstr(bol, "#0 applied"))
			fail_msg("--width %d: the mark left its event's line:\n%s", w, out);
		free(out);
	}
	/* at 200 every line fits: columns, and each event on one line */
	char *out = printed(&v, 200);
	if (strstr(out, "who") || !strstr(out, "#0 applied: k0 = 12345 (clock"))
		fail_msg("--width 200: not the columns layout:\n%s", out);
	free(out);
	tview_free(&v);
	record_free(&rec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lanes),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_width),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_labs.c - every course lab shows what it is about, in a terminal of
 * 80 columns, and a stored trace reads as the trace made on the spot.
 *
 * For each scripted scenario in scenarios/labs/, `clobber trace` (no
 * options: the first policy, sweep point 0) must mark in its timeline the
 * event the lab is about, and tracing the policy (or sweep point) its
 * handout offers as the fix must not show the damage.  The state each lab
 * is about must be printed, with the values worked out by hand from the
 * scenario's story (the handouts tell it; most messages take 1 ms there).
 * Every policy at every sweep point of every lab fits 80 columns.  (The
 * labs' sweep scenarios, NN-*-sweep.yaml, are checked through the numbers
 * their pages quote: test_docs.)  Uses the binary in $CLOBBER (else
 * bin/clobber).
 */
#include "testproc.h"

/* Runs clobber trace FILE [--policy LABEL] [--point POINT] [--width W]
 * [ARGS...] (extra: NULL-terminated, or NULL) and returns its output
 * (valid until the next call). */
static char *trace_full(const char *file, const char *policy, const char *point, const char *width,
			const char *const *extra)
{
	const char *args[24];
	int n = 0;
	args[n++] = "trace";
	args[n++] = file;
	args[n++] = "-o";
	args[n++] = tp_dir;
	if (width) {
		args[n++] = "--width";
		args[n++] = width;
	}
	if (policy) {
		args[n++] = "--policy";
		args[n++] = policy;
	}
	if (point) {
		args[n++] = "--point";
		args[n++] = point;
	}
	for (; extra && *extra && n < 23; extra++)
		args[n++] = *extra;
	args[n] = NULL;
	if (tp_run(NULL, args) != 0)
		fail_msg("clobber trace %s %s %s failed: %s", file, policy ? policy : "", point ? point : "",
			 tp_output("out.txt"));
	return tp_output("out.txt");
}

static char *trace_w(const char *file, const char *policy, const char *width)
{
	return trace_full(file, policy, NULL, width, NULL);
}

static char *trace(const char *file, const char *policy)
{
	return trace_w(file, policy, NULL);
}

/* The same with --set NAME=VALUE (one). */
static char *trace_set(const char *file, const char *policy, const char *set)
{
	const char *extra[] = {"--set", set, NULL};
	return trace_full(file, policy, NULL, NULL, extra);
}

static void must_show(const char *out, const char *what, const char *where)
{
	if (!strstr(out, what))
		fail_msg("%s: the timeline lacks '%s':\n%s", where, what, out);
}

/* The time (ms) of the first timeline row that says `what`: the time
 * column of its line, or of the nearest line above that has one (rows at
 * the same time leave it blank, and a long row wraps). */
static double time_of(const char *out, const char *what, const char *where)
{
	const char *at = strstr(out, what);
	if (!at)
		fail_msg("%s: the timeline lacks '%s':\n%s", where, what, out);
	for (const char *line = at; line > out;) {
		while (line > out && line[-1] != '\n')
			line--;
		char *end;
		double t = strtod(line, &end);
		if (end != line && *end == ' ')
			return t;
		if (line > out)
			line--;
	}
	fail_msg("%s: no time above '%s':\n%s", where, what, out);
	return -1;
}

static void must_show_at(const char *out, double ms, const char *what, const char *where)
{
	double t = time_of(out, what, where);
	if (fabs(t - ms) > 1e-9)
		fail_msg("%s: '%s' at %g ms, expected %g ms:\n%s", where, what, t, ms, out);
}

struct lab {
	const char *file;
	const char *marks[4];	/* must appear, first policy */
	const char *fix;	/* the handout's fix, by label (or by sweep point) */
	const char *fix_shows;	/* must appear with the fix */
	const char *fix_lacks;	/* must not appear with the fix */
	const char *labels[6];	/* every policy of the lab */
	const char *points[4];	/* every sweep point, when it has several */
};

static const struct lab lab_list[] = {
	{"01-lost-increment.yaml", {"<-- LOST"}, "version", "<-- REJECTED", "<-- LOST",
	 {"lww", "version", "lock"}, {NULL}},
	{"02-version-retries.yaml", {"<-- REJECTED"}, NULL, NULL, NULL, {"version", "lww"}, {NULL}},
	{"03-shopping-cart.yaml", {"<-- LOST", "<-- SIBLINGS"}, "union", "<-- SIBLINGS", "<-- LOST",
	 {"max", "union", "lww"}, {NULL}},
	{"04-clock-skew.yaml", {"<-- LOST", "acked, dropped as older"}, "server", NULL, "<-- LOST",
	 {"client", "server", "version"}, {NULL}},
	{"05-lease-fencing.yaml", {"<-- ZOMBIE", "<-- LOST"}, "fencing", "<-- FENCED", "<-- LOST",
	 {"no-fencing", "fencing"}, {NULL}},
	{"06-vector-clocks.yaml", {"<-- SIBLINGS"}, NULL, NULL, NULL,
	 {"vnode", "dvv", "client", "pruned", "overpruned"}, {NULL}},
	/* the timeline has no mark for a stale read: the verdict counts them */
	{"07-quorums-stale-reads.yaml", {"stale reads: 2", "answered after 1 copy"}, "r=2 w=2",
	 "stale reads: 0", "stale reads: 2", {"lww"}, {"r=1 w=1", "r=1 w=2", "r=2 w=1", "r=2 w=2"}},
	{"08-lww-replicas-skew.yaml", {"<-- PARTITION", "TIMED OUT", "<-- LOST"}, "server",
	 "#3 reads k0 = 2", "<-- LOST", {"client", "server", "union"}, {NULL}},
	{"09-failover-term.yaml", {"<-- FAILOVER", "<-- LOST", "<-- TRUNCATED"}, "seq_no_term",
	 "<-- REJECTED", "<-- LOST", {"seq_no", "seq_no_term"}, {NULL}},
	{"10-gc-pause-fencing.yaml", {"<-- PAUSE", "<-- JUMP", "<-- ZOMBIE", "<-- LOST"}, "fencing",
	 "<-- FENCED", "<-- LOST", {"no-fencing", "fencing", "store", "store-fencing"}, {NULL}},
	{"10-failover-token.yaml", {"<-- FAILOVER", "<-- ZOMBIE", "<-- LOST"}, "fencing",
	 "<-- FENCED", "<-- LOST", {"no-fencing", "fencing"}, {NULL}},
};
#define NLABS (sizeof(lab_list) / sizeof(lab_list[0]))

/* The fix is a sweep point when the lab has several. */
static char *trace_fix(const char *file, const struct lab *l)
{
	if (l->points[0])
		return trace_full(file, NULL, l->fix, NULL, NULL);
	return trace(file, l->fix);
}

static void test_labs(void **state)
{
	(void)state;
	for (size_t i = 0; i < NLABS; i++) {
		const struct lab *l = &lab_list[i];
		char file[256];
		snprintf(file, sizeof(file), "scenarios/labs/%s", l->file);
		const char *out = trace(file, NULL);
		for (int m = 0; m < 4 && l->marks[m]; m++)
			must_show(out, l->marks[m], l->file);
		if (!l->fix)
			continue;
		out = trace_fix(file, l);
		if (l->fix_shows)
			must_show(out, l->fix_shows, l->fix);
		if (l->fix_lacks && strstr(out, l->fix_lacks))
			fail_msg("%s, fix %s: the timeline shows '%s':\n%s", l->file, l->fix, l->fix_lacks,
				 out);
	}
}

/* The longest line of text, and the line itself. */
static size_t longest(const char *text, const char **at)
{
	size_t best = 0;
	for (const char *p = text; *p;) {
		size_t len = strcspn(p, "\n");
		if (len > best) {
			best = len;
			*at = p;
		}
		p += len + (p[len] == '\n');
	}
	return best;
}

/* Every lab's every policy fits 80 columns (the width a terminal, a
 * printout and the handouts have), with --width 80 and without it (the
 * output here is a file, not a terminal, so 80 is the default); the
 * longest labs fit narrower widths down to the minimum too. */
static void test_fit_80_columns(void **state)
{
	(void)state;
	for (size_t i = 0; i < NLABS; i++) {
		const struct lab *l = &lab_list[i];
		char file[256];
		snprintf(file, sizeof(file), "scenarios/labs/%s", l->file);
		for (int p = 0; p < 4 && (p == 0 || l->points[p]); p++)
			for (int k = 0; k < 6 && l->labels[k]; k++)
				for (int w = 0; w < 2; w++) {
					const char *out = trace_full(file, l->labels[k], l->points[p],
								     w ? "80" : NULL, NULL);
					const char *at = out;
					size_t len = longest(out, &at);
					/* the chart's path is the temporary directory's, not the tool's */
					if (len > 80 && strncmp(at, "chart: ", 7) != 0)
						fail_msg("%s --policy %s %s%s: a line of %zu columns:\n%.*s", file,
							 l->labels[k], l->points[p] ? l->points[p] : "",
							 w ? " --width 80" : "", len, (int)len, at);
				}
	}
	static const char *const widths[] = {"40", "52", "66"};
	for (size_t w = 0; w < 3; w++) {
		const char *out = trace_w("scenarios/labs/06-vector-clocks.yaml", "pruned", widths[w]);
		const char *at = out;
		size_t len = longest(out, &at);
		if (len > (size_t)atoi(widths[w]) && strncmp(at, "chart: ", 7) != 0)
			fail_msg("--width %s: a line of %zu columns:\n%.*s", widths[w], len, (int)len, at);
		/* wrapping cuts no mark: every SIBLINGS of the wide trace is there */
		must_show(out, "<-- SIBLINGS", widths[w]);
	}
}

/* The layout follows the width: wide enough for every line, one column
 * per lane (the header names them side by side); at 80 columns, lab 1's
 * store lines do not fit beside two client columns, and the compact
 * layout names who acts. */
static void test_layout_by_width(void **state)
{
	(void)state;
	const char *out = trace_w("scenarios/labs/01-lost-increment.yaml", NULL, "200");
	if (!strstr(out, "time (ms)  client 0") || !strstr(out, "client 1") ||
	    !strstr(out, "  store\n") || strstr(out, "who"))
		fail_msg("--width 200: no column per lane:\n%s", out);
	out = trace_w("scenarios/labs/01-lost-increment.yaml", NULL, "80");
	must_show(out, " time (ms)  who       event\n", "--width 80");
	must_show(out, "store     #3 applied: k0 = 3 (ts 24ms > 13ms)  <-- LOST", "--width 80");
}

/* The state each lab talks about, as its story gives it.  Every message
 * takes 1 ms and computing 1 ms unless said otherwise, so a write is sent
 * 3 ms after its operation starts and reaches the store 1 ms later. */
static void test_lab_state(void **state)
{
	(void)state;
	/* lab 4: client 0's clock is 20 ms behind; it sends at 13 ms, stamped
	 * -7 ms, against the 3 ms of client 1's write (sent at 3 ms) */
	const char *out = trace("scenarios/labs/04-clock-skew.yaml", NULL);
	must_show(out, "#1 writes 2 (ts -7ms)", "lab 4");
	must_show(out, "#1 acked, dropped as older (ts -7ms < 3ms)  <-- LOST", "lab 4");
	/* with server timestamps the store stamps at arrival: 4 ms and 14 ms */
	out = trace("scenarios/labs/04-clock-skew.yaml", "server");
	must_show(out, "#1 applied: k0 = 2 (ts 14ms > 4ms)", "lab 4 server");
	/* lab 5: #0 holds token 1, its lease runs out at 11 ms and #1 gets
	 * token 2; #0's write at 18 ms carries token 1 */
	out = trace("scenarios/labs/05-lease-fencing.yaml", NULL);
	must_show(out, "#0 writes 1 (token 1)", "lab 5");
	must_show(out, "#0 writes, lease gone (token 1, newest 2)  <-- ZOMBIE", "lab 5");
	out = trace("scenarios/labs/05-lease-fencing.yaml", "fencing");
	must_show(out, "#0 fenced (newest token 2)  <-- FENCED", "lab 5 fencing");
	/* lab 3: both carts have two items, max breaks the tie by the writers'
	 * clocks, and the laptop (#2) wrote later */
	out = trace("scenarios/labs/03-shopping-cart.yaml", NULL);
	must_show(out, "#3 merges 2 siblings, keeps #2's", "lab 3");
	out = trace("scenarios/labs/03-shopping-cart.yaml", "union");
	if (strstr(out, "keeps #"))
		fail_msg("lab 3 union: a union keeps every sibling, yet:\n%s", out);
	/* lab 6: #2 (client 2) read #0's cart, whose clock is {c0:1}; its own
	 * first write adds c2:1.  Pruned to one entry, the writer's is kept. */
	out = trace("scenarios/labs/06-vector-clocks.yaml", "client");
	must_show(out, "#2 writes its value (ctx {c0:1})", "lab 6 client");
	must_show(out, "(clock {c0:1,c2:1})", "lab 6 client");
	out = trace("scenarios/labs/06-vector-clocks.yaml", "pruned");
	must_show(out, "(clock {c0:1,c2:1} pruned to {c2:1})", "lab 6 pruned");
	/* vnode: one entry for the one node, one more at every write: the
	 * tenth write makes it 10; dvv: #0 gets the node's first dot */
	out = trace("scenarios/labs/06-vector-clocks.yaml", "vnode");
	must_show(out, "#9 kept beside: 10 siblings (clock {n0:10})", "lab 6 vnode");
	out = trace("scenarios/labs/06-vector-clocks.yaml", "dvv");
	must_show(out, "#0 applied: k0 = 1 (dot n0:1)", "lab 6 dvv");
	/* lab 2: creating a key expects version 0 */
	out = trace("scenarios/labs/02-version-retries.yaml", NULL);
	must_show(out, "#1 writes 1 (expects version 0)", "lab 2");
	must_show(out, "#1 rejected: version is 1  <-- REJECTED", "lab 2");
}

/* Labs 7 to 10, worked out from their stories: client <-> node 1 ms, and
 * between nodes 1 ms unless the lab says otherwise. */
static void test_lab_state_faults(void **state)
{
	(void)state;
	const char *f7 = "scenarios/labs/07-quorums-stale-reads.yaml";
	/* lab 7, W = 1: node 2 applies the put on arrival (1 ms) and answers
	 * at once, acknowledged at 2; the copies take 10 ms (at 11); node 0
	 * answers the reads at 4 and 9 from its own copy: empty */
	const char *out = trace(f7, NULL);
	must_show_at(out, 2, "client 2  #0 acked 1", "lab 7 r=1 w=1");
	must_show_at(out, 4, "#1 reads k0: empty", "lab 7 r=1 w=1");
	must_show_at(out, 9, "#2 reads k0: empty", "lab 7 r=1 w=1");
	must_show_at(out, 11, "node 0    #0 merged into this copy", "lab 7 r=1 w=1");
	must_show_at(out, 15, "#3 reads k0 = 1", "lab 7 r=1 w=1");
	must_show(out, "stale reads: 2", "lab 7 r=1 w=1");
	/* R = 2: node 1's reply (asked first) is counted with node 0's own,
	 * at 6 (4 + 1 + 1): both empty, still stale */
	out = trace_full(f7, NULL, "r=2 w=1", NULL, NULL);
	must_show_at(out, 6, "#1 answered after 2 copies", "lab 7 r=2 w=1");
	must_show(out, "stale reads: 2", "lab 7 r=2 w=1");
	/* W = 2: the first copy acknowledges at 12 (11 + 1), the client is
	 * told at 13; the reads at 3 and 8 overlap the write */
	out = trace_full(f7, NULL, "r=2 w=2", NULL, NULL);
	must_show_at(out, 12, "node 2    #0 answered after 2 copies", "lab 7 r=2 w=2");
	must_show_at(out, 13, "client 2  #0 acked 1", "lab 7 r=2 w=2");
	must_show(out, "stale reads: 0", "lab 7 r=2 w=2");
	/* read repair: node 0 repairs itself and node 1 once the replies to
	 * the first read are in (6), so the second read returns 1 */
	out = trace_set(f7, NULL, "cluster.replication.quorum.read_repair=true");
	must_show_at(out, 6, "repairs k0 at n1", "lab 7 repair");
	must_show_at(out, 9, "#2 reads k0 = 1", "lab 7 repair");
	must_show(out, "stale reads: 1", "lab 7 repair");

	/* lab 8: client 0's clock is 100 ms ahead: its put, sent at 20,
	 * carries 120 ms; client 1's increment writes at 84 (80 + 1 + 2 + 1) */
	const char *f8 = "scenarios/labs/08-lww-replicas-skew.yaml";
	out = trace(f8, "client");
	must_show(out, "#1 writes 1 (ts 120ms)", "lab 8 client");
	must_show(out, "#1 applied: k0 = 1 (ts 120ms > 4ms)", "lab 8 client");
	must_show_at(out, 70, "#1 TIMED OUT", "lab 8 client");
	must_show(out, "#2 applied: k0 = 2 (ts 84ms > 4ms)  <-- LOST", "lab 8 client");
	must_show_at(out, 113, "#3 reads k0 = 1", "lab 8 client");
	must_show(out, "final state: k0 = 1\n", "lab 8 client");
	/* server timestamps: the nodes stamp at arrival, 21 and 85 */
	out = trace(f8, "server");
	must_show(out, "#1 applied: k0 = 1 (ts 21ms > 5ms)", "lab 8 server");
	must_show(out, "#2 applied: k0 = 2 (ts 85ms > 5ms)", "lab 8 server");
	must_show(out, "final state: k0 = 2\n", "lab 8 server");
	out = trace(f8, "union");
	must_show(out, "#3 reads k0: 2 siblings", "lab 8 union");

	/* lab 9: cut at 5, promotion 20 ms later; #2 at the new primary is
	 * seq_no 1 again; the deposed primary learns of term 2 5 ms after
	 * the heal at 70 (a copy takes 5 ms) */
	const char *f9 = "scenarios/labs/09-failover-term.yaml";
	out = trace(f9, "seq_no");
	must_show_at(out, 4, "#1 reads k0 = 1 (seq_no 1)", "lab 9 seq_no");
	must_show_at(out, 25, "PROMOTED: primary of term 2 (from seq 0)", "lab 9 seq_no");
	must_show_at(out, 40, "#2 acked 1", "lab 9 seq_no");
	must_show_at(out, 56, "#1 applied: k0 = 2", "lab 9 seq_no");
	must_show_at(out, 75, "truncates k0: the write of seq 1, term 1", "lab 9 seq_no");
	must_show(out, "final state: k0 = 2\n", "lab 9 seq_no");
	out = trace(f9, "seq_no_term");
	must_show(out, "#1 writes 2 (expects seq_no 1, term 1)", "lab 9 seq_no_term");
	must_show_at(out, 56, "#1 rejected", "lab 9 seq_no_term");
	must_show(out, "final state: k0 = 1\n", "lab 9 seq_no_term");
	/* ack: one answers #0 at 4 and then truncates it */
	out = trace_set(f9, "seq_no_term", "cluster.replication.primary.ack=one");
	must_show_at(out, 4, "#0 acked 1  <-- LOST", "lab 9 ack one");

	/* lab 10: the pause: granted at 1 with a 20 ms lease, it ends at 21;
	 * client 0 stops at 2.5 for 30 ms, then computes 1 ms: its write
	 * reaches the store at 34.5.  The jump: granted at 51, the service's
	 * clock 15 ms ahead from 52: the lease ends at 56 (51 + 20 - 15); the
	 * holder, done at 64 (54 + 10), writes at the store at 65 */
	const char *f10 = "scenarios/labs/10-gc-pause-fencing.yaml";
	out = trace(f10, "fencing");
	must_show_at(out, 21, "lease of #0 expired", "lab 10");
	must_show_at(out, 34.5, "#0 writes, lease gone (token 1, newest 2)", "lab 10");
	must_show(out, "#0 fenced (newest token 2)  <-- FENCED", "lab 10");
	must_show_at(out, 56, "lease of #2 expired", "lab 10");
	must_show_at(out, 65, "#2 fenced (newest token 2)  <-- FENCED", "lab 10");
	/* at the store the value comes with the grant (at 2): the write
	 * leaves on resuming at 32.5 and arrives at 33.5; the store's clock
	 * jumps the same, and its zombie arrives at 63 (52 + 10 + 1) */
	out = trace(f10, "store-fencing");
	must_show_at(out, 33.5, "#0 fenced (newest token 2)  <-- FENCED", "lab 10 store");
	must_show_at(out, 56, "lease of #2 expired", "lab 10 store");
	must_show_at(out, 63, "#2 fenced (newest token 2)  <-- FENCED", "lab 10 store");
	/* a 10 ms jump: the lease ends at 61, the next holder reads at 63,
	 * the zombie's write at 65 comes before the store has seen token 2;
	 * at the store, which issued token 2, it is fenced */
	const char *jump10 = "faults=[pause: {client: 0, at: 2.5ms, for: 30ms}, clock_jump: {node: service, "
			     "at: 52ms, by: 10ms}, clock_jump: {node: 0, at: 52ms, by: 10ms}]";
	out = trace_set(f10, "fencing", jump10);
	must_show_at(out, 61, "lease of #2 expired", "lab 10 jump 10ms");
	must_show_at(out, 65, "#2 applied: k1 = 1  <-- LOST", "lab 10 jump 10ms");
	out = trace_set(f10, "store-fencing", jump10);
	must_show_at(out, 63, "#2 fenced (newest token 2)  <-- FENCED", "lab 10 store jump 10ms");
	/* across a failover: node 1's first token for k0 is 1 of term 2 */
	out = trace("scenarios/labs/10-failover-token.yaml", "fencing");
	must_show(out, "#1 writes 1 (token 1 of term 2)", "lab 10 failover");
	must_show(out, "#0 writes, lease gone (token 1, newest 1 of term 2)", "lab 10 failover");
}

/* Lab 6: vnode clocks pile up siblings that dotted version vectors do not. */
static void test_sibling_explosion(void **state)
{
	(void)state;
	const char *out = trace("scenarios/labs/06-vector-clocks.yaml", "vnode");
	int vnode_max = 0, dvv_max = 0;
	for (const char *p = out; (p = strstr(p, "kept beside: ")); p++)
		vnode_max = atoi(p + 13) > vnode_max ? atoi(p + 13) : vnode_max;
	out = trace("scenarios/labs/06-vector-clocks.yaml", "dvv");
	for (const char *p = out; (p = strstr(p, "kept beside: ")); p++)
		dvv_max = atoi(p + 13) > dvv_max ? atoi(p + 13) : dvv_max;
	if (!(vnode_max > dvv_max && vnode_max >= 5))
		fail_msg("vnode clocks reach %d siblings, dvv %d: no explosion shown", vnode_max, dvv_max);
}

/* The timeline part of a trace's output: from the header line to the
 * blank line before the verdict. */
static char *timeline(const char *out, char *buf, size_t n)
{
	const char *from = strstr(out, " time (ms)");
	const char *to = from ? strstr(from, "\n\n") : NULL;
	if (!from || !to)
		fail_msg("no timeline in:\n%s", out);
	snprintf(buf, n, "%.*s", (int)(to - from), from);
	return buf;
}

/* trace --run ID DB shows a run stored with --record trace as trace shows
 * the same run made on the spot: every lab's every policy, line for line
 * (the database keeps every field a line is made of), and the verdict line
 * the same.  What the lines must say comes from the lab tests above; this
 * checks that nothing is lost on the way through the database. */
static void test_stored_run(void **state)
{
	(void)state;
	static char direct[1 << 16], stored[1 << 16];
	for (size_t i = 0; i < NLABS; i++) {
		const struct lab *l = &lab_list[i];
		char file[256], db[64];
		snprintf(file, sizeof(file), "scenarios/labs/%s", l->file);
		snprintf(db, sizeof(db), "lab%zu.db", i + 1);
		const char *run[] = {"run", file, "-o", tp_path(db), "--record", "trace", NULL};
		if (tp_run(NULL, run) != 0)
			fail_msg("clobber run %s --record trace: %s", file, tp_output("out.txt"));
		int nlabels = 0;
		while (nlabels < 6 && l->labels[nlabels])
			nlabels++;
		for (int p = 0; p < 4 && (p == 0 || l->points[p]); p++)
			for (int k = 0; k < nlabels; k++) {
				char *out = trace_full(file, l->labels[k], l->points[p], NULL, NULL);
				timeline(out, direct, sizeof(direct));
				const char *verdict = strstr(out, "lost updates: ");
				char want[256];
				snprintf(want, sizeof(want), "%.*s", (int)strcspn(verdict, "\n"), verdict);
				/* the runs are stored point by point, in the order of
				 * the scenario's policies (points[] lists a lab's
				 * points in sweep order) */
				char id[16];
				snprintf(id, sizeof(id), "%d", p * nlabels + k + 1);
				const char *args[] = {"trace", "--run", id, tp_path(db), "-o", tp_dir, NULL};
				if (tp_run(NULL, args) != 0)
					fail_msg("trace --run %s %s: %s", id, db, tp_output("out.txt"));
				out = tp_output("out.txt");
				if (strcmp(timeline(out, stored, sizeof(stored)), direct) != 0)
					fail_msg("%s --policy %s %s, stored as run %s: the timelines differ.\n"
						 "made here:\n%s\nstored:\n%s",
						 file, l->labels[k], l->points[p] ? l->points[p] : "", id, direct,
						 stored);
				must_show(out, want, "the stored run's verdict");
				char head[96];
				if (l->points[p])
					snprintf(head, sizeof(head), "policy %s, at %s, seed 1", l->labels[k],
						 l->points[p]);
				else
					snprintf(head, sizeof(head), "policy %s, seed 1", l->labels[k]);
				must_show(out, head, "the stored run's header");
			}
	}
	/* lab 1's lost increment, as worked out in its handout */
	const char *args[] = {"trace", "--run", "1", tp_path("lab1.db"), "-o", tp_dir, NULL};
	assert_int_equal(tp_run(NULL, args), 0);
	must_show(tp_output("out.txt"), "#3 applied: k0 = 3 (ts 24ms > 13ms)  <-- LOST", "run 1");
	/* --ops 2: operations #0 and #1 only (lab 1's first two increments) */
	const char *first[] = {"trace", "--run", "1", tp_path("lab1.db"), "--ops", "2", "-o", tp_dir, NULL};
	assert_int_equal(tp_run(NULL, first), 0);
	const char *o2 = tp_output("out.txt");
	must_show(o2, "#1 applied: k0 = 2", "--ops 2");
	must_show(o2, "(the first 2 operations of 5;", "--ops 2");
	if (strstr(o2, "#2 "))
		fail_msg("--ops 2 shows operation #2:\n%s", o2);
	/* a run without a trace, and a run that is not there: status 1, saying so */
	const char *plain[] = {"run", "scenarios/labs/01-lost-increment.yaml", "-o",
			       tp_path("plain.db"), NULL};
	assert_int_equal(tp_run(NULL, plain), 0);
	const char *none[] = {"trace", "--run", "2", tp_path("plain.db"), NULL};
	assert_int_equal(tp_run(NULL, none), 1);
	must_show(tp_output("out.txt"), "run 2 has no trace: it was run without --record trace",
		  "plain.db");
	const char *missing[] = {"trace", "--run", "9", tp_path("lab1.db"), NULL};
	assert_int_equal(tp_run(NULL, missing), 1);
	must_show(tp_output("out.txt"), "has no run 9 (its runs are numbered 1 to 3", "lab1.db");
	must_show(tp_output("out.txt"), "runs with a trace: 1 (lww), 2 (version), 3 (lock)", "lab1.db");
	/* the database where the scenario goes: what to type instead */
	const char *swapped[] = {"trace", tp_path("lab1.db"), NULL};
	assert_int_equal(tp_run(NULL, swapped), 2);
	must_show(tp_output("out.txt"), "is a results database, not a scenario file", "swapped");
	must_show(tp_output("out.txt"), "clobber trace --run ID", "swapped");
}

/* --point names a sweep point by its values, as plot --point does, or by
 * its number: skew.yaml sweeps skew over 0, 1, 5, 20, 50, 100 ms. */
static void test_point(void **state)
{
	(void)state;
	const char *a1[] = {"trace", "scenarios/skew.yaml", "--point", "skew=20ms", "-o", tp_dir, NULL};
	assert_int_equal(tp_run(NULL, a1), 0);
	must_show(tp_output("out.txt"), ", at skew=20ms, seed 1:", "--point skew=20ms");
	const char *a2[] = {"trace", "scenarios/skew.yaml", "--point", "3", "-o", tp_dir, NULL};
	assert_int_equal(tp_run(NULL, a2), 0);
	must_show(tp_output("out.txt"), ", at skew=20ms, seed 1:", "--point 3");
	const char *a3[] = {"trace", "scenarios/skew.yaml", "--point", "skew=7ms", NULL};
	assert_int_equal(tp_run(NULL, a3), 2);
	must_show(tp_output("out.txt"), "has no sweep point 'skew=7ms'", "--point skew=7ms");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_labs),
		cmocka_unit_test(test_fit_80_columns),
		cmocka_unit_test(test_layout_by_width),
		cmocka_unit_test(test_lab_state),
		cmocka_unit_test(test_lab_state_faults),
		cmocka_unit_test(test_sibling_explosion),
		cmocka_unit_test(test_stored_run),
		cmocka_unit_test(test_point),
	};
	return cmocka_run_group_tests(tests, tp_setup, tp_teardown);
}

/*
 * cmd_trace.c - `clobber trace SCENARIO`: one small run as a timeline.
 *
 * Runs one policy at one sweep point for a bounded number of operations
 * (or the scenario's script), recording every message and decision, and
 * shows it: in the terminal, one column per client (up to four) and one for the store,
 * a line per event, lost writes and zombie writes marked; and as a
 * swimlane chart (gnuplot) with the same marks.  This is how a student
 * sees a lost update happen.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/model.h"
#include "sim/app/cli.h"
#include "sim/app/escape.h"
#include "sim/app/gnuplot.h"
#include "sim/truth/record.h"
#include "sim/app/runner.h"
#include "sim/app/scenario.h"
#include "sim/app/tview.h"

static const char help[] =
	"usage: clobber trace SCENARIO [--policy LABEL] [--point N] [--ops N]\n"
	"                     [--set NAME=VALUE]... [-o DIR] [--format png|svg|pdf]\n"
	"\n"
	"Runs one small run (the first policy, or the one whose label or name is\n"
	"LABEL; sweep point N, from 0; at most N operations, default 20, or the\n"
	"scenario's script) and shows its timeline: with up to four clients one\n"
	"column per client and one for the store, with more a column naming who\n"
	"acts; a line per message or decision, with the marks\n"
	"  LOST      an acknowledged write whose effect is missing from the final state\n"
	"  ZOMBIE    a write from a lock holder whose lease had expired\n"
	"  REJECTED  a write refused for naming an old version\n"
	"  FENCED    a write refused for carrying an old fencing token\n"
	"  DENIED    a lock request refused (mode: fail)\n"
	"  SIBLINGS  a write kept beside others, and how many there are\n"
	"The same timeline is drawn as a swimlane chart, plots/NAME/trace-LABEL.png\n"
	"(or in DIR), with its gnuplot script beside it.\n";

#define COLW 30 /* width of a column in the terminal timeline */

/* Values for display: the recorded value, or the effects of the version
 * when the policy keeps no scalar (siblings with merge: union). */
struct trace_view {
	const struct policy *policy;
	const struct repl *repl;
	struct record rec;
	int64_t *effects;   /* per trace row, or -1 */
	int64_t final_value[16];
	uint32_t final_siblings[16];
	uint32_t nkeys;
};

static void inspect(const void *world, const struct history *h, const struct run_result *r,
		    void *arg)
{
	struct trace_view *v = arg;
	v->effects = malloc((r->rec.ntrace ? r->rec.ntrace : 1) * sizeof(*v->effects));
	for (size_t i = 0; v->effects && i < r->rec.ntrace; i++) {
		const struct trace_row *t = &r->rec.trace[i];
		v->effects[i] = t->version != HIST_NONE && t->version < h->nversions
					? (int64_t)history_effects(h, t->version)
					: -1;
	}
	v->nkeys = h->nkeys < 16 ? h->nkeys : 16;
	for (uint32_t k = 0; k < v->nkeys; k++) {
		v->final_value[k] = world_key_value(world, k);
		uint32_t n, scratch;
		const uint32_t *vs = history_state(h, h->final[k], &n, &scratch);
		v->final_siblings[k] = n;
		if (v->final_value[k] < 0) {
			uint64_t e = 0;
			for (uint32_t i = 0; i < n; i++)
				e = history_effects(h, vs[i]) > e ? history_effects(h, vs[i]) : e;
			v->final_value[k] = (int64_t)e;
		}
	}
}

static int64_t shown_value(const struct trace_view *v, size_t i)
{
	const struct trace_row *t = &v->rec.trace[i];
	if (t->value >= 0)
		return t->value;
	return v->effects ? v->effects[i] : -1;
}

/* The text of one event, and its mark (or NULL). */
static void describe(const struct trace_view *v, size_t i, char *buf, size_t n, const char **mark)
{
	const struct trace_row *t = &v->rec.trace[i];
	const char *detail = t->detail != TRACE_NO_DETAIL && v->rec.text ? v->rec.text + t->detail : NULL;
	tview_describe(model_event(v->policy, v->repl, t->event), t, shown_value(v, i), detail, buf, n,
		       mark);
}

/* The category of an event in the swimlane chart. */
static int category(const struct trace_view *v, const struct trace_row *t)
{
	const struct trace_vocab *voc = model_event(v->policy, v->repl, t->event);
	return voc ? voc->cat : TC_NODE;
}

static void print_timeline(const struct trace_view *v, uint32_t clients, FILE *out)
{
	bool columns = clients <= 4;
	if (columns) {
		fprintf(out, "%10s", "time (ms)");
		for (uint32_t c = 0; c < clients; c++) {
			char h[32];
			snprintf(h, sizeof(h), "client %u", c);
			fprintf(out, "  %-*s", COLW, h);
		}
		fprintf(out, "  %s\n", "store");
	} else {
		fprintf(out, "%10s  %-10s %s\n", "time (ms)", "who", "event");
	}
	int64_t last = -1;
	for (size_t i = 0; i < v->rec.ntrace; i++) {
		const struct trace_row *t = &v->rec.trace[i];
		char text[128];
		const char *mark;
		describe(v, i, text, sizeof(text), &mark);
		char tbuf[24] = "";
		if (t->time != last)
			snprintf(tbuf, sizeof(tbuf), "%.3f", (double)t->time / 1e6);
		last = t->time;
		if (!columns) {
			char who[24];
			if (t->actor == TRACE_STORE)
				snprintf(who, sizeof(who), "store");
			else
				tview_actor(t->actor, who, sizeof(who));
			fprintf(out, "%10s  %-10s %s%s%s\n", tbuf, who, text, mark ? "  <-- " : "",
				mark ? mark : "");
			continue;
		}
		uint32_t col = t->actor == TRACE_STORE ? clients : t->actor;
		fprintf(out, "%10s", tbuf);
		for (uint32_t c = 0; c < col; c++)
			fprintf(out, "  %-*s", COLW, "");
		fprintf(out, "  %s%s%s\n", text, mark ? "  <-- " : "", mark ? mark : "");
	}
}

/* The swimlane chart: lanes for the store (0) and each client (1..n);
 * each operation a path through its events; marks on top. */
static int draw(const struct trace_view *v, uint32_t clients, const char *dir, const char *base,
		const char *format, const char *title, char *err, size_t n)
{
	struct strbuf g, d;
	sb_init(&g);
	sb_init(&d);
	/* index 0: one path per operation, in time order */
	sb_puts(&d, "# index 0: each operation's path, time_ms lane\n");
	uint64_t maxop = 0;
	for (size_t i = 0; i < v->rec.ntrace; i++)
		if (v->rec.trace[i].op > maxop)
			maxop = v->rec.trace[i].op;
	for (uint64_t op = 0; op <= maxop; op++) {
		bool any = false;
		for (size_t i = 0; i < v->rec.ntrace; i++) {
			const struct trace_row *t = &v->rec.trace[i];
			if (t->op != op || category(v, t) == TC_TIMER)
				continue;
			int lane = t->actor == TRACE_STORE ? 0 : (int)t->actor + 1;
			sb_printf(&d, "%.6f %d\n", (double)t->time / 1e6, lane);
			any = true;
		}
		if (any)
			sb_puts(&d, "\n");
	}
	sb_puts(&d, "\n");
	/* indexes 1..6: marks */
	static const char *const cats[] = {"client events", "store decisions", "lost writes",
					   "zombie writes", "rejected, fenced or denied",
					   "lease expiries"};
	for (int cat = 0; cat < 6; cat++) {
		/* an empty block would merge with the separator and shift every
		 * later index: each block starts with a row gnuplot skips */
		sb_printf(&d, "\n# index %d: %s\nNaN NaN\n", cat + 1, cats[cat]);
		for (size_t i = 0; i < v->rec.ntrace; i++) {
			const struct trace_row *t = &v->rec.trace[i];
			const char *mark;
			char text[128];
			describe(v, i, text, sizeof(text), &mark);
			bool store = t->actor == TRACE_STORE;
			int c = category(v, t), want;
			if (mark && strcmp(mark, "LOST") == 0)
				want = 2;
			else if (c == TC_ZOMBIE)
				want = 3;
			else if (c == TC_REFUSED)
				want = 4;
			else if (c == TC_TIMER)
				want = 5;
			else
				want = store ? 1 : 0;
			if (want != cat)
				continue;
			int lane = store ? 0 : (int)t->actor + 1;
			sb_printf(&d, "%.6f %d\n", (double)t->time / 1e6, lane);
		}
		sb_puts(&d, "\n");
	}
	/* index 7: values written, as labels */
	sb_puts(&d, "\n# index 7: values applied at the store, as labels\nNaN NaN \"\"\n");
	for (size_t i = 0; i < v->rec.ntrace; i++) {
		const struct trace_row *t = &v->rec.trace[i];
		const struct trace_vocab *voc = model_event(v->policy, v->repl, t->event);
		if (t->actor != TRACE_STORE || !voc || !voc->shows_lost)
			continue;
		int64_t val = shown_value(v, i);
		if (val >= 0)
			sb_printf(&d, "%.6f 0 \"#%llu=%lld\"\n", (double)t->time / 1e6,
				  (unsigned long long)t->op, (long long)val);
	}
	int height = 200 + 60 * (int)(clients + 1);
	sb_puts(&g, "# clobber swimlane chart of one traced run\n");
	sb_printf(&g, "# rerun by hand in this directory: gnuplot %s.gp\n\n", base);
	gp_terminal(&g, format, 1300, height, base);
	sb_puts(&g, "set title ");
	gp_quote(&g, title);
	sb_printf(&g, "\nset xlabel 'time (ms)'\nset yrange [-0.7:%u.7]\nset ytics (", clients);
	sb_puts(&g, "'store' 0");
	for (uint32_t c = 0; c < clients; c++)
		sb_printf(&g, ", 'client %u' %u", c, c + 1);
	sb_puts(&g, ")\nset grid xtics\nset key outside bottom center horizontal\nset border 3\n"
		    "set tics nomirror\nset autoscale xfix\nset offsets graph 0.02, graph 0.02, 0, 0\n");
	sb_printf(&g,
		  "plot '%s.dat' index 0 using 1:2 with lines lc rgb '#b0b0b0' notitle, \\\n"
		  "  '' index 1 using 1:2 with points pt 7 ps 0.9 lc rgb '#1f77b4' title 'client events', \\\n"
		  "  '' index 2 using 1:2 with points pt 5 ps 0.9 lc rgb '#333333' title 'store decisions', \\\n"
		  "  '' index 3 using 1:2 with points pt 2 ps 3 lw 3 lc rgb '#d62728' title 'LOST write', \\\n"
		  "  '' index 4 using 1:2 with points pt 9 ps 2.2 lc rgb '#ff7f0e' title 'ZOMBIE write', \\\n"
		  "  '' index 5 using 1:2 with points pt 13 ps 2 lc rgb '#9467bd' title 'rejected / fenced / denied', \\\n"
		  "  '' index 6 using 1:2 with points pt 3 ps 1.8 lc rgb '#8c564b' title 'lease expired', \\\n"
		  "  '' index 7 using 1:2:3 with labels offset 0,-1.2 font ',8' notitle\n",
		  base);
	char gp[320], dat[320];
	snprintf(gp, sizeof(gp), "%s.gp", base);
	snprintf(dat, sizeof(dat), "%s.dat", base);
	int rc = -1;
	if (g.failed || d.failed)
		snprintf(err, n, "out of memory");
	else if (gp_write(dir, dat, d.s, err, n) == 0 && gp_write(dir, gp, g.s, err, n) == 0 &&
		 gp_run(dir, gp, err, n) == 0)
		rc = 0;
	sb_free(&g);
	sb_free(&d);
	return rc;
}

/* The policy named by --policy: a label, else a policy name. */
static long find_policy(const struct scenario *s, const char *want)
{
	if (!want)
		return 0;
	for (size_t i = 0; i < s->npolicies; i++)
		if (strcmp(s->policies[i].label, want) == 0)
			return (long)i;
	for (size_t i = 0; i < s->npolicies; i++)
		if (strcmp(s->policies[i].policy->name, want) == 0)
			return (long)i;
	return -1;
}

int cmd_trace(int argc, char **argv)
{
	struct cli_args a;
	int rc = cli_parse(argc, argv, 2, "trace", "o set format policy point ops", help, &a);
	if (rc || a.help)
		goto out;
	if (a.npos != 1) {
		rc = cli_usage_error("trace", "name one scenario file");
		goto out;
	}
	struct sdiag d;
	struct scenario *s = scenario_load(a.pos[0], a.sets, a.nsets, &d);
	if (!s || scenario_check(s, &d) < 0) {
		fprintf(stderr, "%s\n", d.text);
		scenario_free(s);
		rc = EXIT_USAGE;
		goto out;
	}
	long pol = find_policy(s, a.policy);
	uint64_t point = 0;
	if (a.point) {
		char *end;
		unsigned long long p = strtoull(a.point, &end, 10);
		if (*end || p >= s->npoints) {
			rc = cli_usage_error("trace", "--point: %s has points 0 to %llu", a.pos[0],
					     (unsigned long long)s->npoints - 1);
			goto out_scenario;
		}
		point = p;
	}
	if (pol < 0) {
		fprintf(stderr, "clobber trace: %s has no policy labelled or named '%s'; its labels are:\n",
			a.pos[0], a.policy);
		for (size_t i = 0; i < s->npolicies; i++) {
			fputs("  ", stderr);
			esc_term_fputs(s->policies[i].label, stderr);
			fputs("\n", stderr);
		}
		rc = EXIT_USAGE;
		goto out_scenario;
	}
	struct run_spec spec;
	if (scenario_resolve(s, point, (size_t)pol, &spec, &d) < 0) {
		fprintf(stderr, "%s\n", d.text);
		rc = EXIT_USAGE;
		goto out_scenario;
	}
	struct run_config cfg = spec.cfg;
	cfg.record_trace = true;
	if (cfg.arrival != ARRIVAL_SCRIPT) {
		cfg.stop_ops = a.limit ? (uint64_t)a.limit : 20;
		cfg.stop_time = 0;
	}
	struct trace_view view;
	memset(&view, 0, sizeof(view));
	view.policy = cfg.policy;
	view.repl = cfg.repl;
	struct run_result res;
	if (runner_run(&cfg, &res, inspect, &view) < 0) {
		fprintf(stderr, "clobber trace: the run failed: out of memory\n");
		rc = EXIT_RUNTIME;
		goto out_spec;
	}
	view.rec = res.rec;
	char desc[512] = "";
	for (size_t ax = 0; ax < s->naxes; ax++) {
		size_t len = strlen(desc);
		snprintf(desc + len, sizeof(desc) - len, "%s%s=%s", ax ? " " : "", s->axes[ax].name,
			 scenario_axis_value(s, point, ax));
	}
	char head[2048]; /* names and values as text for the terminal (escape.h) */
	snprintf(head, sizeof(head), "%s, policy %s%s%s, seed %llu: %llu operations", s->name,
		 spec.label, desc[0] ? ", at " : "", desc, (unsigned long long)cfg.seed,
		 (unsigned long long)run_metric(&res, "ops"));
	esc_term_fputs(head, stdout);
	fputs("\n\n", stdout);
	print_timeline(&view, cfg.clients, stdout);
	printf("\nfinal state:");
	for (uint32_t k = 0; k < view.nkeys && k < cfg.keys; k++) {
		bool touched = false;
		for (size_t i = 0; i < res.rec.ntrace && !touched; i++)
			touched = res.rec.trace[i].key == k && res.rec.trace[i].event == TR_ISSUE;
		if (!touched)
			continue;
		printf(" k%u = %lld", k, (long long)view.final_value[k]);
		if (view.final_siblings[k] > 1)
			printf(" (%u siblings)", view.final_siblings[k]);
	}
	printf("\nlost updates: %.0f of %.0f acknowledged writes; stale reads: %.0f; conflicts: %.0f; aborted: %.0f\n",
	       run_metric(&res, "lost_updates"), run_metric(&res, "writes_acked"),
	       run_metric(&res, "stale_reads"), run_metric(&res, "conflicts"),
	       run_metric(&res, "ops_aborted"));
	/* the chart */
	char file[128], lab[128], dir[4096], base[300], err[1024];
	scenario_file_name(s->name, file, sizeof(file));
	scenario_file_name(spec.label, lab, sizeof(lab));
	if (a.out)
		snprintf(dir, sizeof(dir), "%s", a.out);
	else
		snprintf(dir, sizeof(dir), "plots/%s", file);
	snprintf(base, sizeof(base), "trace-%s", lab);
	char title[700];
	snprintf(title, sizeof(title), "%s: %s%s%s (seed %llu)", s->name, spec.label,
		 desc[0] ? ", " : "", desc, (unsigned long long)cfg.seed);
	const char *format = a.format ? a.format : "png";
	if (gp_mkdirs(dir, err, sizeof(err)) < 0 ||
	    draw(&view, cfg.clients, dir, base, format, title, err, sizeof(err)) < 0) {
		fprintf(stderr, "clobber trace: %s\n", err);
		rc = EXIT_RUNTIME;
	} else {
		printf("chart: %s/%s.%s\n", dir, base, gp_ext(format));
	}
	free(view.effects);
	run_result_free(&res);
out_spec:
	run_spec_free(&spec);
out_scenario:
	scenario_free(s);
out:
	cli_args_free(&a);
	return rc;
}

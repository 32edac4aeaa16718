/*
 * test_docs.c - every number the documentation quotes from the tool is
 * what the tool prints, so the docs cannot drift from it.
 *
 * Files: README.md, the labs (docs/labs) and their answers.  The
 * convention (docs/labs/README.md, "Checked numbers") is HTML comments,
 * invisible when the markdown is rendered:
 *
 *   <!-- output: ARGS -->      on the line before a ```text block: the
 *       block quotes the output of `clobber ARGS` (run from the top of the
 *       repository; a trace's chart goes to a temporary directory).  Every
 *       line of the block is a line of the output, in order; consecutive
 *       lines are consecutive in the output except across a line "...",
 *       which stands for any number of lines.  Trailing blanks are ignored.
 *
 *   <!-- numbers: SOURCE
 *   TEXT => WHERE; WHERE...
 *   TEXT
 *   -->
 *       TEXT is quoted in the file (outside comments; a line break or a run
 *       of blanks counts as one blank).  Its numbers are compared, in order,
 *       with the values WHERE names, each to the precision TEXT writes it
 *       with (0.0349 matches 0.03486; 1.9e+02 matches 187; 8253 must round
 *       to 8253).  SOURCE is one of
 *         run ARGS    the database `clobber run ARGS` writes (into a
 *                     temporary file): each WHERE names a label, a metric
 *                     and sweep values (axis=value), each carried over from
 *                     the WHERE before it when left out, or is "-" for a
 *                     number of the sentence ("at 5 ms"); the value is the
 *                     mean over the replications, and a number after a "±"
 *                     in TEXT is the half-width of the 95% confidence
 *                     interval (Student's t, from the table below: the
 *                     report prints the same);
 *         test NAME   the printout of test program NAME (of the build under
 *                     test);
 *         ARGS        the output of `clobber ARGS`.
 *       For the last two each WHERE is a piece of one output line with {}
 *       where a number stands (any line of that shape with the numbers
 *       quoted will do), or "-" for a number of the sentence.  A line with TEXT alone says TEXT is in the output
 *       as it is.
 *
 *   <!-- unchecked: REASON -->  the next paragraph (up to a blank line)
 *       quotes numbers that no command prints (measurements of make bench,
 *       inputs, version numbers), and says why.
 *
 * And nothing escapes: every ```text block has an output comment, and
 * every number in the prose that reads as a result (with a decimal point
 * or an exponent, beside a "±", or in a table's body) lies inside a TEXT
 * of a numbers comment.  The expected values come from the tool's output,
 * never from the docs: a number in the docs that differs fails the test,
 * naming the file, the line and both numbers.
 *
 * Databases are made by running the scenarios the docs name; under the
 * sanitizers (CLOBBER_SANITIZED) the `run` sources are skipped (the same
 * runs give the same numbers in the release build, which checks them) to
 * keep `make test` short.
 */
#include "docmatch.h"

#include <ctype.h>
#include <glob.h>
#include <math.h>

static bool sanitized;
static int failures;

/* ---- reporting ---- */

/* Reports one problem and goes on (the test fails at the end). */
static void problem(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void problem(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char msg[4096];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	print_error("%s:%d: %s\n", file, line, msg);
	failures++;
}

/* ---- running commands ---- */

struct cached {
	char *key;
	char *out;	/* stdout of a command, or a database's path */
	int status;
};
static struct cached cache[256];
static int ncache;

/* The directory of the build under test ($CLOBBER is BUILD/bin/clobber). */
static void build_dir(char *buf, size_t n)
{
	snprintf(buf, n, "%s", tp_bin);
	for (int k = 0; k < 2; k++) {
		char *slash = strrchr(buf, '/');
		if (slash)
			*slash = '\0';
	}
}

/* Runs `clobber ARGS` (or a test program: "test NAME"); for `run`, into a
 * database of its own, whose path is returned instead of the output.
 * Cached by the command line. */
static const struct cached *command(const char *cmdline)
{
	for (int i = 0; i < ncache; i++)
		if (strcmp(cache[i].key, cmdline) == 0)
			return &cache[i];
	if (ncache == 256)
		fail_msg("too many commands");
	static char words[64][512];
	int n = split_args(cmdline, words, 60);
	const char *argv[72];
	int k = 0;
	char prog[1024], db[600], charts[600];
	bool is_run = n > 0 && strcmp(words[0], "run") == 0;
	bool is_test = n > 0 && strcmp(words[0], "test") == 0;
	snprintf(db, sizeof(db), "%s/doc%d.db", tp_dir, ncache);
	snprintf(charts, sizeof(charts), "%s/charts", tp_dir);
	if (is_test) {
		build_dir(prog, sizeof(prog));
		size_t len = strlen(prog);
		snprintf(prog + len, sizeof(prog) - len, "/tests/%s", n > 1 ? words[1] : "");
		argv[k++] = prog;
	} else {
		argv[k++] = tp_bin;
		for (int i = 0; i < n; i++) {
			if (strcmp(words[i], "-o") == 0 && i + 1 < n) {
				i++; /* the docs' own -o: results go to the test's files */
				continue;
			}
			argv[k++] = words[i];
		}
		if (is_run || (n > 0 && (strcmp(words[0], "trace") == 0 || strcmp(words[0], "plot") == 0))) {
			argv[k++] = "-o";
			argv[k++] = is_run ? db : charts;
		}
	}
	argv[k] = NULL;
	struct tp_how how = {.out = "doc-out.txt", .err = "doc-err.txt"};
	struct cached *c = &cache[ncache++];
	c->key = strdup(cmdline);
	c->status = tp_wait(tp_spawn(&how, argv));
	c->out = strdup(is_run ? db : tp_output("doc-out.txt"));
	if (c->status != 0)
		print_error("`%s` exited with %d: %s\n", cmdline, c->status, tp_output("doc-err.txt"));
	return c;
}

/* ---- output blocks ---- */

static void check_output_block(const char *file, const char *text, const char *cmdline,
			       const char *block, size_t blen, int line)
{
	char *copy = strndup(block, blen);
	char **b, **o;
	int nb = lines_of(copy, &b);
	const struct cached *c = command(cmdline);
	int no = lines_of(c->out, &o);
	int bad;
	if (!block_matches(b, nb, o, no, &bad))
		problem(file, line + 1 + bad,
			"this line of the block quoting `clobber %s` is not in its output (in that "
			"order):\n  %s\nthe output is:\n%s",
			cmdline, b[bad], c->out);
	free_lines(b, nb);
	free_lines(o, no);
	free(copy);
	(void)text;
}

/* ---- numbers ---- */

struct where {
	char label[128], metric[64];
	char axis[8][64], value[8][64];
	int naxes;
};

/* Reads the words of one WHERE of a run source into w (keeping what it
 * does not name).  Returns 0, or -1 with err filled. */
static int parse_where(sqlite3 *db, const char *spec, struct where *w, char *err, size_t n)
{
	char words[16][512];
	int nw = split_args(spec, words, 16);
	for (int i = 0; i < nw; i++) {
		char *eq = strchr(words[i], '=');
		if (eq) {
			*eq = '\0';
			int a = 0;
			while (a < w->naxes && strcmp(w->axis[a], words[i]) != 0)
				a++;
			if (a == w->naxes && w->naxes < 8)
				w->naxes++;
			snprintf(w->axis[a], sizeof(w->axis[a]), "%s", words[i]);
			snprintf(w->value[a], sizeof(w->value[a]), "%s", eq + 1);
			continue;
		}
		char sql[256];
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM metrics WHERE name = '%s'", words[i]);
		if (!strchr(words[i], '\'') && tp_query(db, sql) > 0) {
			snprintf(w->metric, sizeof(w->metric), "%s", words[i]);
			continue;
		}
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM runs WHERE label = '%s'", words[i]);
		if (!strchr(words[i], '\'') && tp_query(db, sql) > 0) {
			snprintf(w->label, sizeof(w->label), "%s", words[i]);
			continue;
		}
		snprintf(err, n, "'%s' is neither a label, a metric nor axis=value of the database",
			 words[i]);
		return -1;
	}
	if (!w->label[0] || !w->metric[0]) {
		snprintf(err, n, "'%s' names no %s", spec, w->label[0] ? "metric" : "label");
		return -1;
	}
	return 0;
}

/* The mean and 95% half-width of w's runs.  Returns the number of runs. */
static int metric_of(sqlite3 *db, const struct where *w, double *mean, double *half)
{
	char sql[2048];
	int len = snprintf(sql, sizeof(sql),
			   "SELECT m.value FROM runs r JOIN metrics m ON m.run_id = r.id "
			   "WHERE r.label = ?1 AND m.name = ?2");
	for (int a = 0; a < w->naxes; a++)
		len += snprintf(sql + len, sizeof(sql) - (size_t)len,
				" AND CAST(json_extract(r.params, '$.sweep.' || ?%d) AS TEXT) = ?%d", 3 + 2 * a,
				4 + 2 * a);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	sqlite3_bind_text(st, 1, w->label, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, w->metric, -1, SQLITE_STATIC);
	for (int a = 0; a < w->naxes; a++) {
		sqlite3_bind_text(st, 3 + 2 * a, w->axis[a], -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4 + 2 * a, w->value[a], -1, SQLITE_STATIC);
	}
	double x[64];
	int n = 0;
	while (sqlite3_step(st) == SQLITE_ROW && n < 64)
		x[n++] = sqlite3_column_double(st, 0);
	sqlite3_finalize(st);
	double sum = 0, ss = 0;
	for (int i = 0; i < n; i++)
		sum += x[i];
	*mean = n ? sum / n : NAN;
	for (int i = 0; i < n; i++)
		ss += (x[i] - *mean) * (x[i] - *mean);
	*half = n > 1 ? t975(n - 1) * sqrt(ss / (n - 1)) / sqrt((double)n) : NAN;
	return n;
}

static void check_run_entry(const char *file, int line, sqlite3 *db, const char *text,
			    const char *wheres, struct where *w)
{
	char vals[32][40], cis[32][40];
	bool has_ci[32];
	int ng = groups_of(text, vals, cis, has_ci, 32);
	char specs[32][512];
	int ns = 0;
	for (const char *p = wheres; *p && ns < 32;) {
		size_t len = strcspn(p, ";");
		snprintf(specs[ns++], 512, "%.*s", (int)len, p);
		p += len + (p[len] == ';');
	}
	if (ng != ns) {
		problem(file, line, "'%s' has %d values but %d places say where they are", text, ng, ns);
		return;
	}
	for (int g = 0; g < ng; g++) {
		char err[600];
		char *spec = specs[g];
		while (*spec == ' ')
			spec++;
		if (strcmp(spec, "-") == 0 || strncmp(spec, "- ", 2) == 0)
			continue; /* a number of the sentence, not a value ("at 5 ms") */
		if (parse_where(db, specs[g], w, err, sizeof(err)) < 0) {
			problem(file, line, "%s", err);
			return;
		}
		double mean, half;
		char at[700];
		snprintf(at, sizeof(at), "%s %s", w->label, w->metric);
		for (int a = 0; a < w->naxes; a++) {
			size_t l = strlen(at);
			snprintf(at + l, sizeof(at) - l, " %s=%s", w->axis[a], w->value[a]);
		}
		if (metric_of(db, w, &mean, &half) == 0) {
			problem(file, line, "no run has %s", at);
			continue;
		}
		if (!same_number(vals[g], mean))
			problem(file, line, "'%s' quotes %s for %s, the tool gives %.6g", text, vals[g], at,
				mean);
		if (has_ci[g] && !(isnan(half) ? false : same_number(cis[g], half)))
			problem(file, line, "'%s' quotes ± %s for %s, the tool gives ± %.6g", text, cis[g],
				at, half);
	}
}

/* TEXT's numbers, in order, are those of lines of the output that match
 * the patterns, each pattern taking as many as it has {}: any line of the
 * pattern's shape whose numbers are the quoted ones will do. */
static void check_output_entry(const char *file, int line, const char *out, const char *cmd,
			       const char *text, const char *wheres)
{
	if (!wheres) {
		char t[512], o[1 << 16];
		snprintf(t, sizeof(t), "%s", text);
		snprintf(o, sizeof(o), "%s", out);
		squeeze(t);
		squeeze(o);
		if (!strstr(o, t))
			problem(file, line, "'%s' is not in the output of `%s`:\n%s", text, cmd, out);
		return;
	}
	char quoted[32][40], got[32][40];
	int nq = numbers_of(text, quoted, 32), used = 0;
	for (const char *p = wheres; *p;) {
		size_t len = strcspn(p, ";");
		char pat[512];
		snprintf(pat, sizeof(pat), "%.*s", (int)len, p);
		trim(pat);
		p += len + (p[len] == ';');
		if (strcmp(pat, "-") == 0) {
			used++; /* a number of the sentence, not of the output */
			continue;
		}
		int want = holes(pat);
		if (used + want > nq) {
			problem(file, line, "'%s' has %d numbers, its places in the output more", text, nq);
			return;
		}
		const char *from = NULL, *first_seen = NULL;
		bool found = false, shape = false;
		char seen[256] = "";
		while (!found && match_pattern(out, pat, got, 32, &from) == want) {
			shape = true;
			found = true;
			for (int i = 0; i < want; i++)
				found = found && same_number(quoted[used + i], strtod(got[i], NULL));
			if (!found && !first_seen) {
				first_seen = from;
				for (int i = 0; i < want; i++) {
					size_t l = strlen(seen);
					snprintf(seen + l, sizeof(seen) - l, "%s%s", i ? ", " : "", got[i]);
				}
			}
		}
		if (!shape)
			problem(file, line, "no line of the output of `%s` reads '%s':\n%s", cmd, pat, out);
		else if (!found)
			problem(file, line, "'%s' quotes %s%s where `%s` prints '%s' with %s", text,
				quoted[used], want > 1 ? "..." : "", cmd, pat, seen);
		used += want;
	}
	if (used != nq)
		problem(file, line, "'%s' has %d numbers, its places in the output %d", text, nq, used);
}

/* ---- the documents ---- */

struct covered {
	const char *from, *to;
};

struct doc {
	const char *file;
	char *text;	 /* as read */
	char *visible;	 /* comments blanked out: what a reader sees */
	struct covered *cov;
	int ncov, capcov;
};

static void cover(struct doc *d, const char *from, const char *to)
{
	if (d->ncov == d->capcov) {
		d->capcov = d->capcov ? 2 * d->capcov : 64;
		d->cov = realloc(d->cov, (size_t)d->capcov * sizeof(*d->cov));
	}
	d->cov[d->ncov++] = (struct covered){from, to};
}

static void check_numbers_comment(struct doc *d, const char *body, int line)
{
	char *copy = strdup(body);
	char *nl = strchr(copy, '\n');
	char *source = copy;
	char *rest = nl ? nl + 1 : copy + strlen(copy);
	if (nl)
		*nl = '\0';
	trim(source);
	bool is_run = strncmp(source, "run ", 4) == 0;
	/* under the sanitizers a database's numbers are not checked (below),
	 * but what they cover is */
	bool values = !(is_run && sanitized);
	const struct cached *c = values ? command(source) : NULL;
	sqlite3 *db = NULL;
	if (c && c->status != 0) {
		problem(d->file, line, "`%s` failed", source);
		values = false;
	}
	if (values && is_run)
		db = tp_open_db(c->out);
	struct where w;
	memset(&w, 0, sizeof(w));
	int entry_line = line;
	for (char *p = rest; *p;) {
		entry_line++;
		size_t len = strcspn(p, "\n");
		char entry[2048];
		snprintf(entry, sizeof(entry), "%.*s", (int)len, p);
		p += len + (p[len] == '\n');
		trim(entry);
		if (!entry[0])
			continue;
		char *arrow = strstr(entry, "=>");
		char *wheres = NULL;
		if (arrow) {
			*arrow = '\0';
			wheres = arrow + 2;
			trim(wheres);
			trim(entry);
		}
		/* the quoted text must be in the file, outside comments */
		const char *end, *at = find_text(d->visible, d->visible, entry, &end);
		if (!at)
			problem(d->file, entry_line, "'%s' is not in the text (changed without this check?)",
				entry);
		for (; at; at = find_text(d->visible, end, entry, &end))
			cover(d, at, end);
		if (!values)
			continue;
		if (is_run && wheres)
			check_run_entry(d->file, entry_line, db, entry, wheres, &w);
		else if (is_run)
			problem(d->file, entry_line, "'%s': a database's numbers need => WHERE", entry);
		else
			check_output_entry(d->file, entry_line, c->out, source, entry, wheres);
	}
	if (db)
		sqlite3_close(db);
	free(copy);
}

/* Is p inside a `code span` of its line? */
static bool in_code_span(const char *line_start, const char *p)
{
	int ticks = 0;
	for (const char *q = line_start; q < p; q++)
		ticks += *q == '`';
	return ticks % 2 == 1;
}

static bool is_covered(const struct doc *d, const char *p, size_t len)
{
	for (int i = 0; i < d->ncov; i++)
		if (p >= d->cov[i].from && p + len <= d->cov[i].to)
			return true;
	return false;
}

/* Every number that reads as a result, outside code, comments and
 * unchecked paragraphs, is covered. */
static void check_coverage(struct doc *d, const char *unchecked)
{
	const char *v = d->visible;
	bool fence = false;
	for (const char *ls = v; *ls;) {
		size_t len = strcspn(ls, "\n");
		const char *le = ls + len, *next = *le ? le + 1 : le;
		const char *first = ls + strspn(ls, " \t");
		if (strncmp(first, "```", 3) == 0) {
			fence = !fence;
			ls = next;
			continue;
		}
		bool table = *first == '|';
		bool header = table && strncmp(next + strspn(next, " \t"), "|-", 2) == 0;
		bool rule = table && strncmp(first, "|-", 2) == 0;
		if (fence || header || rule || unchecked[ls - v]) {
			ls = next;
			continue;
		}
		for (const char *p = ls; p < le;) {
			size_t n = number_at(v, p);
			if (!n) {
				p++;
				continue;
			}
			const char *after = p + n;
			while (*after == ' ')
				after++;
			const char *before = p;
			while (before > ls && before[-1] == ' ')
				before--;
			bool ci = strncmp(after, "±", strlen("±")) == 0 ||
				  (before - ls >= (long)strlen("±") &&
				   strncmp(before - strlen("±"), "±", strlen("±")) == 0);
			bool decimal = memchr(p, '.', n) || memchr(p, 'e', n);
			bool percent = p[n] == '%';
			bool link = false;
			for (const char *q = p; q > ls; q--)
				if (q[-1] == '(' && q - 2 >= ls && q[-2] == ']') {
					link = !memchr(q, ')', (size_t)(p - q));
					break;
				}
			if ((decimal || ci || table) && !percent && !link && !in_code_span(ls, p) &&
			    !is_covered(d, p, n))
				problem(d->file, line_of(v, p),
					"%.*s is quoted but no check covers it (see docs/labs/README.md, "
					"\"Checked numbers\")",
					(int)n, p);
			p += n;
		}
		ls = next;
	}
}

/* code[i] is set where text[i] is inside a fenced block or a `code
 * span`: what a comment-like text there says is quoted, not a check. */
static char *code_mask(const char *text)
{
	size_t len = strlen(text);
	char *code = calloc(len + 1, 1);
	bool fence = false;
	for (const char *ls = text; *ls;) {
		size_t n = strcspn(ls, "\n");
		const char *first = ls + strspn(ls, " \t");
		bool marker = strncmp(first, "```", 3) == 0;
		if (fence || marker)
			memset(code + (ls - text), 1, n);
		else
			for (const char *p = ls; p < ls + n; p++)
				if (*p == '`') {
					const char *q = memchr(p + 1, '`', (size_t)(ls + n - p - 1));
					if (!q)
						break;
					memset(code + (p - text), 1, (size_t)(q - p + 1));
					p = q;
				}
		if (marker)
			fence = !fence;
		ls += n + (ls[n] == '\n');
	}
	return code;
}

/* The next comment of text from `from` on, outside code, or NULL. */
static const char *next_comment(const char *text, const char *code, const char *from)
{
	for (const char *c = strstr(from, "<!--"); c; c = strstr(c + 4, "<!--"))
		if (!code[c - text])
			return c;
	return NULL;
}

static void check_doc(const char *file)
{
	struct doc d = {.file = file};
	d.text = read_all(file);
	d.visible = strdup(d.text);
	size_t len = strlen(d.text);
	char *unchecked = calloc(len + 1, 1);
	char *code = code_mask(d.text);
	/* blank out the comments first: checks search the visible text */
	for (const char *c = next_comment(d.text, code, d.text); c; c = next_comment(d.text, code, c + 4)) {
		const char *e = strstr(c, "-->");
		if (!e)
			break;
		for (const char *q = c; q < e + 3; q++)
			if (*q != '\n')
				d.visible[q - d.text] = ' ';
	}
	for (const char *c = next_comment(d.text, code, d.text); c; c = next_comment(d.text, code, c + 4)) {
		const char *e = strstr(c, "-->");
		if (!e)
			break;
		const char *body = c + 4;
		while (*body == ' ')
			body++;
		int line = line_of(d.text, c);
		char *inner = strndup(body, (size_t)(e - body));
		if (strncmp(inner, "output:", 7) == 0) {
			char cmdline[1024];
			snprintf(cmdline, sizeof(cmdline), "%s", inner + 7);
			trim(cmdline);
			const char *fence = e + 3;
			fence += strspn(fence, " \t\r\n");
			if (strncmp(fence, "```text\n", 8) != 0) {
				problem(file, line, "an output comment must stand right before a ```text block");
			} else {
				const char *start = fence + 8, *stop = strstr(start, "\n```");
				if (stop)
					check_output_block(file, d.text, cmdline, start, (size_t)(stop - start) + 1,
							   line_of(d.text, start) - 1);
			}
		} else if (strncmp(inner, "numbers:", 8) == 0) {
			check_numbers_comment(&d, inner + 8, line);
		} else if (strncmp(inner, "unchecked:", 10) == 0) {
			/* the next paragraph: up to a blank line */
			const char *p = e + 3;
			const char *stop = strstr(p, "\n\n");
			size_t to = stop ? (size_t)(stop - d.text) : len;
			for (size_t i = (size_t)(p - d.text); i < to; i++)
				unchecked[i] = 1;
		}
		free(inner);
	}
	/* every quoted output block says what it quotes */
	for (const char *f = strstr(d.text, "```text\n"); f; f = strstr(f + 8, "```text\n")) {
		const char *back = f;
		while (back > d.text && isspace((unsigned char)back[-1]))
			back--;
		if (back - d.text < 3 || strncmp(back - 3, "-->", 3) != 0)
			problem(file, line_of(d.text, f),
				"a ```text block without <!-- output: ... --> before it");
		const char *stop = strstr(f + 8, "\n```");
		if (!stop)
			break;
		f = stop;
	}
	check_coverage(&d, unchecked);
	free(code);
	free(unchecked);
	free(d.cov);
	free(d.visible);
	free(d.text);
}

static void test_docs_numbers(void **state)
{
	(void)state;
	sanitized = getenv("CLOBBER_SANITIZED") != NULL;
	glob_t g;
	memset(&g, 0, sizeof(g));
	glob("README.md", 0, NULL, &g);
	glob("docs/labs/*.md", GLOB_APPEND, NULL, &g);
	glob("docs/labs/answers/*.md", GLOB_APPEND, NULL, &g);
	if (g.gl_pathc < 22)
		fail_msg("found %zu documents, expected README.md and the labs' 21 (run from the top "
			 "of the repository)",
			 g.gl_pathc);
	for (size_t i = 0; i < g.gl_pathc; i++)
		check_doc(g.gl_pathv[i]);
	globfree(&g);
	if (failures)
		fail_msg("%d numbers or quotes in the docs differ from the tool or are not checked "
			 "(each is listed above)",
			 failures);
}

/* The checker itself: a quote that differs from the output, a number off
 * in its last digit, a number outside any check, all fail.  (The docs are
 * checked against the tool; this checks that the check can fail.) */
static void test_checker_fails(void **state)
{
	(void)state;
	assert_true(same_number("0.0349", 0.034862));
	assert_false(same_number("0.0348", 0.034862));
	assert_true(same_number("1.9e+02", 187.2));
	assert_false(same_number("8253", 8252.4));
	assert_true(same_number("8252", 8252.4));
	assert_true(same_number("0", 0));
	assert_false(same_number("0", 0.0004));
	char *b[] = {"a", "...", "c", "d"}, *o[] = {"a", "b", "c", "d"}, *o2[] = {"a", "c", "x", "d"};
	int bad;
	assert_true(block_matches(b, 4, o, 4, &bad));
	assert_false(block_matches(b, 4, o2, 4, &bad));
	assert_int_equal(bad, 3);
	char got[4][40];
	const char *from = NULL;
	assert_int_equal(match_pattern("x\n  #3 backs   off 7.79ms\n#3 backs off 2ms\n", "#3 backs off {}ms",
				       got, 4, &from), 1);
	assert_string_equal(got[0], "7.79");
	assert_int_equal(match_pattern("x\n  #3 backs   off 7.79ms\n#3 backs off 2ms\n", "#3 backs off {}ms",
				       got, 4, &from), 1);
	assert_string_equal(got[0], "2");
	assert_int_equal(match_pattern("x\n", "#3 backs off {}ms", got, 4, NULL), -1);
	/* a document with a number right, one wrong, and one no check
	 * covers: two problems, and only those (printed below, as a failing
	 * document's would be) */
	print_message("test_checker_fails: the problems of two made-up documents follow\n");
	tp_write("s.yaml", "name: s\nreplications: 2\nsweep: {x: [1, 2]}\npolicies: [lww, version, lock]\n"
			  "workload: {clients: $x}\n");
	char doc[2048];
	snprintf(doc, sizeof(doc),
		 "The sweep makes 12 runs, or 13 runs if miscounted, about 2.25 per policy and point.\n"
		 "<!-- numbers: check %s/s.yaml\n12 runs => = {} runs\n13 runs => = {} runs\n-->\n",
		 tp_dir);
	tp_write("doc.md", doc);
	int before = failures;
	char path[600];
	snprintf(path, sizeof(path), "%s/doc.md", tp_dir);
	check_doc(path);
	if (failures - before != 2)
		fail_msg("the checker found %d problems in a document with 2 (13 runs, 2.25)",
			 failures - before);
	failures = before;
	/* and only the wrong one in a document whose numbers are all checked */
	snprintf(doc, sizeof(doc),
		 "The sweep makes 12 runs, 2 points, about 2.25 runs per label and point.\n"
		 "<!-- numbers: check %s/s.yaml\n12 runs => = {} runs\n2 points => {} points\n"
		 "2.25 => = {} runs\n-->\n",
		 tp_dir);
	tp_write("doc.md", doc);
	before = failures;
	check_doc(path);
	/* 2.25 is not 12: one problem, the wrong value, and nothing uncovered */
	if (failures - before != 1)
		fail_msg("the checker found %d problems in a document with 1 (2.25 for 12)",
			 failures - before);
	failures = before;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checker_fails),
		cmocka_unit_test(test_docs_numbers),
	};
	return cmocka_run_group_tests(tests, tp_setup, tp_teardown);
}

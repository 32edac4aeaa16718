/*
 * cmd_merge.c - `clobber merge OUT.db IN.db...`: copies the runs of results
 * databases into one, e.g. the shards of a sweep run on many machines
 * (run --shard I/N), or databases run at different times.
 *
 * Guarantees:
 *  - Every run of the inputs that OUT lacks is copied under a new id, with
 *    its rows in every table that has a run_id column.  The tables and
 *    their columns are read from each input's schema (sqlite_master,
 *    pragma_table_info), not listed here, so tables and columns added to
 *    the schema are merged without a change to this file.  Tables without a
 *    run_id column (descriptions shared by all runs) are united: a row OUT
 *    lacks is added.
 *  - One transaction per run: OUT holds whole runs only, whatever happens.
 *  - A run is never duplicated.  Its identity is (scenario, params), as for
 *    `run`; it is looked up again inside the run's write transaction, so
 *    merges and runs writing OUT at the same time are safe, and repeating a
 *    merge adds nothing.
 *  - Runs of an edited scenario are refused exactly as `run` refuses them
 *    (results_conflict: the same scenario, label, sweep values and
 *    replication, other params), against OUT and between the inputs; then
 *    nothing is written (OUT is not even created).
 *  - Each input is read in one read transaction: a snapshot.  An input that
 *    a shard is still writing contributes the whole runs it held when the
 *    merge began (a run is never split across transactions).
 *  - An input of another schema version (PRAGMA user_version), or that is
 *    not a results database, is refused before anything is written.
 *
 * Exit status: 0; 1 when OUT cannot be written; 2 for bad usage and refused
 * inputs; 130/143 when interrupted (between runs: the same command resumes).
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/app/cli.h"
#include "sim/app/merge.h"
#include "sim/app/results.h"
#include "sim/core/strbuf.h"

static const char merge_help[] =
	"usage: clobber merge OUT.db IN.db...\n"
	"\n"
	"Copies every run of the databases IN that OUT does not hold yet into OUT\n"
	"(created if it does not exist), with all its rows: the way to combine the\n"
	"databases of the shards of one sweep (clobber run --shard I/N -o IN.db).\n"
	"A run already in OUT (the same scenario and parameters) is not copied\n"
	"again, so merging twice adds nothing.  Runs of an edited scenario (the same\n"
	"scenario, label, sweep values and replication, other parameters) are\n"
	"refused, as clobber run refuses them, and then nothing is written.  Each\n"
	"run is copied in one transaction, and each input is read as it was when the\n"
	"merge began: an input still being written contributes its whole runs.\n"
	"\n"
	"exit status: 0 merged; 1 OUT could not be written; 2 bad usage or a refused\n"
	"input (another schema version, not a results database, an edited scenario).\n";


/* "name" with its double quotes doubled: an SQL identifier. */
void merge_ident(struct strbuf *b, const char *name)
{
	sb_puts(b, "\"");
	for (const char *p = name; *p; p++)
		sb_puts(b, *p == '"' ? "\"\"" : (char[2]){*p, '\0'});
	sb_puts(b, "\"");
}

static char *merge_strdup(const unsigned char *s)
{
	return strdup(s ? (const char *)s : "");
}

int merge_db_error(struct merge *m, sqlite3 *db, const char *path, const char *what)
{
	snprintf(m->err, sizeof(m->err), "%s: %s: %s", path, what, sqlite3_errmsg(db));
	return -1;
}

static void merge_table_free(struct merge_table *t)
{
	for (size_t i = 0; i < t->ncols; i++)
		free(t->cols[i]);
	free(t->cols);
	free(t->name);
	free(t->sql);
	free(t->ranges);
	sqlite3_finalize(t->read);
	memset(t, 0, sizeof(*t));
}

/* The columns of table t in db, in their order; whether it has rowids. */
static int merge_table_read(struct merge *m, sqlite3 *db, const char *path, struct merge_table *t)
{
	sqlite3_stmt *st;
	t->run_id_col = SIZE_MAX;
	if (sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info(?1) ORDER BY cid", -1, &st, NULL) != SQLITE_OK)
		return merge_db_error(m, db, path, "reading the schema");
	sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		char **c = realloc(t->cols, (t->ncols + 1) * sizeof(*c));
		if (!c || !(c[t->ncols] = merge_strdup(sqlite3_column_text(st, 0)))) {
			t->cols = c ? c : t->cols;
			sqlite3_finalize(st);
			snprintf(m->err, sizeof(m->err), "out of memory");
			return -1;
		}
		t->cols = c;
		if (strcmp(c[t->ncols], "run_id") == 0)
			t->run_id_col = t->ncols;
		t->ncols++;
	}
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db, "SELECT wr = 0 FROM pragma_table_list WHERE schema = 'main' AND name = ?1",
			       -1, &st, NULL) != SQLITE_OK)
		return merge_db_error(m, db, path, "reading the schema");
	sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
	t->rowid = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return 0;
}

/* Every table of db but sqlite's own, by name. */
static int merge_tables(struct merge *m, sqlite3 *db, const char *path, struct merge_table **out,
			size_t *nout)
{
	sqlite3_stmt *st;
	*out = NULL;
	*nout = 0;
	if (sqlite3_prepare_v2(db,
			       "SELECT name, sql FROM sqlite_master WHERE type = 'table' "
			       "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
			       -1, &st, NULL) != SQLITE_OK)
		return merge_db_error(m, db, path, "reading the schema");
	int rc = 0;
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
		struct merge_table *t = realloc(*out, (*nout + 1) * sizeof(*t));
		if (!t) {
			snprintf(m->err, sizeof(m->err), "out of memory");
			rc = -1;
			break;
		}
		*out = t;
		t = &t[(*nout)++];
		memset(t, 0, sizeof(*t));
		t->name = merge_strdup(sqlite3_column_text(st, 0));
		t->sql = merge_strdup(sqlite3_column_text(st, 1));
		rc = t->name && t->sql ? merge_table_read(m, db, path, t) : -1;
	}
	sqlite3_finalize(st);
	return rc;
}

static struct merge_table *merge_find_table(struct merge_table *t, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0)
			return &t[i];
	return NULL;
}

static int merge_add_run(struct merge *m, size_t input, sqlite3_stmt *st)
{
	if (m->nruns == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 256;
		struct merge_run *r = realloc(m->runs, cap * sizeof(*r));
		if (!r)
			goto out_nomem;
		m->runs = r;
		m->cap = cap;
	}
	struct merge_run *r = &m->runs[m->nruns];
	memset(r, 0, sizeof(*r));
	r->input = input;
	r->id = sqlite3_column_int64(st, 0);
	r->scenario = merge_strdup(sqlite3_column_text(st, 1));
	r->label = merge_strdup(sqlite3_column_text(st, 2));
	r->replication = sqlite3_column_int64(st, 3);
	r->params = merge_strdup(sqlite3_column_text(st, 4));
	r->sweep = merge_strdup(sqlite3_column_text(st, 5));
	m->nruns++;
	if (r->scenario && r->label && r->params && r->sweep)
		return 0;
out_nomem:
	snprintf(m->err, sizeof(m->err), "out of memory");
	return -1;
}

/* Opens input i in a read transaction (its snapshot until the merge ends)
 * and lists its runs and tables.  -1 with m->err filled: a refused input. */
static int merge_open_input(struct merge *m, size_t i)
{
	struct merge_input *in = &m->in[i];
	if (results_open(in->path, false, &in->res, m->err, sizeof(m->err)) < 0)
		return -1;
	in->db = results_db(in->res);
	if (sqlite3_exec(in->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return merge_db_error(m, in->db, in->path, "starting a read transaction");
	/* the snapshot starts here: the schema may have been created since
	 * results_open looked, so look again */
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(in->db,
			       "SELECT (SELECT count(*) FROM sqlite_master), "
			       "(SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'runs'), "
			       "user_version FROM pragma_user_version",
			       -1, &st, NULL) != SQLITE_OK)
		return merge_db_error(m, in->db, in->path, "reading");
	int objects = 0, has_runs = 0, version = 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		objects = sqlite3_column_int(st, 0);
		has_runs = sqlite3_column_int(st, 1);
		version = sqlite3_column_int(st, 2);
	}
	sqlite3_finalize(st);
	if (objects == 0)
		return 0; /* a shard that has not created its schema yet: no runs */
	if (version != RESULTS_SCHEMA || !has_runs) {
		snprintf(m->err, sizeof(m->err),
			 "%s: this results database has schema version %d, and this clobber reads and writes version %d: "
			 "merge it with the clobber that wrote it%s",
			 in->path, version, RESULTS_SCHEMA,
			 version == RESULTS_SCHEMA_UPGRADABLE && has_runs
				 ? ", or let this clobber upgrade it first by writing to it once: run the command "
				   "that wrote it again with this clobber, the same --shard and --set (it adds "
				   "no run already there)"
				 : "");
		return -1;
	}
	if (merge_tables(m, in->db, in->path, &in->tables, &in->ntables) < 0)
		return -1;
	/* the runs table apart, without its id column: OUT gives the ids */
	for (size_t k = 0; k < in->ntables; k++)
		if (strcmp(in->tables[k].name, "runs") == 0) {
			in->runs = in->tables[k];
			in->tables[k] = in->tables[--in->ntables];
			break;
		}
	struct merge_table *rt = &in->runs;
	for (size_t c = 0; c < rt->ncols; c++)
		if (strcmp(rt->cols[c], "id") == 0) {
			free(rt->cols[c]);
			memmove(&rt->cols[c], &rt->cols[c + 1], (rt->ncols - c - 1) * sizeof(*rt->cols));
			rt->ncols--;
			break;
		}
	if (sqlite3_prepare_v2(in->db,
			       "SELECT id, scenario, label, replication, params, "
			       "coalesce(json_extract(params, '$.sweep'), '') FROM runs ORDER BY id",
			       -1, &st, NULL) != SQLITE_OK)
		return merge_db_error(m, in->db, in->path, "reading runs");
	int rc, ok = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && ok == 0) {
		ok = merge_add_run(m, i, st);
		in->nruns++;
	}
	if (ok == 0 && rc != SQLITE_DONE)
		ok = merge_db_error(m, in->db, in->path, "reading runs");
	sqlite3_finalize(st);
	return ok;
}

/* Identity order: runs that could conflict are next to each other, and the
 * copies of one run too, the earliest input's first. */
static int merge_by_identity(const void *a, const void *b)
{
	const struct merge_run *x = a, *y = b;
	int c;
	if ((c = strcmp(x->scenario, y->scenario)) || (c = strcmp(x->label, y->label)))
		return c;
	if (x->replication != y->replication)
		return x->replication < y->replication ? -1 : 1;
	if ((c = strcmp(x->sweep, y->sweep)) || (c = strcmp(x->params, y->params)))
		return c;
	if (x->input != y->input)
		return x->input < y->input ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Back in copying order: input by input, each in id order. */
static int merge_by_input(const void *a, const void *b)
{
	const struct merge_run *x = a, *y = b;
	if (x->input != y->input)
		return x->input < y->input ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

int merge_refuse_edited(struct merge *m, const struct merge_run *a, const char *where_a,
			       const struct merge_run *b)
{
	snprintf(m->err, sizeof(m->err),
		 "%s and %s hold runs of scenario '%s' (%s, replication %lld, the same sweep values) made with "
		 "other parameters: the scenario was edited between them.  Nothing was merged; merge the "
		 "databases of each version of the scenario into a database of its own",
		 where_a, m->in[b->input].path, a->scenario, a->label, (long long)a->replication);
	return -1;
}

/* Marks the runs to copy: not a copy of an earlier one, not in OUT (if it
 * exists yet).  Refuses runs of an edited scenario, between inputs and
 * against OUT. */
static int merge_plan(struct merge *m)
{
	if (m->nruns == 0)
		return 0;
	qsort(m->runs, m->nruns, sizeof(*m->runs), merge_by_identity);
	for (size_t i = 0; i < m->nruns; i++) {
		struct merge_run *r = &m->runs[i];
		r->copy = true;
		if (i == 0)
			continue;
		const struct merge_run *p = &m->runs[i - 1];
		if (strcmp(p->scenario, r->scenario) || strcmp(p->label, r->label) ||
		    p->replication != r->replication || strcmp(p->sweep, r->sweep))
			continue;
		if (strcmp(p->params, r->params))
			return merge_refuse_edited(m, p, m->in[p->input].path, r);
		r->copy = false; /* the same run as the one before */
	}
	for (size_t i = 0; m->out && i < m->nruns; i++) {
		struct merge_run *r = &m->runs[i];
		bool found;
		if (!r->copy)
			continue;
		if (results_has_run(m->out, r->scenario, r->params, &found, m->err, sizeof(m->err)) < 0)
			return -1;
		if (found) {
			r->copy = false;
			continue;
		}
		if (results_conflict(m->out, r->scenario, r->label, (uint64_t)r->replication, r->params,
				     &found, m->err, sizeof(m->err)) < 0)
			return -1;
		if (found)
			return merge_refuse_edited(m, r, m->out_path, r);
	}
	qsort(m->runs, m->nruns, sizeof(*m->runs), merge_by_input);
	return 0;
}

/* Checks that `like` (OUT, or a new database with OUT's schema when OUT
 * does not exist yet) has every column of every input table that it has
 * (else rows would be lost), and when `create`, creates in it the tables
 * an input has and it lacks, from the input's own statement.  Returns 0,
 * -1 (an error) or -2 (refused). */
static int merge_check_tables(struct merge *m, struct results *like, const char *like_path, bool create)
{
	sqlite3 *out = results_db(like);
	struct merge_table *ot;
	size_t not;
	if (merge_tables(m, out, like_path, &ot, &not) < 0)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < m->nin && rc == 0; i++) {
		struct merge_input *in = &m->in[i];
		for (size_t k = 0; k <= in->ntables && rc == 0; k++) {
			struct merge_table *t = k < in->ntables ? &in->tables[k] : &in->runs;
			if (!t->name)
				continue;
			struct merge_table *o = merge_find_table(ot, not, t->name);
			if (!o) {
				/* (a merge running at the same time may have just
				 * created it: that is no error) */
				if (create && sqlite3_exec(out, t->sql, NULL, NULL, NULL) != SQLITE_OK &&
				    !strstr(sqlite3_errmsg(out), "already exists"))
					rc = merge_db_error(m, out, m->out_path, "creating a table");
				continue;
			}
			for (size_t c = 0; c < t->ncols && rc == 0; c++) {
				bool found = false;
				for (size_t d = 0; d < o->ncols; d++)
					found |= strcmp(t->cols[c], o->cols[d]) == 0;
				if (!found) {
					snprintf(m->err, sizeof(m->err),
						 "%s: its table %s has a column %s that %s lacks: they were written by different versions of clobber; nothing was merged",
						 in->path, t->name, t->cols[c], m->out_path);
					rc = -2;
				}
			}
		}
	}
	for (size_t i = 0; i < not; i++)
		merge_table_free(&ot[i]);
	free(ot);
	return rc;
}

static void merge_free(struct merge *m)
{
	for (size_t i = 0; m->in && i < m->nin; i++) {
		struct merge_input *in = &m->in[i];
		for (size_t k = 0; k < in->ntables; k++)
			merge_table_free(&in->tables[k]);
		free(in->tables);
		merge_table_free(&in->runs);
		results_close(in->res); /* ends the read transaction */
	}
	free(m->in);
	for (size_t i = 0; i < m->nruns; i++) {
		free(m->runs[i].scenario);
		free(m->runs[i].label);
		free(m->runs[i].params);
		free(m->runs[i].sweep);
	}
	free(m->runs);
	results_close(m->out);
}

/* True if both name the same existing file. */
static bool merge_same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static long long merge_count_runs(struct results *r)
{
	sqlite3_stmt *st;
	long long n = -1;
	if (sqlite3_prepare_v2(results_db(r), "SELECT count(*) FROM runs", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

int cmd_merge(int argc, char **argv)
{
	struct cli_args a;
	int rc = cli_parse(argc, argv, 2, "merge", "", merge_help, &a);
	if (rc || a.help)
		goto out;
	if (a.npos < 2) {
		rc = cli_usage_error("merge", "name the database to write and at least one to read: "
					      "clobber merge OUT.db IN.db...");
		goto out;
	}
	struct merge m = {.out_path = a.pos[0], .nin = a.npos - 1};
	if (results_check_out_path(m.out_path, m.err, sizeof(m.err)) < 0) {
		rc = cli_usage_error("merge", "%s", m.err);
		goto out;
	}
	m.in = calloc(m.nin, sizeof(*m.in));
	if (!m.in) {
		fprintf(stderr, "clobber merge: out of memory\n");
		rc = EXIT_RUNTIME;
		goto out;
	}
	for (size_t i = 0; i < m.nin; i++) {
		m.in[i].path = a.pos[i + 1];
		if (merge_same_file(m.out_path, m.in[i].path)) {
			rc = cli_usage_error("merge", "%s is the database to write (OUT.db) and also an input",
					     m.in[i].path);
			goto out_free;
		}
	}
	/* every input first: a refused one stops the merge before anything
	 * is written */
	for (size_t i = 0; i < m.nin; i++)
		if (merge_open_input(&m, i) < 0) {
			fprintf(stderr, "clobber merge: %s\n", m.err);
			rc = EXIT_USAGE;
			goto out_free;
		}
	struct stat st;
	if (stat(m.out_path, &st) == 0 && results_open(m.out_path, true, &m.out, m.err, sizeof(m.err)) < 0) {
		fprintf(stderr, "clobber merge: %s\n", m.err);
		rc = EXIT_RUNTIME;
		goto out_free;
	}
	if (merge_plan(&m) < 0) {
		fprintf(stderr, "clobber merge: %s\n", m.err);
		rc = EXIT_USAGE;
		goto out_free;
	}
	/* the columns, against OUT or, before creating it, against its schema
	 * in memory */
	struct results *like = m.out;
	if (!like && results_open(":memory:", true, &like, m.err, sizeof(m.err)) < 0) {
		fprintf(stderr, "clobber merge: %s\n", m.err);
		rc = EXIT_RUNTIME;
		goto out_free;
	}
	int trc = merge_check_tables(&m, like, m.out_path, false);
	if (like != m.out)
		results_close(like);
	if (trc < 0) {
		fprintf(stderr, "clobber merge: %s\n", m.err);
		rc = trc == -2 ? EXIT_USAGE : EXIT_RUNTIME;
		goto out_free;
	}
	if (!m.out && results_open(m.out_path, true, &m.out, m.err, sizeof(m.err)) < 0) {
		fprintf(stderr, "clobber merge: %s\n", m.err);
		rc = EXIT_RUNTIME;
		goto out_free;
	}
	if (merge_check_tables(&m, m.out, m.out_path, true) < 0) {
		fprintf(stderr, "clobber merge: %s\n", m.err);
		rc = EXIT_RUNTIME;
		goto out_free;
	}
	long long before = merge_count_runs(m.out);
	cli_catch_signals();
	results_set_interrupt(&cli_interrupted);
	for (size_t i = 0; i < m.nin && rc == 0; i++) {
		int crc = merge_copy_input(&m, i);
		struct merge_input *in = &m.in[i];
		if (crc == -2) {
			fprintf(stderr,
				"clobber merge: interrupted: %llu runs of %s were copied into %s; run the same command again to complete the merge\n",
				(unsigned long long)in->copied, in->path, m.out_path);
			rc = cli_interrupted == SIGTERM ? 143 : 130;
		} else if (crc != 0) {
			fprintf(stderr, "clobber merge: %s\n", m.err);
			rc = crc == 2 ? EXIT_USAGE : EXIT_RUNTIME;
		} else if (!in->runs.name) {
			printf("%s: no runs yet (no schema): nothing to copy\n", in->path);
		} else {
			printf("%s: %llu runs: %llu copied, %llu already in %s or in an earlier input\n",
			       in->path, (unsigned long long)in->nruns, (unsigned long long)in->copied,
			       (unsigned long long)(in->nruns - in->copied), m.out_path);
		}
	}
	if (rc == 0)
		printf("%s: %lld runs (%lld new)\n", m.out_path, merge_count_runs(m.out),
		       merge_count_runs(m.out) - before);
out_free:
	merge_free(&m);
out:
	cli_args_free(&a);
	return rc;
}

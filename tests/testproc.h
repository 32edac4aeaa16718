/*
 * testproc.h - for the tests that drive the clobber binary (test_cli,
 * test_hostile, test_labs, test_plot): one temporary directory per test
 * program, files in it, child processes with their output captured, and
 * the results databases they write.
 *
 * The binary is $CLOBBER (the Makefile sets it to the build under test),
 * else bin/clobber, made absolute so that a child may run elsewhere.
 * tp_setup/tp_teardown are the cmocka group fixtures: make the directory
 * (/tmp/clobber-test-XXXXXX) and remove it.
 */
#ifndef CLOBBER_TESTPROC_H
#define CLOBBER_TESTPROC_H

#include "testutil.h"

#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char tp_dir[256];
static char tp_bin[1024];

/* tp_dir/name, from a ring of 256 buffers: use it at once, or within the
 * next 255 calls. */
static inline char *tp_path(const char *name)
{
	static char paths[256][512];
	static unsigned i;
	char *p = paths[i++ % 256];
	snprintf(p, 512, "%s/%s", tp_dir, name);
	return p;
}

/* A file name for the helpers below: absolute as it is, else in tp_dir. */
static inline const char *tp_file(const char *name)
{
	return name[0] == '/' ? name : tp_path(name);
}

static inline void tp_write_bytes(const char *name, const char *data, size_t len)
{
	FILE *f = fopen(tp_file(name), "wb");
	if (!f)
		fail_msg("cannot write %s", name);
	fwrite(data, 1, len, f);
	fclose(f);
}

static inline void tp_write(const char *name, const char *text)
{
	tp_write_bytes(name, text, strlen(text));
}

/* The contents of a file (empty if it does not exist), into buf. */
static inline char *tp_slurp(const char *name, char *buf, size_t n)
{
	FILE *f = fopen(tp_file(name), "r");
	size_t len = f ? fread(buf, 1, n - 1, f) : 0;
	buf[len] = '\0';
	if (f)
		fclose(f);
	return buf;
}

/* The same into a static buffer, valid until the next call. */
static inline char *tp_output(const char *name)
{
	static char buf[1 << 18];
	return tp_slurp(name, buf, sizeof(buf));
}

static inline bool tp_exists(const char *name)
{
	struct stat st;
	return stat(tp_file(name), &st) == 0;
}

/* How a child is started; NULL or zero fields: the defaults. */
struct tp_how {
	const char *cwd;  /* working directory (default: this one) */
	const char *out;  /* stdout into tp_dir/out (default out.txt) */
	const char *err;  /* stderr into tp_dir/err (default: with stdout) */
	long fsize_limit; /* RLIMIT_FSIZE in bytes: writes past it fail */
	bool as_nobody;	  /* drop to uid/gid 65534 (root ignores permissions) */
};

/* Starts argv (argv[0] a path, or a program on PATH) as h says. */
static inline pid_t tp_spawn(const struct tp_how *h, const char *const *argv)
{
	static const struct tp_how plain;
	if (!h)
		h = &plain;
	pid_t pid = fork();
	if (pid == 0) {
		char out[512], err[512];
		snprintf(out, sizeof(out), "%s/%s", tp_dir, h->out ? h->out : "out.txt");
		int fo = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0666);
		int fe = fo;
		if (h->err) {
			snprintf(err, sizeof(err), "%s/%s", tp_dir, h->err);
			fe = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0666);
		}
		dup2(fo, 1);
		dup2(fe, 2);
		if (h->cwd && chdir(h->cwd) < 0)
			_exit(126);
		if (h->fsize_limit) {
			signal(SIGXFSZ, SIG_IGN); /* a write past the limit fails instead */
			struct rlimit rl = {(rlim_t)h->fsize_limit, (rlim_t)h->fsize_limit};
			setrlimit(RLIMIT_FSIZE, &rl);
		}
		if (h->as_nobody && getuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
			_exit(125);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	return pid;
}

/* Its exit status, or 128 + the signal that ended it. */
static inline int tp_wait(pid_t pid)
{
	int status;
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Starts the clobber binary with args (NULL-terminated, without argv[0]). */
static inline pid_t tp_start(const struct tp_how *h, const char *const *args)
{
	const char *argv[64];
	int n = 0;
	argv[n++] = tp_bin;
	for (; args[n - 1] && n < 63; n++)
		argv[n] = args[n - 1];
	argv[n] = NULL;
	return tp_spawn(h, argv);
}

static inline int tp_run(const struct tp_how *h, const char *const *args)
{
	return tp_wait(tp_start(h, args));
}

static inline sqlite3 *tp_open_db(const char *name)
{
	sqlite3 *db;
	if (sqlite3_open_v2(tp_file(name), &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		fail_msg("cannot open %s", name);
	sqlite3_busy_timeout(db, 10000);
	return db;
}

/* The first column of the first row, as an integer (-1 without a row). */
static inline long long tp_query(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	long long v = -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* SQLite's own check of the whole file. */
static inline bool tp_intact(sqlite3 *db)
{
	sqlite3_stmt *st;
	bool ok = sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK &&
		  sqlite3_step(st) == SQLITE_ROW &&
		  strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0;
	sqlite3_finalize(st);
	return ok;
}

/* The runs a database at path holds while another process may still be
 * creating or writing it: 0 until it can be read. */
static inline long long tp_runs_so_far(const char *path)
{
	sqlite3 *d;
	sqlite3_stmt *st;
	long long n = 0;
	if (sqlite3_open_v2(path, &d, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
		sqlite3_busy_timeout(d, 500);
		if (sqlite3_prepare_v2(d, "SELECT count(*) FROM runs", -1, &st, NULL) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(d);
	return n;
}

static inline int tp_setup(void **state)
{
	(void)state;
	const char *b = getenv("CLOBBER");
	b = b && *b ? b : "bin/clobber";
	char cwd[512];
	if (b[0] == '/')
		snprintf(tp_bin, sizeof(tp_bin), "%s", b);
	else if (getcwd(cwd, sizeof(cwd)))
		snprintf(tp_bin, sizeof(tp_bin), "%s/%s", cwd, b);
	else
		return -1;
	snprintf(tp_dir, sizeof(tp_dir), "/tmp/clobber-test-XXXXXX");
	return mkdtemp(tp_dir) ? 0 : -1;
}

static inline int tp_teardown(void **state)
{
	(void)state;
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tp_dir);
	return system(cmd) == 0 ? 0 : -1;
}

#endif

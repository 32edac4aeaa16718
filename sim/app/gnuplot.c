/*
 * gnuplot.c - quoting, terminals, running gnuplot.
 */
#include "sim/app/gnuplot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

void gp_quote(struct strbuf *b, const char *s)
{
	sb_putn(b, "'", 1);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '\'')
			sb_puts(b, "''");
		else if (*p < 0x20 || *p == 0x7f)
			sb_putn(b, " ", 1);
		else
			sb_putn(b, (const char *)p, 1);
	}
	sb_putn(b, "'", 1);
}

const char *gp_ext(const char *format)
{
	return strcmp(format, "svg") == 0 ? "svg" : strcmp(format, "pdf") == 0 ? "pdf" : "png";
}

void gp_terminal(struct strbuf *b, const char *format, int width, int height, const char *base)
{
	if (strcmp(format, "svg") == 0)
		sb_printf(b, "set terminal svg size %d,%d dynamic noenhanced font 'sans,11' background '#ffffff'\n",
			  width, height);
	else if (strcmp(format, "pdf") == 0)
		sb_printf(b, "set terminal pdfcairo size %.2fin,%.2fin noenhanced font 'sans,9'\n",
			  width / 100.0, height / 100.0);
	else
		sb_printf(b, "set terminal pngcairo size %d,%d noenhanced font 'sans,10'\n", width,
			  height);
	sb_printf(b, "set output '%s.%s'\n", base, gp_ext(format));
}

int gp_mkdirs(const char *dir, char *err, size_t n)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s", dir);
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0777) < 0 && errno != EEXIST) {
			snprintf(err, n, "cannot create %s: %s", path, strerror(errno));
			return -1;
		}
		*p = '/';
	}
	if (mkdir(path, 0777) < 0 && errno != EEXIST) {
		snprintf(err, n, "cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int gp_write(const char *dir, const char *name, const char *text, char *err, size_t n)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f) {
		snprintf(err, n, "cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	bool ok = fputs(text, f) >= 0;
	ok = (fclose(f) == 0) && ok;
	if (!ok) {
		snprintf(err, n, "cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int gp_run(const char *dir, const char *script, char *err, size_t n)
{
	char errfile[] = "/tmp/clobber-gnuplot-XXXXXX";
	int fd = mkstemp(errfile);
	if (fd < 0) {
		snprintf(err, n, "cannot create a temporary file: %s", strerror(errno));
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		close(fd);
		unlink(errfile);
		snprintf(err, n, "cannot start gnuplot: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		dup2(fd, 2);
		int nul = open("/dev/null", O_WRONLY);
		if (nul >= 0)
			dup2(nul, 1);
		if (chdir(dir) < 0)
			_exit(126);
		execlp("gnuplot", "gnuplot", script, (char *)NULL);
		_exit(127);
	}
	int status;
	waitpid(pid, &status, 0);
	char msg[512] = "";
	ssize_t got = pread(fd, msg, sizeof(msg) - 1, 0);
	msg[got > 0 ? got : 0] = '\0';
	close(fd);
	unlink(errfile);
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	if (code == 127) {
		snprintf(err, n, "gnuplot is not installed (Debian: apt-get install gnuplot-nox; make demo installs it)");
		return -1;
	}
	if (code != 0) {
		for (char *p = msg; *p; p++)
			if (*p == '\n')
				*p = ' ';
		snprintf(err, n, "gnuplot failed on %s/%s: %s", dir, script, msg);
		return -1;
	}
	return 0;
}

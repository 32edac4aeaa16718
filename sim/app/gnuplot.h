/*
 * gnuplot.h - writing gnuplot scripts and running gnuplot.
 *
 * Scripts are written to be read and rerun by hand (`gnuplot NAME.gp` in
 * their directory): data in NAME.dat beside them, referred to by relative
 * name.  Every text that comes from a user (scenario names, labels, sweep
 * values) goes into the script through gp_quote(), and the terminal is set
 * `noenhanced`, so no name can break a script or be read as markup.
 */
#ifndef CLOBBER_GNUPLOT_H
#define CLOBBER_GNUPLOT_H

#include <stddef.h>

#include "sim/core/strbuf.h"

/* Appends s as a gnuplot single-quoted string: quotes doubled, control
 * characters replaced by spaces. */
void gp_quote(struct strbuf *b, const char *s);

/* Appends "set terminal ...; set output 'base.ext'" for format png|svg|pdf
 * and a size in pixels (pdf: the same proportions in inches). */
void gp_terminal(struct strbuf *b, const char *format, int width, int height,
		 const char *base);

/* The file extension of a format. */
const char *gp_ext(const char *format);

/* Writes text to dir/name.  Returns 0, or -1 with err filled. */
int gp_write(const char *dir, const char *name, const char *text, char *err, size_t n);

/* Runs gnuplot on dir/script with dir as working directory.  Returns 0, or
 * -1 with err filled (gnuplot missing, or its error message). */
int gp_run(const char *dir, const char *script, char *err, size_t n);

/* Creates dir and its parents. */
int gp_mkdirs(const char *dir, char *err, size_t n);

#endif

/*
 * gnuplot.h - writing gnuplot scripts and running gnuplot.
 *
 * Scripts are written to be read and rerun by hand (`gnuplot NAME.gp` in
 * their directory): data in NAME.dat beside them, referred to by relative
 * name.  Every text that comes from a user or a database (scenario names,
 * labels, sweep values) goes into a script through gp_quote() or, in a
 * comment, esc_gp_comment() (sim/app/escape.h), and the terminal is set
 * `noenhanced`, so no name can break a script, run a command or be read as
 * markup.
 */
#ifndef CLOBBER_GNUPLOT_H
#define CLOBBER_GNUPLOT_H

#include <stddef.h>

#include "sim/core/strbuf.h"

/* Appends s as a gnuplot single-quoted string: esc_gp_string()
 * (sim/app/escape.h), under the name the chart writers know. */
void gp_quote(struct strbuf *b, const char *s);

/* The largest side of a chart, in pixels: Cairo draws nothing larger than
 * 32767 (gnuplot then leaves an empty file), so a chart of hundreds of
 * policies or lanes is drawn denser within it instead. */
#define GP_MAX_PIXELS 32000

/* Appends "set terminal ...; set output 'base.ext'" for format png|svg|pdf
 * and a size in pixels (pdf: the same proportions in inches). */
void gp_terminal(struct strbuf *b, const char *format, int width, int height,
		 const char *base);

/* The start of a chart script that uses the theme: loads it from
 * `theme` (a path relative to the script's directory), then sets the
 * terminal and output by the script's argument, `format` when it has none:
 *     gnuplot BASE.gp            draws BASE.<format>
 *     gnuplot -c BASE.gp svg     draws BASE.svg (png, svg or pdf)
 * The size is in pixels (pdf: the same proportions in inches); fonts come
 * from the theme (theme_font). */
void gp_preamble(struct strbuf *b, const char *theme, const char *format, int width,
		 int height, const char *base);

/* The theme every chart loads: root/theme.gp, written from the copy built
 * into clobber (plots/theme.gp of its source) when root has none; one that
 * exists is never overwritten, so a user's restyling stays.  Returns 0, or
 * -1 with err filled. */
int gp_theme(const char *root, char *err, size_t n);

/* The file extension of a format. */
const char *gp_ext(const char *format);

/* Writes text to dir/name.  Returns 0, or -1 with err filled. */
int gp_write(const char *dir, const char *name, const char *text, char *err, size_t n);

/* Runs gnuplot on dir/script with dir as working directory.  Returns 0, or
 * -1 with err filled (gnuplot missing, or its error message). */
int gp_run(const char *dir, const char *script, char *err, size_t n);

/* The same with one argument: gnuplot -c script arg (the output format of
 * a script written after gp_preamble). */
int gp_run_arg(const char *dir, const char *script, const char *arg, char *err, size_t n);

/* Creates dir and its parents. */
int gp_mkdirs(const char *dir, char *err, size_t n);

#endif

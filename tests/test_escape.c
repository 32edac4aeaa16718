/*
 * test_escape.c - the escaping helpers of sim/app/escape.h, one medium at a
 * time.  The expected texts are written by hand from each medium's rules:
 * Unicode 15 table 3-7 (well-formed UTF-8), RFC 4180 (CSV), the HTML
 * standard's character references, GitHub-flavoured Markdown's table and
 * code-span rules, RFC 8259 (JSON), and gnuplot's documentation (a single
 * quote inside single quotes is written twice; a comment ending in a
 * backslash continues on the next line).  The gnuplot helpers are also
 * checked against gnuplot itself: a string read back by gnuplot is the
 * text (as esc_visible shows it), and a comment can hide no command.
 */
#include "testutil.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/app/escape.h"

typedef void esc_fn(struct strbuf *, const char *);

/* fn(in) must be exactly want. */
static void expect(esc_fn *fn, const char *name, const char *in, const char *want)
{
	struct strbuf b;
	sb_init(&b);
	fn(&b, in);
	const char *got = b.s ? b.s : "";
	if (strcmp(got, want) != 0)
		fail_msg("%s(\"%s\"): got [%s], expected [%s]", name, in, got, want);
	sb_free(&b);
}

static void test_visible(void **state)
{
	(void)state;
	expect(esc_visible, "esc_visible", "plain text, (x=1)", "plain text, (x=1)");
	/* C0 controls, DEL, ESC sequences: each byte as \xHH */
	expect(esc_visible, "esc_visible", "a\nb\rc\td", "a\\x0ab\\x0dc\\x09d");
	expect(esc_visible, "esc_visible", "\x1b[2J\x1b]0;title\x07", "\\x1b[2J\\x1b]0;title\\x07");
	expect(esc_visible, "esc_visible", "del\x7f", "del\\x7f");
	/* U+009B (CSI as a C1 control) is C2 9B in UTF-8 */
	expect(esc_visible, "esc_visible", "c1\xc2\x9b" "31m", "c1\\xc2\\x9b31m");
	/* well-formed multi-byte characters stay: e-acute, the euro sign, an emoji */
	expect(esc_visible, "esc_visible", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
	       "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	/* ill-formed: a lone continuation byte, an overlong '/', a surrogate,
	 * a truncated sequence, a byte above F4 */
	expect(esc_visible, "esc_visible", "\x80", "\\x80");
	expect(esc_visible, "esc_visible", "\xc0\xaf", "\\xc0\\xaf");
	expect(esc_visible, "esc_visible", "\xed\xa0\x80", "\\xed\\xa0\\x80");
	expect(esc_visible, "esc_visible", "ab\xe2\x82", "ab\\xe2\\x82");
	expect(esc_visible, "esc_visible", "\xf5\x80\x80\x80", "\\xf5\\x80\\x80\\x80");
	/* bidirectional override U+202E (E2 80 AE) and line separator U+2028 */
	expect(esc_visible, "esc_visible", "x\xe2\x80\xaey", "x\\xe2\\x80\\xaey");
	expect(esc_visible, "esc_visible", "x\xe2\x80\xa8y", "x\\xe2\\x80\\xa8y");
	assert_true(esc_is_visible("lock(mode=wait) \xc3\xa9"));
	assert_false(esc_is_visible("a\x1b"));
	assert_int_equal(esc_width("a\xc2\xb1" "b"), 3); /* a±b */
}

static void test_media(void **state)
{
	(void)state;
	expect(esc_gp_string, "esc_gp_string", "it's", "'it''s'");
	expect(esc_gp_string, "esc_gp_string", "'", "''''");
	expect(esc_gp_string, "esc_gp_string", "a\n'b", "'a\\x0a''b'");
	expect(esc_gp_comment, "esc_gp_comment", "ends in \\", "ends in \\ ");
	expect(esc_gp_comment, "esc_gp_comment", "x\nsystem('y')", "x\\x0asystem('y')");
	expect(esc_dat_field, "esc_dat_field", "say \"hi\"", "\"say 'hi'\"");
	expect(esc_dat_field, "esc_dat_field", "a\nb", "\"a\\x0ab\"");
	expect(esc_html, "esc_html", "<b a=\"1\">&'</b>", "&lt;b a=&quot;1&quot;&gt;&amp;&#39;&lt;/b&gt;");
	expect(esc_html, "esc_html", "<script>\n", "&lt;script&gt;\\x0a");
	/* RFC 4180: fields with commas or quotes are quoted, quotes doubled */
	expect(esc_csv, "esc_csv", "plain", "plain");
	expect(esc_csv, "esc_csv", "lock(mode=wait,lease=1ms)", "\"lock(mode=wait,lease=1ms)\"");
	expect(esc_csv, "esc_csv", "say \"x\"", "\"say \"\"x\"\"\"");
	expect(esc_csv, "esc_csv", " padded ", "\" padded \"");
	expect(esc_csv, "esc_csv", "two\nlines", "two\\x0alines");
	expect(esc_md_code, "esc_md_code", "a|b", "`a\\|b`");
	expect(esc_md_code, "esc_md_code", "x`y", "`` x`y ``");
	/* JSON keeps controls exactly, as escapes; ill-formed bytes are U+FFFD */
	expect(esc_json, "esc_json", "q\"\\\n\x1b", "\"q\\\"\\\\\\n\\u001b\"");
	expect(esc_json, "esc_json", "\xc2\x9b\xff", "\"\\u009b\\ufffd\"");
	expect(esc_term, "esc_term", "\x1b[31mred", "\\x1b[31mred");
}

/* Runs gnuplot on script text (in dir); returns its standard output. */
static char *gnuplot(const char *dir, const char *script)
{
	static char out[4096];
	char path[512];
	snprintf(path, sizeof(path), "%s/t.gp", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(script, f);
	fclose(f);
	char cmd[1200];
	snprintf(cmd, sizeof(cmd), "cd '%s' && gnuplot t.gp 2>&1", dir);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	pclose(p);
	return out;
}

/* gnuplot reads back what esc_gp_string wrote, and runs nothing that a
 * string or a comment holds. */
static void test_gnuplot_reads_it_back(void **state)
{
	(void)state;
	char dir[] = "/tmp/clobber-escape-XXXXXX";
	assert_non_null(mkdtemp(dir));
	static const char *const hostile[] = {
		"it's",
		"x'\nsystem('touch X1')\n'",
		"`touch X2`",
		"@macro",
		"a\\",
		"ok\"; system(\"touch X3\"); \"",
	};
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		struct strbuf s;
		sb_init(&s);
		sb_puts(&s, "set print '-'\n# ");
		esc_gp_comment(&s, hostile[i]);
		sb_puts(&s, "\nprint ");
		esc_gp_string(&s, hostile[i]);
		sb_puts(&s, "\n");
		char *out = gnuplot(dir, s.s);
		struct strbuf want;
		sb_init(&want);
		esc_visible(&want, hostile[i]);
		sb_puts(&want, "\n");
		if (strcmp(out, want.s) != 0)
			fail_msg("gnuplot printed [%s] for [%s], expected [%s]", out, s.s, want.s);
		sb_free(&want);
		sb_free(&s);
	}
	/* the control: unescaped, a newline in a comment does run a command,
	 * so the check above can fail */
	char *out = gnuplot(dir, "# x\nsystem('touch X0')\n");
	(void)out;
	char path[600];
	snprintf(path, sizeof(path), "%s/X0", dir);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	for (int k = 1; k <= 3; k++) {
		snprintf(path, sizeof(path), "%s/X%d", dir, k);
		if (stat(path, &st) == 0)
			fail_msg("gnuplot ran a command hidden in escaped text (%s exists)", path);
	}
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_visible),
		cmocka_unit_test(test_media),
		cmocka_unit_test(test_gnuplot_reads_it_back),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

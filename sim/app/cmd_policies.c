/*
 * cmd_policies.c - `clobber policies`: the registry, with every option.
 */
#include <stdio.h>
#include <string.h>

#include "models/model.h"
#include "sim/app/cli.h"

static const char help[] =
	"usage: clobber policies\n"
	"\n"
	"Lists the concurrency policies a scenario can name, and their options with\n"
	"their defaults.  In a scenario:  policies: [lww, {lock: {mode: fail}}]\n";

int cmd_policies(int argc, char **argv)
{
	struct cli_args a;
	int rc = cli_parse(argc, argv, 2, "policies", "", help, &a);
	if (rc || a.help)
		goto out;
	if (a.npos) {
		rc = cli_usage_error("policies", "takes no arguments");
		goto out;
	}
	for (size_t i = 0; i < registry_count(); i++) {
		const struct policy *p = registry_at(i);
		printf("%s\n    %s\n", p->name, p->summary);
		for (const struct policy_option *o = p->options; o && o->name; o++) {
			const char *type = o->type == POPT_ENUM ? o->choices
					   : o->type == POPT_BOOL   ? "true|false"
					   : o->type == POPT_DURATION ? "duration"
								      : "count";
			printf("    %-12s %-17s default %-7s %s\n", o->name, type, o->def, o->help);
		}
		printf("    %-12s %-17s default %-7s %s\n", "label", "name", "-",
		       "the name in results and charts (default: the policy as written)");
		for (const char *const *m = p->metrics; m && *m; m++)
			printf("%s%s", m == p->metrics ? "    metrics: " : ", ", *m);
		if (p->metrics)
			putchar('\n');
		putchar('\n');
	}
out:
	cli_args_free(&a);
	return rc;
}

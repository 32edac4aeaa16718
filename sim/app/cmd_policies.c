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
	"Lists the concurrency policies a scenario can name and the replication\n"
	"strategies of a cluster, with their options, defaults and metrics.  In a\n"
	"scenario:  policies: [lww, {lock: {mode: fail}}]\n";

static void print_options(const struct field *options)
{
	for (const struct field *o = options; o && o->name; o++)
		printf("    %-12s %-17s default %-7s %s\n", o->name, field_type_text(o),
		       o->def ? o->def : "-", o->help ? o->help : "");
}

static void print_metrics(const struct metric_info *metrics)
{
	for (const struct metric_info *m = metrics; m && m->name; m++)
		printf("%s%s", m == metrics ? "    metrics: " : ", ", m->name);
	if (metrics && metrics->name)
		putchar('\n');
}

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
		print_options(p->options);
		printf("    %-12s %-17s default %-7s %s\n", "label", "name", "-",
		       "the name in results and charts (default: the policy as written)");
		print_metrics(p->metrics);
		putchar('\n');
	}
	printf("replication strategies (cluster.replication):\n\n");
	for (size_t i = 0; i < registry_repl_count(); i++) {
		const struct repl *r = registry_repl_at(i);
		printf("%s\n    %s\n", r->name, r->summary);
		print_options(r->options);
		print_metrics(r->metrics);
		putchar('\n');
	}
out:
	cli_args_free(&a);
	return rc;
}

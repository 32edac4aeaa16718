/*
 * docgen.c - `make docs`: regenerates the reference tables of a markdown
 * file from the tables they document (sim/app/schemadoc.h), in place.
 *   docgen FILE...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/app/schemadoc.h"

static char *slurp(const char *path)
{
	struct strbuf b;
	sb_init(&b);
	if (sb_read_file(&b, path, 0) < 0) {
		sb_free(&b);
		return NULL;
	}
	return b.s;
}

int main(int argc, char **argv)
{
	int rc = 0;
	for (int i = 1; i < argc; i++) {
		char *text = slurp(argv[i]);
		if (!text) {
			fprintf(stderr, "docgen: cannot read %s\n", argv[i]);
			return 1;
		}
		struct strbuf out;
		sb_init(&out);
		char err[256];
		if (schemadoc_update(text, &out, err, sizeof(err)) < 0) {
			fprintf(stderr, "docgen: %s: %s\n", argv[i], err);
			rc = 1;
		} else if (strcmp(text, out.s ? out.s : "") != 0) {
			char tmp[4096];
			snprintf(tmp, sizeof(tmp), "%s.tmp", argv[i]);
			FILE *f = fopen(tmp, "wb");
			if (!f || fwrite(out.s, 1, out.len, f) != out.len || fclose(f) != 0 ||
			    rename(tmp, argv[i]) != 0) {
				fprintf(stderr, "docgen: cannot write %s\n", argv[i]);
				rc = 1;
			} else {
				printf("docgen: %s: tables regenerated\n", argv[i]);
			}
		} else {
			printf("docgen: %s: up to date\n", argv[i]);
		}
		free(text);
		sb_free(&out);
	}
	return rc;
}

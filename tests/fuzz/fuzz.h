/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the libFuzzer targets: each parser takes a NUL-terminated text
 * buffer, as mi_read_file() gives it; the data after an embedded NUL is what
 * read_input() in collect.c refuses, so the targets see the text up to it.
 */
#ifndef MEMINIT_FUZZ_H
#define MEMINIT_FUZZ_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "view.h"
#include "model.h"
#include "output.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline char *fuzz_text(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

static FILE *fuzz_null;

/*
 * Every output reads the model: run them on whatever a parser built, and
 * read the report's JSON back through the codec into the view, as a saved
 * report is read.
 */
static inline void fuzz_outputs(const struct mi_report *r)
{
	const struct mi_table_opts all = { .timeline = true };
	json_object *tree;
	struct mi_report back;
	struct mi_view view;

	if (!fuzz_null) {
		fuzz_null = fopen("/dev/null", "w");
		if (!fuzz_null)
			abort();
	}
	mi_write_table(fuzz_null, r, &all);
	mi_write_json(fuzz_null, r);
	tree = mi_report_json(r);
	if (tree && !mi_read_json(&back, tree, "fuzz")) {
		if (!mi_view_build(&view, &back))
			mi_view_free(&view);
		mi_report_free(&back);
	}
	json_object_put(tree);
}

/* A real fixture, read once (FIXTURES is set by the Makefile). */
static inline char *fuzz_fixture(const char *rel)
{
	char path[1024], *buf;

	snprintf(path, sizeof(path), "%s/%s", FIXTURES, rel);
	if (mi_read_file(path, &buf, NULL)) {
		fprintf(stderr, "fuzz: cannot read %s\n", path);
		abort();
	}
	return buf;
}

#endif

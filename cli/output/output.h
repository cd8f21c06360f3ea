/* SPDX-License-Identifier: GPL-2.0 */
/* Writers of a report: terminal table and versioned JSON (docs/json-schema.md). */
#ifndef MEMINIT_OUTPUT_H
#define MEMINIT_OUTPUT_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>

#include "model.h"

enum mi_format { MI_FMT_TABLE, MI_FMT_JSON };

struct mi_table_opts {
	bool timeline;		/* also every record by CPU in start order */
	bool all_cpus;		/* every per-CPU row, however many CPUs */
};

/* Per-CPU rows the table prints before it summarizes them per node instead. */
#define MI_TABLE_CPU_ROWS	64

/* The terminal view of R; O may be NULL (the defaults). 0, or -1 on a write error. */
int mi_write_table(FILE *f, const struct mi_report *r, const struct mi_table_opts *o);
int mi_write_json(FILE *f, const struct mi_report *r);
/* The same as a json-c object, to put in a larger one; NULL after one line. */
json_object *mi_report_json(const struct mi_report *r);
/*
 * Check that O is a meminit-report of the schema version this meminit
 * reads; 0, or -EINVAL after one error line naming WHAT (a file name).
 */
int mi_report_json_check(json_object *o, const char *what);
/*
 * Fill R (initialized here) from the report JSON O that mi_write_json
 * wrote, checked first: the model again, every derived number then
 * computed as for a collection. 0, or -errno after one line; R is then
 * empty.
 */
int mi_read_json(struct mi_report *r, json_object *o, const char *what);

#endif

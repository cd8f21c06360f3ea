/* SPDX-License-Identifier: GPL-2.0 */
/* Writers of a report: terminal table and versioned JSON (docs/json-schema.md). */
#ifndef MEMINIT_OUTPUT_H
#define MEMINIT_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include "model.h"

enum mi_format { MI_FMT_TABLE, MI_FMT_JSON };

/* Parse "table" or "json"; -1 (after an error line) otherwise. */
int mi_parse_format(const char *s);
int mi_write_table(FILE *f, const struct mi_report *r);
int mi_write_json(FILE *f, const struct mi_report *r);
/* Print the per-CPU timeline of the records in the table (--timeline). */
extern bool mi_output_timeline;

#endif

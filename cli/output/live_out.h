/* SPDX-License-Identifier: GPL-2.0 */
/* Table and JSON (json-c) output shared by 'meminit trace' and 'meminit hotplug'. */
#ifndef MEMINIT_LIVE_OUT_H
#define MEMINIT_LIVE_OUT_H

#include <stdio.h>
#include <json-c/json.h>

#include "view.h"

#include "live_bpf.h"

/* One line per probe: function, level, how attached, reason. */
void mi_live_print_probes(FILE *f, const struct mi_live *live);
/* Per (phase, node, cpu) rows, indented by nesting level. */
void mi_live_print_rows(FILE *f, const struct mi_live_row *rows, size_t n,
			const char *indent);

/* [{"function","level","within","attach","error","reason"}] */
struct json_object *mi_live_json_probes(const struct mi_live *live);
/*
 * [{"phase","level","node","cpu","calls","pages","ns","ns_per_page","max_ns","fails"}]
 * "cpu" is omitted for per-node sums; "node" is null when unknown.
 */
struct json_object *mi_live_json_rows(const struct mi_live_row *rows, size_t n);

/* Add @val to @obj under @key; returns 0 or -ENOMEM (json-c failure). */
int mi_json_add(struct json_object *obj, const char *key, struct json_object *val);
/* Print @root to stdout, pretty, with a final newline. Returns 0 or -EIO. */
int mi_json_print(struct json_object *root);

/* Option parsing shared by the live verbs (cmd_trace.c). */
int mi_parse_attach(const char *s, enum mi_live_mode *mode);
/* Digits only, <= max. Returns 0 or -EINVAL. */
int mi_parse_uint(const char *s, unsigned long max, unsigned long *out);

/* The formats of the live verbs: the table, their JSON, and the view's exports. */
enum mi_live_format { MI_LIVE_TABLE, MI_LIVE_JSON, MI_LIVE_PROM, MI_LIVE_CSV };
extern const char *const mi_live_formats[];

/*
 * A live verb's view (mi_view_add_live) as Prometheus text (per-CPU series
 * with PER_CPU) or CSV on stdout, as 'meminit export' writes a report's.
 * 0, or -EIO (the caller says so).
 */
int mi_live_export(const struct mi_view *v, enum mi_live_format fmt, bool per_cpu);

#endif

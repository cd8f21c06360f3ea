// SPDX-License-Identifier: GPL-2.0
/*
 * Printing for the live BPF verbs. The nesting levels are shown by indent
 * and stated in a footnote, because adding a phase to the one it runs
 * inside would count the same nanoseconds twice.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "export.h"
#include "live_out.h"
#include "model.h"
#include "util.h"

static int level_of(unsigned int phase)
{
	static const int levels[LIVE_NR_PHASES] = {
		[LIVE_MOVE_PFN_RANGE] = 1,
		[LIVE_MEMMAP_INIT_RANGE] = 2,
	};

	return phase < LIVE_NR_PHASES ? levels[phase] : 0;
}

/* ns/page -> s/TiB: the unit the deferred-init series reported savings in. */
static double s_per_tib(double ns_per_page)
{
	long ps = sysconf(_SC_PAGESIZE);

	return ps > 0 ? mi_seconds_per_tib_bytes(ns_per_page / 1e9, (double)ps) : MI_UNKNOWN;
}

void mi_live_print_probes(FILE *f, const struct mi_live *live)
{
	const struct mi_live_probe *p;
	size_t i, n;

	p = mi_live_probes(live, &n);
	fprintf(f, "probes (%d of %zu attached, %s):\n", mi_live_nr_attached(live),
		n, mi_live_attach_summary(live));
	for (i = 0; i < n; i++)
		fprintf(f, "  %-24s %-7s %s\n", p[i].func, mi_live_how_name(p[i].how),
			p[i].reason);
}

void mi_live_print_rows(FILE *f, const struct mi_live_row *rows, size_t n,
			const char *indent)
{
	size_t i;

	if (!n) {
		fprintf(f, "%s(no calls seen)\n", indent);
		return;
	}
	fprintf(f, "%s%-28s %4s %4s %7s %10s %14s %9s %7s %12s\n", indent, "phase",
		"node", "cpu", "calls", "pages", "ns", "ns/page", "s/TiB", "max ns");
	for (i = 0; i < n; i++) {
		const struct mi_live_row *r = &rows[i];
		char name[40], node[12], cpu[12], nspp[24], stib[24];
		int lvl = level_of(r->phase);

		snprintf(name, sizeof(name), "%*s%s", 2 * lvl, "",
			 mi_live_phase_func(r->phase));
		if (r->node == LIVE_NODE_NONE)
			snprintf(node, sizeof(node), "-");
		else
			snprintf(node, sizeof(node), "%u", r->node);
		if (r->cpu == UINT32_MAX)
			snprintf(cpu, sizeof(cpu), "all");
		else
			snprintf(cpu, sizeof(cpu), "%u", r->cpu);
		if (r->pages) {
			snprintf(nspp, sizeof(nspp), "%.1f", (double)r->ns / r->pages);
			snprintf(stib, sizeof(stib), "%.2f",
				 s_per_tib((double)r->ns / r->pages));
		} else {
			snprintf(nspp, sizeof(nspp), "-");
			snprintf(stib, sizeof(stib), "-");
		}
		fprintf(f, "%s%-28s %4s %4s %7llu %10llu %14llu %9s %7s %12llu%s\n",
			indent, name, node, cpu, (unsigned long long)r->calls,
			(unsigned long long)r->pages, (unsigned long long)r->ns, nspp, stib,
			(unsigned long long)r->max_ns, r->fails ? "  (failed calls)" : "");
	}
	fprintf(f, "%s(indented phases run inside the one above: their time is part of it, never add them)\n",
		indent);
}

const char *const mi_live_formats[] = {
	[MI_LIVE_TABLE] = "table", [MI_LIVE_JSON] = "json", [MI_LIVE_PROM] = "prom",
	[MI_LIVE_CSV] = "csv", NULL
};

int mi_live_export(const struct mi_view *v, enum mi_live_format fmt, bool per_cpu)
{
	int err;

	if (fmt == MI_LIVE_PROM) {
		err = mi_export_prom(stdout, v, per_cpu);
	} else {
		err = mi_export_csv_header(stdout);
		if (!err)
			err = mi_export_csv_rows(stdout, v, -1, NULL);
	}
	if (!err && fflush(stdout))
		err = -EIO;
	return err ? -EIO : 0;
}

int mi_json_add(struct json_object *obj, const char *key, struct json_object *val)
{
	/* json-c takes the reference even on failure only since 0.17; do it here. */
	if (json_object_object_add(obj, key, val)) {
		json_object_put(val);
		return -ENOMEM;
	}
	return 0;
}

struct json_object *mi_live_json_probes(const struct mi_live *live)
{
	const struct mi_live_probe *p;
	struct json_object *arr, *o;
	size_t i, n;
	int err = 0;

	arr = json_object_new_array();
	if (!arr)
		return NULL;
	p = mi_live_probes(live, &n);
	for (i = 0; i < n; i++) {
		o = json_object_new_object();
		if (!o)
			goto fail;
		err |= mi_json_add(o, "function", json_object_new_string(p[i].func));
		err |= mi_json_add(o, "level", json_object_new_int(p[i].level));
		err |= mi_json_add(o, "within", p[i].within ?
				   json_object_new_string(p[i].within) : NULL);
		err |= mi_json_add(o, "attach",
				   json_object_new_string(mi_live_how_name(p[i].how)));
		err |= mi_json_add(o, "error", json_object_new_int(p[i].err));
		err |= mi_json_add(o, "reason", p[i].reason[0] ?
				   json_object_new_string(p[i].reason) : NULL);
		if (json_object_array_add(arr, o)) {
			json_object_put(o);
			goto fail;
		}
		if (err)
			goto fail;
	}
	return arr;
fail:
	json_object_put(arr);
	return NULL;
}

struct json_object *mi_live_json_rows(const struct mi_live_row *rows, size_t n)
{
	struct json_object *arr, *o;
	size_t i;
	int err = 0;

	arr = json_object_new_array();
	if (!arr)
		return NULL;
	for (i = 0; i < n; i++) {
		const struct mi_live_row *r = &rows[i];

		o = json_object_new_object();
		if (!o)
			goto fail;
		err |= mi_json_add(o, "phase",
				   json_object_new_string(mi_live_phase_func(r->phase)));
		err |= mi_json_add(o, "level", json_object_new_int(level_of(r->phase)));
		err |= mi_json_add(o, "node", r->node == LIVE_NODE_NONE ? NULL :
				   json_object_new_int64(r->node));
		if (r->cpu != UINT32_MAX)
			err |= mi_json_add(o, "cpu", json_object_new_int64(r->cpu));
		err |= mi_json_add(o, "calls", json_object_new_uint64(r->calls));
		err |= mi_json_add(o, "pages", json_object_new_uint64(r->pages));
		err |= mi_json_add(o, "ns", json_object_new_uint64(r->ns));
		err |= mi_json_add(o, "ns_per_page", r->pages ?
				   json_object_new_double((double)r->ns / r->pages) : NULL);
		err |= mi_json_add(o, "s_per_tib", r->pages ?
				   json_object_new_double(s_per_tib((double)r->ns / r->pages)) :
				   NULL);
		err |= mi_json_add(o, "max_ns", json_object_new_uint64(r->max_ns));
		err |= mi_json_add(o, "fails", json_object_new_uint64(r->fails));
		if (json_object_array_add(arr, o)) {
			json_object_put(o);
			goto fail;
		}
		if (err)
			goto fail;
	}
	return arr;
fail:
	json_object_put(arr);
	return NULL;
}

int mi_json_print(struct json_object *root)
{
	const char *s;

	s = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
					   JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!s || printf("%s\n", s) < 0 || fflush(stdout))
		return -EIO;
	return 0;
}

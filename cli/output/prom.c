// SPDX-License-Identifier: GPL-2.0
/*
 * Prometheus text exposition (also valid OpenMetrics text without "# EOF")
 * for node_exporter's textfile collector: base units (seconds, bytes),
 * gauges only, no timestamps (the collector refuses them), every family
 * with HELP and TYPE before its first sample (a family without samples is
 * left out), label values escaped, integers printed exactly.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "export.h"
#include "util.h"

static void label(FILE *out, const char *k, const char *v, bool first)
{
	fprintf(out, "%s%s=\"", first ? "" : ",", k);
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fprintf(out, "\\%c", *v);
		else if (*v == '\n')
			fputs("\\n", out);
		else
			fputc(*v, out);
	}
	fputc('"', out);
}

static void node_label(FILE *out, int node, bool first)
{
	char buf[16];

	if (node >= 0)
		snprintf(buf, sizeof(buf), "%d", node);
	else
		mi_strlcpy(buf, "none", sizeof(buf));
	label(out, "node", buf, first);
}

/* A live verb's step (hotplug: "online", "reonline"): one series per step. */
static void step_label(FILE *out, const struct mi_view *f, const struct mi_view_row *r)
{
	if (f->live && r->name[0])
		label(out, "step", r->name, false);
}

static void value(FILE *out, double v)
{
	if (v == floor(v) && fabs(v) < 9007199254740992.0)
		fprintf(out, "} %.0f\n", v);
	else
		fprintf(out, "} %.9g\n", v);
}

/* Start a sample of NAME: HELP and TYPE before the family's first sample. */
static void sample(FILE *out, const char *name, const char *help, bool *started)
{
	if (!*started)
		fprintf(out, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
	*started = true;
	fprintf(out, "%s{", name);
}

/* A table name seen before: the first one wins (no duplicate series). */
static bool dup_table(const struct mi_view *f, size_t i)
{
	size_t k;

	for (k = 0; k < i; k++)
		if (!strcmp(f->tables[k].name, f->tables[i].name))
			return true;
	return false;
}

static bool node_row(const struct mi_view_row *r)
{
	return r->cpu < 0 && strcmp(r->phase, "hash_table");
}

enum node_val { NV_WALL, NV_CPU, NV_PAGES };

static void node_family(FILE *out, const struct mi_view *f, const char *name, const char *help,
			enum node_val what)
{
	bool st = false;
	size_t i;

	for (i = 0; i < f->nr_rows; i++) {
		const struct mi_view_row *r = &f->rows[i];
		double v = what == NV_WALL ? r->seconds : what == NV_CPU ? r->cpu_seconds : r->pages;

		if (!node_row(r) || v < 0)
			continue;
		sample(out, name, help, &st);
		label(out, "phase", r->phase, true);
		step_label(out, f, r);
		node_label(out, r->node, false);
		value(out, v);
	}
}

static void cpu_family(FILE *out, const struct mi_view *f)
{
	bool st = false;
	size_t i;

	for (i = 0; i < f->nr_rows; i++) {
		const struct mi_view_row *r = &f->rows[i];
		char cpu[16];

		if (r->cpu < 0 || r->seconds < 0)
			continue;
		snprintf(cpu, sizeof(cpu), "%d", r->cpu);
		sample(out, "meminit_phase_seconds", f->live ?
		       "Time one CPU spent in calls of a kernel function for a NUMA node (live BPF, phase = the function)." :
		       "Time one CPU spent in a boot phase for a NUMA node (boot trace: an upper bound).",
		       &st);
		label(out, "phase", r->phase, true);
		step_label(out, f, r);
		node_label(out, r->node, false);
		label(out, "cpu", cpu, false);
		value(out, r->seconds);
	}
}

/*
 * Per node, from the boot records: the CPUs its deferred init ran on, and
 * what held it up (each family's samples together, as the format wants).
 */
static void balance_families(FILE *out, const struct mi_view *f)
{
	bool st = false;
	size_t i;
	int k;

	for (i = 0; i < f->nr_nodes; i++) {
		if (!f->nodes[i].has_balance)
			continue;
		sample(out, "meminit_deferred_cpus",
		       "CPUs that ran a NUMA node's deferred struct page init (boot records).", &st);
		node_label(out, f->nodes[i].id, true);
		value(out, f->nodes[i].balance_cpus);
	}
	st = false;
	for (i = 0; i < f->nr_nodes; i++) {
		const struct mi_view_node *n = &f->nodes[i];

		for (k = 0; n->has_balance && k < 2; k++) {
			sample(out, "meminit_deferred_held_up",
			       "1 when one CPU (slower per page than twice its peers' median, busy over half the node's time) or one chunk (over half the node's time, twice the median chunk) held a node's deferred init up.",
			       &st);
			node_label(out, n->id, true);
			label(out, "by", k ? "chunk" : "cpu", false);
			value(out, (k ? n->held_by_chunk : n->held_by_cpu) ? 1 : 0);
		}
	}
}

enum table_val { TV_BYTES, TV_ENTRIES, TV_SECONDS, TV_ZERO };

static void table_family(FILE *out, const struct mi_view *f, const char *name, const char *help,
			 enum table_val what)
{
	bool st = false;
	size_t i;

	for (i = 0; i < f->nr_tables; i++) {
		const struct mi_view_table *t = &f->tables[i];
		double v = what == TV_BYTES ? t->bytes : what == TV_ENTRIES ? t->entries :
			   what == TV_SECONDS ? t->seconds : t->zero_s;

		if (dup_table(f, i) || v < 0)
			continue;
		sample(out, name, help, &st);
		label(out, "table", t->name, true);
		if (what == TV_BYTES || what == TV_SECONDS)
			label(out, "placement", t->placement, false);
		value(out, v);
	}
}

int mi_export_prom(FILE *out, const struct mi_view *f, bool per_cpu)
{
	bool st = false, st2 = false, st3 = false;
	size_t i;

	sample(out, "meminit_info",
	       "The boot that the meminit_* series describe: kernel release, best source, patched kernel, machine shape (GiB per node).",
	       &st);
	label(out, "kernel", f->kernel, true);
	label(out, "source", f->source, false);
	label(out, "patched", f->patched ? "true" : "false", false);
	label(out, "shape", f->shape, false);
	label(out, "version", MEMINIT_VERSION, false);
	value(out, 1);
	if (f->page_size) {
		bool st4 = false;

		sample(out, "meminit_page_size_bytes",
		       "Base page size of the kernel, which every meminit_*_pages counts in; from = where it was read (sysconf, kernel log, vmallocinfo, --page-size, assumed).",
		       &st4);
		label(out, "from", f->page_size_from, true);
		value(out, (double)f->page_size);
	}
	for (i = 0; i < f->nr_nodes; i++) {
		sample(out, "meminit_node_memory_bytes",
		       "Memory of a NUMA node: present pages x the kernel's page size (zoneinfo, else the boot log's ranges, else the boot records).",
		       &st2);
		node_label(out, f->nodes[i].id, true);
		value(out, f->nodes[i].bytes);
	}
	for (i = 0; i < f->nr_nodes; i++) {
		if (f->nodes[i].deferred_kernel_s < 0)
			continue;
		sample(out, "meminit_deferred_kernel_line_seconds",
		       "Deferred struct page init of a node as the kernel's own line states it (one-jiffy resolution).",
		       &st3);
		node_label(out, f->nodes[i].id, true);
		value(out, f->nodes[i].deferred_kernel_s);
	}
	balance_families(out, f);
	node_family(out, f, "meminit_phase_wall_seconds",
		    "Wall time of a boot phase on a NUMA node, across the CPUs that ran it (node=none: not tied to a node).",
		    NV_WALL);
	node_family(out, f, "meminit_phase_cpu_seconds", f->live ?
		    "CPU time of calls of a kernel function for a NUMA node, summed over the calls and CPUs (live BPF, phase = the function)." :
		    "CPU time of a boot phase on a NUMA node, summed over its records and CPUs (boot records).",
		    NV_CPU);
	node_family(out, f, "meminit_phase_pages", f->live ?
		    "Pages the calls of a kernel function covered for a NUMA node (live BPF, phase = the function)." :
		    "Pages (of meminit_page_size_bytes) whose struct page a boot phase initialized on a NUMA node.",
		    NV_PAGES);
	if (per_cpu)
		cpu_family(out, f);
	table_family(out, f, "meminit_hash_table_bytes", "Size of a large system hash table.",
		     TV_BYTES);
	table_family(out, f, "meminit_hash_table_entries", "Entries of a large system hash table.",
		     TV_ENTRIES);
	table_family(out, f, "meminit_hash_table_seconds",
		     "Time to allocate and zero a large system hash table (boot trace: an upper bound).",
		     TV_SECONDS);
	table_family(out, f, "meminit_hash_table_zero_seconds",
		     "Time the kernel spent zeroing a large system hash table, timed apart (boot records).",
		     TV_ZERO);
	return ferror(out) ? -EIO : 0;
}

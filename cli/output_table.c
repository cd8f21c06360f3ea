// SPDX-License-Identifier: GPL-2.0
/* The terminal view: one section per question a kernel engineer asks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "util.h"

int mi_parse_format(const char *s)
{
	if (!strcmp(s, "table"))
		return MI_FMT_TABLE;
	if (!strcmp(s, "json"))
		return MI_FMT_JSON;
	mi_err("unknown format '%s' (table or json)", s);
	return -1;
}

static const char *fmt_ms(char *buf, size_t len, double seconds)
{
	if (seconds < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.2f", seconds * 1e3);
	return buf;
}

static const char *fmt_bytes(char *buf, size_t len, double bytes)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	int u = 0;

	while (bytes >= 1024 && u < 4) {
		bytes /= 1024;
		u++;
	}
	snprintf(buf, len, u ? "%.1f %s" : "%.0f %s", bytes, unit[u]);
	return buf;
}

static void sources_line(FILE *f, const struct mi_report *r)
{
	fprintf(f, "source: %s%s%s%s%s\n",
		r->live ? "live " : "",
		r->sources & MI_SRC_DMESG ? "kernel log" : "",
		r->sources & MI_SRC_PROCFS ? " + /proc,/sys" : "",
		r->sources & MI_SRC_VMALLOCINFO ? " + vmallocinfo" : "",
		r->sources & MI_SRC_FTRACE ? " + boot function trace" : "");
}

static void nodes_section(FILE *f, const struct mi_report *r)
{
	double res = mi_deferred_resolution_ms(r);
	size_t i;

	fprintf(f, "\nNodes (pages of 4 KiB; deferred init: the kernel's line%s%s)\n",
		res > 0 ? ", resolution " : "", res > 0 ? "1 jiffy" : ", resolution unknown");
	fprintf(f, "%-5s %-10s %10s %10s %10s %7s %12s %12s %9s %-7s\n", "NODE", "MEMORY",
		"SPANNED", "PRESENT", "MANAGED", "HOLES", "DEFER(krnl)", "DEFER(trace)",
		"s/TiB", "CPUS");
	for (i = 0; i < r->nr_nodes; i++) {
		const struct mi_node *n = &r->nodes[i];
		char mem[32], krnl[32], tr[32], tib[32];
		double traced = mi_node_deferred_traced(n);
		double secs = traced >= 0 ? traced : n->deferred_ms >= 0 ? n->deferred_ms / 1e3 : -1;
		double spt = mi_seconds_per_tib(secs, mi_node_present(n));

		if (n->memoryless)
			snprintf(mem, sizeof(mem), "memoryless");
		else if (n->mem_total_kb)
			fmt_bytes(mem, sizeof(mem), n->mem_total_kb * 1024.0);
		else if (n->span.end)
			fmt_bytes(mem, sizeof(mem), (double)(n->span.end + 1 - n->span.start));
		else
			snprintf(mem, sizeof(mem), "?");
		if (n->deferred_ms >= 0 && res > 0)
			snprintf(krnl, sizeof(krnl), "%.0f±%.0f ms", n->deferred_ms, res);
		else if (n->deferred_ms >= 0)
			snprintf(krnl, sizeof(krnl), "%.0f ms", n->deferred_ms);
		else
			snprintf(krnl, sizeof(krnl), "-");
		if (traced >= 0)
			snprintf(tr, sizeof(tr), "%.2f ms", traced * 1e3);
		else
			snprintf(tr, sizeof(tr), "-");
		if (spt >= 0)
			snprintf(tib, sizeof(tib), "%.1f", spt);
		else
			snprintf(tib, sizeof(tib), "-");
		if (r->sources & MI_SRC_PROCFS)
			fprintf(f, "%-5d %-10s %10llu %10llu %10llu %7llu %12s %12s %9s %-7s\n",
				n->id, mem, (unsigned long long)mi_node_spanned(n),
				(unsigned long long)mi_node_present(n),
				(unsigned long long)mi_node_managed(n),
				(unsigned long long)mi_node_holes(n), krnl, tr, tib,
				n->cpulist[0] ? n->cpulist : "-");
		else
			fprintf(f, "%-5d %-10s %10s %10s %10s %7llu %12s %12s %9s %-7s\n",
				n->id, mem, "-", "-", "-", (unsigned long long)mi_node_holes(n),
				krnl, tr, tib, "-");
	}
}

static void zones_section(FILE *f, const struct mi_report *r)
{
	size_t i;
	int z;

	if (!(r->sources & MI_SRC_PROCFS))
		return;
	fprintf(f, "\nZones (/proc/zoneinfo; holes from the kernel log)\n");
	fprintf(f, "%-5s %-8s %10s %10s %10s %10s %7s\n", "NODE", "ZONE", "START_PFN",
		"SPANNED", "PRESENT", "MANAGED", "HOLES");
	for (i = 0; i < r->nr_nodes; i++)
		for (z = 0; z < r->nodes[i].nr_zones; z++) {
			const struct mi_zone *zn = &r->nodes[i].zones[z];

			if (!zn->spanned && !zn->hole_pages)
				continue;
			fprintf(f, "%-5d %-8s %10llu %10llu %10llu %10llu %7llu\n", r->nodes[i].id,
				zn->name, (unsigned long long)zn->start_pfn,
				(unsigned long long)zn->spanned, (unsigned long long)zn->present,
				(unsigned long long)zn->managed,
				(unsigned long long)zn->hole_pages);
		}
}

static void cpus_section(FILE *f, const struct mi_report *r)
{
	struct mi_cpu_row *rows;
	size_t n, i;
	char a[32], b[32];

	if (!r->nr_chunks || mi_report_cpu_rows(r, &rows, &n))
		return;
	fprintf(f, "\nDeferred init per CPU (%s)\n", r->ftrace_method);
	fprintf(f, "%-5s %-4s %7s %11s %11s %11s\n", "NODE", "CPU", "CHUNKS", "BUSY(ms)",
		"FIRST(s)", "LAST(s)");
	for (i = 0; i < n; i++) {
		char node[16];

		if (rows[i].node < 0)
			snprintf(node, sizeof(node), "?");
		else
			snprintf(node, sizeof(node), "%d", rows[i].node);
		snprintf(b, sizeof(b), rows[i].last >= 0 ? "%.6f" : "-", rows[i].last);
		fprintf(f, "%-5s %-4d %7d %11s %11.6f %11s\n", node, rows[i].cpu, rows[i].chunks,
			fmt_ms(a, sizeof(a), rows[i].busy), rows[i].first, b);
	}
	free(rows);
	for (i = 0; i < r->nr_nodes; i++) {
		const struct mi_node *nd = &r->nodes[i];

		if (nd->deferred_threads)
			fprintf(f, "node %d: %d thread(s) ran its deferred-init chunks\n",
				nd->id, nd->deferred_threads);
	}
}

static void early_section(FILE *f, const struct mi_report *r)
{
	fprintf(f, "\nEarly single-threaded work (not timed by a stock kernel)\n");
	if (r->early_window_start >= 0 && r->early_window_end >= r->early_window_start)
		fprintf(f, "memmap init of all nodes ran on the boot CPU inside [%.6f s, %.6f s]: "
			"a %.2f ms window between printk lines, an upper bound\n",
			r->early_window_start, r->early_window_end,
			(r->early_window_end - r->early_window_start) * 1e3);
	else
		fprintf(f, "the log has no \"Initmem setup\" / unavailable-range lines to bound it\n");
	if (r->smp_done >= 0)
		fprintf(f, "deferred init starts after \"smp: Brought up\" at %.6f s\n", r->smp_done);
}

static void tables_section(FILE *f, const struct mi_report *r)
{
	size_t i;
	int k;

	fprintf(f, "\nLarge system hash tables (time: alloc_large_system_hash entry to its line)\n");
	fprintf(f, "%-26s %9s %10s %5s %-16s %11s %9s %s\n", "NAME", "ENTRIES", "BYTES",
		"ORDER", "KIND", "PRINTED(s)", "TIME(ms)", "PAGES PER NODE");
	for (i = 0; i < r->nr_tables; i++) {
		const struct mi_hash_table *t = &r->tables[i];
		char bytes[32], ms[32];

		fprintf(f, "%-26.26s %9llu %10s %5d %-16s %11.6f %9s ", t->name,
			(unsigned long long)t->entries, fmt_bytes(bytes, sizeof(bytes), t->bytes),
			t->order, mi_hash_kind_name(t->kind), t->printed,
			fmt_ms(ms, sizeof(ms), mi_table_seconds(t)));
		if (!t->nr_node_pages)
			fprintf(f, "%s", t->kind == MI_HASH_LINEAR ? "(linear: one node)" : "-");
		for (k = 0; k < t->nr_node_pages; k++)
			if (t->node_pages[k])
				fprintf(f, "N%d=%llu ", k, (unsigned long long)t->node_pages[k]);
		fprintf(f, "%s\n", t->placement_by_size ? "(by size)" : "");
	}
	if (!r->nr_tables)
		fprintf(f, "(no \"hash table entries\" lines in the log)\n");
}

int mi_write_table(FILE *f, const struct mi_report *r)
{
	size_t i;

	fprintf(f, "meminit report: kernel %s\n", r->kernel[0] ? r->kernel : "(unknown)");
	sources_line(f, r);
	nodes_section(f, r);
	zones_section(f, r);
	cpus_section(f, r);
	early_section(f, r);
	tables_section(f, r);
	if (r->nr_notes) {
		fprintf(f, "\nWhat these sources cannot see\n");
		for (i = 0; i < r->nr_notes; i++)
			fprintf(f, "- %s\n", r->notes[i]);
	}
	return ferror(f) ? -1 : 0;
}

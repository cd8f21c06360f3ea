// SPDX-License-Identifier: GPL-2.0
/* The terminal view: one section per question a kernel engineer asks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attrib.h"
#include "output.h"
#include "records_file.h"
#include "util.h"

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
	static const struct { unsigned int bit; const char *name; } src[] = {
		{ MI_SRC_RECORDS, "boot records" },
		{ MI_SRC_PERF, "meminit events" },
		{ MI_SRC_DMESG, "kernel log" },
		{ MI_SRC_PROCFS, "/proc,/sys" },
		{ MI_SRC_VMALLOCINFO, "vmallocinfo" },
		{ MI_SRC_FTRACE, "boot trace" },
	};
	bool first = true;
	size_t i;

	if (r->nr_events)
		fprintf(f, "boot records: %s\n", r->rec_via[0] ? r->rec_via : "?");
	fprintf(f, "source: %s", r->live ? "live " : "");
	for (i = 0; i < ARRAY_SIZE(src); i++)
		if (r->sources & src[i].bit) {
			fprintf(f, "%s%s", first ? "" : " + ", src[i].name);
			first = false;
		}
	fprintf(f, "\npage size: %llu KiB (%s)\n", (unsigned long long)mi_page_size(r) >> 10,
		r->page_size_from[0] ? r->page_size_from : "assumed");
}

static void nodes_section(FILE *f, const struct mi_report *r)
{
	double res = mi_deferred_resolution_ms(r);
	bool log_present = false;
	size_t i;

	fprintf(f, "\nNodes (pages of %llu KiB; deferred init: the kernel's line%s%s)\n",
		(unsigned long long)mi_page_size(r) >> 10, res > 0 ? ", resolution " : "",
		res > 0 ? "1 jiffy" : ", resolution unknown");
	fprintf(f, "%-5s %-10s %10s %10s %10s %7s %12s %12s %9s %-7s\n", "NODE", "MEMORY",
		"SPANNED", "PRESENT", "MANAGED", "HOLES", "DEFER(krnl)", "DEFER(trace)",
		"s/TiB", "CPUS");
	for (i = 0; i < r->nr_nodes; i++) {
		const struct mi_node *n = &r->nodes[i];
		char mem[32], krnl[32], tr[32], tib[32];
		double traced = mi_node_deferred_traced(n);
		double secs = mi_node_deferred_seconds(n);
		const char *from;
		uint64_t present = mi_node_present_pages(r, n, &from);
		double spt = mi_report_s_per_tib(r, secs, present);

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
		else if (present)
			fprintf(f, "%-5d %-10s %10s %9llu* %10s %7llu %12s %12s %9s %-7s\n",
				n->id, mem, "-", (unsigned long long)present, "-",
				(unsigned long long)mi_node_holes(n), krnl, tr, tib, "-");
		else
			fprintf(f, "%-5d %-10s %10s %10s %10s %7llu %12s %12s %9s %-7s\n",
				n->id, mem, "-", "-", "-", (unsigned long long)mi_node_holes(n),
				krnl, tr, tib, "-");
		log_present |= present && !strcmp(from, "kernel log");
	}
	if (log_present)
		fprintf(f, "* present pages from the kernel log's early memory node ranges "
			"(no /proc/zoneinfo was read)\n");
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
	else if (r->early_unstamped)
		fprintf(f, "not bounded: the kernel's clock was not running yet (lines stamped 0.000000)\n");
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

		char order[16] = "-";

		if (t->order >= 0)
			snprintf(order, sizeof(order), "%d", t->order);
		fprintf(f, "%-26.26s %9llu %10s %5s %-16s %11.6f %9s ", t->name,
			(unsigned long long)t->entries, fmt_bytes(bytes, sizeof(bytes), t->bytes),
			order, mi_hash_kind_name(t->kind), t->printed,
			fmt_ms(ms, sizeof(ms), mi_table_seconds(t)));
		if (t->numa_nodes)
			fprintf(f, "(one table per node: %d x %s)", t->numa_nodes,
				fmt_bytes(bytes, sizeof(bytes), t->bytes_per_node));
		else if (!t->nr_node_pages)
			fprintf(f, "%s", t->kind == MI_HASH_LINEAR ? "(linear: one node)" : "-");
		for (k = 0; k < t->nr_node_pages; k++)
			if (t->node_pages[k])
				fprintf(f, "N%d=%llu ", k, (unsigned long long)t->node_pages[k]);
		fprintf(f, "%s\n", t->placement_by_size ? "(by size)" : "");
	}
	if (!r->nr_tables)
		fprintf(f, "(no \"hash table entries\" lines in the log)\n");
}

static const char *fmt_num(char *buf, size_t len, const char *fmt, double v)
{
	if (v < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, fmt, v);
	return buf;
}

static void records_header(FILE *f, const struct mi_report *r)
{
	char over[32], cap[32];

	snprintf(over, sizeof(over), r->rec_overflow >= 0 ? "%lld" : "unknown", r->rec_overflow);
	snprintf(cap, sizeof(cap), r->rec_capacity >= 0 ? "%lld" : "?", r->rec_capacity);
	fprintf(f, "\nBoot records (patched kernel, local_clock() ns): %zu records, overflow %s, "
		"capacity %s%s\n", r->nr_events, over, cap,
		r->rec_overflow > 0 ? "  ** INCOMPLETE: records were lost, sums below are short **" :
		"");
}

static void pages_section(FILE *f, const struct mi_report *r, const struct mi_attrib *a)
{
	size_t i;

	fprintf(f, "\nStruct pages per node (records: memmap_early + reserved + deferred + "
		"deferred_grow; holes apart)\n");
	fprintf(f, "%-5s %12s %12s %-10s %10s %10s\n", "NODE", "RECORDS", "PRESENT",
		"CHECK", "HOLES(rec)", "HOLES(log)");
	for (i = 0; i < r->nr_nodes; i++) {
		const struct mi_node *n = &r->nodes[i];
		uint64_t got = mi_attrib_node_pages(r, n->id);
		const char *check;
		char pres[32];

		if (!(r->sources & MI_SRC_PROCFS)) {
			snprintf(pres, sizeof(pres), "-");
			check = "no zoneinfo";
		} else {
			snprintf(pres, sizeof(pres), "%llu", (unsigned long long)mi_node_present(n));
			check = !a->complete ? "incomplete" :
				got == mi_node_present(n) ? "equal" : "DIFFERENT";
		}
		fprintf(f, "%-5d %12llu %12s %-10s %10llu %10llu\n", n->id,
			(unsigned long long)got, pres, check,
			(unsigned long long)mi_attrib_node_holes(r, n->id),
			(unsigned long long)mi_node_holes(n));
	}
}

static void phases_section(FILE *f, const struct mi_report *r, const struct mi_attrib *a)
{
	size_t i;

	fprintf(f, "\nAttribution per node and phase (wall: union of the records' spans, deferred: "
		"the node's thread; cpu: summed over CPUs;\n"
		"init|2nd: the kernel's split, 2nd = free to buddy; ns/page on cpu time; "
		"s/TiB on wall time per TiB of the node's memory;\n"
		"GB/s: struct pages written (64 B a page; page_ext: its bytes) per CPU)\n");
	fprintf(f, "%-4s %-13s %4s %4s %3s %9s %9s %9s %9s %9s %9s %8s %8s %6s\n", "NODE",
		"PHASE", "RECS", "CPUS", "THR", "PAGES", "BYTES", "WALL(ms)", "CPU(ms)",
		"INIT(ms)", "2ND(ms)", "ns/page", "s/TiB", "GB/s");
	for (i = 0; i < a->nr_phases; i++) {
		const struct mi_phase_sum *p = &a->phases[i];
		uint64_t norm = p->node >= 0 ? mi_attrib_node_norm_pages(r, p->node) : 0;
		char node[8], b[32], w[16], c[16], p1[16], p2[16], npp[16], tib[16], gb[16], thr[8];

		snprintf(node, sizeof(node), p->node >= 0 ? "%d" : "-", p->node);
		snprintf(thr, sizeof(thr), p->threads ? "%d" : "-", p->threads);
		fprintf(f, "%-4s %-13s %4d %4d %3s %9llu %9s %9s %9s %9s %9s %8s %8s %6s\n", node,
			mi_attrib_phase_label(p->phase), p->records, p->cpus, thr,
			(unsigned long long)p->pages,
			p->bytes ? fmt_bytes(b, sizeof(b), (double)p->bytes) : "-",
			fmt_num(w, sizeof(w), "%.3f", p->wall * 1e3),
			fmt_num(c, sizeof(c), "%.3f", p->cpu * 1e3),
			fmt_num(p1, sizeof(p1), "%.3f", p->part1 >= 0 ? p->part1 * 1e3 : -1),
			fmt_num(p2, sizeof(p2), "%.3f", p->part2 >= 0 ? p->part2 * 1e3 : -1),
			fmt_num(npp, sizeof(npp), "%.1f", mi_ns_per_page(p->cpu, p->pages)),
			fmt_num(tib, sizeof(tib), "%.2f", mi_report_s_per_tib(r, p->wall, norm)),
			fmt_num(gb, sizeof(gb), "%.2f", mi_phase_gbps(p)));
	}
}

/* How each node's deferred init was shared out, and what held it up. */
static void balance_section(FILE *f, const struct mi_report *r, const struct mi_attrib *a)
{
	struct mi_node_balance b;
	char busy[64], slow[32], longest[40], wall[16], split[48];
	bool header = false;
	size_t i;

	for (i = 0; i < r->nr_nodes; i++) {
		if (mi_attrib_node_balance(r, a, r->nodes[i].id, &b))
			continue;
		if (!header) {
			fprintf(f, "\nDeferred init per node: the kernel's split and its CPUs (records)\n");
			fprintf(f, "%-5s %7s %6s %-15s %4s %-26s %-14s %-17s %10s\n", "NODE",
				"THREADS", "CHUNKS", "PAGES/CHUNK", "CPUS", "BUSY MIN/MEDIAN/MAX(ms)",
				"SLOWEST CPU", "LONGEST CHUNK(ms)", "WALL(ms)");
			header = true;
		}
		snprintf(busy, sizeof(busy), "%.3f/%.3f/%.3f", b.busy_min * 1e3,
			 b.busy_median * 1e3, b.busy_max * 1e3);
		snprintf(slow, sizeof(slow), "%d (%d chunks)", b.slowest_cpu, b.slowest_cpu_chunks);
		snprintf(longest, sizeof(longest), "%.3f on CPU %d", b.longest_chunk * 1e3,
			 b.longest_chunk_cpu);
		fmt_num(wall, sizeof(wall), "%.3f", b.wall >= 0 ? b.wall * 1e3 : -1);
		snprintf(split, sizeof(split), "%llu-%llu", (unsigned long long)b.chunk_pages_min,
			 (unsigned long long)b.chunk_pages_max);
		fprintf(f, "%-5d %7d %6d %-15s %4d %-26s %-14s %-17s %10s\n", b.node, b.threads,
			b.chunks, split, b.cpus, busy, slow, longest, wall);
		if (b.chunk_dominates)
			fprintf(f, "node %d: held up by one chunk: %.3f ms on CPU %d (pfn %llu, %llu pages) "
				"of the node's %.3f ms, more than half, against a median chunk of "
				"%.3f ms; the kernel split the node into "
				"%d chunks of %llu-%llu pages over %d threads\n", b.node,
				b.longest_chunk * 1e3, b.longest_chunk_cpu,
				(unsigned long long)b.longest_chunk_pfn,
				(unsigned long long)b.longest_chunk_pages, b.wall * 1e3,
				b.chunk_median * 1e3, b.chunks,
				(unsigned long long)b.chunk_pages_min,
				(unsigned long long)b.chunk_pages_max, b.threads);
		if (b.cpu_dominates)
			fprintf(f, "node %d: held up by one CPU: CPU %d took %.1f ns a page, more than "
				"%.0fx the median of the node's other CPUs (%.1f), busy %.3f ms of the "
				"node's %.3f ms\n", b.node, b.slow_cpu, b.slow_cpu_ns_per_page,
				MI_BALANCE_FACTOR, b.others_ns_per_page, b.slow_cpu_busy * 1e3,
				b.wall * 1e3);
	}
}

static void record_cpus_section(FILE *f, const struct mi_report *r, const struct mi_attrib *a)
{
	size_t i;
	int node;

	fprintf(f, "\nDeferred init per CPU (records: one per padata chunk, on the CPU that ran it)\n");
	fprintf(f, "%-5s %-4s %7s %10s %10s %11s %11s\n", "NODE", "CPU", "CHUNKS", "PAGES",
		"BUSY(ms)", "FIRST(s)", "LAST(s)");
	for (i = 0; i < r->nr_nodes; i++) {
		uint64_t pages = 0;
		double busy = 0;
		size_t j;

		node = r->nodes[i].id;
		for (j = 0; j < a->nr_cpus; j++) {
			const struct mi_cpu_sum *c = &a->cpus[j];

			if (c->phase != MI_PH_DEFERRED_CHUNK || c->node != node)
				continue;
			fprintf(f, "%-5d %-4d %7d %10llu %10.3f %11.6f %11.6f\n", node, c->cpu,
				c->records, (unsigned long long)c->pages, c->busy * 1e3, c->start,
				c->end);
			pages += c->pages;
			busy += c->busy;
		}
		if (busy > 0)
			fprintf(f, "%-5d %-4s %7s %10llu %10.3f\n", node, "all", "",
				(unsigned long long)pages, busy * 1e3);
	}
}

static void record_phase_cpus_section(FILE *f, const struct mi_attrib *a)
{
	size_t i;

	fprintf(f, "\nPer CPU, every phase (busy = summed record time)\n");
	fprintf(f, "%-4s %-15s %-5s %5s %10s %10s %11s %11s\n", "CPU", "PHASE", "NODE", "RECS",
		"PAGES", "BUSY(ms)", "FIRST(s)", "LAST(s)");
	for (i = 0; i < a->nr_cpus; i++) {
		const struct mi_cpu_sum *c = &a->cpus[i];
		char nd[8];

		snprintf(nd, sizeof(nd), c->node >= 0 ? "%d" : "-", c->node);
		fprintf(f, "%-4d %-15s %-5s %5d %10llu %10.3f %11.6f %11.6f\n", c->cpu,
			mi_phase_name(c->phase), nd, c->records, (unsigned long long)c->pages,
			c->busy * 1e3, c->start, c->end);
	}
}

/*
 * The per-CPU views: every row on a machine of a few CPUs; on a large one
 * the per-node summary (balance_section) stands for them unless asked.
 */
static void record_cpu_views(FILE *f, const struct mi_report *r, const struct mi_attrib *a,
			     bool all_cpus)
{
	size_t i, rows = 0;

	for (i = 0; i < a->nr_cpus; i++)
		rows += a->cpus[i].phase == MI_PH_DEFERRED_CHUNK;
	if (all_cpus || rows <= MI_TABLE_CPU_ROWS)
		record_cpus_section(f, r, a);
	else
		fprintf(f, "\nDeferred init per CPU: %zu rows, summarized per node above "
			"('--cpus all' prints them)\n", rows);
	if (all_cpus || a->nr_cpus <= MI_TABLE_CPU_ROWS)
		record_phase_cpus_section(f, a);
	else
		fprintf(f, "\nPer CPU, every phase: %zu rows ('--cpus all' prints them)\n",
			a->nr_cpus);
}

static void record_tables_section(FILE *f, const struct mi_report *r)
{
	size_t i;
	int k;

	fprintf(f, "\nLarge system hash tables (records: allocation and zeroing timed apart "
		"where HASH_ZERO)\n");
	fprintf(f, "%-26s %9s %10s %-16s %4s %11s %9s %9s %9s %7s %s\n", "NAME", "ENTRIES",
		"BYTES", "KIND", "NODE", "START(s)", "ALLOC(ms)", "ZERO(ms)", "TOTAL(ms)",
		"ZERO GB/s", "PAGES PER NODE");
	for (i = 0; i < r->nr_events; i++) {
		const struct mi_event *e = &r->events[i];
		const struct mi_hash_table *t = NULL;
		char b[32], a1[16], z[16], tot[16], gb[16], nd[8];
		size_t j;

		if (e->phase != MI_PH_HASH)
			continue;
		for (j = 0; j < r->nr_tables; j++)
			if (!strcmp(r->tables[j].name, e->name))
				t = &r->tables[j];
		snprintf(nd, sizeof(nd), e->node >= 0 ? "%d" : "-", e->node);
		fprintf(f, "%-26.26s %9llu %10s %-16s %4s %11.6f %9s %9s %9s %9s ", e->name,
			(unsigned long long)e->pages, fmt_bytes(b, sizeof(b), (double)e->bytes),
			mi_hash_record_kind(e), nd, e->start_ns / 1e9,
			fmt_num(a1, sizeof(a1), "%.3f",
				mi_event_part1(e) >= 0 ? mi_event_part1(e) * 1e3 : -1),
			e->flags & MI_REC_HASH_CALLER_INITS ? "caller" :
			fmt_num(z, sizeof(z), "%.3f",
				mi_event_part2(e) >= 0 ? mi_event_part2(e) * 1e3 : -1),
			fmt_num(tot, sizeof(tot), "%.3f",
				mi_event_seconds(e) >= 0 ? mi_event_seconds(e) * 1e3 : -1),
			fmt_num(gb, sizeof(gb), "%.2f", mi_hash_zero_gbps(e)));
		if (t && t->nr_node_pages) {
			for (k = 0; k < t->nr_node_pages; k++)
				if (t->node_pages[k])
					fprintf(f, "N%d=%llu ", k, (unsigned long long)t->node_pages[k]);
		} else {
			fprintf(f, "%s", e->node >= 0 ? "(one node)" : "-");
		}
		fprintf(f, "\n");
	}
	fprintf(f, "(ZERO \"caller\": no HASH_ZERO, the caller initializes the buckets after)\n");
}

static void timeline_section(FILE *f, const struct mi_report *r, const struct mi_attrib *a)
{
	int cpu = -1;
	size_t i;

	fprintf(f, "\nTimeline per CPU (records in start order; gaps are work not recorded)\n");
	for (i = 0; i < a->nr_timeline; i++) {
		const struct mi_event *e = &r->events[a->timeline[i]];
		char nd[8], ms[16];

		if (e->cpu != cpu) {
			cpu = e->cpu;
			fprintf(f, "CPU %d\n", cpu);
			fprintf(f, "  %12s %12s %10s  %-15s %-4s %10s %s\n", "START(s)", "END(s)",
				"TIME(ms)", "PHASE", "NODE", "PAGES", "NAME");
		}
		snprintf(nd, sizeof(nd), e->node >= 0 ? "%d" : "-", e->node);
		fprintf(f, "  %12.6f %12.6f %10s  %-15s %-4s %10llu %s\n", e->start_ns / 1e9,
			e->end_ns / 1e9, fmt_num(ms, sizeof(ms), "%.3f", mi_event_seconds(e) >= 0 ?
						 mi_event_seconds(e) * 1e3 : -1),
			mi_phase_name(e->phase), nd,
			(unsigned long long)e->pages, e->name);
	}
}

static int records_sections(FILE *f, const struct mi_report *r, const struct mi_table_opts *o)
{
	struct mi_attrib a;

	if (mi_attrib_build(r, &a))
		return -1;
	records_header(f, r);
	pages_section(f, r, &a);
	phases_section(f, r, &a);
	balance_section(f, r, &a);
	record_cpu_views(f, r, &a, o && o->all_cpus);
	record_tables_section(f, r);
	if (o && o->timeline)
		timeline_section(f, r, &a);
	fprintf(f, "\nSplit method: %s.\n", mi_split_method);
	mi_attrib_free(&a);
	return 0;
}

int mi_write_table(FILE *f, const struct mi_report *r, const struct mi_table_opts *o)
{
	size_t i;

	fprintf(f, "meminit report: kernel %s\n", r->kernel[0] ? r->kernel : "(unknown)");
	sources_line(f, r);
	nodes_section(f, r);
	zones_section(f, r);
	if (r->nr_events) {
		cpus_section(f, r);
		if (records_sections(f, r, o))
			return -1;
	} else {
		cpus_section(f, r);
		early_section(f, r);
		tables_section(f, r);
	}
	if (r->nr_notes) {
		fprintf(f, "\nWhat these sources cannot see\n");
		for (i = 0; i < r->nr_notes; i++)
			fprintf(f, "- %s\n", r->notes[i]);
	}
	return ferror(f) ? -1 : 0;
}

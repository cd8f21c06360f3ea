// SPDX-License-Identifier: GPL-2.0
/*
 * Parser and merge tests on real captures (tests/fixtures/README.md names
 * the kernel and guest of each). Expected values are the kernel's own
 * numbers: its zoneinfo and node meminfo captured in the same boot.
 */
#include <errno.h>
#include <math.h>

#include "unit.h"
#include "dmesg.h"
#include "ftrace.h"
#include "procfs.h"
#include "records_file.h"
#include "util.h"

static char *load(const char *dir, const char *file)
{
	char name[256];
	char *buf;

	snprintf(name, sizeof(name), "%s/%s", dir, file);
	if (mi_read_file(unit_fixture_path(name), &buf, NULL)) {
		printf("FAIL load %s: cannot read\n", name);
		unit_failed = 1;
		return NULL;
	}
	return buf;
}

/* Node meminfo "Node N MemTotal: K kB" of the same boot. */
static unsigned long long memtotal_kb(const char *meminfo, int node)
{
	char key[64];
	const char *p;

	snprintf(key, sizeof(key), "Node %d MemTotal:", node);
	p = strstr(meminfo, key);
	return p ? strtoull(p + strlen(key), NULL, 10) : ~0ULL;
}

/*
 * The kernel's own "node N deferred pages initialised in Mms" line of the
 * same log, read here without meminit's parser: its ms and its printk stamp.
 * Returns 0 when the log has no such line for the node.
 */
static int kernel_deferred_line(const char *log, int node, long *ms, double *stamp)
{
	char key[64];
	const char *p, *line;
	int found = 0;

	snprintf(key, sizeof(key), "] node %d deferred pages initialised in ", node);
	for (p = strstr(log, key); p; p = strstr(p + 1, key)) {
		for (line = p; line > log && line[-1] != '\n'; line--)
			;
		if (sscanf(line, "[ %lf]", stamp) != 1)
			continue;
		*ms = strtol(p + strlen(key), NULL, 10);
		found = 1;	/* the last one: a log may hold earlier boots */
	}
	return found;
}

static uint64_t range_pages(const struct mi_node *n, uint64_t page_size)
{
	uint64_t s = 0;
	int i;

	for (i = 0; i < n->nr_ranges; i++)
		s += (n->ranges[i].end + 1 - n->ranges[i].start) / page_size;
	return s;
}

/* Notes about the page size (a disagreement, an assumption). */
static int page_size_notes(const struct mi_report *r)
{
	size_t i;
	int n = 0;

	for (i = 0; i < r->nr_notes; i++)
		n += strstr(r->notes[i], "page size") != NULL;
	return n;
}

/*
 * dmesg and zoneinfo of one boot must agree; managed pages must equal
 * MemTotal; every count is in the kernel's pages of PAGE_SIZE bytes, which
 * the log states; s/TiB is over the node's bytes, its pages x PAGE_SIZE.
 */
static void test_boot(const char *dir, int nodes, int memoryless_node, int tables,
		      uint64_t page_size)
{
	char *dm = load(dir, "dmesg.txt"), *zi = load(dir, "zoneinfo");
	char *mi = load(dir, "node-meminfo"), *vm = load(dir, "vmallocinfo");
	struct mi_report r, log_only;
	char name[160];
	size_t i;

	if (!dm || !zi || !mi || !vm)
		return;
	mi_report_init(&r);
	snprintf(name, sizeof(name), "%s: dmesg parses", dir);
	EXPECT(name, mi_parse_dmesg(&r, dm, dir) == 0);
	snprintf(name, sizeof(name), "%s: zoneinfo parses", dir);
	EXPECT(name, mi_parse_zoneinfo(&r, zi, dir) == 0);
	mi_report_init(&log_only);
	snprintf(name, sizeof(name), "%s: dmesg alone parses", dir);
	EXPECT(name, mi_parse_dmesg(&log_only, dm, dir) == 0);
	mi_report_sort_nodes(&r);
	snprintf(name, sizeof(name), "%s: node count", dir);
	EXPECT_EQ_U64(name, r.nr_nodes, nodes);
	snprintf(name, sizeof(name), "%s: log is complete", dir);
	EXPECT(name, r.log_complete && r.kernel[0]);
	snprintf(name, sizeof(name), "%s: the log states the page size, %llu bytes", dir,
		 (unsigned long long)page_size);
	EXPECT(name, r.page_size == page_size && !strcmp(r.page_size_from, "kernel log"));
	for (i = 0; i < r.nr_nodes; i++) {
		const struct mi_node *n = &r.nodes[i];

		snprintf(name, sizeof(name), "%s: node %d present pages = its dmesg ranges", dir, n->id);
		EXPECT_EQ_U64(name, mi_node_present(n), range_pages(n, page_size));
		{
			/* The same log alone: present pages from its ranges, = zoneinfo's. */
			const struct mi_node *ln = mi_report_find_node(&log_only, n->id);
			const char *from = NULL;
			uint64_t lp = ln ? mi_node_present_pages(&log_only, ln, &from) : 0;

			snprintf(name, sizeof(name), "%s: node %d present from the log alone = zoneinfo's",
				 dir, n->id);
			EXPECT(name, lp == mi_node_present(n) &&
			       (n->memoryless ? !from : from && !strcmp(from, "kernel log")));
		}
		snprintf(name, sizeof(name), "%s: node %d managed pages = node MemTotal", dir, n->id);
		EXPECT_EQ_U64(name, mi_node_managed(n) * (page_size / 1024), memtotal_kb(mi, n->id));
		snprintf(name, sizeof(name), "%s: node %d memoryless flag", dir, n->id);
		EXPECT(name, n->memoryless == (n->id == memoryless_node));
		if (!n->memoryless) {
			long ms = -1;
			double stamp = -1;

			snprintf(name, sizeof(name), "%s: node %d deferred ms = the kernel's line", dir, n->id);
			EXPECT(name, kernel_deferred_line(dm, n->id, &ms, &stamp) &&
			       n->deferred_ms == ms);
			snprintf(name, sizeof(name), "%s: node %d deferred end = the line's stamp", dir, n->id);
			EXPECT(name, fabs(n->deferred_done - stamp) < 1e-9);
			/* The kernel's line over the node's memory: present pages x PAGE_SIZE. */
			snprintf(name, sizeof(name), "%s: node %d s/TiB = its line over pages x %llu B",
				 dir, n->id, (unsigned long long)page_size);
			EXPECT(name, fabs(mi_report_s_per_tib(&r, ms / 1e3, mi_node_present(n)) -
					  ms / 1e3 / ((double)mi_node_present(n) * page_size /
						      (1ULL << 40))) < 1e-9);
		}
	}
	snprintf(name, sizeof(name), "%s: hash tables", dir);
	EXPECT_EQ_U64(name, r.nr_tables, tables);
	if (strstr(dir, "arm64")) {
		/* arm64's sched_clock starts in time_init(), after memory init. */
		bool said = false;

		for (i = 0; i < r.nr_notes; i++)
			said |= strstr(r.notes[i], "sched_clock registered only at line") != NULL;
		snprintf(name, sizeof(name), "%s: early window unstamped, and the report says why", dir);
		EXPECT(name, r.early_unstamped && r.early_window_start < 0 && said);
	} else {
		snprintf(name, sizeof(name), "%s: early window bounded", dir);
		EXPECT(name, r.early_window_start > 0 && r.early_window_end > r.early_window_start);
	}
	/* every area is a table or the page-pointer array of a 'vpages' one */
	snprintf(name, sizeof(name), "%s: vmallocinfo places every vmalloc table, no area left over", dir);
	EXPECT(name, mi_parse_vmallocinfo(&r, vm, dir) == 0);
	snprintf(name, sizeof(name), "%s: vmallocinfo agrees on the page size", dir);
	EXPECT(name, r.page_size == page_size && !page_size_notes(&r));
	for (i = 0; i < r.nr_tables; i++) {
		const struct mi_hash_table *t = &r.tables[i];
		uint64_t sum = 0;
		int k, on = 0;

		for (k = 0; k < t->nr_node_pages; k++) {
			sum += t->node_pages[k];
			on += t->node_pages[k] > 0;
		}
		snprintf(name, sizeof(name), "%s: %s node pages add up to its size", dir, t->name);
		EXPECT_EQ_U64(name, sum, (t->bytes + page_size - 1) / page_size);
		/* hashdist spreads a vmalloc table over every node with memory */
		snprintf(name, sizeof(name), "%s: %s placed on the nodes with memory", dir, t->name);
		EXPECT(name, t->kind == MI_HASH_LINEAR ||
		       on == (int)(nodes - (memoryless_node >= 0)) || t->bytes <= page_size * 2);
	}
	mi_report_free(&r);
	mi_report_free(&log_only);
	free(dm);
	free(zi);
	free(mi);
	free(vm);
}

/* An armed boot: the trace agrees with the kernel's own lines of the same boot. */
static void test_ftrace(const char *dir, size_t want_chunks)
{
	char *dm = load(dir, "dmesg.txt"), *tr = load(dir, "trace.txt");
	struct mi_cpu_row *rows;
	struct mi_ftrace ft;
	struct mi_report r;
	size_t nrows, i;
	int total = 0, cpus = 0, k;
	char name[160];

	if (!dm || !tr)
		return;
	mi_report_init(&r);
	snprintf(name, sizeof(name), "%s: dmesg parses", dir);
	EXPECT(name, mi_parse_dmesg(&r, dm, dir) == 0);
	snprintf(name, sizeof(name), "%s: trace parses, every entry read", dir);
	EXPECT(name, mi_parse_ftrace(&ft, tr, dir) == 0 && ft.nr == ft.entries_in_buffer);
	snprintf(name, sizeof(name), "%s: trace merges", dir);
	EXPECT(name, mi_merge_ftrace(&r, &ft, true) == 0);
	for (i = 0; i < r.nr_nodes; i++) {
		const struct mi_node *n = &r.nodes[i];
		double traced = mi_node_deferred_traced(n) * 1e3;

		/* jiffies_to_msecs truncates: the kernel's ms is within one jiffy (HZ=250). */
		snprintf(name, sizeof(name), "%s: node %d traced %.3f ms within 4 ms of the "
			 "kernel's %.0f ms", dir, n->id, traced, n->deferred_ms);
		EXPECT(name, traced >= 0 && fabs(traced - n->deferred_ms) <= 4.0);
	}
	snprintf(name, sizeof(name), "%s: every chunk of the trace", dir);
	EXPECT_EQ_U64(name, r.nr_chunks, want_chunks);
	for (i = 0; i < r.nr_chunks; i++) {
		const struct mi_chunk *c = &r.chunks[i];
		int id;

		snprintf(name, sizeof(name), "%s: chunk %zu bounded", dir, i);
		EXPECT(name, c->end_bound >= c->start);
		if (sscanf(c->task, "pgdatinit%d-", &id) == 1) {
			snprintf(name, sizeof(name), "%s: chunk %zu of %s is node %d's", dir, i,
				 c->task, id);
			EXPECT(name, c->node == id);
		}
	}
	snprintf(name, sizeof(name), "%s: per-CPU rows", dir);
	EXPECT(name, mi_report_cpu_rows(&r, &rows, &nrows) == 0);
	for (i = 0; i < nrows; i++) {
		total += rows[i].chunks;
		for (k = 0; k < (int)i && rows[k].cpu != rows[i].cpu; k++)
			;
		if (k == (int)i)
			cpus++;
	}
	free(rows);
	snprintf(name, sizeof(name), "%s: per-CPU rows sum to the chunks", dir);
	EXPECT_EQ_U64(name, total, r.nr_chunks);
	snprintf(name, sizeof(name), "%s: chunks ran on 3+ CPUs", dir);
	EXPECT(name, cpus >= 3);
	for (i = 0; i < r.nr_tables; i++) {
		snprintf(name, sizeof(name), "%s: %s has an entry before its line", dir,
			 r.tables[i].name);
		EXPECT(name, r.tables[i].start > 0 && r.tables[i].start <= r.tables[i].printed);
	}
	snprintf(name, sizeof(name), "%s: dentry caller", dir);
	EXPECT(name, !strcmp(r.tables[0].caller, "vfs_caches_init"));
	mi_ftrace_free(&ft);
	mi_report_free(&r);
	free(dm);
	free(tr);
}

static void test_ftrace_61_empty(void)
{
	const char *dir = "6.1-2node-ftrace-localclock";
	char *dm = load(dir, "dmesg.txt"), *tr = load(dir, "trace.txt");
	struct mi_ftrace ft;
	struct mi_report r;
	size_t i;
	bool said = false;

	if (!dm || !tr)
		return;
	mi_report_init(&r);
	EXPECT("6.1 ftrace: dmesg parses", mi_parse_dmesg(&r, dm, dir) == 0);
	EXPECT("6.1 ftrace: empty trace parses", mi_parse_ftrace(&ft, tr, dir) == 0 && !ft.nr);
	EXPECT("6.1 ftrace: merges", mi_merge_ftrace(&r, &ft, true) == 0);
	for (i = 0; i < r.nr_notes; i++)
		if (strstr(r.notes[i], "holds no entry"))
			said = true;
	EXPECT("6.1 ftrace: says the trace saw nothing", said);
	EXPECT("6.1 ftrace: no chunks invented", r.nr_chunks == 0);
	mi_ftrace_free(&ft);
	mi_report_free(&r);
	free(dm);
	free(tr);
}

static void test_bad_dmesg(void)
{
	struct mi_report r;
	char bin[] = "[    0.000000] Linux version 6.1\0garbage";

	mi_report_init(&r);
	EXPECT("dmesg: empty input refused", mi_parse_dmesg(&r, "", "empty") == -EINVAL);
	mi_report_free(&r);
	mi_report_init(&r);
	EXPECT("dmesg: foreign text refused",
	       mi_parse_dmesg(&r, "root:x:0:0:root:/root:/bin/bash\n", "passwd") == -EINVAL);
	mi_report_free(&r);
	mi_report_init(&r);
	EXPECT("dmesg: log without memory lines refused",
	       mi_parse_dmesg(&r, "[    1.000000] hello\n", "x") == -EINVAL);
	mi_report_free(&r);
	mi_report_init(&r);
	EXPECT("dmesg: /dev/kmsg records accepted",
	       mi_parse_dmesg(&r, "6,1,40000,-;Initmem setup node 0 [mem 0x1000-0x9efff]\n"
			      "6,2,900000,-;node 0 deferred pages initialised in 12ms\n", "kmsg") == 0 &&
	       r.nr_nodes == 1 && r.nodes[0].deferred_ms == 12 &&
	       fabs(r.nodes[0].deferred_done - 0.9) < 1e-9 && !r.log_complete);
	mi_report_free(&r);
	mi_report_init(&r);
	EXPECT("dmesg: a node id past MAX_NUMNODES is not a node",
	       mi_parse_dmesg(&r, "[ 0.1] Initmem setup node 99999 [mem 0x1000-0x9efff]\n", "x") ==
	       -EINVAL);
	mi_report_free(&r);
	/* A C string ends at a NUL byte: what follows is not read as log lines. */
	mi_report_init(&r);
	EXPECT("dmesg: text cut at a NUL byte has no memory lines",
	       mi_parse_dmesg(&r, bin, "bin") == -EINVAL && r.nr_nodes == 0);
	mi_report_free(&r);
}

/*
 * A log whose early lines are all stamped 0.000000 (the early TSC
 * calibration failed): the early window is unknown and said to be, never
 * reported as 0 ms; the rest of the log still parses.
 */
static void test_unstamped_early(void)
{
	const char *dir = "6.12-systemd-untimed-early";
	char *dm = load(dir, "dmesg.txt"), *zi = load(dir, "zoneinfo");
	struct mi_report r;
	size_t i;

	if (!dm || !zi)
		return;
	mi_report_init(&r);
	EXPECT("untimed early: dmesg parses", mi_parse_dmesg(&r, dm, dir) == 0);
	EXPECT("untimed early: zoneinfo parses", mi_parse_zoneinfo(&r, zi, dir) == 0);
	EXPECT("untimed early: window unknown, not 0 ms",
	       r.early_window_start < 0 && r.early_window_end < 0 && r.early_unstamped);
	/* Its line 17 says why; line 1838 gives the TSC the next boot can be told. */
	EXPECT_EQ_U64("untimed early: the failed quick calibration's line", r.tsc_early_failed_line, 17);
	EXPECT_EQ_U64("untimed early: refined TSC 2596.121 MHz in kHz", r.tsc_khz, 2596121);
	for (i = 0; i < r.nr_notes; i++)
		if (strstr(r.notes[i], "line 17: \"tsc: Fast TSC calibration failed\"") &&
		    strstr(r.notes[i], "tsc_early_khz=2596121"))
			break;
	EXPECT("untimed early: the note says why, and what to boot with", i < r.nr_notes);
	{
		struct mi_early_clock ec;

		mi_dmesg_early_clock(dm, &ec);
		EXPECT("early clock of the log: refined TSC, failed line, unstamped memmap",
		       ec.tsc_khz == 2596121 && ec.failed_line == 17 && ec.memmap_lines == 2 &&
		       ec.memmap_stamped == 0);
	}
	EXPECT_EQ_U64("untimed early: 2 nodes", r.nr_nodes, 2);
	for (i = 0; i < r.nr_nodes; i++) {
		EXPECT("untimed early: deferred line of each node", r.nodes[i].deferred_ms >= 0);
		EXPECT_EQ_U64("untimed early: present pages = dmesg ranges",
			      mi_node_present(&r.nodes[i]), range_pages(&r.nodes[i], 4096));
	}
	/* 14 "hash table entries" lines; VFS: Dquot-cache is not alloc_large_system_hash */
	EXPECT_EQ_U64("untimed early: 13 hash tables", r.nr_tables, 13);
	mi_report_free(&r);
	free(dm);
	free(zi);
}

/*
 * The futex hash since FUTEX2_NUMA (mainline v6.16, kernel/futex/core.c) is
 * one table per node and prints "N (B bytes on K NUMA nodes, total T KiB,
 * kind)." No testbed kernel prints it: the real 6.12 2-node log gets that
 * line in place of its own futex line, formatted from mainline's printk with
 * this boot's values (1024 entries, 64 KiB, 2 nodes; 32 KiB per node). A
 * line of no known format is a note with its name and text, not a table.
 */
static void test_hash_line_formats(void)
{
	const char *dir = "6.12-2node-ftrace";
	char *dm = load(dir, "dmesg.txt"), *p, *eol, *log;
	const char *futex = "[    1.440860] futex hash table entries: 1024 (32768 bytes on 2 NUMA "
			    "nodes, total 64 KiB, linear).\n"
			    "[    1.440900] Foo hash table entries: 12 (strange)\n";
	const struct mi_hash_table *t = NULL;
	struct mi_report r;
	bool noted = false;
	size_t i;

	if (!dm)
		return;
	p = strstr(dm, "futex hash table entries: ");
	EXPECT("hash formats: the fixture has a futex line", p != NULL);
	if (!p)
		goto out;
	while (p > dm && p[-1] != '\n')
		p--;
	eol = strchr(p, '\n');
	if (!eol)
		goto out;
	log = malloc(strlen(dm) + strlen(futex) + 1);
	if (!log)
		goto out;
	sprintf(log, "%.*s%s%s", (int)(p - dm), dm, futex, eol + 1);
	mi_report_init(&r);
	EXPECT("hash formats: log parses", mi_parse_dmesg(&r, log, dir) == 0);
	EXPECT_EQ_U64("hash formats: 13 tables, the unreadable one left out", r.nr_tables, 13);
	for (i = 0; i < r.nr_tables; i++)
		if (!strcmp(r.tables[i].name, "futex"))
			t = &r.tables[i];
	EXPECT("hash formats: futex per-node table read",
	       t && t->numa_nodes == 2 && t->bytes_per_node == 32768 && t->bytes == 65536 &&
	       t->entries == 1024 && t->order == -1 && t->kind == MI_HASH_LINEAR);
	for (i = 0; i < r.nr_notes; i++)
		if (strstr(r.notes[i], "cannot read (table \"Foo\" left out)") &&
		    strstr(r.notes[i], "Foo hash table entries: 12 (strange)"))
			noted = true;
	EXPECT("hash formats: the unreadable line is a note with its name and text", noted);
	mi_report_free(&r);
	free(log);
out:
	free(dm);
}

/* LOG with the first line holding FIND replaced by REPL (a whole line, "\n" included). */
static char *replace_line(const char *log, const char *find, const char *repl)
{
	const char *p = strstr(log, find), *eol;
	char *out;

	if (!p)
		return NULL;
	while (p > log && p[-1] != '\n')
		p--;
	eol = strchr(p, '\n');
	if (!eol)
		return NULL;
	out = malloc(strlen(log) + strlen(repl) + 1);
	if (out)
		sprintf(out, "%.*s%s%s", (int)(p - log), log, repl, eol + 1);
	return out;
}

/* LOG without its lines that hold FIND. */
static char *drop_lines(const char *log, const char *find)
{
	char *out = malloc(strlen(log) + 1), *o = out;
	const char *p = log, *eol;

	if (!out)
		return NULL;
	for (; *p; p = eol) {
		eol = strchr(p, '\n');
		eol = eol ? eol + 1 : p + strlen(p);
		if (!memmem(p, eol - p, find, strlen(find))) {
			memcpy(o, p, eol - p);
			o += eol - p;
		}
	}
	*o = '\0';
	return out;
}

/*
 * Where the page size comes from when no running kernel says (Debian's
 * arm64-16k 6.12 of tests/fixtures/6.12-arm64-16k-4node): the log's hash
 * table lines, vmallocinfo's areas (pages and a guard page), --page-size
 * (which wins, and a source that disagrees is noted), else 4 KiB assumed
 * and said.
 */
static void test_page_size(void)
{
	const char *dir = "6.12-arm64-16k-4node";
	char *dm = load(dir, "dmesg.txt"), *vm = load(dir, "vmallocinfo"), *log = NULL;
	struct mi_report r;

	if (!dm || !vm)
		goto out;
	mi_report_init(&r);
	EXPECT("page size: vmallocinfo alone parses", mi_parse_vmallocinfo(&r, vm, dir) >= 0);
	EXPECT("page size: vmallocinfo's areas state 16 KiB",
	       r.page_size == 16384 && !strcmp(r.page_size_from, "vmallocinfo"));
	mi_report_free(&r);

	mi_report_init(&r);
	EXPECT("page size: --page-size first", !mi_report_set_page_size(&r, 4096, "--page-size"));
	EXPECT("page size: then the 16k log parses", mi_parse_dmesg(&r, dm, dir) == 0);
	EXPECT("page size: --page-size wins, the log's 16 KiB is noted",
	       r.page_size == 4096 && !strcmp(r.page_size_from, "--page-size") &&
	       page_size_notes(&r) == 1);
	EXPECT("page size: a size no kernel has is refused",
	       mi_report_set_page_size(&r, 12288, "x") == -EINVAL && r.page_size == 4096);
	mi_report_free(&r);

	log = drop_lines(dm, "hash table entries");
	mi_report_init(&r);
	EXPECT("page size: the log without hash lines parses",
	       log && mi_parse_dmesg(&r, log, dir) == 0 && !r.page_size);
	mi_report_page_size_finish(&r);
	EXPECT("page size: none stated, 4 KiB assumed and said",
	       r.page_size == 4096 && !strcmp(r.page_size_from, "assumed") &&
	       page_size_notes(&r) == 1);
	mi_report_free(&r);
	free(log);

	/* One small table: 16 KiB at order 0 fits every page size from 16 KiB up. */
	log = drop_lines(dm, "hash table entries");
	if (log) {
		char *one = replace_line(log, "Initmem setup node 0 [mem",
					 "[    0.000000] Initmem setup node 0 [mem 0x0000000040000000-0x000000007fffffff]\n"
					 "[    0.100000] Small hash table entries: 2048 (order: 0, 16384 bytes, linear)\n");

		mi_report_init(&r);
		EXPECT("page size: one small table leaves several sizes: none stated",
		       one && mi_parse_dmesg(&r, one, dir) == 0 && !r.page_size && r.nr_tables == 1);
		mi_report_free(&r);
		free(one);
	}
out:
	free(log);
	free(dm);
	free(vm);
}

/*
 * Variants of the lines meminit reads that the testbed's x86 kernels do
 * not print, from the printk of each (docs/kernel-lines.md lists them per
 * kernel): arm64's and riscv's memoryless node (drivers/base/arch_numa.c,
 * 6.1 to 7.2: "Initmem setup node N [<memory-less node>]") in place of the
 * real 6.12 3-node log's "as memoryless"; and x86's "tsc: Detected N MHz
 * TSC" (tsc.c, when the TSC's rate is not the CPU's), added after the real
 * 6.1 log's "MHz processor" line: the TSC's own rate wins, and a "MHz TSC"
 * line is never read as a processor line.
 */
static void test_line_variants(void)
{
	char *dm = load("6.12-3node-memoryless", "dmesg.txt"), *log;
	char *dm61 = load("6.1-2node-ftrace", "dmesg.txt");
	struct mi_report r;

	if (!dm || !dm61)
		goto out;
	log = replace_line(dm, "Initmem setup node 2 as memoryless",
			   "[    0.027568] Initmem setup node 2 [<memory-less node>]\n");
	mi_report_init(&r);
	EXPECT("arch_numa memoryless line: the log parses", log && mi_parse_dmesg(&r, log, "x") == 0);
	EXPECT("arch_numa memoryless line: node 2 is memoryless, 3 nodes",
	       r.nr_nodes == 3 && mi_report_find_node(&r, 2) && mi_report_find_node(&r, 2)->memoryless);
	mi_report_free(&r);
	free(log);
	log = replace_line(dm61, "tsc: Detected 2596.111 MHz processor",
			   "[    0.000000] tsc: Detected 2596.111 MHz processor\n"
			   "[    0.000000] tsc: Detected 2400.250 MHz TSC\n");
	mi_report_init(&r);
	EXPECT("tsc: the log with a 'MHz TSC' line parses", log && mi_parse_dmesg(&r, log, "x") == 0);
	EXPECT_EQ_U64("tsc: the TSC's own rate, not the processor's", r.tsc_khz, 2400250);
	mi_report_free(&r);
	free(log);
	log = replace_line(dm61, "tsc: Detected 2596.111 MHz processor",
			   "[    0.000000] tsc: Detected 2400.250 MHz TSC\n"
			   "[    0.000000] tsc: Detected 2596.111 MHz processor\n");
	mi_report_init(&r);
	EXPECT("tsc: ... in either order", log && mi_parse_dmesg(&r, log, "x") == 0 &&
	       r.tsc_khz == 2400250);
	mi_report_free(&r);
	free(log);
out:
	free(dm);
	free(dm61);
}

/* Notes that say a node's jiffies line fell behind the clock. */
static size_t lagging_notes(const struct mi_report *r)
{
	size_t i, n = 0;

	for (i = 0; i < r->nr_notes; i++)
		if (strstr(r->notes[i], "the tick fell behind"))
			n++;
	return n;
}

/*
 * Debian's arm64 6.12 under TCG (6.12-arm64-armed): its only command line
 * is "Kernel command line:" (x86 also prints "Command line:"), and its
 * jiffies fell behind the architected timer, so each node's "deferred pages
 * initialised" line is about half of what its clock shows; the report says
 * so per node, and the x86 trace of the same kernel release, within a
 * jiffy, draws no such note.
 */
static void test_arm64_lagging_ticks(void)
{
	const char *dirs[] = { "6.12-arm64-armed", "6.12-2node-ftrace" };
	const size_t want[] = { 2, 0 };
	size_t k;

	for (k = 0; k < 2; k++) {
		char *dm = load(dirs[k], "dmesg.txt"), *tr = load(dirs[k], "trace.txt");
		struct mi_report r;
		struct mi_ftrace ft;

		if (!dm || !tr) {
			free(dm);
			free(tr);
			continue;
		}
		mi_report_init(&r);
		EXPECT(dirs[k], mi_parse_dmesg(&r, dm, dirs[k]) == 0);
		EXPECT("the command line is read (trace_clock=global)",
		       strstr(r.cmdline, "trace_clock=global") != NULL);
		EXPECT(dirs[k], mi_parse_ftrace(&ft, tr, dirs[k]) == 0);
		EXPECT(dirs[k], mi_merge_ftrace(&r, &ft, true) == 0);
		r.hz = 250;
		mi_note_lagging_jiffies(&r);
		EXPECT_EQ_U64("nodes whose jiffies line fell behind the clock", lagging_notes(&r), want[k]);
		mi_ftrace_free(&ft);
		mi_report_free(&r);
		free(dm);
		free(tr);
	}
}

/*
 * The patched 6.12 guest (6.12-patched-3node): its deferred_node records
 * (73.5 and 32.9 ms) lie within a jiffy of the kernel's lines (72 and 32
 * ms at HZ=250), so no note; with node 0's line cut to 60 ms, as a tick
 * falling behind would print it, the record names that node, and only it.
 */
static void test_records_lagging_ticks(void)
{
	const char *dir = "6.12-patched-3node";
	char *dm = load(dir, "dmesg.txt"), *rec = load(dir, "records.txt"), *cut = NULL;
	const char *logs[2];
	const size_t want[] = { 0, 1 };
	size_t k, i;

	if (!dm || !rec)
		goto out;
	cut = replace_line(dm, "node 0 deferred pages initialised in 72ms",
			   "[    0.861748] node 0 deferred pages initialised in 60ms\n");
	logs[0] = dm;
	logs[1] = cut;
	for (k = 0; k < 2 && cut; k++) {
		struct mi_report r;
		bool node0 = false;

		mi_report_init(&r);
		EXPECT("patched: log and records parse",
		       mi_parse_dmesg(&r, logs[k], dir) == 0 &&
		       mi_parse_records_text(&r, rec, "records.txt") == 0);
		r.hz = 250;
		mi_note_lagging_jiffies(&r);
		EXPECT_EQ_U64("records: nodes whose jiffies line fell behind the record",
			      lagging_notes(&r), want[k]);
		for (i = 0; i < r.nr_notes; i++)
			if (strstr(r.notes[i], "node 0: ") && strstr(r.notes[i], "73.5 ms (its boot record)"))
				node0 = true;
		EXPECT("records: the note names node 0 and its record's 73.5 ms", node0 == (k == 1));
		mi_report_free(&r);
	}
	EXPECT("patched: node 0's line found to cut", cut != NULL);
out:
	free(dm);
	free(rec);
	free(cut);
}

int main(int argc, char **argv)
{
	unit_init(argc, argv);
	test_boot("6.12-2node-ftrace", 2, -1, 13, 4096);
	test_boot("6.12-3node-memoryless", 3, 2, 13, 4096);
	test_boot("6.1-2node-ftrace", 2, -1, 13, 4096);
	test_boot("6.1-2node-ftrace-localclock", 2, -1, 13, 4096);
	test_boot("6.1-4node-uneven", 4, 3, 13, 4096);
	test_boot("6.12-arm64-armed", 2, -1, 13, 4096);
	test_boot("6.12-arm64-16k-4node", 4, 1, 13, 16384);
	test_ftrace("6.12-2node-ftrace", 15);
	test_ftrace("6.1-2node-ftrace", 15);
	test_ftrace_61_empty();
	test_bad_dmesg();
	test_unstamped_early();
	test_hash_line_formats();
	test_line_variants();
	test_page_size();
	test_arm64_lagging_ticks();
	test_records_lagging_ticks();
	return unit_failed;
}

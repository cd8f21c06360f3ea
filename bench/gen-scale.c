// SPDX-License-Identifier: GPL-2.0
/*
 * Inputs for bench/scale.sh, at a chosen size, without Python:
 *
 *   gen-scale records OUT.bin N [NODES CPUS]
 *	A records.bin (cli/source/records_file.h, kernel-patches/0001) of N boot records
 *	shaped like a NODES-node, CPUS-CPU machine (default 64 and 1024) with
 *	512 GiB per node: vmemmap, memmap_early per zone range, holes,
 *	reserved, free_early, one deferred_node per node, deferred chunks
 *	spread over each node's CPUs (the rest of N), and the large system
 *	hash tables. Prints "node ID PAGES" per node: the struct pages the
 *	records count for it (memmap_early + reserved + deferred chunks), what
 *	'meminit report' must print as record_pages.
 *
 *   gen-scale events OUT.txt N [NODES CPUS]
 *	The same records as meminit:meminit_replay events in tracefs' text
 *	(what 'meminit import-perf' reads), and the same per-node lines.
 *
 *   gen-scale kexec DIR RUNS REPORT.json
 *	A kexec results directory (cli/runs/kexec_dir.h: plan.json, runs/,
 *	failures/) of one variant with RUNS runs of REPORT (a 'meminit report
 *	--format json'), every number under a key ending in "_ms" and every
 *	record's duration scaled by a factor around 1 (sd 3 %) per run, as
 *	tests/gen-kexec-dir.py does.
 *
 * Deterministic: a fixed xorshift seed, so two runs write the same bytes.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define REC_SIZE	96
#define HDR_SIZE	32
#define MAGIC		0x54494e494d454d4dULL	/* "MMEMINIT" */
#define NODE_PAGES	(1ULL << 27)		/* 512 GiB of 4 KiB pages */
#define EARLY_PAGES	32768ULL		/* first 128 MiB of a node: early init */
#define MAX_ORDER_PAGES	1024ULL

enum { PH_VMEMMAP, PH_MEMMAP_EARLY, PH_HOLES, PH_RESERVED, PH_FREE_EARLY,
       PH_DEFERRED_NODE, PH_DEFERRED_CHUNK, PH_DEFERRED_GROW, PH_HASH, PH_PAGE_EXT,
       PH_HOTPLUG, PH_DEVICE, PH_NR };

#define REC_HASH_LINEAR	0x0002
#define REC_HASH_VMALLOC 0x0004
#define REC_HASH_ZERO	0x0010
#define REC_HASH_CALLER	0x0020
#define REC_SPLIT	0x0040

struct rec {
	uint64_t start, end, split, pfn, pages, bytes;
	int phase, nid, cpu, threads, zone;
	unsigned int flags, aux;
	const char *name;
};

static FILE *out;
static const char *out_path;
static int as_events;		/* tracefs text, not records.bin */

/* The kernel's phase names (kernel-patches/, cli/source/records_file.c). */
static const char *const phase_names[PH_NR] = {
	"vmemmap", "memmap_early", "holes", "reserved", "free_early", "deferred_node",
	"deferred_chunk", "deferred_grow", "hash", "page_ext", "hotplug", "device",
};

static uint32_t nr_written;
static uint64_t *node_pages;
static uint64_t rng = 0x6d656d696e6974ULL;

static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

/* Uniform in [1 - w, 1 + w]. */
static double jitter(double w)
{
	return 1 - w + 2 * w * (double)(rnd() >> 11) / (double)(1ULL << 53);
}

static void die(const char *what)
{
	fprintf(stderr, "gen-scale: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* One event line as tracefs prints meminit_replay (the writer's task and CPU). */
static void put_event(const struct rec *r)
{
	if (fprintf(out, "              sh-75      [004] .....     2.984801: meminit_replay: "
		    "phase=%s nid=%d zone=%d cpu=%d threads=%d start_ns=%llu end_ns=%llu "
		    "split_ns=%llu start_pfn=0x%llx nr_pages=%llu bytes=%llu flags=0x%x "
		    "aux=0x%x name=%s\n", phase_names[r->phase], r->nid, r->zone, r->cpu,
		    r->threads, (unsigned long long)r->start, (unsigned long long)r->end,
		    (unsigned long long)r->split, (unsigned long long)r->pfn,
		    (unsigned long long)r->pages, (unsigned long long)r->bytes, r->flags,
		    r->aux, r->name ? r->name : "-") < 0)
		die(out_path);
}

static void put(const struct rec *r)
{
	unsigned char b[REC_SIZE] = { 0 };
	uint64_t q[6] = { r->start, r->end, r->split, r->pfn, r->pages, r->bytes };
	uint16_t phase = r->phase, cpu = r->cpu, threads = r->threads, flags = r->flags;
	int16_t nid = r->nid;
	uint32_t aux = r->aux;

	if (as_events) {
		put_event(r);
		goto count;
	}
	memcpy(b, q, sizeof(q));
	memcpy(b + 48, &phase, 2);
	memcpy(b + 50, &nid, 2);
	memcpy(b + 52, &cpu, 2);
	memcpy(b + 54, &threads, 2);
	b[56] = r->zone < 0 ? 0xff : r->zone;
	memcpy(b + 58, &flags, 2);
	memcpy(b + 60, &aux, 4);
	if (r->name)
		strncpy((char *)b + 64, r->name, 31);
	if (fwrite(b, sizeof(b), 1, out) != 1)
		die(out_path);
count:
	nr_written++;
	if (r->nid >= 0 && (r->phase == PH_MEMMAP_EARLY || r->phase == PH_RESERVED ||
			    r->phase == PH_DEFERRED_CHUNK || r->phase == PH_DEFERRED_GROW))
		node_pages[r->nid] += r->pages;
}

static void put_header(uint32_t nr)
{
	unsigned char h[HDR_SIZE] = { 0 };
	uint64_t magic = MAGIC;
	uint32_t v[6] = { 1, REC_SIZE, nr, 0, nr, PH_NR };

	if (as_events) {
		if (fputs("# tracer: nop\n#\n", out) < 0)
			die(out_path);
		return;
	}
	memcpy(h, &magic, 8);
	memcpy(h + 8, v, sizeof(v));
	if (fwrite(h, sizeof(h), 1, out) != 1)
		die(out_path);
}

/* Tables of a large machine, as alloc_large_system_hash prints them. */
static const struct {
	const char *name;
	uint64_t entries, bytes;
	unsigned int flags;
	int early;	/* before deferred init (memblock, boot CPU) */
} tables[] = {
	{ "Dentry cache", 1ULL << 27, 1ULL << 30, REC_HASH_ZERO | REC_HASH_VMALLOC | REC_SPLIT, 1 },
	{ "Inode-cache", 1ULL << 26, 1ULL << 29, REC_HASH_ZERO | REC_HASH_VMALLOC | REC_SPLIT, 1 },
	{ "Mount-cache", 1ULL << 20, 1ULL << 23, REC_HASH_ZERO | REC_HASH_VMALLOC | REC_SPLIT, 1 },
	{ "Mountpoint-cache", 1ULL << 20, 1ULL << 23, REC_HASH_ZERO | REC_HASH_VMALLOC | REC_SPLIT, 1 },
	{ "IP idents", 1ULL << 19, 1ULL << 22, REC_HASH_ZERO | REC_HASH_VMALLOC | REC_SPLIT, 0 },
	{ "tcp_listen_portaddr_hash", 1ULL << 16, 1ULL << 20, REC_HASH_CALLER | REC_HASH_VMALLOC, 0 },
	{ "Table-perturb", 1ULL << 16, 1ULL << 18, REC_HASH_CALLER | REC_HASH_VMALLOC, 0 },
	{ "TCP established", 1ULL << 25, 1ULL << 28, REC_HASH_CALLER | REC_HASH_VMALLOC, 0 },
	{ "TCP bind", 1ULL << 16, 1ULL << 21, REC_HASH_CALLER | REC_HASH_VMALLOC, 0 },
	{ "UDP", 1ULL << 16, 1ULL << 21, REC_HASH_CALLER | REC_HASH_VMALLOC, 0 },
	{ "UDP-Lite", 1ULL << 16, 1ULL << 21, REC_HASH_CALLER | REC_HASH_VMALLOC, 0 },
	{ "futex", 1ULL << 18, 1ULL << 24, REC_HASH_ZERO | REC_HASH_LINEAR | REC_SPLIT, 0 },
};
#define NR_TABLES (sizeof(tables) / sizeof(tables[0]))

static void hash_rec(uint64_t *t, unsigned int i, int cpu)
{
	/* ~0.1 ns per byte allocated and zeroed, split half and half when zeroed. */
	uint64_t d = (uint64_t)(tables[i].bytes / 10 * jitter(0.1)) + 1000;
	struct rec r = {
		.phase = PH_HASH, .nid = -1, .zone = -1, .cpu = cpu, .start = *t,
		.end = *t + d, .pages = tables[i].entries, .bytes = tables[i].bytes,
		.flags = tables[i].flags, .aux = tables[i].flags & REC_HASH_LINEAR ? 0 : 2,
		.name = tables[i].name,
	};

	if (r.flags & REC_SPLIT)
		r.split = *t + d / 2;
	put(&r);
	*t += d + 20000;
}

static int gen_records(const char *path, unsigned long n, int nodes, int cpus)
{
	int per_node = cpus / nodes, nd, c;
	unsigned long fixed, chunks;
	uint64_t t = 30000000, *cpu_t;
	unsigned int i;

	if (nodes < 1 || nodes > 1024 || cpus < nodes || cpus > 65535) {
		fprintf(stderr, "gen-scale: want 1..1024 nodes and NODES..65535 CPUs\n");
		return 2;
	}
	/* Per node: vmemmap, memmap_early, holes, reserved, free_early, deferred_node; node 0: DMA, DMA32 and two holes more. */
	fixed = 6UL * nodes + 4 + NR_TABLES;
	if (n < fixed + nodes) {
		fprintf(stderr, "gen-scale: %d nodes need at least %lu records\n", nodes,
			fixed + nodes);
		return 2;
	}
	chunks = n - fixed;
	node_pages = calloc(nodes, sizeof(*node_pages));
	cpu_t = calloc(cpus, sizeof(*cpu_t));
	if (!node_pages || !cpu_t)
		die("calloc");
	out_path = path;
	out = fopen(path, "wb");
	if (!out)
		die(path);
	put_header(n);

	/* Boot CPU, before SMP: vmemmap, then memmap init zone range by zone range. */
	for (nd = 0; nd < nodes; nd++) {
		uint64_t d = (uint64_t)(NODE_PAGES / 8 * jitter(0.05));
		struct rec r = { .phase = PH_VMEMMAP, .nid = nd, .zone = -1, .start = t,
				 .end = t + d, .pfn = nd * NODE_PAGES, .pages = NODE_PAGES,
				 .bytes = NODE_PAGES * 64, .aux = 0x18 };

		put(&r);
		t += d + 5000;
	}
	for (nd = 0; nd < nodes; nd++) {
		uint64_t base = nd * NODE_PAGES;
		struct rec r = { .phase = PH_MEMMAP_EARLY, .nid = nd, .zone = 2 };

		if (!nd) {
			/* DMA 1..159 and DMA32 256..1 Mi, with the holes below 1 MiB. */
			struct rec z[] = {
				{ .phase = PH_MEMMAP_EARLY, .zone = 0, .pfn = 1, .pages = 158 },
				{ .phase = PH_HOLES, .zone = 0, .pfn = 0, .pages = 1 },
				{ .phase = PH_HOLES, .zone = 0, .pfn = 159, .pages = 97 },
				{ .phase = PH_MEMMAP_EARLY, .zone = 1, .pfn = 256,
				  .pages = (1ULL << 20) - 256 },
			};

			for (i = 0; i < 4; i++) {
				uint64_t d = (uint64_t)(z[i].pages * 1.2 * jitter(0.05)) + 100;

				z[i].start = t;
				z[i].end = t + d;
				put(&z[i]);
				t += d + 1000;
			}
			base = 1ULL << 20;
		}
		r.pfn = base;
		r.pages = EARLY_PAGES;
		r.start = t;
		t += (uint64_t)(EARLY_PAGES * 1.2 * jitter(0.05));
		r.end = t;
		put(&r);
		r.phase = PH_HOLES;
		r.pfn = (nd + 1) * NODE_PAGES - 32;
		r.pages = 32;
		r.start = t;
		r.end = t + 100;
		put(&r);
		t += 2000;
	}
	for (i = 0; i < NR_TABLES; i++)
		if (tables[i].early)
			hash_rec(&t, i, 0);
	/* memblock_free_all: reserved pages of the deferred ranges, free_early. */
	for (nd = 0; nd < nodes; nd++) {
		uint64_t res = nd ? 4968 : 32247, lo = nd ? nd * NODE_PAGES : 1ULL << 20;
		struct rec r = { .phase = PH_RESERVED, .nid = nd, .zone = -1, .start = t,
				 .pfn = (nd + 1) * NODE_PAGES - res, .pages = res };

		t += res * 2;
		r.end = t;
		put(&r);
		r = (struct rec){ .phase = PH_FREE_EARLY, .nid = nd, .zone = -1, .start = t,
				  .pfn = lo, .pages = EARLY_PAGES };
		t += EARLY_PAGES / 4;
		r.end = t;
		put(&r);
	}
	/* Deferred init: every node at once, on its own CPUs (padata). */
	t += 500000000;
	for (c = 0; c < cpus; c++)
		cpu_t[c] = t + 1000 * (c % per_node);
	for (nd = 0; nd < nodes; nd++) {
		unsigned long k = chunks / nodes + ((unsigned long)nd < chunks % nodes);
		uint64_t lo = nd ? nd * NODE_PAGES + EARLY_PAGES : (1ULL << 20) + EARLY_PAGES;
		uint64_t hi = (nd + 1) * NODE_PAGES - (nd ? 4968 : 32247) - 32;
		uint64_t each = (hi - lo) / k, end = 0, pfn = lo;
		unsigned long j;

		if (each >= MAX_ORDER_PAGES)
			each -= each % MAX_ORDER_PAGES;
		for (j = 0; j < k; j++) {
			int cpu = nd * per_node + (int)(j % per_node);
			uint64_t pages = j + 1 == k ? hi - pfn : each;
			/* 0.5 ns/page init and 0.3 ns/page free, +-20 %. */
			uint64_t d1 = (uint64_t)(pages * 0.5 * jitter(0.2)) + 200;
			uint64_t d2 = (uint64_t)(pages * 0.3 * jitter(0.2)) + 100;
			struct rec r = { .phase = PH_DEFERRED_CHUNK, .nid = nd, .zone = 2,
					 .cpu = cpu, .threads = 1, .start = cpu_t[cpu],
					 .split = cpu_t[cpu] + d1, .end = cpu_t[cpu] + d1 + d2,
					 .pfn = pfn, .pages = pages, .flags = REC_SPLIT };

			put(&r);
			pfn += pages;
			cpu_t[cpu] = r.end + 500;
			if (r.end > end)
				end = r.end;
		}
		{
			struct rec r = { .phase = PH_DEFERRED_NODE, .nid = nd, .zone = 2,
					 .cpu = nd * per_node, .threads = per_node,
					 .start = t - 100000, .end = end + 50000, .pfn = lo,
					 .pages = hi - lo };

			put(&r);
		}
	}
	t = 0;
	for (c = 0; c < cpus; c++)
		if (cpu_t[c] > t)
			t = cpu_t[c];
	t += 300000000;
	for (i = 0; i < NR_TABLES; i++)
		if (!tables[i].early)
			hash_rec(&t, i, (int)(i % cpus));
	if (fclose(out))
		die(path);
	if (nr_written != n) {
		fprintf(stderr, "gen-scale: wrote %u records, meant %lu\n", nr_written, n);
		return 1;
	}
	for (nd = 0; nd < nodes; nd++)
		printf("node %d %llu\n", nd, (unsigned long long)node_pages[nd]);
	free(node_pages);
	free(cpu_t);
	return 0;
}

/* ---- kexec directory ---------------------------------------------------- */

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		die(path);
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		die(path);
	buf = malloc(n + 1);
	if (!buf)
		die("malloc");
	if (fread(buf, 1, n, f) != (size_t)n)
		die(path);
	buf[n] = '\0';
	fclose(f);
	*len = n;
	return buf;
}

/* Box-Muller from the same generator. */
static double gauss(double mu, double sd)
{
	double u1 = ((rnd() >> 11) + 1.0) / (double)(1ULL << 53);
	double u2 = (rnd() >> 11) / (double)(1ULL << 53);

	return mu + sd * sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
}

/* The first of the keys whose numbers write_scaled changes, or NULL. */
static const char *next_key(const char *p, int *which)
{
	static const char *const keys[] = { "_ms\":", "\"start_ns\":", "\"end_ns\":" };
	const char *best = NULL, *q;
	int i;

	for (i = 0; i < 3; i++) {
		q = strstr(p, keys[i]);
		if (q && (!best || q < best)) {
			best = q;
			*which = i;
		}
	}
	return best;
}

/*
 * Copy @rep to @f with every number after a '..._ms":' key times @k, and
 * every record's end moved so that it lasts @k times as long: meminit reads
 * a report back into its model and derives each time from the records, so
 * the derived "_ms" members alone would not change what 'stats' sees.
 */
static void write_scaled(FILE *f, const char *rep, double k)
{
	const char *p = rep, *q;
	double start = 0;
	int which = 0;

	while ((q = next_key(p, &which))) {
		char *end;
		double v;

		q = strchr(q + 1, ':') + 1;
		while (*q == ' ')
			q++;
		fwrite(p, 1, q - p, f);
		v = strtod(q, &end);
		if (end == q) {		/* null */
			p = q;
			continue;
		}
		if (which == 0)
			fprintf(f, "%.17g", v * k);
		else if (which == 1)
			fprintf(f, "%.0f", start = v);
		else
			fprintf(f, "%.0f", v > start ? start + (v - start) * k : v);
		p = end;
	}
	fputs(p, f);
}

static int gen_kexec(const char *dir, long runs, const char *report)
{
	char path[4096];
	size_t len;
	char *rep = slurp(report, &len);
	FILE *f;
	long i;

	if (runs < 1 || runs > 10000) {
		fprintf(stderr, "gen-scale: RUNS must be 1..10000\n");
		return 2;
	}
	while (len && (rep[len - 1] == '\n' || rep[len - 1] == ' '))
		rep[--len] = '\0';
	if (mkdir(dir, 0700))
		die(dir);
	snprintf(path, sizeof(path), "%s/runs", dir);
	if (mkdir(path, 0700))
		die(path);
	snprintf(path, sizeof(path), "%s/failures", dir);
	if (mkdir(path, 0700))
		die(path);
	snprintf(path, sizeof(path), "%s/plan.json", dir);
	f = fopen(path, "w");
	if (!f)
		die(path);
	fprintf(f, "{\"schema\":\"meminit-kexec-plan\",\"schema_version\":1,"
		"\"runs_per_variant\":%ld,\"max_failures\":3,\"delay_s\":0,\"created_unix\":0,"
		"\"variants\":[{\"name\":\"scale\",\"kernel\":\"/boot/vmlinuz-scale\","
		"\"initrd\":null,\"cmdline\":\"console=ttyS0\"}]}\n", runs);
	if (fclose(f))
		die(path);
	for (i = 0; i < runs; i++) {
		snprintf(path, sizeof(path), "%s/runs/run-%04ld.json", dir, i);
		f = fopen(path, "w");
		if (!f)
			die(path);
		fprintf(f, "{\"schema\":\"meminit-kexec-run\",\"schema_version\":1,\"run\":%ld,"
			"\"variant_index\":0,\"variant\":\"scale\",\"attempt\":1,"
			"\"boot_to_hook_s\":%.6f,\"report\":", i, gauss(4.0, 0.12));
		write_scaled(f, rep, gauss(1.0, 0.03));
		fputs("}\n", f);
		if (ferror(f) || fclose(f))
			die(path);
	}
	free(rep);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: gen-scale records OUT.bin N [NODES CPUS]\n"
			"       gen-scale events OUT.txt N [NODES CPUS]\n"
			"       gen-scale kexec DIR RUNS REPORT.json\n");
	return 2;
}

static int num(const char *s, long max, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(s, &end, 10);
	if (errno || *end || end == s || *v < 1 || *v > max) {
		fprintf(stderr, "gen-scale: '%s' is not a number from 1 to %ld\n", s, max);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	long n, nodes = 64, cpus = 1024;

	if (argc >= 4 && (!strcmp(argv[1], "records") || !strcmp(argv[1], "events")) &&
	    (argc == 4 || argc == 6)) {
		as_events = !strcmp(argv[1], "events");
		if (num(argv[3], 100000000, &n) ||
		    (argc == 6 && (num(argv[4], 1024, &nodes) || num(argv[5], 65535, &cpus))))
			return 2;
		return gen_records(argv[2], n, (int)nodes, (int)cpus);
	}
	if (argc == 5 && !strcmp(argv[1], "kexec")) {
		if (num(argv[3], 10000, &n))
			return 2;
		return gen_kexec(argv[2], n, argv[4]);
	}
	return usage();
}

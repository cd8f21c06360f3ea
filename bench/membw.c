// SPDX-License-Identifier: GPL-2.0
/*
 * membw: the store bandwidth of each NUMA node, measured from a CPU of that
 * node, as the floor for struct page init (64 B written per page) and for
 * page zeroing (4096 B per page). bench/memset-floor.sh runs it in the same
 * guest whose boot meminit reports, so the kernel's ns/page can be read as a
 * multiple of what plain stores cost there.
 *
 * For each node with memory (and a remote pair of nodes, -x): pin to a CPU
 * (sched_setaffinity; CPUs from /sys/devices/system/node/nodeN/cpulist), map
 * a buffer bound to the node (mmap + mbind MPOL_BIND, raw syscall), fault it
 * in, check with move_pages(2) and /proc/self/numa_maps that every page is on
 * that node, then time several passes of each store pattern:
 *
 *   memset   libc memset(), what "memset bandwidth" usually means
 *   store64  eight 8-byte stores per 64 B: the shape of mm_zero_struct_page()
 *            and of the kernel's memset_orig() loop (x86 without FSRS)
 *   stosq    rep stosq: clear_page_rep()
 *   stosb    rep stosb: clear_page_erms(), memset() with FSRS
 *
 * Which of these the kernel itself uses depends on CPUID bits that
 * /proc/cpuinfo does not all show (6.12 prints no "fsrs"), so membw prints
 * them: memset() is rep stosb with FSRS, else memset_orig (store64);
 * clear_page() is rep stosb with ERMS, rep stosq with REP_GOOD.
 *
 * Output: one JSON document on stdout. Errors: one line on stderr, exit 1
 * (exit 2 for a bad command line).
 *
 * membw [-s MiB] [-p PASSES] [-x]
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/mempolicy.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#ifdef __x86_64__
#include <cpuid.h>
#endif

#define MAX_NODES	64
#define STRUCT_PAGE	64
#define PAGE		4096
#define MAX_PASSES	50

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("membw: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void usage(void) __attribute__((noreturn));
static void usage(void)
{
	fputs("usage: membw [-s MiB] [-p PASSES] [-x]\n"
	      "  -s MiB     buffer per run (default 256, capped at half the node's free memory)\n"
	      "  -p PASSES  timed passes per pattern (default 5, at most 50)\n"
	      "  -x         also each remote pair: CPU on one node, memory on another\n",
	      stderr);
	exit(2);
}

/* Read a small sysfs/procfs file into buf; returns its length. */
static size_t read_small(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		die("%s: %s", path, strerror(errno));
	n = fread(buf, 1, size - 1, f);
	if (ferror(f))
		die("%s: read error", path);
	if (!feof(f))
		die("%s: longer than %zu bytes", path, size - 1);
	if (fclose(f))
		die("%s: %s", path, strerror(errno));
	buf[n] = '\0';
	return n;
}

/*
 * A kernel list such as "0-3,8,10-11" into a bitmap of up to max bits.
 * Returns the number of bits set.
 */
static int parse_list(const char *what, const char *s, unsigned char *bits, int max)
{
	int count = 0;

	memset(bits, 0, (size_t)max);
	while (*s && *s != '\n') {
		char *end;
		long a, b;

		errno = 0;
		a = strtol(s, &end, 10);
		if (end == s || errno || a < 0 || a >= max)
			die("%s: bad list '%s'", what, s);
		b = a;
		if (*end == '-') {
			s = end + 1;
			b = strtol(s, &end, 10);
			if (end == s || errno || b < a || b >= max)
				die("%s: bad range in '%s'", what, s);
		}
		for (; a <= b; a++) {
			count += !bits[a];
			bits[a] = 1;
		}
		s = end;
		if (*s == ',')
			s++;
		else if (*s && *s != '\n')
			die("%s: bad separator in list", what);
	}
	return count;
}

#define MAX_CPUS	1024

struct node {
	int id;
	int has_mem, has_cpu;
	int cpu;		/* first CPU of the node */
	long free_kb;
};

static struct node nodes[MAX_NODES];
static int nr_nodes;

static long node_free_kb(int id)
{
	char path[128], buf[8192], *p;

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/meminfo", id);
	read_small(path, buf, sizeof(buf));
	p = strstr(buf, "MemFree:");
	if (!p)
		die("%s: no MemFree line", path);
	return strtol(p + strlen("MemFree:"), NULL, 10);
}

static void find_nodes(void)
{
	unsigned char mem[MAX_NODES], cpu[MAX_NODES], online[MAX_NODES], cpus[MAX_CPUS];
	char buf[4096], path[128];
	int i, c;

	read_small("/sys/devices/system/node/online", buf, sizeof(buf));
	parse_list("node/online", buf, online, MAX_NODES);
	read_small("/sys/devices/system/node/has_memory", buf, sizeof(buf));
	parse_list("node/has_memory", buf, mem, MAX_NODES);
	read_small("/sys/devices/system/node/has_cpu", buf, sizeof(buf));
	parse_list("node/has_cpu", buf, cpu, MAX_NODES);
	for (i = 0; i < MAX_NODES; i++) {
		struct node *n;

		if (!online[i] || (!mem[i] && !cpu[i]))
			continue;
		n = &nodes[nr_nodes++];
		n->id = i;
		n->has_mem = mem[i];
		n->cpu = -1;
		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/cpulist", i);
		read_small(path, buf, sizeof(buf));
		if (parse_list(path, buf, cpus, MAX_CPUS) > 0) {
			for (c = 0; c < MAX_CPUS && !cpus[c]; c++)
				;
			n->cpu = c;
			n->has_cpu = 1;
		}
		if (n->has_mem)
			n->free_kb = node_free_kb(i);
	}
	if (!nr_nodes)
		die("no online NUMA node with memory or CPUs in /sys/devices/system/node");
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity(cpu %d): %s", cpu, strerror(errno));
	if (sched_getcpu() != cpu)
		die("pinned to cpu %d but running on %d", cpu, sched_getcpu());
}

static double now_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		die("clock_gettime: %s", strerror(errno));
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* The patterns. Each writes zeroes over [buf, buf + len), len a multiple of 64. */
static void pat_memset(void *buf, size_t len)
{
	memset(buf, 0, len);
	__asm__ __volatile__("" : : "r"(buf) : "memory");
}

static void pat_store64(void *buf, size_t len)
{
	volatile uint64_t *p = buf, *end = (volatile uint64_t *)((char *)buf + len);

	/* volatile: eight real 8-byte stores, not a call to memset */
	for (; p < end; p += 8) {
		p[0] = 0; p[1] = 0; p[2] = 0; p[3] = 0;
		p[4] = 0; p[5] = 0; p[6] = 0; p[7] = 0;
	}
}

#ifdef __x86_64__
static void pat_stosq(void *buf, size_t len)
{
	size_t n = len / 8;

	__asm__ __volatile__("rep stosq" : "+D"(buf), "+c"(n) : "a"(0UL) : "memory");
}

static void pat_stosb(void *buf, size_t len)
{
	__asm__ __volatile__("rep stosb" : "+D"(buf), "+c"(len) : "a"(0) : "memory");
}
#endif

static const struct pattern {
	const char *name;
	void (*fn)(void *buf, size_t len);
} patterns[] = {
	{ "memset", pat_memset },
	{ "store64", pat_store64 },
#ifdef __x86_64__
	{ "stosq", pat_stosq },
	{ "stosb", pat_stosb },
#endif
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* How many of the buffer's pages move_pages(2) finds on node 'want'. */
static long pages_on_node(void *buf, size_t len, int want, long *elsewhere)
{
	size_t i, n = len / PAGE;
	void **pages = calloc(n, sizeof(*pages));
	int *status = calloc(n, sizeof(*status));
	long on = 0;

	if (!pages || !status)
		die("out of memory for %zu page addresses", n);
	for (i = 0; i < n; i++)
		pages[i] = (char *)buf + i * PAGE;
	if (syscall(SYS_move_pages, 0, (unsigned long)n, pages, NULL, status, 0) < 0)
		die("move_pages: %s", strerror(errno));
	*elsewhere = 0;
	for (i = 0; i < n; i++) {
		if (status[i] == want)
			on++;
		else
			(*elsewhere)++;
	}
	free(pages);
	free(status);
	return on;
}

/*
 * The buffer's line of /proc/self/numa_maps: its "N<node>=<pages>" fields
 * into out (as the kernel wrote them), and the count for node 'want'.
 */
static long numa_maps_pages(void *buf, int want, char *out, size_t outsize)
{
	char line[4096], key[32];
	unsigned long start;
	long count = -1;
	FILE *f = fopen("/proc/self/numa_maps", "r");

	if (!f)
		die("/proc/self/numa_maps: %s", strerror(errno));
	out[0] = '\0';
	snprintf(key, sizeof(key), "N%d=", want);
	while (fgets(line, sizeof(line), f)) {
		char *tok, *save;
		size_t used = 0;

		if (sscanf(line, "%lx", &start) != 1 || start != (unsigned long)buf)
			continue;
		count = 0;
		for (tok = strtok_r(line, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save)) {
			if (tok[0] != 'N' || !isdigit((unsigned char)tok[1]))
				continue;
			if (!strncmp(tok, key, strlen(key)))
				count = strtol(tok + strlen(key), NULL, 10);
			used += (size_t)snprintf(out + used, outsize - used, "%s%s",
						 used ? " " : "", tok);
			if (used >= outsize)
				die("numa_maps: too many node fields");
		}
		break;
	}
	if (ferror(f))
		die("/proc/self/numa_maps: read error");
	if (fclose(f))
		die("/proc/self/numa_maps: %s", strerror(errno));
	if (count < 0)
		die("/proc/self/numa_maps: no line for the buffer at %p", buf);
	return count;
}

static void run(const struct node *cn, const struct node *mn, size_t len, int passes, int first)
{
	unsigned long mask[MAX_NODES / (8 * sizeof(unsigned long)) + 1] = { 0 };
	double t[MAX_PASSES];
	char nm[1024];
	long on, away, nm_on;
	size_t i;
	void *buf;
	int p;

	pin(cn->cpu);
	buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		die("mmap %zu bytes: %s", len, strerror(errno));
	mask[mn->id / (8 * sizeof(unsigned long))] |= 1UL << (mn->id % (8 * sizeof(unsigned long)));
	if (syscall(SYS_mbind, buf, len, MPOL_BIND, mask, (unsigned long)MAX_NODES + 1,
		    MPOL_MF_STRICT) < 0)
		die("mbind node %d: %s", mn->id, strerror(errno));
	/* Fault every page in (and warm the TLB) before any timed pass. */
	memset(buf, 1, len);

	printf("%s\n    {\"cpu_node\": %d, \"cpu\": %d, \"mem_node\": %d, \"local\": %s, "
	       "\"bytes\": %zu, \"pages\": %zu, \"struct_pages\": %zu, \"patterns\": [",
	       first ? "" : ",", cn->id, cn->cpu, mn->id, cn == mn ? "true" : "false",
	       len, len / PAGE, len / STRUCT_PAGE);
	for (i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
		double best, med;

		for (p = 0; p < passes; p++) {
			double t0 = now_ns();

			patterns[i].fn(buf, len);
			t[p] = now_ns() - t0;
			if (t[p] <= 0)
				die("%s pass %d: clock did not advance", patterns[i].name, p);
		}
		qsort(t, (size_t)passes, sizeof(t[0]), cmp_double);
		best = t[0];
		med = passes % 2 ? t[passes / 2] : (t[passes / 2 - 1] + t[passes / 2]) / 2;
		printf("%s\n      {\"name\": \"%s\", \"passes\": %d, \"best_ns\": %.0f, "
		       "\"median_ns\": %.0f, \"best_gbps\": %.4f, \"median_gbps\": %.4f, "
		       "\"ns_per_64b\": %.4f, \"ns_per_4k\": %.2f, \"median_ns_per_64b\": %.4f}",
		       i ? "," : "", patterns[i].name, passes, best, med, len / best, len / med,
		       best / (len / STRUCT_PAGE), best / (len / PAGE), med / (len / STRUCT_PAGE));
	}
	/* Where the measured pages were, after the passes. */
	if (sched_getcpu() != cn->cpu)
		die("left cpu %d during the passes", cn->cpu);
	on = pages_on_node(buf, len, mn->id, &away);
	nm_on = numa_maps_pages(buf, mn->id, nm, sizeof(nm));
	printf("\n    ], \"pages_on_node\": %ld, \"pages_elsewhere\": %ld, "
	       "\"numa_maps_on_node\": %ld, \"numa_maps\": \"%s\", \"cpu_after\": %d}",
	       on, away, nm_on, nm, sched_getcpu());
	if (munmap(buf, len))
		die("munmap: %s", strerror(errno));
}

static size_t run_size(const struct node *mn, size_t want)
{
	size_t spare = (size_t)mn->free_kb * 1024 / 2;
	size_t len = want < spare ? want : spare;

	len &= ~((size_t)(2 << 20) - 1);	/* whole 2 MiB: huge page or not, no partial tail */
	if (len < (4 << 20))
		die("node %d: only %ld kB free, too little to measure", mn->id, mn->free_kb);
	return len;
}

/* The CPUID bits that pick the kernel's memset and clear_page on x86-64. */
static void print_cpuid(void)
{
#ifdef __x86_64__
	unsigned int a = 0, b = 0, c = 0, d = 0, a1 = 0, b1, c1, d1;
	unsigned int max = __get_cpuid_max(0, NULL);

	if (max >= 7) {
		__cpuid_count(7, 0, a, b, c, d);
		if (a >= 1)
			__cpuid_count(7, 1, a1, b1, c1, d1);
	}
	printf("\"cpuid\": {\"erms\": %s, \"fsrm\": %s, \"fzrm\": %s, \"fsrs\": %s}, ",
	       b & (1U << 9) ? "true" : "false", d & (1U << 4) ? "true" : "false",
	       a1 & (1U << 10) ? "true" : "false", a1 & (1U << 11) ? "true" : "false");
#else
	printf("\"cpuid\": null, ");
#endif
}

int main(int argc, char **argv)
{
	long mib = 256, passes = 5;
	int opt, i, j, first = 1, cross = 0;
	char *end;

	while ((opt = getopt(argc, argv, "s:p:x")) != -1) {
		switch (opt) {
		case 's':
			errno = 0;
			mib = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || mib < 4 || mib > (1L << 20)) {
				fprintf(stderr, "membw: -s: '%s' is not a size in MiB (4..1048576)\n", optarg);
				return 2;
			}
			break;
		case 'p':
			errno = 0;
			passes = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || passes < 1 || passes > MAX_PASSES) {
				fprintf(stderr, "membw: -p: '%s' is not a pass count (1..%d)\n", optarg,
					MAX_PASSES);
				return 2;
			}
			break;
		case 'x':
			cross = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	find_nodes();
	printf("{\"membw\": 1, \"page_size\": %d, \"struct_page_bytes\": %d, "
	       "\"gbps\": \"1e9 bytes/s\", ", PAGE, STRUCT_PAGE);
	print_cpuid();
	printf("\"runs\": [");
	for (i = 0; i < nr_nodes; i++) {
		const struct node *mn = &nodes[i];

		if (!mn->has_mem)
			continue;
		/* Local: a CPU of the node itself; a CPU-less node only remote. */
		if (mn->has_cpu) {
			run(mn, mn, run_size(mn, (size_t)mib << 20), (int)passes, first);
			first = 0;
		}
		for (j = 0; j < nr_nodes; j++) {
			if (j == i || !nodes[j].has_cpu || (!cross && mn->has_cpu))
				continue;
			run(&nodes[j], mn, run_size(mn, (size_t)mib << 20), (int)passes, first);
			first = 0;
			if (!cross)
				break;
		}
	}
	printf("\n]}\n");
	if (fflush(stdout) || ferror(stdout))
		die("stdout: write error");
	return 0;
}

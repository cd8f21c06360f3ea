// SPDX-License-Identifier: GPL-2.0
/*
 * What a stock kernel says about memory initialization, line by line.
 * Every message matched here is quoted from mm/mm_init.c, mm/page_alloc.c,
 * arch/x86/mm/numa.c and kernel/smp.c of 6.1 and 6.12.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dmesg.h"
#include "util.h"

struct dmesg_state {
	struct mi_report *r;
	size_t lines, timed, matched;
	double last_initmem;	/* printk time of the last "Initmem setup node" */
	bool in_holes;		/* inside the "On node N, zone Z: holes" block */
	size_t version_line;	/* line of "Linux version" */
	int tsc_rank;		/* of the line r->tsc_khz came from (tsc_khz_line) */
	/*
	 * The page sizes every "hash table entries" line with an order allows
	 * (bit k: 4 KiB << k), and whether any line narrowed them: its bytes
	 * are the kernel's PAGE_SIZE << order (page_size_lines()).
	 */
	unsigned int page_sizes;
	bool page_sizes_seen;
	/* The first line no kernel prints: the log is refused, never half-read. */
	size_t bad_line;
	char bad[160];
};

static bool refuse(struct dmesg_state *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * x86's lines of the TSC's frequency (arch/x86/kernel/tsc.c, the same
 * from 6.1 to 7.2), best first: 3 the refined calibration, 2 "Detected
 * N MHz TSC" (printed when the TSC runs at another rate than the CPU),
 * 1 "Detected N MHz processor". Returns the rank with *KHZ, or 0.
 */
static int tsc_khz_line(const char *msg, unsigned long *khz)
{
	static const char *const fmts[] = {
		"tsc: Refined TSC clocksource calibration: %lu.%3lu MHz%n",
		"tsc: Detected %lu.%3lu MHz TSC%n",
		"tsc: Detected %lu.%3lu MHz processor%n",
	};
	unsigned long mhz, frac;
	int i, n;

	for (i = 0; i < 3; i++) {
		n = 0;
		/* %n: the words after the number must match too */
		if (sscanf(msg, fmts[i], &mhz, &frac, &n) == 2 && n > 0) {
			*khz = mhz * 1000 + frac;
			return 3 - i;
		}
	}
	return 0;
}

static bool refuse(struct dmesg_state *st, const char *fmt, ...)
{
	va_list ap;

	if (st->bad_line)
		return false;
	st->bad_line = st->lines;
	va_start(ap, fmt);
	vsnprintf(st->bad, sizeof(st->bad), fmt, ap);
	va_end(ap);
	return false;
}

/*
 * A number in a memory message that the kernel cannot have printed: a
 * negative one (sscanf's %u and %llu take "-5" and wrap it) or one past 64
 * bits (sscanf saturates it). Returns the number's text, or NULL.
 */
static const char *bad_number(const char *msg)
{
	const char *p;

	for (p = msg; *p; p++) {
		const char *q = p;
		size_t digits = 0;
		bool hex = false;

		if (!isdigit((unsigned char)*p) || (p > msg && isalnum((unsigned char)p[-1])))
			continue;
		if (p > msg && p[-1] == '-' && (p - 1 == msg || strchr(" :(,=", p[-2])))
			return p - 1;
		if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
			hex = true;
			q += 2;
		}
		while (hex ? isxdigit((unsigned char)*q) : isdigit((unsigned char)*q)) {
			if (!(digits == 0 && *q == '0'))	/* leading zeros are fine */
				digits++;
			q++;
		}
		if (hex ? digits > 16 : digits > 20 ||
		    (digits == 20 && strncmp(q - 20, "18446744073709551615", 20) > 0))
			return p;
		p = q - 1;
	}
	return NULL;
}

static struct mi_node *node_of(struct dmesg_state *st, int id)
{
	struct mi_node *n = mi_report_node(st->r, id);

	if (!n && (id < 0 || id >= MI_MAX_NODES))
		refuse(st, "node %d out of range (0-%d)", id, MI_MAX_NODES - 1);
	return n;
}

/*
 * Split one log line into timestamp and message. Returns the message, or
 * NULL when the line carries no kernel timestamp.
 */
static const char *split_line(char *line, double *t)
{
	char *p = line, *end;

	if (isdigit((unsigned char)*p)) {
		/* /dev/kmsg: "prio,seq,usec,flags;message" */
		unsigned long long usec;
		int n = 0;

		if (sscanf(p, "%*u,%*u,%llu,%*[^;];%n", &usec, &n) == 1 && n > 0) {
			*t = usec / 1e6;
			return p + n;
		}
		return NULL;
	}
	if (*p == '<') {		/* dmesg -r: "<6>[ ...] msg" */
		p = strchr(p, '>');
		if (!p)
			return NULL;
		p++;
	}
	if (*p != '[')
		return NULL;
	while (*++p == ' ')
		;
	if (!isdigit((unsigned char)*p))	/* no sign, nan or inf */
		return NULL;
	*t = strtod(p, &end);
	if (end == p || *end != ']' || !isfinite(*t))
		return NULL;
	p = end + 1;
	if (*p == ' ')
		p++;
	/* journalctl -k -o short-monotonic: "[ t] host kernel: msg" */
	end = strstr(p, " kernel: ");
	if (end && !memchr(p, ' ', end - p))
		p = end + strlen(" kernel: ");
	return p;
}

const char *mi_dmesg_message(const char *line, ssize_t len, char *tmp, size_t cap, double *t)
{
	if ((size_t)len >= cap)
		len = (ssize_t)cap - 1;	/* long lines: the head is what is matched */
	memcpy(tmp, line, (size_t)len);
	tmp[len] = '\0';
	return split_line(tmp, t);
}

static void trim(char *s)
{
	size_t n = strlen(s);

	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

/*
 * The two formats of a "hash table entries" line, from 6.1 to mainline:
 *   alloc_large_system_hash:  "NAME hash table entries: N (order: O, B bytes, KIND)"
 *   futex with FUTEX2_NUMA:   "futex hash table entries: N (B bytes on K NUMA nodes,
 *                              total T KiB, KIND)." - one table per node
 *   fs/quota's dquot_init:    "VFS: Dquot-cache hash table entries: N (order O, B bytes)"
 *                              - a page from __get_free_pages, not boot memory
 *                              init: read and left out
 * A line in none of these is kept as a note, name and text, never dropped.
 */
/*
 * An "Initmem setup node" line: the node's span [START, END], or a
 * memoryless node when END is 0. Each node is set up once per boot.
 */
static bool set_up_node(struct dmesg_state *st, int id, unsigned long long start,
			unsigned long long end, double t)
{
	struct mi_node *node = node_of(st, id);

	if (!node)
		return false;
	if (node->seen_dmesg && (node->span.end || node->memoryless))
		return refuse(st, "node %d is set up twice", id);
	node->seen_dmesg = true;
	if (end) {
		node->span.start = start;
		node->span.end = end;
	} else {
		node->memoryless = true;
	}
	st->last_initmem = t;
	return true;
}

#define PS_SHIFT_MIN	12	/* 4 KiB */
#define PS_SHIFT_MAX	18	/* 256 KiB, the largest base page of any kernel */

/* The kernel's get_order(BYTES) with pages of 1 << SHIFT bytes. */
static int order_of(uint64_t bytes, int shift)
{
	uint64_t pages = (bytes - 1) >> shift;
	int order = 0;

	while (pages) {
		order++;
		pages >>= 1;
	}
	return order;
}

static int ilog2_u64(uint64_t v)
{
	int l = -1;

	while (v) {
		l++;
		v >>= 1;
	}
	return l;
}

/*
 * A table of BYTES printed with ORDER says which page sizes the kernel may
 * have: alloc_large_system_hash() prints get_order(size) (6.6 on; 6.1 and
 * before ilog2(size) - PAGE_SHIFT), the dquot hash PAGE_SIZE << order
 * exactly (EXACT). The Dentry cache's megabytes leave one size.
 */
static void page_size_lines(struct dmesg_state *st, uint64_t bytes, int order, bool exact)
{
	unsigned int ok = 0;
	int shift;

	if (!bytes)
		return;
	for (shift = PS_SHIFT_MIN; shift <= PS_SHIFT_MAX; shift++) {
		bool fits = exact ? (order >= 0 && order < 32 && (uint64_t)1 << (shift + order) == bytes) :
				    (order_of(bytes, shift) == order ||
				     ilog2_u64(bytes) - shift == order);

		if (fits)
			ok |= 1U << (shift - PS_SHIFT_MIN);
	}
	st->page_sizes = st->page_sizes_seen ? st->page_sizes & ok : ok;
	st->page_sizes_seen = true;
}

/* What the log's tables leave of the page size: stated when one size fits them all. */
static void page_size_from_log(struct dmesg_state *st)
{
	unsigned int m = st->page_sizes;

	if (!st->page_sizes_seen)
		return;
	if (!m) {
		mi_report_note(st->r, "page size: the log's \"hash table entries\" lines fit no "
			       "page size a kernel has (a log of several kernels?)");
		return;
	}
	if (m & (m - 1))
		return;		/* small tables only: several sizes fit */
	mi_report_set_page_size(st->r, 1ULL << (ilog2_u64(m) + PS_SHIFT_MIN), "kernel log");
}

static bool parse_hash_line(struct dmesg_state *st, const char *msg, double t)
{
	const char *key = strstr(msg, " hash table entries: ");
	unsigned long long entries, bytes, total_kb;
	struct mi_hash_table *tab;
	char kind[32] = "";
	int order = -1, nodes = 0, n;

	if (!key)
		return false;
	n = sscanf(key, " hash table entries: %llu (order: %d, %llu bytes, %31[^)])",
		   &entries, &order, &bytes, kind);
	if (n >= 3)
		page_size_lines(st, bytes, order, false);
	if (n < 3) {
		n = sscanf(key, " hash table entries: %llu (%llu bytes on %d NUMA nodes, total %llu KiB, "
			   "%31[^)])", &entries, &bytes, &nodes, &total_kb, kind);
		if (sscanf(key, " hash table entries: %llu (order %d, %llu bytes)",
			   &entries, &order, &bytes) == 3) {
			/* fs/quota/dquot.c: PAGE_SIZE << order, not a system hash */
			page_size_lines(st, bytes, order, true);
			return true;
		}
		if (n < 5 || nodes < 1) {
			mi_report_note(st->r, "a \"hash table entries\" line meminit cannot read "
				       "(table \"%.*s\" left out): %.200s", (int)(key - msg), msg, msg);
			return true;
		}
		order = -1;
	}
	tab = mi_report_add_table(st->r);
	if (!tab)
		return false;
	tab->numa_nodes = nodes;
	tab->bytes_per_node = nodes ? bytes : 0;
	if (nodes)
		bytes *= (unsigned long long)nodes;
	snprintf(tab->name, sizeof(tab->name), "%.*s", (int)(key - msg), msg);
	tab->entries = entries;
	tab->bytes = bytes;
	tab->order = order;
	tab->printed = t;
	if (!strcmp(kind, "linear"))
		tab->kind = MI_HASH_LINEAR;
	else if (!strcmp(kind, "vmalloc"))
		tab->kind = MI_HASH_VMALLOC;
	else if (!strcmp(kind, "vmalloc hugepage"))
		tab->kind = MI_HASH_VMALLOC_HUGE;
	return true;
}

static bool parse_message(struct dmesg_state *st, const char *msg, double t)
{
	struct mi_report *r = st->r;
	unsigned long long a, b;
	struct mi_node *node;
	struct mi_zone *zone;
	char name[64];
	unsigned int ms;
	int id, n;

	if (sscanf(msg, "Linux version %127s", r->kernel) == 1) {
		if (st->version_line)
			return refuse(st, "a second boot starts here (\"Linux version\" also at "
				      "line %zu): cut the log to one boot", st->version_line);
		st->version_line = st->lines;
		r->log_complete = true;
		return true;
	}

	{
		unsigned long khz;
		int rank = tsc_khz_line(msg, &khz);

		if (rank) {
			if (rank >= st->tsc_rank) {
				r->tsc_khz = khz;
				st->tsc_rank = rank;
			}
			return true;
		}
	}
	if (mi_starts_with(msg, "tsc: Fast TSC calibration failed")) {
		st->r->tsc_early_failed_line = st->lines;
		return true;
	}
	/* The generic sched_clock (arm64's architected timer) registering. */
	if (mi_starts_with(msg, "sched_clock: ") && strstr(msg, " bits at ") && !st->r->sched_clock_line) {
		st->r->sched_clock_line = st->lines;
		return true;
	}
	/*
	 * A vendor kernel booted with deferred_init=lazy leaves struct pages
	 * to deferred_grow_zone() at runtime and says how many.
	 */
	if (sscanf(msg, "deferred_init=lazy: %llu pages left to deferred_grow_zone", &a) == 1) {
		r->lazy_deferred_pages += a;
		return true;
	}
	/*
	 * x86 prints "Command line: " from setup_arch(); every architecture
	 * prints "Kernel command line: " from start_kernel() (with what
	 * bootconfig added), and arm64 prints only that one.
	 */
	if (mi_starts_with(msg, "Command line: ") || mi_starts_with(msg, "Kernel command line: ")) {
		mi_strlcpy(r->cmdline, strchr(msg, ':') + 2, sizeof(r->cmdline));
		trim(r->cmdline);
		return true;
	}
	if (sscanf(msg, "Initmem setup node %d [mem %llx-%llx]", &id, &a, &b) == 3)
		return set_up_node(st, id, a, b, t);
	/* "as memoryless" (mm/), "[<memory-less node>]" (drivers/base/arch_numa.c: arm64, riscv) */
	n = 0;
	if (sscanf(msg, "Initmem setup node %d as memoryless", &id) == 1 ||
	    (sscanf(msg, "Initmem setup node %d [<memory-less node>%n", &id, &n) == 1 && n > 0))
		return set_up_node(st, id, 0, 0, t);
	if (sscanf(msg, " node %d: [mem %llx-%llx]", &id, &a, &b) == 3 &&
	    mi_starts_with(msg, "  node ")) {
		node = node_of(st, id);
		if (!node)
			return false;
		node->seen_dmesg = true;
		if (b >= a)
			node->log_present_bytes += b + 1 - a;
		if (node->nr_ranges < MI_MAX_RANGES) {
			node->ranges[node->nr_ranges].start = a;
			node->ranges[node->nr_ranges].end = b;
			node->nr_ranges++;
		}
		return true;
	}
	if (sscanf(msg, "On node %d, zone %63[^:]: %llu pages in unavailable ranges",
		   &id, name, &a) == 3) {
		node = node_of(st, id);
		zone = node ? mi_node_zone(node, name) : NULL;
		if (!zone)
			return false;
		zone->hole_pages += a;
		st->in_holes = true;
		r->early_window_end = t;
		return true;
	}
	/* 6.x: "node %d deferred pages initialised in %ums" */
	if (sscanf(msg, "node %d deferred pages initialised in %ums", &id, &ms) == 2 ||
	    /* 5.x: "node %d initialised, %lu pages in %ums" */
	    sscanf(msg, "node %d initialised, %llu pages in %ums", &id, &a, &ms) == 3) {
		node = node_of(st, id);
		if (!node)
			return false;
		if (node->deferred_ms >= 0)
			return refuse(st, "node %d finishes deferred init twice", id);
		node->deferred_ms = ms;
		node->deferred_done = t;
		return true;
	}
	if (sscanf(msg, "smp: Brought up %d node%*[s], %llu CPU", &id, &a) == 2 ||
	    sscanf(msg, "smp: Brought up %d node, %llu CPU", &id, &a) == 2) {
		r->smp_done = t;
		return true;
	}
	if (sscanf(msg, "Built %d zonelists, mobility grouping %*[^.].  Total pages: %llu",
		   &id, &a) == 2) {
		r->total_pages = a;
		return true;
	}
	if (sscanf(msg, "Memory: %lluK/%lluK available", &a, &b) == 2) {
		r->mem_avail_kb = a;
		r->mem_total_kb = b;
		return true;
	}
	if (sscanf(msg, "Fallback order for Node %d:%n", &id, &n) == 1) {
		return node_of(st, id) != NULL;
	}
	return parse_hash_line(st, msg, t);
}

int mi_parse_dmesg(struct mi_report *r, const char *buf, const char *what)
{
	struct dmesg_state st = { .r = r, .last_initmem = MI_UNKNOWN };
	size_t pos = 0;
	const char *line;
	ssize_t len;
	char tmp[4096];

	while ((len = mi_next_line(buf, &pos, &line)) >= 0) {
		const char *msg;
		double t;

		st.lines++;
		msg = mi_dmesg_message(line, len, tmp, sizeof(tmp), &t);
		if (!msg)
			continue;
		st.timed++;
		/* The early window ends with the first line after the holes block. */
		if (st.in_holes && !mi_starts_with(msg, "On node ")) {
			r->early_window_end = t;
			st.in_holes = false;
		}
		if (st.last_initmem >= 0 && r->early_window_start < 0 &&
		    !mi_starts_with(msg, "Initmem setup node") &&
		    !mi_starts_with(msg, "Initializing node"))
			r->early_window_start = st.last_initmem;
		if (parse_message(&st, msg, t)) {
			const char *num;

			st.matched++;
			/* Only what the parser read matters; other messages may say anything. */
			if (!mi_starts_with(msg, "Command line: ") &&
			    !mi_starts_with(msg, "Kernel command line: ") &&
			    !mi_starts_with(msg, "Linux version ") && (num = bad_number(msg)))
				refuse(&st, "'%.24s': a number no kernel prints (negative or "
				       "past 64 bits)", num);
		}
		if (st.bad_line) {
			mi_err("%s: line %zu: %s", what, st.bad_line, st.bad);
			return -EINVAL;
		}
	}
	if (!st.timed) {
		mi_err("%s: no timestamped kernel log lines (%zu lines read): not a dmesg or "
		       "console log, or printk.time=0", what, st.lines);
		return -EINVAL;
	}
	if (!st.matched || (!r->nr_nodes && !r->nr_tables)) {
		mi_err("%s: no memory initialization messages in %zu kernel log lines: "
		       "not a boot log", what, st.timed);
		return -EINVAL;
	}
	/*
	 * Stamps of 0.000000 around memmap init mean sched_clock was not
	 * running yet (the early TSC calibration failed, as it does on a
	 * loaded host under emulation): the window is unknown, not 0 ms.
	 */
	if (r->early_window_start == 0 && r->early_window_end <= 0) {
		r->early_window_start = MI_UNKNOWN;
		r->early_window_end = MI_UNKNOWN;
		r->early_unstamped = true;
		char why[384] = "the log does not say why";

		if (r->tsc_early_failed_line && r->tsc_khz)
			snprintf(why, sizeof(why), "its quick TSC calibration failed (line %zu: \"tsc: "
				 "Fast TSC calibration failed\"), so sched_clock started after memmap init; "
				 "tsc_early_khz=%lu (the TSC this boot measured) gives the next boot a "
				 "clock from the start ('meminit arm' adds it)",
				 r->tsc_early_failed_line, r->tsc_khz);
		else if (r->tsc_early_failed_line)
			snprintf(why, sizeof(why), "its quick TSC calibration failed (line %zu: \"tsc: "
				 "Fast TSC calibration failed\"), so sched_clock started after memmap "
				 "init", r->tsc_early_failed_line);
		else if (r->sched_clock_line)
			snprintf(why, sizeof(why), "its sched_clock registered only at line %zu "
				 "(\"sched_clock: ... bits at ...\", from time_init(), after memory "
				 "init, as on arm64): no boot parameter starts it earlier; a patched "
				 "kernel's records or a boot trace time these phases",
				 r->sched_clock_line);
		mi_report_note(r, "the kernel's clock was not running during early memmap init "
			       "(its log lines are stamped 0.000000): the early window cannot be "
			       "bounded, and %s", why);
	}
	page_size_from_log(&st);
	r->log_has_times = true;
	r->sources |= MI_SRC_DMESG;
	if (!r->log_complete)
		mi_report_note(r, "the kernel log does not start at boot (no \"Linux version\" "
			       "line): the ring buffer wrapped or the file was cut; early "
			       "messages may be missing");
	return 0;
}

void mi_dmesg_early_clock(const char *buf, struct mi_early_clock *c)
{
	unsigned long khz, best = 0;
	int rank, best_rank = 0;
	size_t pos = 0, lines = 0;
	const char *line;
	ssize_t len;
	char tmp[512];

	memset(c, 0, sizeof(*c));
	while ((len = mi_next_line(buf, &pos, &line)) >= 0) {
		const char *msg;
		double t;

		lines++;
		msg = mi_dmesg_message(line, len, tmp, sizeof(tmp), &t);
		if (!msg)
			continue;
		rank = tsc_khz_line(msg, &khz);
		if (rank >= best_rank && rank) {
			best = khz;
			best_rank = rank;
		} else if (mi_starts_with(msg, "tsc: Fast TSC calibration failed") && !c->failed_line)
			c->failed_line = lines;
		else if (mi_starts_with(msg, "Initmem setup node ")) {
			c->memmap_lines++;
			c->memmap_stamped += t > 0;
		}
	}
	c->tsc_khz = best;
}

int mi_read_kmsg(char **out)
{
	size_t cap = 0, n = 0;
	char *buf = NULL;
	char rec[8192];
	int fd, err = 0;

	*out = NULL;
	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t r = read(fd, rec, sizeof(rec) - 1);

		if (r < 0) {
			if (errno == EAGAIN)
				break;
			if (errno == EPIPE)	/* overwritten while reading: skip ahead */
				continue;
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		if (r == 0)
			break;
		/* One record per read; keep only its first line (dict lines follow). */
		rec[r] = '\0';
		r = strcspn(rec, "\n");
		while (cap - n < (size_t)r + 2) {
			char *p = realloc(buf, cap ? cap * 2 : 1 << 20);

			if (!p) {
				err = -ENOMEM;
				goto out;
			}
			buf = p;
			cap = cap ? cap * 2 : 1 << 20;
		}
		memcpy(buf + n, rec, r);
		n += r;
		buf[n++] = '\n';
	}
out:
	close(fd);
	if (err) {
		free(buf);
		return err;
	}
	if (!buf) {
		buf = strdup("");
		if (!buf)
			return -ENOMEM;
	} else {
		buf[n] = '\0';
	}
	*out = buf;
	return 0;
}

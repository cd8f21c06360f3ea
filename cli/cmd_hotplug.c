// SPDX-License-Identifier: GPL-2.0
/*
 * meminit hotplug: online the offline memory blocks of one NUMA node (and
 * with --cycle offline and re-online its movable ones) with live BPF
 * attached, and report what the kernel did: blocks and pages per node from
 * sysfs, and per phase calls, pages, ns and ns/page from BPF.
 *
 * Each sysfs write to memoryN/state onlines one block synchronously in the
 * writing thread, so pinning this process to --cpu C puts the struct page
 * init on that CPU.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "cmds.h"
#include "live.h"
#include "live_out.h"
#include "util.h"
#include "verb_opts.h"

#define HOTPLUG_SCHEMA "meminit-hotplug"
#define SYS_MEM "/sys/devices/system/memory"
#define SYS_NODE "/sys/devices/system/node"
#define MAX_STEPS 3

struct block {
	unsigned int id;
	char state[24];		/* as read before the run */
	char zones[64];		/* valid_zones as read before the run */
};

struct block_op {
	unsigned int id;
	char before[24], after[24], zone[64];
	int err;		/* -errno of the state write, 0 if done */
};

struct node_mem {
	int id;
	long long before_kb, after_kb;	/* MemTotal; -1 when unreadable */
};

struct step {
	const char *name;	/* "online", "offline", "reonline" */
	const char *action;	/* what was written to state */
	struct block_op *ops;
	size_t nops, ndone;
	struct node_mem *mem;
	size_t nmem;
	uint64_t wall_ns;
	struct mi_live_row *rows, *sums;
	size_t nrows, nsums;
};

struct hotplug {
	int node, cpu;
	bool json, cycle, movable, no_bpf, bpf_stats;
	enum mi_live_mode mode;
	unsigned long long block_bytes;
	long page_size;
	struct block *blocks;
	size_t nblocks;
	int *nodes;		/* every node in sysfs, for the per-node MemTotal */
	size_t nnodes;
	struct mi_live *live;
	char no_time[512];	/* why time was not measured; "" if it was */
	struct step steps[MAX_STEPS];
	size_t nsteps;
	/* --bpf-stats: the programs' run count and time over the whole run */
	const struct mi_bpf_stats *bhow;
	struct mi_bpf_prog_stat *bps;
	size_t nbps;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: meminit hotplug --node N [--cpu C] [--movable] [--cycle]\n"
		"                       [--attach auto|fentry|kprobe] [--no-bpf] [--bpf-stats]\n"
		"                       [--format table|json]\n"
		"Online the offline memory blocks of node N (\"online\", or \"online_movable\"\n"
		"with --movable) from CPU C, with BPF timing online_pages,\n"
		"move_pfn_range_to_zone and memmap_init_range. --cycle then offlines the\n"
		"node's blocks in ZONE_MOVABLE and onlines them again. Needs root.\n"
		"--no-bpf only onlines and counts from sysfs. --bpf-stats also prints each\n"
		"BPF program's run count and run time over the run (ns per run).\n");
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Read a one-line sysfs file without its newline. */
static int read_line(const char *path, char *buf, size_t len)
{
	char *data;
	size_t n;
	int err;

	err = mi_read_file(path, &data, &n);
	if (err)
		return err;
	while (n && (data[n - 1] == '\n' || data[n - 1] == ' '))
		data[--n] = '\0';
	mi_strlcpy(buf, data, len);
	free(data);
	return 0;
}

static int block_attr(unsigned int id, const char *attr, char *buf, size_t len)
{
	char path[128];

	snprintf(path, sizeof(path), SYS_MEM "/memory%u/%s", id, attr);
	return read_line(path, buf, len);
}

/* Write @what to memoryN/state; the kernel's answer is the write's errno. */
static int write_state(unsigned int id, const char *what)
{
	char path[128];
	ssize_t w;
	int fd, err = 0;

	snprintf(path, sizeof(path), SYS_MEM "/memory%u/state", id);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	w = write(fd, what, strlen(what));
	if (w < 0)
		err = -errno;
	else if ((size_t)w != strlen(what))
		err = -EIO;
	if (close(fd) && !err)
		err = -errno;
	return err;
}

static int cmp_uint(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

	return x < y ? -1 : x > y;
}

static int cmp_block(const void *a, const void *b)
{
	return cmp_uint(&((const struct block *)a)->id, &((const struct block *)b)->id);
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* The memoryN links under nodeN are the node's blocks, online or not. */
static int list_blocks(struct hotplug *h)
{
	char path[64], zones[64];
	size_t cap = 0;
	struct dirent *de;
	unsigned int id;
	DIR *d;
	int err = 0;

	snprintf(path, sizeof(path), SYS_NODE "/node%d", h->node);
	d = opendir(path);
	if (!d) {
		err = -errno;
		if (err == -ENOENT)
			mi_err("hotplug: node %d does not exist (no %s)", h->node, path);
		else
			mi_err("hotplug: cannot read %s: %s", path, strerror(-err));
		return err;
	}
	while ((de = readdir(d))) {
		char extra;

		if (sscanf(de->d_name, "memory%u%c", &id, &extra) != 1)
			continue;
		err = mi_grow((void **)&h->blocks, &cap, h->nblocks, sizeof(*h->blocks));
		if (err) {
			mi_err("hotplug: out of memory");
			break;
		}
		memset(&h->blocks[h->nblocks], 0, sizeof(*h->blocks));
		h->blocks[h->nblocks].id = id;
		err = block_attr(id, "state", h->blocks[h->nblocks].state,
				 sizeof(h->blocks[h->nblocks].state));
		if (err) {
			mi_err("hotplug: cannot read " SYS_MEM "/memory%u/state: %s",
			       id, strerror(-err));
			break;
		}
		/* valid_zones is informative only; old kernels may lack it. */
		if (block_attr(id, "valid_zones", zones, sizeof(zones)))
			snprintf(zones, sizeof(zones), "?");
		mi_strlcpy(h->blocks[h->nblocks].zones, zones,
			   sizeof(h->blocks[h->nblocks].zones));
		h->nblocks++;
	}
	closedir(d);
	if (err)
		return err;
	if (!h->nblocks) {
		mi_err("hotplug: node %d has no memory blocks (memoryless node, or its memory is not added)",
		       h->node);
		return -ENOENT;
	}
	qsort(h->blocks, h->nblocks, sizeof(*h->blocks), cmp_block);
	return 0;
}

static int list_nodes(struct hotplug *h)
{
	size_t cap = 0;
	struct dirent *de;
	DIR *d;
	int id, err = 0;

	d = opendir(SYS_NODE);
	if (!d) {
		err = -errno;
		mi_err("hotplug: cannot read " SYS_NODE ": %s (no NUMA sysfs?)",
		       strerror(-err));
		return err;
	}
	while ((de = readdir(d))) {
		char extra;

		if (sscanf(de->d_name, "node%d%c", &id, &extra) != 1)
			continue;
		err = mi_grow((void **)&h->nodes, &cap, h->nnodes, sizeof(*h->nodes));
		if (err) {
			mi_err("hotplug: out of memory");
			break;
		}
		h->nodes[h->nnodes++] = id;
	}
	closedir(d);
	if (!err && h->nnodes)
		qsort(h->nodes, h->nnodes, sizeof(*h->nodes), cmp_int);
	return err;
}

/* "Node 1 MemTotal:  1048576 kB" from nodeN/meminfo; -1 when unreadable. */
static long long node_memtotal_kb(int node)
{
	char path[64], *data, *p;
	long long kb = -1;
	size_t n;

	snprintf(path, sizeof(path), SYS_NODE "/node%d/meminfo", node);
	if (mi_read_file(path, &data, &n))
		return -1;
	p = strstr(data, "MemTotal:");
	if (p && sscanf(p, "MemTotal: %lld kB", &kb) != 1)
		kb = -1;
	free(data);
	return kb;
}

/*
 * Run one step: write @action to each block in @ids, with the BPF counters
 * zeroed before and read after, and MemTotal of every node around it.
 */
static int run_step(struct hotplug *h, const char *name, const char *action,
		    const unsigned int *ids, size_t nids)
{
	struct step *s = &h->steps[h->nsteps++];
	uint64_t t0;
	size_t i;
	int err;

	s->name = name;
	s->action = action;
	s->ops = calloc(nids ? nids : 1, sizeof(*s->ops));
	s->mem = calloc(h->nnodes ? h->nnodes : 1, sizeof(*s->mem));
	if (!s->ops || !s->mem) {
		mi_err("hotplug: out of memory");
		return -ENOMEM;
	}
	s->nops = nids;
	s->nmem = h->nnodes;
	for (i = 0; i < h->nnodes; i++) {
		s->mem[i].id = h->nodes[i];
		s->mem[i].before_kb = node_memtotal_kb(h->nodes[i]);
	}
	if (h->live) {
		err = mi_live_reset(h->live);
		if (err) {
			mi_err("hotplug: cannot reset the BPF counters: %s", strerror(-err));
			return err;
		}
	}
	t0 = now_ns();
	for (i = 0; i < nids; i++) {
		struct block_op *op = &s->ops[i];

		op->id = ids[i];
		if (block_attr(op->id, "state", op->before, sizeof(op->before)))
			snprintf(op->before, sizeof(op->before), "?");
		op->err = write_state(op->id, action);
		if (!op->err)
			s->ndone++;
	}
	s->wall_ns = now_ns() - t0;
	for (i = 0; i < nids; i++) {
		struct block_op *op = &s->ops[i];

		if (block_attr(op->id, "state", op->after, sizeof(op->after)))
			snprintf(op->after, sizeof(op->after), "?");
		if (block_attr(op->id, "valid_zones", op->zone, sizeof(op->zone)))
			snprintf(op->zone, sizeof(op->zone), "?");
	}
	for (i = 0; i < h->nnodes; i++)
		s->mem[i].after_kb = node_memtotal_kb(h->nodes[i]);
	if (h->live) {
		err = mi_live_read(h->live, &s->rows, &s->nrows);
		if (!err)
			err = mi_live_sum_nodes(s->rows, s->nrows, &s->sums, &s->nsums);
		if (err) {
			mi_err("hotplug: reading the BPF counters: %s", strerror(-err));
			return err;
		}
	}
	return 0;
}

static void free_steps(struct hotplug *h)
{
	size_t i;

	for (i = 0; i < h->nsteps; i++) {
		free(h->steps[i].ops);
		free(h->steps[i].mem);
		free(h->steps[i].rows);
		free(h->steps[i].sums);
	}
}

static uint64_t block_pages(const struct hotplug *h)
{
	return h->block_bytes / (unsigned long long)h->page_size;
}

/* --- output ------------------------------------------------------------ */

static void print_table(const struct hotplug *h, const char *release)
{
	size_t i, j;

	printf("meminit hotplug: node %d, kernel %s, block %llu MiB (%llu pages of %ld bytes)",
	       h->node, release, h->block_bytes >> 20,
	       (unsigned long long)block_pages(h), h->page_size);
	if (h->cpu >= 0)
		printf(", from CPU %d", h->cpu);
	printf("\n%zu memory blocks on node %d before the run\n", h->nblocks, h->node);
	if (h->live)
		mi_live_print_probes(stdout, h->live);
	if (h->no_time[0])
		printf("time not measured: %s\n", h->no_time);
	for (i = 0; i < h->nsteps; i++) {
		const struct step *s = &h->steps[i];

		printf("\nstep %s: wrote \"%s\" to %zu blocks, %zu done, %zu failed; %llu pages; %.3f s\n",
		       s->name, s->action, s->nops, s->ndone, s->nops - s->ndone,
		       (unsigned long long)(s->ndone * block_pages(h)), s->wall_ns / 1e9);
		for (j = 0; j < s->nops; j++)
			if (s->ops[j].err)
				printf("  memory%u: %s (%s -> %s)\n", s->ops[j].id,
				       strerror(-s->ops[j].err), s->ops[j].before,
				       s->ops[j].after);
		printf("  %-5s %14s %14s %12s\n", "node", "MemTotal kB", "after kB",
		       "delta pages");
		for (j = 0; j < s->nmem; j++) {
			const struct node_mem *m = &s->mem[j];

			if (m->before_kb < 0 || m->after_kb < 0) {
				printf("  %-5d %14s\n", m->id, "unreadable");
				continue;
			}
			printf("  %-5d %14lld %14lld %12lld\n", m->id, m->before_kb,
			       m->after_kb,
			       (m->after_kb - m->before_kb) / (h->page_size / 1024));
		}
		if (h->live && !strcmp(s->action, "offline")) {
			printf("  (offlining is not timed: the probes are on the online paths)\n");
		} else if (h->live) {
			printf("  BPF, per node:\n");
			mi_live_print_rows(stdout, s->sums, s->nsums, "    ");
			printf("  BPF, per CPU:\n");
			mi_live_print_rows(stdout, s->rows, s->nrows, "    ");
		}
	}
	if (!h->nsteps || (h->nsteps == 1 && !h->steps[0].nops))
		printf("\nno offline memory blocks on node %d: nothing to online\n", h->node);
	if (h->live && mi_live_lost(h->live))
		printf("warning: %llu BPF samples lost to full maps; totals are short\n",
		       (unsigned long long)mi_live_lost(h->live));
	if (h->bhow) {
		printf("\n");
		mi_bpf_stats_print(stdout, h->bhow, h->bps, h->nbps, "");
	}
}

static struct json_object *json_step(const struct hotplug *h, const struct step *s)
{
	struct json_object *o, *arr, *b;
	size_t j;
	int err = 0;

	o = json_object_new_object();
	if (!o)
		return NULL;
	err |= mi_json_add(o, "step", json_object_new_string(s->name));
	err |= mi_json_add(o, "action", json_object_new_string(s->action));
	err |= mi_json_add(o, "blocks_requested", json_object_new_uint64(s->nops));
	err |= mi_json_add(o, "blocks_done", json_object_new_uint64(s->ndone));
	err |= mi_json_add(o, "blocks_failed", json_object_new_uint64(s->nops - s->ndone));
	err |= mi_json_add(o, "pages", json_object_new_uint64(s->ndone * block_pages(h)));
	err |= mi_json_add(o, "wall_ns", json_object_new_uint64(s->wall_ns));
	arr = json_object_new_array();
	err |= mi_json_add(o, "blocks", arr);
	for (j = 0; arr && j < s->nops; j++) {
		const struct block_op *op = &s->ops[j];

		b = json_object_new_object();
		if (!b || json_object_array_add(arr, b)) {
			json_object_put(b);
			err = 1;
			break;
		}
		err |= mi_json_add(b, "id", json_object_new_uint64(op->id));
		err |= mi_json_add(b, "before", json_object_new_string(op->before));
		err |= mi_json_add(b, "after", json_object_new_string(op->after));
		err |= mi_json_add(b, "zone", json_object_new_string(op->zone));
		err |= mi_json_add(b, "error", op->err ?
				   json_object_new_string(strerror(-op->err)) : NULL);
	}
	arr = json_object_new_array();
	err |= mi_json_add(o, "nodes", arr);
	for (j = 0; arr && j < s->nmem; j++) {
		const struct node_mem *m = &s->mem[j];
		bool ok = m->before_kb >= 0 && m->after_kb >= 0;

		b = json_object_new_object();
		if (!b || json_object_array_add(arr, b)) {
			json_object_put(b);
			err = 1;
			break;
		}
		err |= mi_json_add(b, "id", json_object_new_int(m->id));
		err |= mi_json_add(b, "memtotal_kb_before", m->before_kb < 0 ? NULL :
				   json_object_new_int64(m->before_kb));
		err |= mi_json_add(b, "memtotal_kb_after", m->after_kb < 0 ? NULL :
				   json_object_new_int64(m->after_kb));
		err |= mi_json_add(b, "delta_pages", !ok ? NULL :
				   json_object_new_int64((m->after_kb - m->before_kb) /
							 (h->page_size / 1024)));
	}
	if (h->live) {
		err |= mi_json_add(o, "phases", mi_live_json_rows(s->sums, s->nsums));
		err |= mi_json_add(o, "rows", mi_live_json_rows(s->rows, s->nrows));
	} else {
		err |= mi_json_add(o, "phases", json_object_new_array());
		err |= mi_json_add(o, "rows", json_object_new_array());
	}
	if (err) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

static int print_json(const struct hotplug *h, const char *release)
{
	struct json_object *root, *arr, *t, *s;
	size_t i;
	int err = 0;

	root = json_object_new_object();
	if (!root)
		return -ENOMEM;
	err |= mi_json_add(root, "schema", json_object_new_string(HOTPLUG_SCHEMA));
	err |= mi_json_add(root, "schema_version", json_object_new_int(1));
	err |= mi_json_add(root, "kernel", json_object_new_string(release));
	err |= mi_json_add(root, "node", json_object_new_int(h->node));
	err |= mi_json_add(root, "cpu", h->cpu < 0 ? NULL : json_object_new_int(h->cpu));
	err |= mi_json_add(root, "block_size_bytes", json_object_new_uint64(h->block_bytes));
	err |= mi_json_add(root, "page_size", json_object_new_int64(h->page_size));
	err |= mi_json_add(root, "block_pages", json_object_new_uint64(block_pages(h)));
	err |= mi_json_add(root, "blocks_on_node", json_object_new_uint64(h->nblocks));
	err |= mi_json_add(root, "attach", json_object_new_string(h->live ?
			   mi_live_attach_summary(h->live) : "none"));
	t = json_object_new_object();
	err |= mi_json_add(root, "timing", t);
	if (t) {
		err |= mi_json_add(t, "measured", json_object_new_boolean(!h->no_time[0]));
		err |= mi_json_add(t, "reason", h->no_time[0] ?
				   json_object_new_string(h->no_time) : NULL);
		err |= mi_json_add(t, "lost", json_object_new_uint64(h->live ?
				   mi_live_lost(h->live) : 0));
	}
	err |= mi_json_add(root, "probes", h->live ? mi_live_json_probes(h->live) :
			   json_object_new_array());
	err |= mi_json_add(root, "bpf_stats", h->bhow ?
			   mi_bpf_stats_json(h->bhow, h->bps, h->nbps) : NULL);
	arr = json_object_new_array();
	err |= mi_json_add(root, "steps", arr);
	for (i = 0; arr && i < h->nsteps; i++) {
		s = json_step(h, &h->steps[i]);
		if (!s || json_object_array_add(arr, s)) {
			json_object_put(s);
			err = 1;
		}
	}
	if (!err)
		err = mi_json_print(root);
	json_object_put(root);
	return err ? -EIO : 0;
}

/* --- the verb ---------------------------------------------------------- */

static int parse_args(struct hotplug *h, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "node", required_argument, NULL, 'n' },
		{ "cpu", required_argument, NULL, 'c' },
		{ "cycle", no_argument, NULL, 'C' },
		{ "movable", no_argument, NULL, 'm' },
		{ "no-bpf", no_argument, NULL, 'B' },
		{ "bpf-stats", no_argument, NULL, 'S' },
		{ "attach", required_argument, NULL, 'a' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long v;
	int c;

	/* getopt's own messages are not "meminit: ..." lines: say it ourselves. */
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":n:c:a:f:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (mi_parse_uint(optarg, 65535, &v)) {
				mi_err("hotplug: --node wants a node number, not '%s'", optarg);
				return MI_EXIT_USAGE;
			}
			h->node = (int)v;
			break;
		case 'c':
			if (mi_parse_uint(optarg, CPU_SETSIZE - 1, &v)) {
				mi_err("hotplug: --cpu wants a CPU number, not '%s'", optarg);
				return MI_EXIT_USAGE;
			}
			h->cpu = (int)v;
			break;
		case 'C':
			h->cycle = true;
			break;
		case 'm':
			h->movable = true;
			break;
		case 'B':
			h->no_bpf = true;
			break;
		case 'S':
			h->bpf_stats = true;
			break;
		case 'a':
			if (mi_parse_attach(optarg, &h->mode)) {
				mi_err("hotplug: --attach wants auto, fentry or kprobe, not '%s'",
				       optarg);
				return MI_EXIT_USAGE;
			}
			break;
		case 'f':
			if (mi_opt_format(optarg, mi_formats_table_json) < 0)
				return MI_EXIT_USAGE;
			h->json = !strcmp(optarg, "json");
			break;
		case 'h':
			usage(stdout);
			return -1;
		case ':':
			mi_err("hotplug: %s needs a value", argv[optind - 1]);
			return MI_EXIT_USAGE;
		default:
			mi_err("hotplug: unknown option '%s' (see 'meminit hotplug --help')",
			       argv[optind - 1]);
			return MI_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		mi_err("hotplug: unexpected argument '%s'", argv[optind]);
		return MI_EXIT_USAGE;
	}
	if (h->node < 0) {
		mi_err("hotplug: --node N is required");
		return MI_EXIT_USAGE;
	}
	return 0;
}

static int pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		mi_err("hotplug: cannot run on CPU %d: %s (offline or not present?)",
		       cpu, strerror(errno));
		return -errno;
	}
	return 0;
}

int cmd_hotplug(int argc, char **argv)
{
	struct hotplug h = { .node = -1, .cpu = -1, .mode = MI_LIVE_AUTO,
			     .bpf_stats = mi_bpf_stats_env() };
	unsigned int *ids = NULL;
	char buf[64], *end;
	struct utsname u;
	size_t i, n, failed = 0, total = 0;
	int err, ret = MI_EXIT_ERROR;

	err = parse_args(&h, argc, argv);
	if (err)
		return err < 0 ? MI_EXIT_OK : err;

	/* Check everything before touching any block. */
	if (geteuid() != 0) {
		mi_err("hotplug: needs root (it writes " SYS_MEM "/memoryN/state)");
		return MI_EXIT_ERROR;
	}
	err = read_line(SYS_MEM "/block_size_bytes", buf, sizeof(buf));
	if (err) {
		mi_err("hotplug: no memory hotplug here (" SYS_MEM "/block_size_bytes: %s)",
		       strerror(-err));
		return MI_EXIT_ERROR;
	}
	errno = 0;
	h.block_bytes = strtoull(buf, &end, 16);
	h.page_size = sysconf(_SC_PAGESIZE);
	if (errno || *end || !h.block_bytes || h.page_size < 1024 ||
	    h.block_bytes % h.page_size) {
		mi_err("hotplug: cannot parse " SYS_MEM "/block_size_bytes ('%s')", buf);
		return MI_EXIT_ERROR;
	}
	if (list_blocks(&h) || list_nodes(&h))
		goto out;
	if (h.cpu >= 0 && pin_cpu(h.cpu))
		goto out;
	if (uname(&u))
		snprintf(u.release, sizeof(u.release), "unknown");

	if (h.no_bpf) {
		snprintf(h.no_time, sizeof(h.no_time), "--no-bpf");
	} else {
		struct mi_live_opts opts = { .sz = sizeof(opts), .mode = h.mode, .node = -1,
					     .bpf_stats = h.bpf_stats };
		char why[400];

		/* Every node is counted, so that "none on other nodes" is a measurement. */
		err = mi_live_open(&opts, &h.live, why, sizeof(why));
		if (err) {
			snprintf(h.no_time, sizeof(h.no_time), "%s", why);
		} else if (!mi_live_nr_attached(h.live)) {
			size_t np;
			const struct mi_live_probe *p = mi_live_probes(h.live, &np);

			snprintf(h.no_time, sizeof(h.no_time), "no probe attached (%s: %s)",
				 p[0].func, p[0].reason);
		}
	}

	ids = calloc(h.nblocks, sizeof(*ids));
	if (!ids) {
		mi_err("hotplug: out of memory");
		goto out;
	}
	for (i = n = 0; i < h.nblocks; i++)
		if (!strcmp(h.blocks[i].state, "offline"))
			ids[n++] = h.blocks[i].id;
	if (run_step(&h, "online", h.movable ? "online_movable" : "online", ids, n))
		goto out;

	if (h.cycle) {
		/* Only ZONE_MOVABLE blocks offline reliably: their pages migrate. */
		for (i = n = 0; i < h.nblocks; i++) {
			char state[24], zone[64];

			if (block_attr(h.blocks[i].id, "state", state, sizeof(state)) ||
			    block_attr(h.blocks[i].id, "valid_zones", zone, sizeof(zone)))
				continue;
			if (!strcmp(state, "online") && !strcmp(zone, "Movable"))
				ids[n++] = h.blocks[i].id;
		}
		if (run_step(&h, "offline", "offline", ids, n))
			goto out;
		/* Re-online only what went offline. */
		for (i = n = 0; i < h.steps[1].nops; i++)
			if (!h.steps[1].ops[i].err)
				ids[n++] = h.steps[1].ops[i].id;
		if (run_step(&h, "reonline", "online_movable", ids, n))
			goto out;
	}

	if (h.live && h.bpf_stats) {
		err = mi_live_bpf_stats(h.live, &h.bhow, &h.bps, &h.nbps);
		if (err) {
			mi_err("hotplug: reading the BPF program statistics: %s", strerror(-err));
			goto out;
		}
	}
	if (h.json) {
		if (print_json(&h, u.release)) {
			mi_err("hotplug: cannot write JSON output");
			goto out;
		}
	} else {
		print_table(&h, u.release);
	}

	for (i = 0; i < h.nsteps; i++) {
		failed += h.steps[i].nops - h.steps[i].ndone;
		total += h.steps[i].nops;
	}
	if (failed) {
		for (i = 0; i < h.nsteps; i++) {
			size_t j;

			for (j = 0; j < h.steps[i].nops; j++)
				if (h.steps[i].ops[j].err)
					break;
			if (j < h.steps[i].nops) {
				mi_err("hotplug: %zu of %zu block state writes failed (first: %s of memory%u: %s)",
				       failed, total, h.steps[i].action, h.steps[i].ops[j].id,
				       strerror(-h.steps[i].ops[j].err));
				break;
			}
		}
		goto out;
	}
	if (h.no_time[0] && !h.no_bpf) {
		/* The blocks were onlined and counted; only the timing is missing. */
		mi_err("hotplug: time not measured: %s; blocks and pages were counted from sysfs (--no-bpf skips BPF)",
		       h.no_time);
		goto out;
	}
	ret = MI_EXIT_OK;
out:
	free(ids);
	free(h.bps);
	free_steps(&h);
	mi_live_destroy(h.live);
	free(h.blocks);
	free(h.nodes);
	return ret;
}

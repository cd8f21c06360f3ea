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
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cmds.h"
#include "hotplug_run.h"
#include "live_bpf.h"
#include "live_out.h"
#include "memblock.h"
#include "view.h"
#include "util.h"
#include "verb_opts.h"

struct hp_opts {
	enum mi_live_format fmt;
	bool cycle, movable, no_bpf, bpf_stats;
	bool all_cpus;		/* prom: per-CPU series too */
	enum mi_live_mode mode;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: meminit hotplug --node N [--cpu C] [--movable] [--cycle]\n"
		"                       [--attach auto|fentry|kprobe] [--no-bpf] [--bpf-stats]\n"
		"                       [--format table|json|prom|csv] [--cpus all]\n"
		"Online the offline memory blocks of node N (\"online\", or \"online_movable\"\n"
		"with --movable) from CPU C, with BPF timing online_pages,\n"
		"move_pfn_range_to_zone and memmap_init_range. --cycle then offlines the\n"
		"node's blocks in ZONE_MOVABLE and onlines them again. Needs root.\n"
		"--no-bpf only onlines and counts from sysfs. --bpf-stats also prints each\n"
		"BPF program's run count and run time over the run (ns per run).\n");
}

/* --- the verb ---------------------------------------------------------- */

static int parse_args(struct mi_hp_run *h, struct hp_opts *o, int argc, char **argv)
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
		{ "cpus", required_argument, NULL, 'U' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long v;
	int c;

	optind = 1;
	while ((c = mi_verb_getopt("hotplug", argc, argv, "n:c:a:f:U:h", longopts)) != -1) {
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
			o->cycle = true;
			break;
		case 'm':
			o->movable = true;
			break;
		case 'B':
			o->no_bpf = true;
			break;
		case 'S':
			o->bpf_stats = true;
			break;
		case 'U':
			if (mi_opt_cpus(optarg, &o->all_cpus))
				return MI_EXIT_USAGE;
			break;
		case 'a':
			if (mi_parse_attach(optarg, &o->mode)) {
				mi_err("hotplug: --attach wants auto, fentry or kprobe, not '%s'",
				       optarg);
				return MI_EXIT_USAGE;
			}
			break;
		case 'f':
			c = mi_opt_format(optarg, mi_live_formats);
			if (c < 0)
				return MI_EXIT_USAGE;
			o->fmt = (enum mi_live_format)c;
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:	/* the line is out (mi_verb_getopt) */
			return MI_EXIT_USAGE;
		}
	}
	if (mi_verb_extra_args("hotplug", argc, argv))
		return MI_EXIT_USAGE;
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

/* --format prom|csv: each step's BPF rows, the step in a label or column. */
static int export_view(const struct mi_hp_run *h, const struct hp_opts *o)
{
	struct mi_view v;
	size_t i;
	int err = 0;

	mi_view_live_init(&v, h->kernel);
	for (i = 0; !err && h->live && i < h->nsteps; i++) {
		const struct mi_hp_step *s = &h->steps[i];

		err = mi_view_add_live(&v, s->sums, s->nsums, s->name);
		if (!err)
			err = mi_view_add_live(&v, s->rows, s->nrows, s->name);
	}
	if (!err && mi_live_export(&v, o->fmt, o->all_cpus)) {
		mi_err("hotplug: cannot write to standard output");
		err = -EIO;
	}
	mi_view_free(&v);
	return err;
}

int cmd_hotplug(int argc, char **argv)
{
	struct mi_hp_run h = { .node = -1, .cpu = -1 };
	struct hp_opts o = { .mode = MI_LIVE_AUTO, .bpf_stats = mi_bpf_stats_env() };
	unsigned int *ids = NULL;
	struct utsname u;
	size_t i, n, failed = 0, total = 0;
	char why[400];
	int err, ret = MI_EXIT_ERROR;

	err = parse_args(&h, &o, argc, argv);
	if (err)
		return err < 0 ? MI_EXIT_OK : err;

	/* Check everything before touching any block. */
	if (geteuid() != 0) {
		mi_err("hotplug: needs root (it writes " MI_SYS_MEMORY "/memoryN/state)");
		return MI_EXIT_ERROR;
	}
	if (mi_memblock_size(&h.block_bytes, why, sizeof(why))) {
		mi_err("hotplug: %s", why);
		return MI_EXIT_ERROR;
	}
	h.page_size = sysconf(_SC_PAGESIZE);
	if (h.page_size < 1024 || h.block_bytes % h.page_size) {
		mi_err("hotplug: a memory block of %llu bytes is not whole pages of %ld",
		       h.block_bytes, h.page_size);
		return MI_EXIT_ERROR;
	}
	if (mi_memblock_list(h.node, &h.blocks, &h.nblocks, why, sizeof(why)) ||
	    mi_numa_nodes(&h.nodes, &h.nnodes, why, sizeof(why))) {
		mi_err("hotplug: %s", why);
		goto out;
	}
	if (h.cpu >= 0 && pin_cpu(h.cpu))
		goto out;
	if (uname(&u))
		snprintf(u.release, sizeof(u.release), "unknown");
	mi_strlcpy(h.kernel, u.release, sizeof(h.kernel));

	if (o.no_bpf) {
		snprintf(h.no_time, sizeof(h.no_time), "--no-bpf");
	} else {
		struct mi_live_opts lo = { .sz = sizeof(lo), .mode = o.mode, .node = -1,
					   .bpf_stats = o.bpf_stats };

		/* Every node is counted, so that "none on other nodes" is a measurement. */
		err = mi_live_open(&lo, &h.live, why, sizeof(why));
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
	if (mi_hp_step(&h, "online", o.movable ? "online_movable" : "online", ids, n))
		goto out;

	if (o.cycle) {
		/* Only ZONE_MOVABLE blocks offline reliably: their pages migrate. */
		for (i = n = 0; i < h.nblocks; i++) {
			char state[24], zone[64];

			if (mi_memblock_attr(h.blocks[i].id, "state", state, sizeof(state)) ||
			    mi_memblock_attr(h.blocks[i].id, "valid_zones", zone, sizeof(zone)))
				continue;
			if (!strcmp(state, "online") && !strcmp(zone, "Movable"))
				ids[n++] = h.blocks[i].id;
		}
		if (mi_hp_step(&h, "offline", "offline", ids, n))
			goto out;
		/* Re-online only what went offline. */
		for (i = n = 0; i < h.steps[1].nops; i++)
			if (!h.steps[1].ops[i].err)
				ids[n++] = h.steps[1].ops[i].id;
		if (mi_hp_step(&h, "reonline", "online_movable", ids, n))
			goto out;
	}

	if (h.live && o.bpf_stats) {
		err = mi_live_bpf_stats(h.live, &h.bhow, &h.bps, &h.nbps);
		if (err) {
			mi_err("hotplug: reading the BPF program statistics: %s", strerror(-err));
			goto out;
		}
	}
	if (o.fmt == MI_LIVE_JSON) {
		if (mi_hp_print_json(&h)) {
			mi_err("hotplug: cannot write JSON output");
			goto out;
		}
	} else if (o.fmt != MI_LIVE_TABLE) {
		if (export_view(&h, &o))
			goto out;
	} else {
		mi_hp_print_table(&h);
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
	if (h.no_time[0] && !o.no_bpf) {
		/* The blocks were onlined and counted; only the timing is missing. */
		mi_err("hotplug: time not measured: %s; blocks and pages were counted from sysfs (--no-bpf skips BPF)",
		       h.no_time);
		goto out;
	}
	ret = MI_EXIT_OK;
out:
	free(ids);
	mi_hp_run_free(&h);
	mi_live_destroy(h.live);
	return ret;
}

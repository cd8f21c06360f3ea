// SPDX-License-Identifier: GPL-2.0
/*
 * meminit trace: attach live BPF to the runtime struct page paths, wait
 * for Ctrl-C or --duration, print per (phase, node, cpu) counters and
 * which probes attached and why the others did not.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "bootrec.h"
#include "cmds.h"
#include "records_file.h"
#include "live_bpf.h"
#include "live_out.h"
#include "util.h"
#include "verb_opts.h"

#define TRACE_SCHEMA "meminit-trace"

static volatile sig_atomic_t exiting;

static void on_signal(int sig)
{
	(void)sig;
	exiting = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: meminit trace [--duration S] [--node N] [--attach auto|fentry|kprobe]\n"
		"                     [--bpf-stats] [--format table|json|prom|csv] [--cpus all]\n"
		"Time online_pages, move_pfn_range_to_zone, memmap_init_range,\n"
		"memmap_init_zone_device, __add_pages and deferred_grow_zone per (phase,\n"
		"node, cpu) until Ctrl-C or S seconds. fentry where the kernel allows it,\n"
		"kprobe otherwise. Needs root and kernel BTF. --bpf-stats also prints\n"
		"each of meminit's BPF programs' run count and run time (ns per run).\n");
}

int mi_parse_attach(const char *s, enum mi_live_mode *mode)
{
	if (!strcmp(s, "auto"))
		*mode = MI_LIVE_AUTO;
	else if (!strcmp(s, "fentry"))
		*mode = MI_LIVE_FENTRY_ONLY;
	else if (!strcmp(s, "kprobe"))
		*mode = MI_LIVE_KPROBE_ONLY;
	else
		return -EINVAL;
	return 0;
}

/* Strict unsigned parse: digits only, no sign, no trailing garbage. */
int mi_parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/*
 * Sleep until the deadline (0 = none) or a signal; with the patched kernel's
 * meminit:meminit_record attached, poll its buffer meanwhile.
 */
static int wait_for_end(double duration, struct mi_bootrec *br)
{
	struct timespec t0, now, tick = { 0, 100L * 1000 * 1000 };
	int err;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!exiting) {
		if (duration > 0) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			if ((now.tv_sec - t0.tv_sec) +
			    (now.tv_nsec - t0.tv_nsec) / 1e9 >= duration)
				break;
		}
		if (br) {
			err = mi_bootrec_live_poll(br, 100);
			if (err)
				return err;
		} else {
			nanosleep(&tick, NULL);
		}
	}
	return br ? mi_bootrec_live_poll(br, 0) : 0;
}

/* Rows of the patched kernel's records, per (phase, node, cpu). */
struct rec_row {
	int phase, node, cpu;
	uint64_t calls, pages, ns, max_ns;
};

static int rec_row_cmp(const void *a, const void *b)
{
	const struct rec_row *x = a, *y = b;

	if (x->phase != y->phase)
		return x->phase - y->phase;
	if (x->node != y->node)
		return x->node - y->node;
	return x->cpu - y->cpu;
}

static int rec_rows(const struct mi_event *ev, size_t n, struct rec_row **out, size_t *nr)
{
	struct rec_row *v = NULL;
	size_t cap = 0, cnt = 0, i, j;

	for (i = 0; i < n; i++) {
		uint64_t ns = ev[i].end_ns > ev[i].start_ns ? ev[i].end_ns - ev[i].start_ns : 0;

		for (j = 0; j < cnt; j++)
			if (v[j].phase == ev[i].phase && v[j].node == ev[i].node &&
			    v[j].cpu == ev[i].cpu)
				break;
		if (j == cnt) {
			if (mi_grow((void **)&v, &cap, cnt, sizeof(*v))) {
				free(v);
				return -ENOMEM;
			}
			v[cnt++] = (struct rec_row){ .phase = ev[i].phase, .node = ev[i].node,
						     .cpu = ev[i].cpu };
		}
		v[j].calls++;
		v[j].pages += ev[i].pages;
		v[j].ns += ns;
		if (ns > v[j].max_ns)
			v[j].max_ns = ns;
	}
	if (cnt)
		qsort(v, cnt, sizeof(*v), rec_row_cmp);
	*out = v;
	*nr = cnt;
	return 0;
}

static void print_rec_rows(const struct rec_row *v, size_t n, uint64_t lost, const char *buf)
{
	size_t i;

	printf("\nmeminit:meminit_record (patched kernel, tp_btf, %s): per phase, node, CPU\n",
	       buf);
	if (!n)
		printf("  (no records)\n");
	else
		printf("  %-14s %4s %4s %7s %10s %14s %9s %12s\n", "phase", "node", "cpu",
		       "records", "pages", "ns", "ns/page", "max ns");
	for (i = 0; i < n; i++) {
		char node[8];

		snprintf(node, sizeof(node), v[i].node >= 0 ? "%d" : "-", v[i].node);
		printf("  %-14s %4s %4d %7llu %10llu %14llu %9.1f %12llu\n",
		       mi_phase_name(v[i].phase), node, v[i].cpu,
		       (unsigned long long)v[i].calls, (unsigned long long)v[i].pages,
		       (unsigned long long)v[i].ns,
		       v[i].pages ? (double)v[i].ns / v[i].pages : 0.0,
		       (unsigned long long)v[i].max_ns);
	}
	if (lost)
		printf("warning: %llu records lost by the buffer; totals are short\n",
		       (unsigned long long)lost);
}

static struct json_object *json_rec_rows(const struct rec_row *v, size_t n)
{
	struct json_object *a = json_object_new_array(), *o;
	size_t i;

	for (i = 0; a && i < n; i++) {
		o = json_object_new_object();
		mi_json_add(o, "phase", json_object_new_string(mi_phase_name(v[i].phase)));
		mi_json_add(o, "node", v[i].node >= 0 ? json_object_new_int(v[i].node) : NULL);
		mi_json_add(o, "cpu", json_object_new_int(v[i].cpu));
		mi_json_add(o, "records", json_object_new_uint64(v[i].calls));
		mi_json_add(o, "pages", json_object_new_uint64(v[i].pages));
		mi_json_add(o, "ns", json_object_new_uint64(v[i].ns));
		mi_json_add(o, "ns_per_page", v[i].pages ?
			    json_object_new_double((double)v[i].ns / v[i].pages) : NULL);
		mi_json_add(o, "max_ns", json_object_new_uint64(v[i].max_ns));
		json_object_array_add(a, o);
	}
	return a;
}

static int print_json(struct mi_live *live, const struct mi_live_row *rows,
		      size_t n, const struct mi_live_row *sums, size_t ns,
		      double secs, struct mi_bootrec *br, const struct rec_row *rr,
		      size_t nrr, struct json_object *bst)
{
	struct json_object *root;
	struct utsname u;
	int err = 0;

	root = json_object_new_object();
	if (!root)
		return -ENOMEM;
	if (uname(&u))
		snprintf(u.release, sizeof(u.release), "unknown");
	err |= mi_json_add(root, "schema", json_object_new_string(TRACE_SCHEMA));
	err |= mi_json_add(root, "schema_version", json_object_new_int(1));
	err |= mi_json_add(root, "kernel", json_object_new_string(u.release));
	err |= mi_json_add(root, "duration_s", json_object_new_double(secs));
	err |= mi_json_add(root, "attach",
			   json_object_new_string(mi_live_attach_summary(live)));
	err |= mi_json_add(root, "lost", json_object_new_uint64(mi_live_lost(live)));
	err |= mi_json_add(root, "probes", mi_live_json_probes(live));
	err |= mi_json_add(root, "rows", mi_live_json_rows(rows, n));
	err |= mi_json_add(root, "totals", mi_live_json_rows(sums, ns));
	if (br) {
		struct json_object *o = json_object_new_object();

		err |= mi_json_add(o, "tracepoint", json_object_new_string("meminit:meminit_record"));
		err |= mi_json_add(o, "buffer", json_object_new_string(mi_bootrec_buf_name(br)));
		err |= mi_json_add(o, "lost", json_object_new_uint64(mi_bootrec_lost(br)));
		err |= mi_json_add(o, "rows", json_rec_rows(rr, nrr));
		err |= mi_json_add(root, "records", o);
	} else {
		err |= mi_json_add(root, "records", NULL);
	}
	err |= mi_json_add(root, "bpf_stats", bst);
	if (!err)
		err = mi_json_print(root);
	json_object_put(root);
	return err;
}

/* --format prom|csv: the traced functions' rows through the report's view. */
static int export_view(const struct mi_live_row *rows, size_t n,
		       const struct mi_live_row *sums, size_t nsum, enum mi_live_format fmt,
		       bool all_cpus)
{
	struct mi_view v;
	struct utsname u;
	int err;

	if (uname(&u))
		snprintf(u.release, sizeof(u.release), "unknown");
	mi_view_live_init(&v, u.release);
	err = mi_view_add_live(&v, sums, nsum, NULL);
	if (!err)
		err = mi_view_add_live(&v, rows, n, NULL);
	if (!err && mi_live_export(&v, fmt, all_cpus)) {
		mi_err("trace: cannot write to standard output");
		err = -EIO;
	}
	mi_view_free(&v);
	return err;
}

int cmd_trace(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "duration", required_argument, NULL, 'd' },
		{ "node", required_argument, NULL, 'n' },
		{ "attach", required_argument, NULL, 'a' },
		{ "format", required_argument, NULL, 'f' },
		{ "cpus", required_argument, NULL, 'C' },
		{ "bpf-stats", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct mi_live_opts opts = { .sz = sizeof(opts), .node = -1,
				     .bpf_stats = mi_bpf_stats_env() };
	struct mi_bpf_prog_stat *bps = NULL;
	const struct mi_bpf_stats *bhow = NULL;
	size_t nbps = 0;
	struct mi_live_row *rows = NULL, *sums = NULL;
	struct timespec t0, t1;
	struct sigaction sa;
	struct mi_live *live = NULL;
	struct mi_bootrec *br = NULL;
	struct rec_row *rr = NULL;
	size_t n = 0, nsum = 0, nrr = 0;
	enum mi_live_format fmt = MI_LIVE_TABLE;
	bool all_cpus = false;
	double duration = 0, secs;
	unsigned long v;
	char why[512], *end;
	int c, err, ret = MI_EXIT_ERROR;

	optind = 1;
	while ((c = mi_verb_getopt("trace", argc, argv, "d:n:a:f:C:h", longopts)) != -1) {
		switch (c) {
		case 'd':
			errno = 0;
			duration = strtod(optarg, &end);
			if (errno || *end || end == optarg || !(duration > 0) ||
			    duration > 86400 * 365) {
				mi_err("trace: --duration wants seconds > 0, not '%s'", optarg);
				return MI_EXIT_USAGE;
			}
			break;
		case 'n':
			if (mi_parse_uint(optarg, 65535, &v)) {
				mi_err("trace: --node wants a node number, not '%s'", optarg);
				return MI_EXIT_USAGE;
			}
			opts.node = (int)v;
			break;
		case 'a':
			if (mi_parse_attach(optarg, &opts.mode)) {
				mi_err("trace: --attach wants auto, fentry or kprobe, not '%s'",
				       optarg);
				return MI_EXIT_USAGE;
			}
			break;
		case 'f':
			c = mi_opt_format(optarg, mi_live_formats);
			if (c < 0)
				return MI_EXIT_USAGE;
			fmt = (enum mi_live_format)c;
			break;
		case 'S':
			opts.bpf_stats = true;
			break;
		case 'C':
			if (mi_opt_cpus(optarg, &all_cpus))
				return MI_EXIT_USAGE;
			break;
		case 'h':
			usage(stdout);
			return MI_EXIT_OK;
		default:	/* the line is out (mi_verb_getopt) */
			return MI_EXIT_USAGE;
		}
	}
	if (mi_verb_extra_args("trace", argc, argv))
		return MI_EXIT_USAGE;
	if (opts.node >= 0) {
		char path[64];

		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d", opts.node);
		if (access(path, F_OK)) {
			mi_err("trace: node %d does not exist (no %s)", opts.node, path);
			return MI_EXIT_ERROR;
		}
	}

	err = mi_live_open(&opts, &live, why, sizeof(why));
	if (err) {
		mi_err("trace: %s", why);
		return MI_EXIT_ERROR;
	}
	/* A patched kernel records each hotplug/device memmap init itself. */
	if (mi_bootrec_kernel_patched()) {
		char bwhy[256];

		if (mi_bootrec_live_open(&br, opts.bpf_stats, bwhy, sizeof(bwhy)))
			mi_warn("trace: meminit:meminit_record not attached: %s", bwhy);
	}
	if (!mi_live_nr_attached(live) && !br) {
		const struct mi_live_probe *p;
		size_t np;

		/* Nothing to measure: say why for the outermost function. */
		p = mi_live_probes(live, &np);
		mi_err("trace: no probe attached (%s: %s)", p[0].func, p[0].reason);
		goto out;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL)) {
		mi_err("trace: sigaction: %s", strerror(errno));
		goto out;
	}
	if (fmt == MI_LIVE_TABLE) {
		mi_live_print_probes(stdout, live);
		fflush(stdout);
	}
	fprintf(stderr, "meminit: tracing with %d probes%s; %s\n",
		mi_live_nr_attached(live), br ? " and meminit:meminit_record" : "",
		duration > 0 ? "stops after --duration or Ctrl-C" : "Ctrl-C to stop");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = wait_for_end(duration, br);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (err) {
		mi_err("trace: reading meminit:meminit_record: %s", strerror(-err));
		goto out;
	}
	if (br) {
		const struct mi_event *ev;
		size_t nev;

		ev = mi_bootrec_events(br, &nev);
		if (rec_rows(ev, nev, &rr, &nrr)) {
			mi_err("trace: out of memory");
			goto out;
		}
	}
	secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;

	err = mi_live_read(live, &rows, &n);
	if (!err)
		err = mi_live_sum_nodes(rows, n, &sums, &nsum);
	if (err) {
		mi_err("trace: reading the BPF counters: %s", strerror(-err));
		goto out;
	}
	if (opts.bpf_stats) {
		err = mi_live_bpf_stats(live, &bhow, &bps, &nbps);
		if (!err && br) {
			const struct mi_bpf_stats *bh;

			err = mi_bootrec_bpf_stats(br, &bh, &bps, &nbps);
		}
		if (err) {
			mi_err("trace: reading the BPF program statistics: %s", strerror(-err));
			goto out;
		}
	}
	if (fmt == MI_LIVE_JSON) {
		if (print_json(live, rows, n, sums, nsum, secs, br, rr, nrr,
			       bhow ? mi_bpf_stats_json(bhow, bps, nbps) : NULL)) {
			mi_err("trace: cannot write JSON output");
			goto out;
		}
	} else if (fmt != MI_LIVE_TABLE) {
		if (export_view(rows, n, sums, nsum, fmt, all_cpus))
			goto out;
	} else {
		printf("\n%.1f s traced; per node, all CPUs:\n", secs);
		mi_live_print_rows(stdout, sums, nsum, "  ");
		printf("\nper CPU:\n");
		mi_live_print_rows(stdout, rows, n, "  ");
		if (mi_live_lost(live))
			printf("warning: %llu samples lost to full maps; totals are short\n",
			       (unsigned long long)mi_live_lost(live));
		if (br)
			print_rec_rows(rr, nrr, mi_bootrec_lost(br), mi_bootrec_buf_name(br));
		if (bhow) {
			printf("\n");
			mi_bpf_stats_print(stdout, bhow, bps, nbps, "");
		}
	}
	ret = MI_EXIT_OK;
out:
	free(bps);
	free(rows);
	free(sums);
	free(rr);
	mi_bootrec_destroy(br);
	mi_live_destroy(live);
	return ret;
}

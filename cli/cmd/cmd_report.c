// SPDX-License-Identifier: GPL-2.0
/* meminit report: this boot's memory initialization, from the best source present. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootrec.h"
#include "cmds.h"
#include "collect.h"
#include "output.h"
#include "safe_file.h"
#include "util.h"
#include "verb_opts.h"

static void usage(FILE *f)
{
	fprintf(f,
"Usage: meminit report [--dmesg FILE [--boot N|all]] [--ftrace FILE] [--records FILE]\n"
"                      [--hz N] [--page-size SIZE] [--node N]\n"
"                      [--via auto|bpf|perfbuf|bin|text|none]\n"
"                      [--timeline] [--cpus all] [--bpf-stats] [--format table|json]\n"
"                      [--output FILE]\n"
"\n"
"Without FILEs: this boot, live (root): /dev/kmsg, /proc/zoneinfo, node sysfs,\n"
"/proc/vmallocinfo, the boot function trace if 'meminit arm' armed it, and on a\n"
"kernel with kernel-patches/ booted with meminit_stats, its boot records.\n"
"  --records FILE a saved meminit/records, records.bin, or meminit:* events\n"
"                 (tracefs trace or 'perf script' text)\n"
"  --via HOW      how to read the live boot records: auto (BPF replay over a\n"
"                 ring buffer, else records.bin, else the text file), bpf,\n"
"                 perfbuf (BPF over a perf buffer), bin, text, none\n"
"  --timeline     also print every record by CPU in start order\n"
"  --cpus all     every per-CPU row; by default a machine of more than %d CPU\n"
"                 rows gets them summarized per node (busy min/median/max, the\n"
"                 slowest CPU, the longest chunk)\n"
"  --bpf-stats    with the BPF replay: its program's run count and run time\n"
"                 (bpf_enable_stats), on standard error\n"
"  --dmesg FILE   a saved dmesg or serial-console log instead of the live log;\n"
"                 a log of several boots (a kexec loop's console, a console\n"
"                 log with a dmesg dump of the same boot) gives the last boot\n"
"  --boot N|all   boot N of such a log (from 1), or one report per boot (a JSON\n"
"                 array with --format json)\n"
"  --ftrace FILE  a saved boot function trace (/sys/kernel/tracing/trace)\n"
"  --hz N         CONFIG_HZ of the logged kernel (resolution of its deferred line)\n"
"  --page-size S  the logged kernel's page size (4K, 16K, 64K or bytes), where the\n"
"                 log does not state it (a log without hash table lines, saved\n"
"                 records); it overrides every source, and the report says so\n"
"  --node N       only node N\n"
"  --format F     table (default) or json (schema: docs/json-schema.md)\n"
"  --output FILE  write the report to FILE (mode 0600, replaced atomically;\n"
"                 a symbolic link is refused) instead of standard output\n",
		MI_TABLE_CPU_ROWS);
}

static int keep_only_node(struct mi_report *r, int id)
{
	size_t i;

	for (i = 0; i < r->nr_nodes; i++)
		if (r->nodes[i].id == id) {
			size_t j, k = 0;

			r->nodes[0] = r->nodes[i];
			r->nr_nodes = 1;
			/* Records of other nodes go too; those of no node stay. */
			for (j = 0; j < r->nr_events; j++)
				if (r->events[j].node == id || r->events[j].node < 0)
					r->events[k++] = r->events[j];
			mi_report_truncate_events(r, k);
			return 0;
		}
	mi_err("node %d does not exist on this %s (%zu node%s)", id,
	       r->live ? "machine" : "log", r->nr_nodes, r->nr_nodes == 1 ? "" : "s");
	return -1;
}

/* How a report goes out: what 'report' and 'import-perf' were asked. */
struct report_out {
	int fmt;		/* MI_FMT_TABLE or MI_FMT_JSON */
	int node;		/* only this node; -1 all */
	const char *output;	/* a file to write atomically; NULL or "-": stdout */
	struct mi_table_opts table;
};

/* The options of how a report goes out that report and import-perf share: 0 or -1 (a line is out). */
static int parse_out_opt(int c, const char *arg, struct report_out *o)
{
	long v;

	switch (c) {
	case 'n':
		if (mi_parse_long("--node", arg, 0, MI_MAX_NODES - 1, "a node number", &v))
			return -1;
		o->node = (int)v;
		return 0;
	case 'f':
		o->fmt = mi_opt_format(arg, mi_formats_table_json);
		return o->fmt < 0 ? -1 : 0;
	case 'T':
		o->table.timeline = true;
		return 0;
	case 'c':
		return mi_opt_cpus(arg, &o->table.all_cpus);
	}
	return -1;
}

static int write_to(FILE *f, const struct mi_report *r, const struct report_out *o)
{
	return o->fmt == MI_FMT_JSON ? mi_write_json(f, r) : mi_write_table(f, r, &o->table);
}

static bool to_file(const struct report_out *o)
{
	return mi_opt_to_file(o->output);
}

/*
 * --boot all: every boot of the log in turn, into one output: a JSON array
 * of reports, or the tables one after another under a line naming the boot.
 */
static int write_every_boot(struct mi_collect_opts *co, const struct report_out *o)
{
	struct mi_safe_file sf;
	size_t n, k;
	FILE *f = stdout;
	int err;

	err = mi_collect_log_boots(co->dmesg_path, &n);
	if (err)
		return err;
	if (to_file(o)) {
		err = mi_safe_open(&sf, o->output, MI_RESULT_MODE);
		if (err)
			return err;
		f = sf.f;
	}
	if (o->fmt == MI_FMT_JSON)
		fputs("[\n", f);
	for (k = 1; !err && k <= n; k++) {
		struct mi_report r;

		co->boot = (int)k;
		mi_report_init(&r);
		err = mi_collect(&r, co);
		if (!err && o->node >= 0)
			err = keep_only_node(&r, o->node);
		if (!err && o->fmt != MI_FMT_JSON)
			fprintf(f, "%s=== %s: boot %zu of %zu\n", k > 1 ? "\n" : "", co->dmesg_path, k, n);
		if (!err && write_to(f, &r, o)) {
			mi_err("cannot write the report to %s", f == stdout ? "standard output" :
			       o->output);
			err = -EIO;
		}
		if (!err && o->fmt == MI_FMT_JSON && k < n)
			fputs(",\n", f);
		mi_report_free(&r);
	}
	if (o->fmt == MI_FMT_JSON)
		fputs("]\n", f);
	if (f != stdout) {
		if (err) {
			mi_safe_abort(&sf);
			return err;
		}
		return mi_safe_commit(&sf);
	}
	if (!err && fflush(stdout)) {
		mi_err("cannot write the report to standard output");
		err = -EIO;
	}
	return err;
}

static int write_report(struct mi_report *r, const struct report_out *o)
{
	struct mi_safe_file sf;
	int err = 0;

	if (o->node >= 0)
		err = keep_only_node(r, o->node);
	if (!err && to_file(o)) {
		err = mi_safe_open(&sf, o->output, MI_RESULT_MODE);
		if (err)
			return err;
		err = write_to(sf.f, r, o);
		if (err) {
			mi_err("cannot write the report to %s", o->output);
			mi_safe_abort(&sf);
			return err;
		}
		return mi_safe_commit(&sf);
	}
	if (!err) {
		err = write_to(stdout, r, o);
		if (!err && fflush(stdout))
			err = -1;
		if (err)
			mi_err("cannot write the report to standard output");
	}
	return err;
}

/* --bpf-stats: the replay program's counters, on stderr (stdout is the report). */
static void print_replay_stats(const struct mi_bootrec_replay_stats *s)
{
	if (!s->counted)
		return;
	fprintf(stderr, "meminit: replay delivered %zu records over the %s\n", s->delivered,
		s->buf_name);
	mi_bpf_stats_print(stderr, &s->how, s->progs, s->nr_progs, "meminit: ");
}

/* meminit import-perf FILE: 'perf script' of meminit:* events, as a report. */
int cmd_import_perf(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dmesg", required_argument, NULL, 'd' },
		{ "page-size", required_argument, NULL, 'P' },
		{ "node", required_argument, NULL, 'n' },
		{ "format", required_argument, NULL, 'f' },
		{ "timeline", no_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct mi_collect_opts co = { .live = false };
	struct report_out out = { .fmt = MI_FMT_TABLE, .node = -1 };
	struct mi_report r;
	int c, err;

	optind = 1;
	while ((c = mi_verb_getopt("import-perf", argc, argv, "d:P:n:f:Th", opts)) != -1) {
		switch (c) {
		case 'd':
			co.dmesg_path = optarg;
			break;
		case 'P':
			if (mi_collect_parse_opt(c, optarg, &co) < 0)
				return MI_EXIT_USAGE;
			break;
		case 'n':
		case 'f':
		case 'T':
			if (parse_out_opt(c, optarg, &out))
				return MI_EXIT_USAGE;
			break;
		case 'h':
			printf("Usage: meminit import-perf [--dmesg FILE] [--page-size SIZE] [--node N]\n"
			       "                           [--timeline] [--format table|json] FILE\n\n"
			       "Read 'perf script' output of meminit:* events (perf record -e 'meminit:*'\n"
			       "on a kernel with kernel-patches/, e.g. around 'echo 1 >\n"
			       "/sys/kernel/debug/meminit/replay') into the same report as 'meminit report'.\n"
			       "The text of /sys/kernel/tracing/trace with those events works too.\n");
			return MI_EXIT_OK;
		default:
			return MI_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		mi_err("import-perf: %s", optind < argc ? "one FILE only" : "missing FILE");
		return MI_EXIT_USAGE;
	}
	co.perf_path = argv[optind];
	mi_report_init(&r);
	err = mi_collect(&r, &co);
	if (!err)
		err = write_report(&r, &out);
	mi_report_free(&r);
	return err ? MI_EXIT_ERROR : MI_EXIT_OK;
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		MI_COLLECT_LONGOPTS,
		{ "node", required_argument, NULL, 'n' },
		{ "format", required_argument, NULL, 'f' },
		{ "timeline", no_argument, NULL, 'T' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "bpf-stats", no_argument, NULL, 'S' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct mi_bootrec_replay_stats replay = { 0 };
	struct mi_collect_opts co = { .live = true, .replay_stats = &replay };
	struct report_out out = { .fmt = MI_FMT_TABLE, .node = -1 };
	struct mi_report r;
	int c, err;

	optind = 1;
	while ((c = mi_verb_getopt("report", argc, argv, MI_COLLECT_SHORTOPTS "n:f:Tc:o:h", opts)) != -1) {
		int src = mi_collect_parse_opt(c, optarg, &co);

		if (src < 0)
			return MI_EXIT_USAGE;
		if (src)
			continue;
		switch (c) {
		case 'o':
			out.output = optarg;
			break;
		case 'S':
			co.bpf_stats = true;
			break;
		case 'n':
		case 'f':
		case 'T':
		case 'c':
			if (parse_out_opt(c, optarg, &out))
				return MI_EXIT_USAGE;
			break;
		default:
			return mi_verb_other(c, usage);
		}
	}
	if (mi_verb_extra_args("report", argc, argv))
		return MI_EXIT_USAGE;
	if (co.boot == MI_BOOT_ALL) {
		if (!co.dmesg_path) {
			mi_err("--boot all needs --dmesg FILE");
			return MI_EXIT_USAGE;
		}
		return write_every_boot(&co, &out) ? MI_EXIT_ERROR : MI_EXIT_OK;
	}
	mi_report_init(&r);
	err = mi_collect(&r, &co);
	if (!err)
		print_replay_stats(&replay);
	mi_bootrec_replay_stats_free(&replay);
	if (!err)
		err = write_report(&r, &out);
	mi_report_free(&r);
	return err ? MI_EXIT_ERROR : MI_EXIT_OK;
}

// SPDX-License-Identifier: GPL-2.0
/* meminit report: this boot's memory initialization, from the best source present. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "collect.h"
#include "output.h"
#include "util.h"

static void usage(FILE *f)
{
	fprintf(f,
"Usage: meminit report [--dmesg FILE] [--ftrace FILE] [--hz N] [--node N]\n"
"                      [--format table|json]\n"
"\n"
"Without FILEs: this boot, live (root): /dev/kmsg, /proc/zoneinfo, node sysfs,\n"
"/proc/vmallocinfo, and the boot function trace if 'meminit arm' armed it.\n"
"  --dmesg FILE   a saved dmesg or serial-console log instead of the live log\n"
"  --ftrace FILE  a saved boot function trace (/sys/kernel/tracing/trace)\n"
"  --hz N         CONFIG_HZ of the logged kernel (resolution of its deferred line)\n"
"  --node N       only node N\n"
"  --format F     table (default) or json (schema: docs/json-schema.md)\n");
}

static int keep_only_node(struct mi_report *r, int id)
{
	size_t i;

	for (i = 0; i < r->nr_nodes; i++)
		if (r->nodes[i].id == id) {
			r->nodes[0] = r->nodes[i];
			r->nr_nodes = 1;
			return 0;
		}
	mi_err("node %d does not exist on this %s (%zu node%s)", id,
	       r->live ? "machine" : "log", r->nr_nodes, r->nr_nodes == 1 ? "" : "s");
	return -1;
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dmesg", required_argument, NULL, 'd' },
		{ "ftrace", required_argument, NULL, 't' },
		{ "hz", required_argument, NULL, 'z' },
		{ "node", required_argument, NULL, 'n' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct mi_collect_opts co = { .live = true };
	int fmt = MI_FMT_TABLE, node = -1, c, err;
	struct mi_report r;
	char *end;

	optind = 1;
	while ((c = getopt_long(argc, argv, "d:t:z:n:f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			co.dmesg_path = optarg;
			co.live = false;
			break;
		case 't':
			co.ftrace_path = optarg;
			break;
		case 'z':
			co.hz = strtol(optarg, &end, 10);
			if (*end || co.hz <= 0 || co.hz > 10000) {
				mi_err("--hz: '%s' is not a kernel HZ (e.g. 250)", optarg);
				return MI_EXIT_USAGE;
			}
			break;
		case 'n':
			node = strtol(optarg, &end, 10);
			if (*end || !*optarg || node < 0 || node >= MI_MAX_NODES) {
				mi_err("--node: '%s' is not a node number", optarg);
				return MI_EXIT_USAGE;
			}
			break;
		case 'f':
			fmt = mi_parse_format(optarg);
			if (fmt < 0)
				return MI_EXIT_USAGE;
			break;
		case 'h':
			usage(stdout);
			return MI_EXIT_OK;
		default:
			usage(stderr);
			return MI_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		mi_err("report: unexpected argument '%s'", argv[optind]);
		return MI_EXIT_USAGE;
	}
	mi_report_init(&r);
	err = mi_collect(&r, &co);
	if (!err && node >= 0)
		err = keep_only_node(&r, node);
	if (!err) {
		err = fmt == MI_FMT_JSON ? mi_write_json(stdout, &r) : mi_write_table(stdout, &r);
		if (!err && fflush(stdout))
			err = -1;
		if (err)
			mi_err("cannot write the report to standard output");
	}
	mi_report_free(&r);
	return err ? MI_EXIT_ERROR : MI_EXIT_OK;
}

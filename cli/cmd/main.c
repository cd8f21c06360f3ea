// SPDX-License-Identifier: GPL-2.0
/*
 * meminit: where boot-time memory initialization goes.
 * Verbs dispatch through a table, as in bpftool's main.c; each verb parses
 * its own options and prints through the model's writers.
 */
#include <stdio.h>
#include <string.h>

#include "cmds.h"
#include "util.h"

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct cmd cmds[] = {
	{ "check",   cmd_check,   "what this kernel offers and what meminit can measure on it" },
	{ "report",  cmd_report,  "this boot's memory initialization, from the best source present" },
	{ "arm",     cmd_arm,     "kernel parameters that make the next boot trace itself" },
	{ "hotplug", cmd_hotplug, "online a node's memory blocks and time struct page init (BPF)" },
	{ "trace",   cmd_trace,   "trace the runtime struct page paths live (BPF)" },
	{ "import-perf", cmd_import_perf, "report from 'perf script' output of meminit:* events" },
	{ "kexec",   cmd_kexec,   "repeat boots with kexec_file_load and collect each one" },
	{ "stats",   cmd_stats,   "median, spread and CIs per phase/node over kexec runs" },
	{ "compare", cmd_compare, "A/B of two kexec result sets: difference, U test, verdict" },
	{ "export",  cmd_export,  "a report as Prometheus text, CSV, HTML or JSON" },
	{ "collect", cmd_collect, "once per boot: report into an archive, .prom for node_exporter" },
	{ "fleet",   cmd_fleet,   "s/TiB per kernel, machine shape and phase over many hosts" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: meminit [-v] VERB [OPTIONS]\n\nVerbs:\n");
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		fprintf(f, "  %-11s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(f, "\n'meminit VERB --help' describes a verb's options.\n"
		   "Exit status: 0 success, 1 error (one line on stderr says why), 2 usage.\n");
}

int main(int argc, char **argv)
{
	size_t i;

	while (argc > 1 && argv[1][0] == '-') {
		if (!strcmp(argv[1], "-v") || !strcmp(argv[1], "--verbose")) {
			mi_verbose = true;
		} else if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
			printf("meminit %s\n", MEMINIT_VERSION);
			return MI_EXIT_OK;
		} else if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
			usage(stdout);
			return MI_EXIT_OK;
		} else {
			mi_err("unknown option '%s' (see 'meminit --help')", argv[1]);
			return MI_EXIT_USAGE;
		}
		argc--;
		argv++;
	}
	if (argc < 2) {
		usage(stderr);
		return MI_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "help")) {
		if (argc > 2) {
			char *help_argv[] = { argv[2], "--help", NULL };

			for (i = 0; i < ARRAY_SIZE(cmds); i++)
				if (!strcmp(cmds[i].name, argv[2]))
					return cmds[i].fn(2, help_argv);
			mi_err("unknown verb '%s' (see 'meminit --help')", argv[2]);
			return MI_EXIT_USAGE;
		}
		usage(stdout);
		return MI_EXIT_OK;
	}
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (!strcmp(cmds[i].name, argv[1]))
			return cmds[i].fn(argc - 1, argv + 1);
	mi_err("unknown verb '%s' (see 'meminit --help')", argv[1]);
	return MI_EXIT_USAGE;
}

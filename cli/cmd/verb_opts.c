// SPDX-License-Identifier: GPL-2.0
/* The options every verb shares (verb_opts.h). */
#include <stdio.h>
#include <string.h>

#include "util.h"
#include "verb_opts.h"

const char *const mi_formats_table_json[] = { "table", "json", NULL };

int mi_opt_format(const char *arg, const char *const *names)
{
	char list[128] = "";
	size_t len = 0;
	int i;

	for (i = 0; names[i]; i++)
		if (!strcmp(arg, names[i]))
			return i;
	for (i = 0; names[i] && len < sizeof(list); i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
					!i ? "" : names[i + 1] ? ", " : " or ", names[i]);
	mi_err("--format: '%s' is not %s", arg, list);
	return -1;
}

int mi_opt_cpus(const char *arg, bool *all)
{
	if (strcmp(arg, "all")) {
		mi_err("--cpus: '%s' is not 'all' (every per-CPU row)", arg);
		return -1;
	}
	*all = true;
	return 0;
}

bool mi_opt_to_file(const char *output)
{
	return output && strcmp(output, "-");
}

int mi_verb_getopt(const char *verb, int argc, char **argv, const char *shortopts,
		   const struct option *longopts)
{
	char spec[128];
	int c;

	/* getopt's own messages are not "meminit: ..." lines: say it here. */
	opterr = 0;
	snprintf(spec, sizeof(spec), ":%s", shortopts);
	c = getopt_long(argc, argv, spec, longopts, NULL);
	if (c == ':') {
		mi_err("%s: %s needs a value", verb, argv[optind - 1]);
		return '?';
	}
	/* optopt is the letter of a bad short option, 0 for a long one */
	if (c == '?' && optopt)
		mi_err("%s: unknown option '-%c' (see 'meminit %s --help')", verb, optopt, verb);
	else if (c == '?')
		mi_err("%s: unknown option '%s' (see 'meminit %s --help')", verb,
		       argv[optind - 1], verb);
	return c;
}

int mi_verb_other(int c, void (*usage)(FILE *f))
{
	if (c == 'h') {
		usage(stdout);
		return MI_EXIT_OK;
	}
	return MI_EXIT_USAGE;
}

bool mi_verb_extra_args(const char *verb, int argc, char **argv)
{
	if (optind >= argc)
		return false;
	mi_err("%s: unexpected argument '%s'", verb, argv[optind]);
	return true;
}

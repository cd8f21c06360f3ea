/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The options every verb shares, parsed one way: --format, --output,
 * --help, a bad option and an argument left over.
 */
#ifndef MEMINIT_VERB_OPTS_H
#define MEMINIT_VERB_OPTS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

/* The formats of the verbs that print a table or JSON, in enum mi_format's order. */
extern const char *const mi_formats_table_json[];

/*
 * --format ARG: its index in NAMES (NULL-terminated), or -1 after the one
 * error line "--format: 'ARG' is not a, b or c" (a usage error).
 */
int mi_opt_format(const char *arg, const char *const *names);

/*
 * --cpus ARG: "all" (every per-CPU row or series) sets *ALL; anything else
 * is one error line and -1 (a usage error).
 */
int mi_opt_cpus(const char *arg, bool *all);

/* --output: whether it names a file (not absent, not "-" for stdout). */
bool mi_opt_to_file(const char *output);

/*
 * getopt_long for VERB: the same, except that a bad option is one error
 * line, "VERB: unknown option '--x' (see 'meminit VERB --help')" or
 * "VERB: --x needs a value", and comes back as '?'.
 */
int mi_verb_getopt(const char *verb, int argc, char **argv, const char *shortopts,
		   const struct option *longopts);
/*
 * The letter C that none of a verb's cases took: 'h' prints USAGE on stdout
 * and gives exit 0; anything else is a usage error (its line is out).
 * Returns the exit code.
 */
int mi_verb_other(int c, void (*usage)(FILE *f));
/* After the loop: true (after one line) when an argument is left over. */
bool mi_verb_extra_args(const char *verb, int argc, char **argv);

#endif

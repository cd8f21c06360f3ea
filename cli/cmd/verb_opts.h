/* SPDX-License-Identifier: GPL-2.0 */
/* The options every verb shares, parsed one way: --format and --output. */
#ifndef MEMINIT_VERB_OPTS_H
#define MEMINIT_VERB_OPTS_H

#include <stdbool.h>

/* The formats of the verbs that print a table or JSON, in enum mi_format's order. */
extern const char *const mi_formats_table_json[];

/*
 * --format ARG: its index in NAMES (NULL-terminated), or -1 after the one
 * error line "--format: 'ARG' is not a, b or c" (a usage error).
 */
int mi_opt_format(const char *arg, const char *const *names);

/* --output: whether it names a file (not absent, not "-" for stdout). */
bool mi_opt_to_file(const char *output);

#endif

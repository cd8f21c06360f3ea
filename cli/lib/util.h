/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers shared by every meminit module: one error printer, file reading. */
#ifndef MEMINIT_UTIL_H
#define MEMINIT_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Exit codes, documented in README.md. */
enum mi_exit {
	MI_EXIT_OK = 0,
	MI_EXIT_ERROR = 1,	/* the work could not be done; one line says why */
	MI_EXIT_USAGE = 2,	/* bad command line */
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

extern bool mi_verbose;

/* "meminit: <message>" on stderr; the only way meminit reports errors. */
void mi_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "meminit: warning: <message>" on stderr. */
void mi_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Printed only with -v. */
void mi_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Read a whole file (regular, /proc or /sys) into a NUL-terminated buffer.
 * Returns 0, or -errno with *buf left NULL.
 */
int mi_read_file(const char *path, char **buf, size_t *len);
/* Same for a gzip file such as /proc/config.gz (zlib). */
int mi_read_gz_file(const char *path, char **buf, size_t *len);

/*
 * The first line of a file (a /proc or /sys value) without its newline or
 * trailing blanks, into DST; 0, or -errno with DST "".
 */
int mi_read_line(const char *path, char *dst, size_t size);
/* IN as an absolute path without links, into OUT; false if it cannot be resolved. */
bool mi_abs_path(const char *in, char *out, size_t size);

/* Growable array helper: ensure room for one more element. */
int mi_grow(void **arr, size_t *cap, size_t n, size_t elem);

/*
 * A whole decimal option value in [min, max] into *out; else one error line
 * "OPT: 'ARG' is not WHAT" and -1 (the caller exits with MI_EXIT_USAGE).
 */
int mi_parse_long(const char *opt, const char *arg, long min, long max,
		  const char *what, long *out);

/* The same for a decimal number (strtod) in [min, max]. */
int mi_parse_double(const char *opt, const char *arg, double min, double max,
		    const char *what, double *out);

/* Copy with truncation, always NUL-terminated. */
void mi_strlcpy(char *dst, const char *src, size_t size);
/* Next line of a NUL-terminated buffer; *pos advances. Returns length or -1 at end. */
ssize_t mi_next_line(const char *buf, size_t *pos, const char **line);
bool mi_starts_with(const char *s, const char *prefix);

#endif

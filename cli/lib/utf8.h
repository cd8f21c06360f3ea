/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Text read from the world (a serial console with line noise, a log cut
 * mid-character) may hold bytes that are not UTF-8. Every output meminit
 * writes (JSON, CSV, Prometheus labels, HTML, the terminal) must be valid
 * UTF-8, so text inputs are repaired once, where they are read: each
 * invalid sequence becomes U+FFFD, and the report says how many there were.
 */
#ifndef MEMINIT_UTF8_H
#define MEMINIT_UTF8_H

#include <stddef.h>

/* Invalid sequences in S[0..LEN) (RFC 3629: no overlongs, surrogates or > U+10FFFF). */
size_t mi_utf8_invalid(const char *s, size_t len);
/*
 * *BUF (NUL-terminated, from malloc) with each invalid sequence replaced by
 * U+FFFD, in a new buffer when there was one; the old is freed. Returns how
 * many were replaced, or -ENOMEM with *BUF untouched.
 */
long mi_utf8_repair(char **buf);

struct json_object;
/*
 * A JSON text meminit reads back (saved reports, kexec runs, fleet inputs):
 * parsed with json-c's UTF-8 validation, so bytes that are not UTF-8 are
 * refused like any other syntax error. NULL with *WHY set on failure.
 */
struct json_object *mi_json_parse_utf8(const char *buf, const char **why);

#endif

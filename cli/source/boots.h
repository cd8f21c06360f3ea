/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One text log, several boots: a serial console of a kexec loop, a journal
 * of several boots, a console log with a dmesg dump of the same boot
 * appended. A boot starts at a "Linux version" line with the clock back at
 * its start (the first stamp, or one below the line before). Two copies of
 * one boot (the same version line, and the timestamped lines of one found
 * in order in the other: a console that printed fewer levels, a dmesg dump,
 * a boot console replayed by the real one) are one boot: the longer is kept.
 */
#ifndef MEMINIT_BOOTS_H
#define MEMINIT_BOOTS_H

#include <stddef.h>

struct mi_boot_span {
	size_t start, len;	/* bytes of the log */
	size_t first_line;	/* 1-based line of its "Linux version", 0 = none */
	size_t timed;		/* timestamped lines */
};

struct mi_boots {
	struct mi_boot_span *b;	/* distinct boots, in log order */
	size_t n, cap;
	size_t copies;		/* copies of a boot left out */
};

/* Split BUF (NUL-terminated). 0 or -ENOMEM; a log with no boot start is one span. */
int mi_split_boots(const char *buf, struct mi_boots *out);
void mi_boots_free(struct mi_boots *b);

#endif

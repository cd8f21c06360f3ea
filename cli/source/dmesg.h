/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel log parser: a saved dmesg, a serial console log, or /dev/kmsg records. */
#ifndef MEMINIT_DMESG_H
#define MEMINIT_DMESG_H

#include <sys/types.h>

#include "model.h"

/*
 * Parse a kernel log into @r. @what names the input in error messages.
 * Accepts "[ t] msg" (dmesg, serial console, journalctl -o short-monotonic),
 * "<p>[ t] msg" (dmesg -r) and "p,seq,usec,flags;msg" (/dev/kmsg).
 * Returns 0, or -EINVAL after printing one error line when the input is not
 * a kernel boot log meminit can use.
 */
int mi_parse_dmesg(struct mi_report *r, const char *buf, const char *what);
/*
 * The message of the LEN-byte LINE (not NUL-terminated), copied into TMP
 * (CAP bytes; a longer line keeps its head) and split from its stamp, put
 * in *T, for each of the formats above; NULL when it has no timestamp.
 */
const char *mi_dmesg_message(const char *line, ssize_t len, char *tmp, size_t cap, double *t);
/*
 * What a kernel log says of its early clock, read without judging the log
 * (check and arm scan the live one): the TSC frequency it states, in kHz
 * ("tsc: Refined TSC clocksource calibration", else "tsc: Detected ... MHz
 * processor"; 0 = none), the line of "tsc: Fast TSC calibration failed"
 * (0 = none), and how many "Initmem setup node" lines it has and how many
 * of them are stamped above 0 (none: the clock started after memmap init).
 */
struct mi_early_clock {
	unsigned long tsc_khz;
	size_t failed_line;
	int memmap_lines, memmap_stamped;
};
void mi_dmesg_early_clock(const char *buf, struct mi_early_clock *c);
/* Read /dev/kmsg without blocking (live mode) into a NUL-terminated buffer. */
int mi_read_kmsg(char **buf);

#endif

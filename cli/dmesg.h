/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel log parser: a saved dmesg, a serial console log, or /dev/kmsg records. */
#ifndef MEMINIT_DMESG_H
#define MEMINIT_DMESG_H

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
 * LINE's message (a pointer into LINE, which it may modify) and its stamp
 * in *T, for each of the formats above; NULL when LINE has no timestamp.
 */
const char *mi_dmesg_split_line(char *line, double *t);
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

/* SPDX-License-Identifier: GPL-2.0 */
/* Fill a report from the best sources present: live kernel or saved files. */
#ifndef MEMINIT_COLLECT_H
#define MEMINIT_COLLECT_H

#include "bootrec.h"
#include "model.h"

enum mi_records_via {
	MI_VIA_AUTO,		/* BPF replay, else records.bin, else records text */
	MI_VIA_BPF,		/* BPF replay only (ring buffer where there is one) */
	MI_VIA_PERFBUF,		/* BPF replay over a perf buffer */
	MI_VIA_BIN,		/* debugfs records.bin */
	MI_VIA_TEXT,		/* debugfs records */
	MI_VIA_NONE,		/* ignore the records (stock-kernel sources only) */
};

struct mi_collect_opts {
	const char *dmesg_path;		/* saved log; NULL = live /dev/kmsg */
	const char *ftrace_path;	/* saved boot trace; NULL = tracefs when live */
	bool live;			/* also read /proc, /sys and tracefs */
	int hz;				/* CONFIG_HZ override, 0 = from the config */
	unsigned long page_size;	/* --page-size, bytes; 0 = from the sources */
	const char *records_path;	/* saved records, records.bin or meminit:* events */
	const char *perf_path;		/* 'perf script' output of meminit:* events */
	enum mi_records_via via;	/* how to read a patched kernel's records live */
	int boot;			/* saved log of several boots: 1-based; 0 = the last */
	bool bpf_stats;			/* count the BPF replay's run time (bpfstats.h) */
	struct mi_bootrec_replay_stats *replay_stats; /* out, with bpf_stats; or NULL */
};

#define MI_BOOT_ALL	(-1)		/* --boot all: 'meminit report' loops */

/* "auto", "bpf"...: 0, or -EINVAL after an error line. */
int mi_parse_via(const char *s, enum mi_records_via *via);

/*
 * The source options that report, collect and export share, for their
 * getopt_long tables; mi_collect_parse_opt() handles their letters.
 */
#define MI_COLLECT_LONGOPTS						\
	{ "dmesg", required_argument, NULL, 'd' },			\
	{ "ftrace", required_argument, NULL, 't' },			\
	{ "records", required_argument, NULL, 'r' },			\
	{ "hz", required_argument, NULL, 'z' },				\
	{ "via", required_argument, NULL, 'V' },			\
	{ "boot", required_argument, NULL, 'B' },			\
	{ "page-size", required_argument, NULL, 'P' }
#define MI_COLLECT_SHORTOPTS "d:t:r:z:V:B:P:"

/*
 * Apply getopt letter @c with argument @arg to @co: 1 when it was a source
 * option, 0 when it is not one, -1 after an error line (a usage error).
 */
int mi_collect_parse_opt(int c, const char *arg, struct mi_collect_opts *co);
/* Returns 0, or -errno after one error line. */
int mi_collect(struct mi_report *r, const struct mi_collect_opts *o);
/* How many distinct boots the saved log PATH holds (boots.h): 0, or -errno after a line. */
int mi_collect_log_boots(const char *path, size_t *n);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/* The boot function trace that 'meminit arm' asks the kernel for. */
#ifndef MEMINIT_FTRACE_H
#define MEMINIT_FTRACE_H

#include "model.h"

/* The functions 'meminit arm' filters on; report reads their entries. */
extern const char *const mi_ftrace_functions[];

struct mi_ftrace_entry {
	char task[32];		/* "pgdatinit0-44" */
	int cpu;
	double t;		/* seconds, trace clock */
	char func[64];
	char parent[64];
};

struct mi_ftrace {
	struct mi_ftrace_entry *e;
	size_t nr, cap;
	char clock[16];		/* the clock the header or caller names, "" if unknown */
	unsigned long long entries_in_buffer, entries_written;
	bool have_header;
};

/*
 * Parse the text of /sys/kernel/tracing/trace for the function tracer.
 * Returns 0, or -EINVAL after one error line when it is not a function trace.
 */
int mi_parse_ftrace(struct mi_ftrace *ft, const char *buf, const char *what);
void mi_ftrace_free(struct mi_ftrace *ft);
/*
 * Merge a parsed boot trace with the report built from the kernel log:
 * per-node deferred start, per-CPU chunks and hash-table start times.
 * The trace must use the printk clock (trace_clock=global, see arm);
 * @clock_ok says whether that is known.
 */
int mi_merge_ftrace(struct mi_report *r, const struct mi_ftrace *ft, bool clock_ok);

#endif

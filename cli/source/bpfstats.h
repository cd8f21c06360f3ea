/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What meminit's own BPF programs cost: the kernel's per-program run count
 * and run time (struct bpf_prog_info run_cnt and run_time_ns), which it
 * keeps only while run-time statistics are on, either through
 * bpf_enable_stats(BPF_STATS_RUN_TIME) (for as long as its fd is held) or
 * through the sysctl kernel.bpf_stats_enabled=1.
 */
#ifndef MEMINIT_BPFSTATS_H
#define MEMINIT_BPFSTATS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <json-c/json.h>

struct bpf_object;

struct mi_bpf_stats {
	bool wanted;		/* asked for (--bpf-stats, MEMINIT_BPF_STATS) */
	int fd;			/* bpf_enable_stats() fd, -1 when not ours */
	bool on;		/* the kernel counts run time for this run */
	char how[200];		/* how it was turned on, or why not and what to do */
};

struct mi_bpf_prog_stat {
	char name[64];		/* the program's name in meminit's BPF object */
	char attach[96];	/* its section: "fentry/online_pages" */
	uint64_t run_cnt, run_time_ns, recursion_misses;
};

/*
 * Set @s up; when @wanted, turn run-time statistics on until
 * mi_bpf_stats_off(). Never fails: when neither way works, s->on is false
 * and s->how says how to turn them on. Call it before the programs run
 * (the kernel counts from then on).
 */
void mi_bpf_stats_start(struct mi_bpf_stats *s, bool wanted);
void mi_bpf_stats_off(struct mi_bpf_stats *s);

/*
 * Append the counters of every loaded program of @obj to *v (realloc'ed,
 * *n entries). Returns 0 or -errno.
 */
int mi_bpf_stats_read(struct bpf_object *obj, struct mi_bpf_prog_stat **v, size_t *n);
/* The same, when @s was wanted and is on and @obj (may be NULL) is loaded; else 0, nothing read. */
int mi_bpf_stats_collect(const struct mi_bpf_stats *s, struct bpf_object *obj,
			 struct mi_bpf_prog_stat **v, size_t *n);

/* run_time_ns / run_cnt, or -1 when the program never ran. */
double mi_bpf_ns_per_run(const struct mi_bpf_prog_stat *p);

/* A table: program, attach point, runs, ns, ns/run; with the how line. */
void mi_bpf_stats_print(FILE *f, const struct mi_bpf_stats *s,
			const struct mi_bpf_prog_stat *v, size_t n, const char *indent);
/*
 * {"enabled", "how", "programs": [{"program", "attach", "run_cnt",
 *  "run_time_ns", "ns_per_run", "recursion_misses"}]}
 */
struct json_object *mi_bpf_stats_json(const struct mi_bpf_stats *s,
				      const struct mi_bpf_prog_stat *v, size_t n);

/* MEMINIT_BPF_STATS set to anything but "" or "0": the default of --bpf-stats. */
bool mi_bpf_stats_env(void);

#endif

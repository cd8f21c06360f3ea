/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The state of a kexec measurement loop, all of it in one directory (0700):
 *
 *   plan.json            what to run: variants (kernel, initrd, command line),
 *                        runs per variant, failure limit; written once
 *   runs/run-NNNN.json   one completed run: its report and how it was booted
 *   failures/fail-NNNN.json  one failed attempt (NNNN = attempt number)
 *   pending.json         the marker of a kexec in flight: written, with the
 *                        whole tree synced, just before the reboot; its nonce
 *                        is on the next kernel's command line (meminit_kexec=)
 *   stop                 --stop: the next hook ends the loop
 *   done.json            the loop ended: done, stopped or failed
 *
 * Every file is written with safe_file (temporary, fsync, rename, fsync of
 * the directory). A run exists once, as the file named by its index: it is
 * never lost (written before the marker is cleared) and never counted twice
 * (a second collection of the same index is refused).
 */
#ifndef MEMINIT_RUNSTATE_H
#define MEMINIT_RUNSTATE_H

#include <json-c/json.h>
#include <stdbool.h>

#define MI_KX_PLAN_SCHEMA	"meminit-kexec-plan"
#define MI_KX_RUN_SCHEMA	"meminit-kexec-run"
#define MI_KX_FAIL_SCHEMA	"meminit-kexec-failure"
#define MI_KX_SCHEMA_VERSION	1
#define MI_KX_MAX_VARIANTS	8
#define MI_KX_MAX_RUNS		10000	/* per variant */
#define MI_KX_PARAM		"meminit_kexec="

struct mi_kx_variant {
	char name[32];
	char kernel[1024];
	char initrd[1024];	/* "" = none */
	char cmdline[2048];	/* without the meminit_kexec= nonce */
};

struct mi_kx_plan {
	int runs;		/* per variant */
	int nr_variants;
	int max_failures;	/* stop after this many failed attempts */
	int delay_s;		/* wait before each kexec (a window for --stop) */
	int syscall;		/* enum mi_kx_syscall: how the next kernel is loaded */
	long long created_unix;
	struct mi_kx_variant v[MI_KX_MAX_VARIANTS];
};

struct mi_kx_pending {
	int run, variant, attempt;
	char nonce[40];
	char boot_id[40];	/* the boot that issued the kexec */
	double issued_unix;	/* wall clock when it was issued */
	double hook_s;		/* that boot's hook: collection start to kexec */
	double load_s;		/* of it, the next kernel's load after collection; -1 unknown */
	int load_syscall;	/* enum mi_kx_syscall that loaded it; AUTO: unknown */
};

struct mi_kx_state {
	int total;		/* runs x variants */
	unsigned char *done;	/* [total]: run file present */
	int nr_done;
	int nr_failures;
	int *fail_per_run;	/* [total]: failed attempts of each run index */
	double *clocked_s;	/* per run, the part of its cycle the kernels' clocks see */
	int nr_clocked;
	double *collect_s;	/* collection times (report of the boot) of the runs */
	int nr_collects;
	double *boot_s, *hook_s;	/* kernel clock start to hook; the hook before */
	int nr_boots, nr_hooks;
	double *load_s;		/* of the hook, the kernel load after collection */
	int nr_loads;
	int nr_loaded_by[3];	/* runs per enum mi_kx_syscall that loaded their kernel */
	double first_issued, last_collected;	/* unix; 0 = none */
	bool has_pending, stop, ended;
	char end_state[32];	/* done.json: "done", "stopped", "failed" */
	struct mi_kx_pending pending;
	char last_failure[512];
};

int mi_kx_total(const struct mi_kx_plan *p);
/* The variant of run index RUN: blocks of one run per variant, every other
 * block in reverse order (ABBA...), so a linear drift falls on both alike. */
int mi_kx_variant_of(const struct mi_kx_plan *p, int run);

/* 0 or -errno after one line; the directory is only read. */
int mi_kx_plan_read(const char *dir, struct mi_kx_plan *p);
/* DIR does not exist or is an empty directory: 0, or -errno after one line. */
int mi_kx_dir_usable(const char *dir);
/* A new loop: DIR created (0700) or empty; runs/ and failures/ made. */
int mi_kx_plan_create(const char *dir, const struct mi_kx_plan *p);
int mi_kx_scan(const char *dir, const struct mi_kx_plan *p, struct mi_kx_state *s);
void mi_kx_state_free(struct mi_kx_state *s);

/* An exclusive lock on DIR/.lock: an fd to close, or -errno after one line. */
int mi_kx_lock(const char *dir);

int mi_kx_pending_write(const char *dir, const struct mi_kx_pending *pd);
int mi_kx_pending_clear(const char *dir);
/* runs/run-NNNN.json; -EEXIST (quiet) when that run is already there. */
int mi_kx_run_write(const char *dir, int run, json_object *o);
int mi_kx_failure_write(const char *dir, int attempt, json_object *o);
int mi_kx_stop_write(const char *dir);
int mi_kx_end_write(const char *dir, const char *state, const char *why);

/* Read and parse a JSON file: an object, or NULL after one line. */
json_object *mi_kx_read_json(const char *path);
/* Add a string member, or null for NULL/"". */
void mi_kx_add_str(json_object *o, const char *k, const char *v);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Find report JSONs: a saved report (meminit report --format json), a run of
 * a kexec directory (its "report" member), a kexec directory (runs/), or any
 * directory tree of *.json files, one per host and boot (meminit collect's
 * archive, or files gathered from a fleet).
 */
#ifndef MEMINIT_REPORTS_H
#define MEMINIT_REPORTS_H

#include <json-c/json.h>
#include <stdbool.h>

struct mi_report_src {
	const char *path;	/* the file it came from */
	int run;		/* kexec run index, -1 when not a kexec run */
	const char *variant;	/* kexec variant name, NULL when none */
	json_object *report;	/* borrowed: valid during the callback only */
};

/* Return 0 to go on, non-zero to stop the walk with that value. */
typedef int (*mi_report_fn)(const struct mi_report_src *s, void *ctx);

struct mi_walk_opts {
	bool skip_bad;		/* warn about an unreadable file and go on */
	int skipped;		/* out: files skipped */
	int seen;		/* out: reports passed to the callback */
};

/*
 * Call FN for each report under PATH ("-": standard input), in name order.
 * A file that is not JSON, or a JSON of another kind, is an error (one line)
 * unless opts->skip_bad; files of a kexec directory other than its runs
 * (plan, failures, markers) are not reports and are passed over quietly.
 * Returns 0, FN's non-zero value, or -errno after one line.
 */
int mi_reports_walk(const char *path, mi_report_fn fn, void *ctx, struct mi_walk_opts *opts);
/* Whether DIR is a kexec directory (it holds plan.json). */
bool mi_reports_is_kexec_dir(const char *dir);

#endif

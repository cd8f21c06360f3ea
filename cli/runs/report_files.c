// SPDX-License-Identifier: GPL-2.0
/* Walk report JSON files: single files, kexec directories, directory trees. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json_get.h"
#include "output.h"
#include "report_files.h"
#include "kexec_dir.h"
#include "utf8.h"
#include "util.h"

#define MAX_DEPTH	4

static json_object *parse_file(const char *path, struct mi_walk_opts *o)
{
	const char *why = "";
	json_object *j = NULL;
	char *buf = NULL;
	size_t len;
	int err;

	if (!strcmp(path, "-")) {
		err = mi_read_file("/dev/stdin", &buf, &len);
	} else {
		err = mi_read_file(path, &buf, &len);
	}
	if (err) {
		if (o->skip_bad)
			mi_warn("skipping %s: %s", path, strerror(-err));
		else
			mi_err("cannot read %s: %s", path, strerror(-err));
		return NULL;
	}
	j = mi_json_parse_utf8(buf, &why);
	free(buf);
	if (!j || !json_object_is_type(j, json_type_object)) {
		if (o->skip_bad)
			mi_warn("skipping %s: not a JSON object (%s)", path,
				j ? "another JSON type" : why);
		else
			mi_err("%s: not a JSON object (%s)", path, j ? "another JSON type" : why);
		json_object_put(j);
		return NULL;
	}
	return j;
}

/* One file: 0 (done or quietly passed over), FN's value, or -EINVAL. */
static int walk_file(const char *path, mi_report_fn fn, void *ctx, struct mi_walk_opts *o,
		     bool in_tree)
{
	struct mi_report_src s = { .path = path, .run = -1 };
	const char *schema;
	json_object *j, *rep;
	int ret;

	j = parse_file(path, o);
	if (!j) {
		o->skipped++;
		return o->skip_bad ? 0 : -EINVAL;
	}
	schema = mi_j_str(j, "schema");
	s.report = j;
	if (schema && !strcmp(schema, MI_KX_RUN_SCHEMA) &&
	    json_object_object_get_ex(j, "report", &rep)) {
		s.report = rep;
		s.run = mi_j_int(j, "run");
		s.variant = mi_j_str(j, "variant");
	} else if (in_tree && schema && mi_starts_with(schema, "meminit-kexec")) {
		json_object_put(j);	/* plan, failure, marker: not a report */
		return 0;
	}
	/* Check here so that --skip-bad can pass over a foreign schema too. */
	if (o->skip_bad) {
		const char *rs = mi_j_str(s.report, "schema");

		if (!rs || strcmp(rs, MI_SCHEMA_NAME) ||
		    mi_j_int(s.report, "schema_version") < 1 ||
		    mi_j_int(s.report, "schema_version") > MI_SCHEMA_VERSION) {
			mi_warn("skipping %s: not a meminit-report of version 1 to %d", path,
				MI_SCHEMA_VERSION);
			o->skipped++;
			json_object_put(j);
			return 0;
		}
	} else if (mi_report_json_check(s.report, path)) {
		json_object_put(j);
		return -EINVAL;
	}
	o->seen++;
	ret = fn(&s, ctx);
	json_object_put(j);
	return ret;
}

static int has_suffix(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a > b && !strcmp(s + a - b, suf);
}

static int walk_dir(const char *dir, mi_report_fn fn, void *ctx, struct mi_walk_opts *o,
		    int depth)
{
	struct dirent **names = NULL;
	char path[4096];
	int n, i, ret = 0;

	if (depth > MAX_DEPTH)
		return 0;
	n = scandir(dir, &names, NULL, alphasort);
	if (n < 0) {
		ret = -errno;
		mi_err("cannot read directory %s: %s", dir, strerror(-ret));
		return ret;
	}
	for (i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		struct stat st;

		/* Dot files: ., .., and safe_file's temporaries. */
		if (ret || name[0] == '.')
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
			continue;
		if (stat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode) && mi_reports_is_kexec_dir(path)) {
			char runs[4200];

			snprintf(runs, sizeof(runs), "%s/runs", path);
			ret = walk_dir(runs, fn, ctx, o, depth + 1);
		} else if (S_ISDIR(st.st_mode)) {
			ret = walk_dir(path, fn, ctx, o, depth + 1);
		} else if (S_ISREG(st.st_mode) && has_suffix(name, ".json")) {
			ret = walk_file(path, fn, ctx, o, true);
		}
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return ret;
}

bool mi_reports_is_kexec_dir(const char *dir)
{
	char path[4096];

	if ((size_t)snprintf(path, sizeof(path), "%s/plan.json", dir) >= sizeof(path))
		return false;
	return access(path, F_OK) == 0;
}

int mi_reports_walk(const char *path, mi_report_fn fn, void *ctx, struct mi_walk_opts *o)
{
	bool is_stdin = !strcmp(path, "-");
	struct stat st = { 0 };
	int err;

	if (!is_stdin && stat(path, &st)) {
		err = -errno;
		mi_err("cannot read %s: %s", path, strerror(-err));
		return err;
	}
	if (!is_stdin && S_ISDIR(st.st_mode)) {
		char runs[4200];

		if (mi_reports_is_kexec_dir(path)) {
			snprintf(runs, sizeof(runs), "%s/runs", path);
			return walk_dir(runs, fn, ctx, o, 0);
		}
		return walk_dir(path, fn, ctx, o, 0);
	}
	return walk_file(path, fn, ctx, o, false);
}

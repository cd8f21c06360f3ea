// SPDX-License-Identifier: GPL-2.0
/*
 * The report codec both ways, on every real capture in tests/fixtures:
 * collect -> JSON -> read back -> JSON gives the same bytes, and the view
 * (view.h) built from the read report equals the one built from the
 * collected report, number for number; the report as a json-c tree (what
 * a kexec run embeds) equals its text. Each capture is read from its saved
 * sources (dmesg, boot trace, boot records), then once more with the
 * zoneinfo and vmallocinfo of the same boot, and the 6.12 kexec console log
 * boot by boot.
 */
#include <dirent.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect.h"
#include "view.h"
#include "output.h"
#include "procfs.h"
#include "util.h"
#include "unit.h"

static char *json_of(const struct mi_report *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	if (mi_write_json(f, r)) {
		fclose(f);
		free(buf);
		return NULL;
	}
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* Every member of every row, span, node and table, with all its digits. */
static char *dump_view(const struct mi_report *r)
{
	char *buf = NULL;
	size_t len = 0, i;
	struct mi_view v;
	FILE *f;

	if (mi_view_build(&v, r))
		return NULL;
	f = open_memstream(&buf, &len);
	if (!f) {
		mi_view_free(&v);
		return NULL;
	}
	fprintf(f, "%s|%s|%s|%s|%d|%.17g|%.17g|%llu|%s\n", v.kernel, v.source, v.host, v.shape,
		v.patched, v.early_start_s, v.early_end_s, (unsigned long long)v.page_size,
		v.page_size_from);
	for (i = 0; i < v.nr_rows; i++) {
		const struct mi_view_row *x = &v.rows[i];

		fprintf(f, "row %s|%s|%d|%d|%.17g|%.17g|%.17g|%.17g|%.17g|%.17g|%d\n", x->phase,
			x->name, x->node, x->cpu, x->seconds, x->cpu_seconds, x->pages, x->bytes,
			x->start_s, x->end_s, x->quality);
	}
	for (i = 0; i < v.nr_spans; i++) {
		const struct mi_view_span *x = &v.spans[i];

		fprintf(f, "span %s|%s|%d|%d|%.17g|%.17g|%d\n", x->phase, x->name, x->node,
			x->cpu, x->start_s, x->end_s, x->thin);
	}
	for (i = 0; i < v.nr_nodes; i++) {
		const struct mi_view_node *x = &v.nodes[i];

		fprintf(f, "node %d|%d|%llu|%.17g|%.17g|%.17g|%.17g|%.17g|%d\n", x->id,
			x->memoryless, (unsigned long long)x->norm_pages, x->present_pages,
			x->deferred_s, x->deferred_traced_s, x->deferred_kernel_s, x->bytes,
			x->threads);
	}
	for (i = 0; i < v.nr_tables; i++) {
		const struct mi_view_table *x = &v.tables[i];

		fprintf(f, "table %s|%s|%.17g|%.17g|%.17g|%.17g|%.17g|%d\n", x->name,
			x->placement, x->entries, x->bytes, x->seconds, x->alloc_s, x->zero_s,
			x->quality);
	}
	mi_view_free(&v);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* Write R, read it back, write again: same bytes, same view. */
static void round_trip(const char *label, const struct mi_report *r)
{
	char name[256], *j1 = json_of(r), *j2 = NULL, *v1 = dump_view(r), *v2 = NULL;
	json_object *o = j1 ? json_tokener_parse(j1) : NULL;
	struct mi_report back;
	bool read_ok = o && !mi_read_json(&back, o, label);

	json_object *tree = mi_report_json(r);

	snprintf(name, sizeof(name), "codec %s: the report's JSON reads back", label);
	EXPECT(name, read_ok && v1);
	snprintf(name, sizeof(name), "codec %s: the JSON tree (kexec runs) equals the text", label);
	EXPECT(name, tree && o && json_object_equal(tree, o));
	json_object_put(tree);
	if (read_ok) {
		j2 = json_of(&back);
		v2 = dump_view(&back);
		snprintf(name, sizeof(name), "codec %s: written again, the same %zu bytes", label,
			 j1 ? strlen(j1) : 0);
		EXPECT(name, j2 && !strcmp(j1, j2));
		snprintf(name, sizeof(name), "codec %s: the view read back equals the view collected",
			 label);
		EXPECT(name, v1 && v2 && !strcmp(v1, v2));
		mi_report_free(&back);
	}
	json_object_put(o);
	free(j1);
	free(j2);
	free(v1);
	free(v2);
}

static bool exists(const char *dir, const char *file)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return !access(unit_fixture_path(path), R_OK);
}

/* Add the zoneinfo and vmallocinfo captured in the same boot. */
static int add_procfs(struct mi_report *r, const char *dir)
{
	char path[512], *buf = NULL;
	int err;

	snprintf(path, sizeof(path), "%s/zoneinfo", dir);
	err = mi_read_file(unit_fixture_path(path), &buf, NULL);
	if (!err)
		err = mi_parse_zoneinfo(r, buf, path);
	free(buf);
	buf = NULL;
	if (err)
		return err;
	r->sources |= MI_SRC_PROCFS;
	snprintf(path, sizeof(path), "%s/vmallocinfo", dir);
	if (mi_read_file(unit_fixture_path(path), &buf, NULL))
		return 0;
	if (mi_parse_vmallocinfo(r, buf, path) >= 0)
		r->sources |= MI_SRC_VMALLOCINFO;
	free(buf);
	return 0;
}

static void test_capture(const char *dir)
{
	char dmesg[4200], trace[4200], records[4200], label[300];
	struct mi_collect_opts co = { .hz = 250 };
	struct mi_report r;
	int pass;

	snprintf(dmesg, sizeof(dmesg), "%s", unit_fixture_path(dir));
	strncat(dmesg, "/dmesg.txt", sizeof(dmesg) - strlen(dmesg) - 1);
	snprintf(trace, sizeof(trace), "%s/%s/trace.txt", unit_fixtures, dir);
	snprintf(records, sizeof(records), "%s/%s/records.bin", unit_fixtures, dir);
	co.dmesg_path = dmesg;
	co.ftrace_path = exists(dir, "trace.txt") ? trace : NULL;
	co.records_path = exists(dir, "records.bin") ? records : NULL;
	for (pass = 0; pass < 2; pass++) {
		mi_report_init(&r);
		snprintf(label, sizeof(label), "%s%s", dir, pass ? " + zoneinfo" : "");
		if (mi_collect(&r, &co) || (pass && add_procfs(&r, dir))) {
			printf("FAIL codec %s: cannot collect\n", label);
			unit_failed = 1;
		} else {
			round_trip(label, &r);
		}
		mi_report_free(&r);
		if (!exists(dir, "zoneinfo"))
			break;
	}
}

static void test_console(const char *dir)
{
	char path[4200], label[300];
	size_t n = 0, k;

	snprintf(path, sizeof(path), "%s/%s/console.log", unit_fixtures, dir);
	if (mi_collect_log_boots(path, &n) || n < 2) {
		printf("FAIL codec %s: cannot split its console log\n", dir);
		unit_failed = 1;
		return;
	}
	for (k = 1; k <= n; k++) {
		struct mi_collect_opts co = { .dmesg_path = path, .boot = (int)k, .hz = 250 };
		struct mi_report r;

		mi_report_init(&r);
		snprintf(label, sizeof(label), "%s boot %zu of %zu", dir, k, n);
		if (mi_collect(&r, &co)) {
			printf("FAIL codec %s: cannot collect\n", label);
			unit_failed = 1;
		} else {
			round_trip(label, &r);
		}
		mi_report_free(&r);
	}
}

/*
 * Schema versions: version 2 carries the page size; a version 1 report
 * (before it) is read with 4 KiB pages, and says so; a later version and a
 * page size no kernel has are refused. On the 16 KiB capture, whose log
 * states its page size.
 */
static void test_versions(void)
{
	char dmesg[4200];
	struct mi_collect_opts co = { .hz = 250 };
	struct mi_report r, back;
	json_object *o;
	struct mi_view v;

	snprintf(dmesg, sizeof(dmesg), "%s/6.12-arm64-16k-4node/dmesg.txt", unit_fixtures);
	co.dmesg_path = dmesg;
	mi_report_init(&r);
	if (mi_collect(&r, &co)) {
		printf("FAIL codec versions: cannot collect\n");
		unit_failed = 1;
		return;
	}
	o = mi_report_json(&r);
	EXPECT("codec versions: version 2 with the log's page size",
	       o && json_object_get_int(json_object_object_get(o, "schema_version")) == 2 &&
	       json_object_get_int(json_object_object_get(o, "page_size")) == 16384 &&
	       !strcmp(json_object_get_string(json_object_object_get(o, "page_size_from")),
		       "kernel log"));
	EXPECT("codec versions: the view's shape counts 16 KiB pages",
	       !mi_view_build(&v, &r) && !strcmp(v.shape, "1G+0G+1.5G+0.5G"));
	mi_view_free(&v);
	if (!o)
		goto out;
	json_object_object_add(o, "schema_version", json_object_new_int(1));
	json_object_object_del(o, "page_size");
	json_object_object_del(o, "page_size_from");
	EXPECT("codec versions: a version 1 report reads", !mi_read_json(&back, o, "v1"));
	EXPECT("codec versions: ... with 4 KiB pages, and a note says so",
	       back.page_size == 4096 && !strcmp(back.page_size_from, "schema v1") &&
	       back.nr_notes == r.nr_notes + 1 && strstr(back.notes[0], "schema version 1"));
	mi_report_free(&back);
	json_object_object_add(o, "schema_version", json_object_new_int(3));
	EXPECT("codec versions: version 3 is refused", mi_read_json(&back, o, "v3") == -EINVAL);
	json_object_object_add(o, "schema_version", json_object_new_int(2));
	json_object_object_add(o, "page_size", json_object_new_int(12288));
	EXPECT("codec versions: a page size no kernel has is refused",
	       mi_read_json(&back, o, "12k") == -EINVAL);
	json_object_put(o);
out:
	mi_report_free(&r);
}

int main(int argc, char **argv)
{
	struct dirent **names;
	int n, i, seen = 0;

	unit_init(argc, argv);
	n = scandir(unit_fixtures, &names, NULL, alphasort);
	EXPECT("codec: the fixtures directory reads", n > 0);
	for (i = 0; i < n; i++) {
		const char *d = names[i]->d_name;

		if (d[0] != '.' && exists(d, "dmesg.txt")) {
			test_capture(d);
			seen++;
		} else if (d[0] != '.' && exists(d, "console.log")) {
			test_console(d);
			seen++;
		}
		free(names[i]);
	}
	if (n > 0)
		free(names);
	EXPECT("codec: every capture with a log was tried (8 or more)", seen >= 8);
	test_versions();
	return unit_failed;
}

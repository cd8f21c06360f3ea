// SPDX-License-Identifier: GPL-2.0
/* meminit export: a report as Prometheus text, CSV, HTML or JSON. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmds.h"
#include "collect.h"
#include "export.h"
#include "view.h"
#include "report_files.h"
#include "output.h"
#include "runset.h"
#include "kexec_dir.h"
#include "safe_file.h"
#include "util.h"
#include "verb_opts.h"

#define PROM_NAME	"meminit.prom"
#define PROM_MODE	0644	/* node_exporter reads it as its own user */

enum exp_format { EXP_PROM, EXP_CSV, EXP_HTML, EXP_JSON };

static void usage(FILE *f)
{
	fprintf(f,
"Usage: meminit export [--format prom|csv|html|json] [--from PATH]\n"
"                      [--dmesg FILE] [--ftrace FILE] [--records FILE] [--hz N]\n"
"                      [--page-size SIZE]\n"
"                      [--via HOW] [--compare DIR[:VARIANT]] [--cpus all]\n"
"                      [--textfile-dir DIR | --output FILE]\n"
"\n"
"Export a report for other tools. Without --from, the report is collected now\n"
"from the same sources as 'meminit report' (the live kernel, or --dmesg,\n"
"--ftrace, --records, --hz, --page-size and --via as there).\n"
"  --format prom   Prometheus text for node_exporter's textfile collector:\n"
"                  meminit_info, meminit_node_memory_bytes, meminit_phase_*,\n"
"                  meminit_hash_table_*; base units, gauges, no timestamps;\n"
"                  series per node (--cpus all: per CPU too)\n"
"  --format csv    tidy rows, one per phase x node x cpu x run, with a header\n"
"  --format html   one self-contained file: CPU timeline, nodes, s/TiB bars; for\n"
"                  a kexec directory also each phase over the runs and A/B\n"
"  --format json   the report itself (schema meminit-report v1), checked\n"
"  --from PATH     a saved report JSON, a kexec run, a kexec directory (csv and\n"
"                  html: every run) or one variant of it (DIR:VARIANT), or, for\n"
"                  csv, a directory of report JSONs\n"
"  --compare SPEC  html: the A/B view of --from against SPEC (a kexec directory\n"
"                  or DIR:VARIANT); default: a --from with two or more variants\n"
"                  compares its first two\n"
"  --textfile-dir DIR  prom only: write DIR/" PROM_NAME " (mode 0644) atomically\n"
"  --output FILE   write FILE (mode 0600; prom 0644) atomically instead of stdout;\n"
"                  a symbolic link in the way is refused, nothing half-written stays\n");
}

struct exp_ctx {
	enum exp_format fmt;
	const char *from;
	/* --from DIR:VARIANT: the directory walked and the variant kept */
	char from_dir[1024];
	const char *variant;
	const char *compare;
	bool all_cpus;		/* prom: per-CPU series too */
	struct mi_report *live;	/* the report collected now, or NULL */
	/* one-report formats and html: the first report met */
	struct mi_report first;
	bool have_first;
	struct mi_view view;
	bool have_view;
	int nr;
	FILE *out;		/* csv streams while walking */
	/* csv of a saved log of several boots: one run per boot */
	const struct mi_collect_opts *co;
	size_t log_boots;
};

static int parse_format(const char *s)
{
	static const char *const names[] = {
		[EXP_PROM] = "prom", [EXP_CSV] = "csv", [EXP_HTML] = "html", [EXP_JSON] = "json",
		NULL
	};

	if (!strcmp(s, "openmetrics") || !strcmp(s, "prometheus"))
		return EXP_PROM;
	return mi_opt_format(s, names);
}

static int csv_rows(struct exp_ctx *c, const struct mi_report *r, int run, const char *variant)
{
	struct mi_view f;
	int err;

	err = mi_view_build(&f, r);
	if (err)
		return err;
	err = mi_export_csv_rows(c->out, &f, run, variant);
	mi_view_free(&f);
	return err;
}

/* Walk callback: csv rows of every report; otherwise keep the first one. */
static int on_report(const struct mi_report_src *s, void *arg)
{
	struct exp_ctx *c = arg;
	struct mi_report r;
	int err;

	if (c->variant && (!s->variant || strcmp(s->variant, c->variant)))
		return 0;
	c->nr++;
	if (c->fmt != EXP_CSV && c->have_first)
		return 0;
	err = mi_read_json(&r, s->report, s->path);
	if (err)
		return err;
	if (c->fmt == EXP_CSV) {
		err = csv_rows(c, &r, s->run, s->variant);
		mi_report_free(&r);
		return err;
	}
	c->first = r;
	c->have_first = true;
	return 0;
}

/*
 * --from DIR:VARIANT (no such file, DIR a kexec directory): walk DIR and
 * keep VARIANT's runs.
 */
static void split_variant(struct exp_ctx *c)
{
	const char *colon = strrchr(c->from, ':');
	struct stat st;

	if (!colon || !stat(c->from, &st) || (size_t)(colon - c->from) >= sizeof(c->from_dir))
		return;
	memcpy(c->from_dir, c->from, colon - c->from);
	c->from_dir[colon - c->from] = '\0';
	if (colon[1] && mi_reports_is_kexec_dir(c->from_dir))
		c->variant = colon + 1;
}

/* Load the runs for html: --from DIR[:VARIANT], with --compare or two variants. */
static int load_runs(struct exp_ctx *c, struct mi_runset *runs, struct mi_runset *ab,
		     bool *have_runs, bool *have_ab)
{
	char dir[1024], spec[1100];
	struct mi_kx_plan plan;
	const char *colon;
	struct stat st;
	int err;

	*have_runs = *have_ab = false;
	mi_strlcpy(dir, c->from, sizeof(dir));
	colon = strrchr(c->from, ':');
	if (stat(c->from, &st) && colon && (size_t)(colon - c->from) < sizeof(dir))
		dir[colon - c->from] = '\0';
	if (!mi_reports_is_kexec_dir(dir))
		return 0;
	err = mi_kx_plan_read(dir, &plan);
	if (err)
		return err;
	if (!strcmp(dir, c->from) && plan.nr_variants > 1 && !c->compare) {
		snprintf(spec, sizeof(spec), "%s:%s", dir, plan.v[0].name);
		err = mi_runset_load(runs, spec, false);
		if (err)
			return err;
		*have_runs = true;
		snprintf(spec, sizeof(spec), "%s:%s", dir, plan.v[1].name);
		err = mi_runset_load(ab, spec, false);
		if (err)
			return err;
		*have_ab = true;
		return 0;
	}
	err = mi_runset_load(runs, c->from, true);
	if (err)
		return err;
	*have_runs = true;
	if (c->compare) {
		err = mi_runset_load(ab, c->compare, true);
		if (err)
			return err;
		*have_ab = true;
	}
	return 0;
}

static int emit(FILE *out, struct exp_ctx *c)
{
	struct mi_walk_opts wo = { 0 };
	struct mi_runset runs, ab;
	bool have_runs = false, have_ab = false;
	int err;

	c->out = out;
	if (c->fmt == EXP_CSV) {
		err = mi_export_csv_header(out);
		if (err)
			return err;
	}
	if (c->log_boots) {
		size_t k;

		for (k = 1, err = 0; !err && k <= c->log_boots; k++) {
			struct mi_collect_opts one = *c->co;
			struct mi_report r;

			one.boot = (int)k;
			mi_report_init(&r);
			err = mi_collect(&r, &one);
			if (!err)
				err = csv_rows(c, &r, (int)k - 1, NULL);
			mi_report_free(&r);
		}
	} else if (c->live) {
		c->nr = 1;
		err = c->fmt == EXP_CSV ? csv_rows(c, c->live, -1, NULL) : 0;
	} else {
		err = mi_reports_walk(c->variant ? c->from_dir : c->from, on_report, c, &wo);
	}
	if (err)
		return err;
	if (c->variant && !c->nr) {
		mi_err("%s: no run of variant '%s' there", c->from_dir, c->variant);
		return -ENOENT;
	}
	if (c->fmt == EXP_CSV)
		return 0;
	if (!c->live && !c->have_first) {
		mi_err("%s holds no report", c->from);
		return -ENOENT;
	}
	if (c->nr > 1 && c->fmt != EXP_HTML) {
		mi_err("%s holds %d reports; --format %s exports one (give one file)", c->from,
		       c->nr, c->fmt == EXP_PROM ? "prom" : "json");
		return -EINVAL;
	}
	if (c->fmt == EXP_JSON)
		return mi_write_json(out, c->live ?: &c->first) ? -EIO : 0;
	err = mi_view_build(&c->view, c->live ?: &c->first);
	if (err)
		return err;
	c->have_view = true;
	if (c->fmt == EXP_PROM)
		return mi_export_prom(out, &c->view, c->all_cpus);
	if (c->from) {
		memset(&runs, 0, sizeof(runs));
		memset(&ab, 0, sizeof(ab));
		err = load_runs(c, &runs, &ab, &have_runs, &have_ab);
	}
	if (!err) {
		struct mi_html_opts ho = {
			.title = c->from ?: "this boot",
			.runs = have_runs ? &runs : NULL,
			.ab = have_ab ? &ab : NULL,
		};

		err = mi_export_html(out, &c->view, &ho);
	}
	if (have_runs)
		mi_runset_free(&runs);
	if (have_ab)
		mi_runset_free(&ab);
	return err;
}

static int write_to(const char *path, mode_t mode, struct exp_ctx *c)
{
	struct mi_safe_file sf;
	int err;

	err = mi_safe_open(&sf, path, mode);
	if (err)
		return err;
	err = emit(sf.f, c);
	if (err) {
		if (err == -EIO)
			mi_err("cannot write %s", path);
		mi_safe_abort(&sf);
		return err;
	}
	return mi_safe_commit(&sf);
}

static int check_textfile_dir(const char *dir)
{
	struct stat st;

	if (stat(dir, &st)) {
		int err = -errno;

		mi_err("textfile directory %s: %s", dir, strerror(-err));
		return err;
	}
	if (!S_ISDIR(st.st_mode)) {
		mi_err("textfile directory %s is not a directory", dir);
		return -ENOTDIR;
	}
	return 0;
}

int cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "from", required_argument, NULL, 'F' },
		{ "compare", required_argument, NULL, 'c' },
		{ "textfile-dir", required_argument, NULL, 'D' },
		{ "output", required_argument, NULL, 'o' },
		{ "cpus", required_argument, NULL, 'C' },
		MI_COLLECT_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct mi_collect_opts co = { .live = true };
	struct exp_ctx c = { .fmt = EXP_PROM };
	struct mi_report live;
	const char *textfile_dir = NULL, *output = NULL;
	bool sources = false;
	int ch, err;

	optind = 1;
	while ((ch = mi_verb_getopt("export", argc, argv, "f:F:c:D:o:C:" MI_COLLECT_SHORTOPTS "h",
				    opts)) != -1) {
		int src = mi_collect_parse_opt(ch, optarg, &co);

		if (src < 0)
			return MI_EXIT_USAGE;
		if (src) {
			sources = true;
			continue;
		}
		switch (ch) {
		case 'f':
			c.fmt = parse_format(optarg);
			if ((int)c.fmt < 0)
				return MI_EXIT_USAGE;
			break;
		case 'F':
			c.from = optarg;
			break;
		case 'c':
			c.compare = optarg;
			break;
		case 'D':
			textfile_dir = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'C':
			if (mi_opt_cpus(optarg, &c.all_cpus))
				return MI_EXIT_USAGE;
			break;
		default:
			return mi_verb_other(ch, usage);
		}
	}
	if (mi_verb_extra_args("export", argc, argv))
		return MI_EXIT_USAGE;
	if (c.from)
		split_variant(&c);
	if (c.from && sources) {
		mi_err("export: --from reads a saved report; the source options collect a new one");
		return MI_EXIT_USAGE;
	}
	if (textfile_dir && output) {
		mi_err("export: --textfile-dir and --output both name where to write; give one");
		return MI_EXIT_USAGE;
	}
	if (textfile_dir && c.fmt != EXP_PROM) {
		mi_err("export: --textfile-dir is for --format prom");
		return MI_EXIT_USAGE;
	}
	if (c.compare && c.fmt != EXP_HTML) {
		mi_err("export: --compare is for --format html");
		return MI_EXIT_USAGE;
	}
	if (textfile_dir && check_textfile_dir(textfile_dir))
		return MI_EXIT_ERROR;
	if (!c.from && c.fmt == EXP_CSV && co.dmesg_path && !co.boot) {
		/* A log of several boots is a run set: every boot, one run each. */
		if (mi_collect_log_boots(co.dmesg_path, &c.log_boots))
			return MI_EXIT_ERROR;
		if (c.log_boots < 2)
			c.log_boots = 0;
		c.co = &co;
	}
	if (!c.from && !c.log_boots) {
		mi_report_init(&live);
		if (mi_collect(&live, &co)) {
			mi_report_free(&live);
			return MI_EXIT_ERROR;
		}
		c.live = &live;
	}
	if (textfile_dir) {
		char path[4096];

		if ((size_t)snprintf(path, sizeof(path), "%s/%s", textfile_dir, PROM_NAME) >=
		    sizeof(path)) {
			mi_err("textfile directory %s: name too long", textfile_dir);
			err = -ENAMETOOLONG;
		} else {
			err = write_to(path, PROM_MODE, &c);
		}
	} else if (mi_opt_to_file(output)) {
		err = write_to(output, c.fmt == EXP_PROM ? PROM_MODE : MI_RESULT_MODE, &c);
	} else {
		err = emit(stdout, &c);
		if (!err && fflush(stdout))
			err = -EIO;
		if (err == -EIO)
			mi_err("cannot write to standard output");
	}
	if (c.have_view)
		mi_view_free(&c.view);
	if (c.have_first)
		mi_report_free(&c.first);
	if (c.live)
		mi_report_free(c.live);
	return err ? MI_EXIT_ERROR : MI_EXIT_OK;
}

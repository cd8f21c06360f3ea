// SPDX-License-Identifier: GPL-2.0
/*
 * meminit collect: once per boot (meminit-boot.service), the report as JSON
 * into an archive directory that keeps the last K boots, and its Prometheus
 * text into node_exporter's textfile directory.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmds.h"
#include "collect.h"
#include "conf.h"
#include "export.h"
#include "view.h"
#include "output.h"
#include "safe_file.h"
#include "util.h"
#include "verb_opts.h"

#define PROM_MODE	0644

static void usage(FILE *f)
{
	fprintf(f,
"Usage: meminit collect [--config FILE] [--archive-dir DIR] [--keep K]\n"
"                       [--textfile-dir DIR | --no-textfile] [--host NAME]\n"
"                       [--boot-id ID] [--dmesg FILE] [--ftrace FILE]\n"
"                       [--records FILE] [--hz N] [--page-size SIZE] [--via HOW]\n"
"\n"
"Collect this boot once, as meminit-boot.service does: the report (sources as\n"
"'meminit report') with \"host\" and \"boot_id\" added, written atomically to\n"
"ARCHIVE/BOOT_ID.json (0600; a second run in the same boot replaces it), the\n"
"oldest reports beyond the last K removed, and the Prometheus text written\n"
"atomically to TEXTFILE/meminit.prom (0644) for node_exporter.\n"
"  --config FILE       paths and limits (default " MI_CONF_DEFAULT ";\n"
"                      keys archive_dir, keep, textfile_dir, prom_name)\n"
"  --archive-dir DIR   default " MI_CONF_ARCHIVE " (made 0700)\n"
"  --keep K            reports kept in the archive, 1 to %d (default %d)\n"
"  --textfile-dir DIR  default " MI_CONF_TEXTFILE "; it must exist\n"
"  --no-textfile       write no .prom file\n"
"  --host NAME         host name to record (default: gethostname)\n"
"  --boot-id ID        boot to file it under (default:\n"
"                      /proc/sys/kernel/random/boot_id)\n", MI_CONF_KEEP_MAX, MI_CONF_KEEP);
}

static bool valid_id(const char *s)
{
	size_t n = strspn(s, "0123456789abcdefABCDEF-");

	return n > 0 && n <= 64 && !s[n];
}

static int read_boot_id(char *buf, size_t size)
{
	char *b = NULL;
	size_t len;
	int err = mi_read_file("/proc/sys/kernel/random/boot_id", &b, &len);

	if (err) {
		mi_err("cannot read /proc/sys/kernel/random/boot_id: %s (give --boot-id)",
		       strerror(-err));
		return err;
	}
	b[strcspn(b, "\n")] = '\0';
	mi_strlcpy(buf, b, size);
	free(b);
	if (!valid_id(buf)) {
		mi_err("/proc/sys/kernel/random/boot_id: unexpected content");
		return -EINVAL;
	}
	return 0;
}

struct old {
	char name[256];
	struct timespec mtime;
};

static int cmp_old(const void *a, const void *b)
{
	const struct old *x = a, *y = b;

	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
	if (x->mtime.tv_nsec != y->mtime.tv_nsec)
		return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Remove the oldest *.json of DIR beyond KEEP, never KEEP_NAME. */
static int prune(const char *dir, int keep, const char *keep_name, int *removed)
{
	struct old *v = NULL;
	size_t nr = 0, cap = 0, i, drop;
	struct dirent *de;
	int dfd, err = 0;
	DIR *d;

	*removed = 0;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	d = dfd >= 0 ? fdopendir(dfd) : NULL;
	if (!d) {
		err = -errno;
		mi_err("cannot read %s: %s", dir, strerror(-err));
		if (dfd >= 0)
			close(dfd);
		return err;
	}
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		struct stat st;

		if (de->d_name[0] == '.' || n < 6 || n >= sizeof(v->name) ||
		    strcmp(de->d_name + n - 5, ".json"))
			continue;
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) || !S_ISREG(st.st_mode))
			continue;
		if (mi_grow((void **)&v, &cap, nr, sizeof(*v))) {
			err = -ENOMEM;
			mi_err("out of memory");
			break;
		}
		mi_strlcpy(v[nr].name, de->d_name, sizeof(v[nr].name));
		v[nr].mtime = st.st_mtim;
		nr++;
	}
	if (!err && v && nr > (size_t)keep) {
		qsort(v, nr, sizeof(*v), cmp_old);
		drop = nr - keep;
		for (i = 0; i < nr && drop; i++) {
			if (!strcmp(v[i].name, keep_name))
				continue;
			if (unlinkat(dfd, v[i].name, 0)) {
				err = -errno;
				mi_err("cannot remove %s/%s: %s", dir, v[i].name, strerror(-err));
				break;
			}
			drop--;
			(*removed)++;
		}
		if (!err && fsync(dfd)) {
			err = -errno;
			mi_err("cannot sync %s: %s", dir, strerror(-err));
		}
	}
	free(v);
	closedir(d);
	return err;
}

static int write_prom(const char *dir, const char *name, const struct mi_report *r)
{
	struct mi_safe_file sf;
	struct mi_view f;
	char path[2048];
	int err;

	err = mi_view_build(&f, r);
	if (err)
		return err;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	err = mi_safe_open(&sf, path, PROM_MODE);
	if (!err) {
		err = mi_export_prom(sf.f, &f, false);
		if (err) {
			mi_err("cannot write %s", path);
			mi_safe_abort(&sf);
		} else {
			err = mi_safe_commit(&sf);
		}
	}
	mi_view_free(&f);
	return err;
}

static int write_archive(const struct mi_conf *c, const struct mi_report *r, int *removed)
{
	char path[2048], name[128];
	struct mi_safe_file sf;
	int err;

	err = mi_safe_mkdir(c->archive_dir);
	if (err)
		return err;
	snprintf(name, sizeof(name), "%s.json", r->boot_id);
	snprintf(path, sizeof(path), "%s/%s", c->archive_dir, name);
	err = mi_safe_open(&sf, path, MI_RESULT_MODE);
	if (err)
		return err;
	if (mi_write_json(sf.f, r)) {
		mi_err("cannot write %s", path);
		mi_safe_abort(&sf);
		return -EIO;
	}
	err = mi_safe_commit(&sf);
	if (!err)
		err = prune(c->archive_dir, c->keep, name, removed);
	if (!err)
		printf("meminit: %s written", path);
	return err;
}

int cmd_collect(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'C' },
		{ "archive-dir", required_argument, NULL, 'a' },
		{ "keep", required_argument, NULL, 'k' },
		{ "textfile-dir", required_argument, NULL, 'D' },
		{ "no-textfile", no_argument, NULL, 'N' },
		{ "host", required_argument, NULL, 'H' },
		{ "boot-id", required_argument, NULL, 'b' },
		MI_COLLECT_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *config = NULL, *archive = NULL, *textfile = NULL, *host = NULL, *boot = NULL;
	struct mi_collect_opts co = { .live = true };
	bool no_textfile = false;
	char boot_id[80], hostname[256];
	struct mi_conf conf;
	struct mi_report r;
	int ch, keep = 0, err, removed = 0;

	optind = 1;
	while ((ch = mi_verb_getopt("collect", argc, argv, "C:a:k:D:NH:b:" MI_COLLECT_SHORTOPTS "h",
				    opts)) != -1) {
		int src = mi_collect_parse_opt(ch, optarg, &co);

		if (src < 0)
			return MI_EXIT_USAGE;
		if (src)
			continue;
		switch (ch) {
		case 'C':
			config = optarg;
			break;
		case 'a':
			archive = optarg;
			break;
		case 'k':
			keep = mi_conf_parse_keep(optarg);
			if (keep < 0) {
				mi_err("--keep: '%s' is not a number of boots, 1 to %d", optarg,
				       MI_CONF_KEEP_MAX);
				return MI_EXIT_USAGE;
			}
			break;
		case 'D':
			textfile = optarg;
			break;
		case 'N':
			no_textfile = true;
			break;
		case 'H':
			host = optarg;
			break;
		case 'b':
			if (!valid_id(optarg)) {
				mi_err("--boot-id: '%s' is not a boot id (hex digits and '-')", optarg);
				return MI_EXIT_USAGE;
			}
			boot = optarg;
			break;
		default:
			return mi_verb_other(ch, usage);
		}
	}
	if (mi_verb_extra_args("collect", argc, argv))
		return MI_EXIT_USAGE;
	if (textfile && no_textfile) {
		mi_err("collect: --textfile-dir and --no-textfile contradict each other");
		return MI_EXIT_USAGE;
	}
	mi_conf_defaults(&conf);
	if (mi_conf_read(&conf, config ?: MI_CONF_DEFAULT, !config))
		return MI_EXIT_ERROR;
	if (archive)
		mi_strlcpy(conf.archive_dir, archive, sizeof(conf.archive_dir));
	if (keep)
		conf.keep = keep;
	if (textfile)
		mi_strlcpy(conf.textfile_dir, textfile, sizeof(conf.textfile_dir));
	if (no_textfile)
		conf.textfile_dir[0] = '\0';
	if (boot)
		mi_strlcpy(boot_id, boot, sizeof(boot_id));
	else if (read_boot_id(boot_id, sizeof(boot_id)))
		return MI_EXIT_ERROR;
	if (!host) {
		if (gethostname(hostname, sizeof(hostname))) {
			mi_err("cannot get the host name: %s (give --host)", strerror(errno));
			return MI_EXIT_ERROR;
		}
		hostname[sizeof(hostname) - 1] = '\0';
		host = hostname;
	}
	/* Check where the .prom goes before the work, so a bad path fails early. */
	if (conf.textfile_dir[0]) {
		struct stat st;

		if (stat(conf.textfile_dir, &st)) {
			mi_err("textfile directory %s: %s", conf.textfile_dir, strerror(errno));
			return MI_EXIT_ERROR;
		}
		if (!S_ISDIR(st.st_mode)) {
			mi_err("textfile directory %s is not a directory", conf.textfile_dir);
			return MI_EXIT_ERROR;
		}
	}
	mi_report_init(&r);
	err = mi_collect(&r, &co);
	if (err) {
		mi_report_free(&r);
		return MI_EXIT_ERROR;
	}
	mi_strlcpy(r.host, host, sizeof(r.host));
	mi_strlcpy(r.boot_id, boot_id, sizeof(r.boot_id));
	r.collected_unix = (long long)time(NULL);
	err = write_archive(&conf, &r, &removed);
	if (!err) {
		printf(" (%d older removed, keeping %d)\n", removed, conf.keep);
		if (conf.textfile_dir[0]) {
			err = write_prom(conf.textfile_dir, conf.prom_name, &r);
			if (!err)
				printf("meminit: %s/%s written\n", conf.textfile_dir, conf.prom_name);
		}
	}
	mi_report_free(&r);
	if (fflush(stdout) && !err) {
		mi_err("cannot write to standard output");
		err = -EIO;
	}
	return err ? MI_EXIT_ERROR : MI_EXIT_OK;
}

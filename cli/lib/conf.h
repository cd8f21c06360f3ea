/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /etc/meminit/meminit.conf: paths and limits of the boot-time collection
 * (meminit collect, meminit-boot.service). "key = value" lines, '#'
 * comments; an unknown key or a bad value is an error naming its line.
 */
#ifndef MEMINIT_CONF_H
#define MEMINIT_CONF_H

#include <stdbool.h>

#define MI_CONF_DEFAULT		"/etc/meminit/meminit.conf"
#define MI_CONF_ARCHIVE		"/var/lib/meminit/boots"
#define MI_CONF_TEXTFILE	"/var/lib/prometheus/node-exporter"
#define MI_CONF_KEEP		50
#define MI_CONF_KEEP_MAX	100000

struct mi_conf {
	char archive_dir[1024];		/* one report JSON per boot */
	int keep;			/* the last KEEP boots stay in archive_dir */
	char textfile_dir[1024];	/* "" = no .prom file */
	char prom_name[128];		/* file name in textfile_dir */
};

void mi_conf_defaults(struct mi_conf *c);
/*
 * Read PATH over C. A missing file is not an error when MAY_BE_MISSING (the
 * default path): the defaults stand. 0, or -errno after one line.
 */
int mi_conf_read(struct mi_conf *c, const char *path, bool may_be_missing);
/* Parse a keep count: 1..MI_CONF_KEEP_MAX, or -1. */
int mi_conf_parse_keep(const char *s);

#endif

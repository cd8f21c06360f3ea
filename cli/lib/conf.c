// SPDX-License-Identifier: GPL-2.0
/* The collection config file: key = value, '#' comments. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "util.h"

void mi_conf_defaults(struct mi_conf *c)
{
	mi_strlcpy(c->archive_dir, MI_CONF_ARCHIVE, sizeof(c->archive_dir));
	c->keep = MI_CONF_KEEP;
	mi_strlcpy(c->textfile_dir, MI_CONF_TEXTFILE, sizeof(c->textfile_dir));
	mi_strlcpy(c->prom_name, "meminit.prom", sizeof(c->prom_name));
}

int mi_conf_parse_keep(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > MI_CONF_KEEP_MAX)
		return -1;
	return (int)v;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int set(struct mi_conf *c, const char *path, int line, const char *k, const char *v)
{
	if (!strcmp(k, "archive_dir") || !strcmp(k, "textfile_dir")) {
		char *dst = !strcmp(k, "archive_dir") ? c->archive_dir : c->textfile_dir;

		if (strlen(v) >= sizeof(c->archive_dir) || (*v && *v != '/') ||
		    (!*v && dst == c->archive_dir)) {
			mi_err("%s:%d: %s must be an absolute path%s", path, line, k,
			       dst == c->textfile_dir ? " or empty (no .prom file)" : "");
			return -EINVAL;
		}
		mi_strlcpy(dst, v, sizeof(c->archive_dir));
	} else if (!strcmp(k, "keep")) {
		c->keep = mi_conf_parse_keep(v);
		if (c->keep < 0) {
			mi_err("%s:%d: keep must be a number of boots, 1 to %d", path, line,
			       MI_CONF_KEEP_MAX);
			return -EINVAL;
		}
	} else if (!strcmp(k, "prom_name")) {
		size_t n = strlen(v);

		if (n < 6 || n >= sizeof(c->prom_name) || strchr(v, '/') || v[0] == '.' ||
		    strcmp(v + n - 5, ".prom")) {
			mi_err("%s:%d: prom_name must be a file name ending in .prom", path, line);
			return -EINVAL;
		}
		mi_strlcpy(c->prom_name, v, sizeof(c->prom_name));
	} else {
		mi_err("%s:%d: unknown key '%s' (archive_dir, keep, textfile_dir, prom_name)",
		       path, line, k);
		return -EINVAL;
	}
	return 0;
}

int mi_conf_read(struct mi_conf *c, const char *path, bool may_be_missing)
{
	const char *l;
	char *buf = NULL;
	size_t len, pos = 0;
	ssize_t n;
	int err, line = 0;

	err = mi_read_file(path, &buf, &len);
	if (err == -ENOENT && may_be_missing)
		return 0;
	if (err) {
		mi_err("cannot read %s: %s", path, strerror(-err));
		return err;
	}
	while (!err && (n = mi_next_line(buf, &pos, &l)) >= 0) {
		char tmp[2048], *k, *v, *eq;

		line++;
		if ((size_t)n >= sizeof(tmp)) {
			mi_err("%s:%d: line too long", path, line);
			err = -EINVAL;
			break;
		}
		memcpy(tmp, l, n);
		tmp[n] = '\0';
		k = trim(tmp);
		if (!*k || *k == '#')
			continue;
		eq = strchr(k, '=');
		if (!eq) {
			mi_err("%s:%d: expected key = value", path, line);
			err = -EINVAL;
			break;
		}
		*eq = '\0';
		v = trim(eq + 1);
		k = trim(k);
		err = set(c, path, line, k, v);
	}
	free(buf);
	return err;
}

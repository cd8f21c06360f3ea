// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kconfig.h"
#include "util.h"

int mi_kconfig_load(struct mi_kconfig *kc, const char *release)
{
	char path[256];
	int err;

	memset(kc, 0, sizeof(*kc));
	err = mi_read_gz_file("/proc/config.gz", &kc->text, NULL);
	if (!err && kc->text[0]) {
		mi_strlcpy(kc->source, "/proc/config.gz", sizeof(kc->source));
		return 0;
	}
	free(kc->text);
	kc->text = NULL;
	snprintf(path, sizeof(path), "/boot/config-%s", release);
	err = mi_read_file(path, &kc->text, NULL);
	if (err)
		return err;
	mi_strlcpy(kc->source, path, sizeof(kc->source));
	return 0;
}

const char *mi_kconfig_get(const struct mi_kconfig *kc, const char *name, char *buf, int len)
{
	size_t n = strlen(name);
	const char *p = kc->text;

	while (p && (p = strstr(p, name))) {
		bool line_start = p == kc->text || p[-1] == '\n';

		if (line_start && p[n] == '=') {
			const char *v = p + n + 1;
			int vl = strcspn(v, "\n");

			snprintf(buf, len, "%.*s", vl, v);
			if (buf[0] == '"') {	/* strip quotes of string options */
				memmove(buf, buf + 1, strlen(buf));
				buf[strcspn(buf, "\"")] = '\0';
			}
			return buf;
		}
		p += n;
	}
	return NULL;
}

void mi_kconfig_free(struct mi_kconfig *kc)
{
	free(kc->text);
	kc->text = NULL;
}

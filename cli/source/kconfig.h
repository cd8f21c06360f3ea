/* SPDX-License-Identifier: GPL-2.0 */
/* The running kernel's build configuration. */
#ifndef MEMINIT_KCONFIG_H
#define MEMINIT_KCONFIG_H

struct mi_kconfig {
	char *text;
	char source[256];	/* the file it came from */
};

/*
 * Load /proc/config.gz (CONFIG_IKCONFIG_PROC, read with zlib) or else
 * /boot/config-RELEASE. Returns 0 or -errno (no message printed).
 */
int mi_kconfig_load(struct mi_kconfig *kc, const char *release);
/* "y", "m", a value, or NULL when the option is not set. */
const char *mi_kconfig_get(const struct mi_kconfig *kc, const char *name, char *buf, int len);
void mi_kconfig_free(struct mi_kconfig *kc);

#endif

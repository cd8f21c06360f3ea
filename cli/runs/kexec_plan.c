// SPDX-License-Identifier: GPL-2.0
/* Building a kexec plan from the command line (kexec_plan.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kexec.h"
#include "kexec_segments.h"
#include "kexec_plan.h"
#include "util.h"

/* /proc/cmdline without what a boot loader or an earlier run put there. */
static int reuse_cmdline(char *dst, size_t size)
{
	char line[4096], *p;
	size_t n = 0;

	mi_read_line("/proc/cmdline", line, sizeof(line));
	if (!line[0]) {
		mi_err("--reuse-cmdline: cannot read /proc/cmdline");
		return -ENOENT;
	}
	dst[0] = '\0';
	for (p = strtok(line, " "); p; p = strtok(NULL, " ")) {
		if (mi_starts_with(p, MI_KX_PARAM) || mi_starts_with(p, "BOOT_IMAGE=") ||
		    mi_starts_with(p, "initrd="))
			continue;
		n += snprintf(dst + n, n < size ? size - n : 0, "%s%s", n ? " " : "", p);
	}
	if (n >= size) {
		mi_err("--reuse-cmdline: /proc/cmdline is too long");
		return -E2BIG;
	}
	return 0;
}

void mi_kx_plan_describe(const struct mi_kx_plan *p, const char *out)
{
	int i, total = mi_kx_total(p);

	printf("meminit kexec plan for %s\n", out);
	printf("  %d run%s of each of %d variant%s = %d kexec boot%s, in this order:",
	       p->runs, p->runs == 1 ? "" : "s", p->nr_variants, p->nr_variants == 1 ? "" : "s",
	       total, total == 1 ? "" : "s");
	for (i = 0; i < total && i < 24; i++)
		printf(" %s", p->v[mi_kx_variant_of(p, i)].name);
	printf("%s\n", total > 24 ? " ..." : "");
	for (i = 0; i < p->nr_variants; i++) {
		const struct mi_kx_variant *v = &p->v[i];

		printf("  variant %s: kernel %s\n", v->name, v->kernel);
		printf("  %*s  initrd %s\n", (int)strlen(v->name) + 8, "",
		       v->initrd[0] ? v->initrd : "(none)");
		printf("  %*s  cmdline \"%s " MI_KX_PARAM "<nonce>\"\n",
		       (int)strlen(v->name) + 8, "", v->cmdline);
	}
	printf("  each boot: the hook collects the run into %s/runs/ while it loads the next\n"
	       "  kernel (%s), writes pending.json, syncs and reboots into it%s\n",
	       out, p->syscall == MI_KX_SYSCALL_AUTO ?
	       "--syscall auto: kexec_load where meminit's loader serves the boot,\n"
	       "  else kexec_file_load" : mi_kx_syscall_name(p->syscall),
	       p->delay_s ? " after a delay" : "");
	if (p->syscall != MI_KX_SYSCALL_FILE && mi_kx_image_unsupported())
		printf("  on this boot kexec_load cannot be used: %s\n", mi_kx_image_unsupported());
	printf("  a boot without its nonce (panic, firmware reboot, power cut) is a failed\n"
	       "  attempt; the loop stops after %d of them\n", p->max_failures);
	printf("  the hook must run at every boot: systemctl enable meminit-kexec.service,\n"
	       "  or 'meminit kexec --hook %s' from the init script\n", out);
}

int mi_kx_plan_add_variant(struct mi_kx_plan *p, const char *name)
{
	struct mi_kx_variant *v;
	int i;

	if (p->nr_variants >= MI_KX_MAX_VARIANTS) {
		mi_err("--variant: at most %d variants", MI_KX_MAX_VARIANTS);
		return -E2BIG;
	}
	if (!*name || strlen(name) >= sizeof(v->name) || strpbrk(name, " /\t\n\"\\")) {
		mi_err("--variant: '%s' is not a short name (no spaces or slashes)", name);
		return -EINVAL;
	}
	for (i = 0; i < p->nr_variants; i++)
		if (!strcmp(p->v[i].name, name)) {
			mi_err("--variant: '%s' given twice", name);
			return -EINVAL;
		}
	v = &p->v[p->nr_variants++];
	memset(v, 0, sizeof(*v));
	mi_strlcpy(v->name, name, sizeof(v->name));
	return 0;
}

int mi_kx_cmdline_append(char *dst, size_t size, const char *add)
{
	size_t n = strlen(dst);

	if (n + 1 + strlen(add) + 1 > size) {
		mi_err("--append: the command line is longer than %zu bytes", size - 1);
		return -E2BIG;
	}
	snprintf(dst + n, size - n, "%s%s", n ? " " : "", add);
	return 0;
}

int mi_kx_plan_finish(struct mi_kx_plan *p, const struct mi_kx_variant *common, bool reuse)
{
	char base[2048] = "";
	int i, err;

	if (reuse) {
		err = reuse_cmdline(base, sizeof(base));
		if (err)
			return err;
	}
	if (common->cmdline[0] && (err = mi_kx_cmdline_append(base, sizeof(base), common->cmdline)))
		return err;
	if (!p->nr_variants)
		mi_kx_plan_add_variant(p, "default");
	for (i = 0; i < p->nr_variants; i++) {
		struct mi_kx_variant *v = &p->v[i];
		char own[sizeof(v->cmdline)];

		if (!v->kernel[0])
			mi_strlcpy(v->kernel, common->kernel, sizeof(v->kernel));
		if (!v->initrd[0])
			mi_strlcpy(v->initrd, common->initrd, sizeof(v->initrd));
		mi_strlcpy(own, v->cmdline, sizeof(own));
		mi_strlcpy(v->cmdline, base, sizeof(v->cmdline));
		if (own[0] && (err = mi_kx_cmdline_append(v->cmdline, sizeof(v->cmdline), own)))
			return err;
		if (!v->kernel[0]) {
			mi_err("no --kernel for variant %s", v->name);
			return -EINVAL;
		}
		err = mi_kexec_check_image(v->kernel);
		if (!err && v->initrd[0])
			err = mi_kexec_check_initrd(v->initrd);
		if (err)
			return err;
		if (!mi_abs_path(v->kernel, v->kernel, sizeof(v->kernel)) ||
		    (v->initrd[0] && !mi_abs_path(v->initrd, v->initrd, sizeof(v->initrd)))) {
			mi_err("cannot resolve the path of %s", v->kernel);
			return -EINVAL;
		}
	}
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A kexec plan as 'meminit kexec' builds it from its options: variants,
 * each with its kernel, initrd and command line, resolved against the
 * options given before the first --variant; and the plan said in words
 * before anything is written.
 */
#ifndef MEMINIT_KEXEC_PLAN_H
#define MEMINIT_KEXEC_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "kexec_dir.h"

/* Start variant NAME: 0, or -errno after one line (too many, bad or repeated name). */
int mi_kx_plan_add_variant(struct mi_kx_plan *p, const char *name);
/* Append ADD to the command line DST: 0, or -E2BIG after one line. */
int mi_kx_cmdline_append(char *dst, size_t size, const char *add);
/*
 * Resolve the variants against COMMON (the options before the first
 * --variant; REUSE: this boot's /proc/cmdline first) and check every kernel
 * and initrd. 0, or -errno after one line.
 */
int mi_kx_plan_finish(struct mi_kx_plan *p, const struct mi_kx_variant *common, bool reuse);
/* What the plan will do, in words, on stdout; OUT is its directory. */
void mi_kx_plan_describe(const struct mi_kx_plan *p, const char *out);

#endif

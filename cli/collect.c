// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "collect.h"
#include "dmesg.h"
#include "ftrace.h"
#include "kconfig.h"
#include "procfs.h"
#include "util.h"

/* A saved log or trace: text only, so a NUL byte means the wrong file. */
static int read_input(const char *path, char **buf)
{
	size_t len;
	char *nul;
	int err = mi_read_file(path, buf, &len);

	if (err) {
		mi_err("cannot read %s: %s", path, strerror(-err));
		return err;
	}
	nul = memchr(*buf, '\0', len);
	if (nul) {
		mi_err("%s: binary data at byte %zu: not a text log", path, (size_t)(nul - *buf));
		free(*buf);
		*buf = NULL;
		return -EINVAL;
	}
	return 0;
}

static int collect_dmesg(struct mi_report *r, const struct mi_collect_opts *o)
{
	char *buf;
	int err;

	if (o->dmesg_path) {
		err = read_input(o->dmesg_path, &buf);
		if (err)
			return err;
		err = mi_parse_dmesg(r, buf, o->dmesg_path);
		free(buf);
		return err;
	}
	err = mi_read_kmsg(&buf);
	if (err) {
		mi_err("cannot read the kernel log /dev/kmsg: %s%s", strerror(-err),
		       err == -EPERM || err == -EACCES ?
		       " (needs root, or kernel.dmesg_restrict=0)" : "");
		return err;
	}
	err = mi_parse_dmesg(r, buf, "/dev/kmsg");
	free(buf);
	return err;
}

static int collect_procfs(struct mi_report *r)
{
	char *buf;
	int err;

	err = mi_read_file("/proc/zoneinfo", &buf, NULL);
	if (err) {
		mi_err("cannot read /proc/zoneinfo: %s", strerror(-err));
		return err;
	}
	err = mi_parse_zoneinfo(r, buf, "/proc/zoneinfo");
	free(buf);
	if (err)
		return err;
	err = mi_read_sysfs_nodes(r, "");
	if (err)
		return err;
	err = mi_read_file("/proc/vmallocinfo", &buf, NULL);
	if (err) {
		mi_report_note(r, "per-node placement of hash tables needs /proc/vmallocinfo (%s)",
			       strerror(-err));
		return 0;
	}
	err = mi_parse_vmallocinfo(r, buf, "/proc/vmallocinfo");
	free(buf);
	return err < 0 ? err : 0;
}

/* The live boot trace, if the boot was armed: tracefs or its debugfs mount. */
static int read_live_trace(char **buf)
{
	static const char *const paths[] = {
		"/sys/kernel/tracing/trace", "/sys/kernel/debug/tracing/trace",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(paths); i++)
		if (!mi_read_file(paths[i], buf, NULL))
			return 0;
	return -ENOENT;
}

static int collect_ftrace(struct mi_report *r, const struct mi_collect_opts *o)
{
	struct mi_ftrace ft;
	const char *what = o->ftrace_path;
	bool clock_ok;
	char *buf;
	int err;

	if (o->ftrace_path) {
		err = read_input(o->ftrace_path, &buf);
		if (err)
			return err;
	} else {
		if (!o->live || read_live_trace(&buf))
			return 0;	/* no boot trace: dmesg alone */
		what = "tracefs";
		if (!strstr(buf, "# tracer: function\n")) {
			free(buf);
			return 0;	/* tracing is not the armed function tracer */
		}
	}
	err = mi_parse_ftrace(&ft, buf, what);
	free(buf);
	if (err)
		return err;
	clock_ok = strstr(r->cmdline, "trace_clock=global") != NULL;
	err = mi_merge_ftrace(r, &ft, clock_ok);
	mi_ftrace_free(&ft);
	return err;
}

/* Derive what the sources imply, and say what they cannot see. */
static void finish(struct mi_report *r, const struct mi_collect_opts *o)
{
	bool any_deferred = false;
	size_t i;

	mi_report_sort_nodes(r);
	for (i = 0; i < r->nr_nodes; i++) {
		struct mi_node *n = &r->nodes[i];

		if (n->seen_sysfs && !mi_node_present(n) && !n->mem_total_kb)
			n->memoryless = true;
		if (n->deferred_ms >= 0)
			any_deferred = true;
	}
	if (o->hz)
		r->hz = o->hz;
	if (!any_deferred)
		mi_report_note(r, "no \"deferred pages initialised\" line: this kernel initialized "
			       "every struct page early (CONFIG_DEFERRED_STRUCT_PAGE_INIT off, or "
			       "memory small enough for the early pass)");
	mi_report_note(r, "a stock kernel does not time vmemmap population, early memmap init "
		       "or the hash tables allocated before tracing starts: the early window "
		       "only bounds them by printk timestamps");
	if (any_deferred && !r->nr_chunks) {
		char res[64] = "HZ unknown: give --hz";

		if (r->hz)
			snprintf(res, sizeof(res), "%.0f ms at HZ=%d", 1000.0 / r->hz, r->hz);
		mi_report_note(r, "the kernel times deferred init per node only, in jiffies (%s); "
			       "per-CPU chunks need a boot armed with 'meminit arm'", res);
	}
	if (!(r->sources & MI_SRC_PROCFS))
		mi_report_note(r, "from a saved log only: zone spanned/present/managed counts and "
			       "per-node placement need a live run");
}

int mi_collect(struct mi_report *r, const struct mi_collect_opts *o)
{
	struct mi_kconfig kc;
	struct utsname u;
	int err;

	r->live = o->live;
	err = collect_dmesg(r, o);
	if (err)
		return err;
	if (o->live) {
		err = collect_procfs(r);
		if (err)
			return err;
		if (!uname(&u)) {
			if (!r->kernel[0])
				mi_strlcpy(r->kernel, u.release, sizeof(r->kernel));
			if (!mi_kconfig_load(&kc, u.release)) {
				char v[32];

				if (mi_kconfig_get(&kc, "CONFIG_HZ", v, sizeof(v)))
					r->hz = atoi(v);
				mi_kconfig_free(&kc);
			}
		}
	}
	err = collect_ftrace(r, o);
	if (err)
		return err;
	finish(r, o);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "bootrec.h"
#include "boots.h"
#include "collect.h"
#include "dmesg.h"
#include "ftrace.h"
#include "kconfig.h"
#include "procfs.h"
#include "records_file.h"
#include "utf8.h"
#include "util.h"

/*
 * Text from the world may hold bytes that are not UTF-8 (line noise on a
 * serial console): repaired here, once, so every output is valid UTF-8, and
 * the report says so.
 */
static int repair_text(struct mi_report *r, char **buf, const char *what)
{
	long bad = mi_utf8_repair(buf);

	if (bad < 0) {
		mi_err("%s: %s", what, strerror(-bad));
		free(*buf);
		*buf = NULL;
		return (int)bad;
	}
	if (bad)
		mi_report_note(r, "%s: %ld byte sequence%s not valid UTF-8 (line noise?), shown "
			       "as U+FFFD", what, bad, bad == 1 ? "" : "s");
	return 0;
}

/* A saved log or trace: text only, so a NUL byte means the wrong file. */
static int read_input(struct mi_report *r, const char *path, char **buf)
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
	return repair_text(r, buf, path);
}

/*
 * A saved log may hold several boots (a console of a kexec loop, a console
 * log with a dmesg dump appended): *BUF becomes the one asked for, the last
 * by default, and the report says which of how many it is.
 */
static int pick_boot(struct mi_report *r, char **buf, const struct mi_collect_opts *o)
{
	struct mi_boots b;
	size_t k;
	char *one;

	if (o->boot == MI_BOOT_ALL) {
		mi_err("--boot all: one report per boot is 'meminit report' only");
		return -EINVAL;
	}
	if (mi_split_boots(*buf, &b)) {
		mi_err("out of memory");
		return -ENOMEM;
	}
	if (o->boot > 0 && (size_t)o->boot > b.n) {
		mi_err("%s holds %zu boot%s: there is no boot %d", o->dmesg_path, b.n,
		       b.n == 1 ? "" : "s", o->boot);
		mi_boots_free(&b);
		return -EINVAL;
	}
	k = o->boot > 0 ? (size_t)o->boot - 1 : b.n - 1;
	if (b.n > 1 || b.copies) {
		char copies[96] = "", from[48] = "from its start";

		if (b.copies)
			snprintf(copies, sizeof(copies), " and %zu cop%s of one (a dmesg dump, a boot "
				 "console) read as one", b.copies, b.copies == 1 ? "y" : "ies");
		if (b.b[k].first_line)
			snprintf(from, sizeof(from), "from line %zu", b.b[k].first_line);
		mi_report_note(r, "%s holds %zu boot%s%s: this is boot %zu of %zu, %s (--boot N "
			       "picks another, --boot all gives each)", o->dmesg_path, b.n,
			       b.n == 1 ? "" : "s", copies, k + 1, b.n, from);
		one = strndup(*buf + b.b[k].start, b.b[k].len);
		if (!one) {
			mi_boots_free(&b);
			mi_err("out of memory");
			return -ENOMEM;
		}
		free(*buf);
		*buf = one;
	}
	mi_boots_free(&b);
	return 0;
}

int mi_collect_log_boots(const char *path, size_t *n)
{
	struct mi_boots b;
	struct mi_report r;
	char *buf;
	int err;

	mi_report_init(&r);
	err = read_input(&r, path, &buf);
	mi_report_free(&r);
	if (err)
		return err;
	err = mi_split_boots(buf, &b);
	free(buf);
	if (err) {
		mi_err("out of memory");
		return err;
	}
	*n = b.n;
	mi_boots_free(&b);
	return 0;
}

static int collect_dmesg(struct mi_report *r, const struct mi_collect_opts *o)
{
	char *buf;
	int err;

	if (o->dmesg_path) {
		err = read_input(r, o->dmesg_path, &buf);
		if (err)
			return err;
		err = pick_boot(r, &buf, o);
		if (!err)
			err = mi_parse_dmesg(r, buf, o->dmesg_path);
		free(buf);
		return err;
	}
	err = mi_read_kmsg(&buf);
	if (err) {
		mi_err("cannot read the kernel log /dev/kmsg: %s%s", strerror(-err),
		       err == -EPERM || err == -EACCES ?
		       " (needs root: CAP_SYSLOG, or kernel.dmesg_restrict=0)" : "");
		return err;
	}
	err = repair_text(r, &buf, "/dev/kmsg");
	if (err)
		return err;
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

/*
 * A boot armed with trace_event=meminit:meminit_record holds the phases that
 * ran after event tracing came up (early_initcall): deferred init, late hash
 * tables. The boot records hold the same phases: an event equal to a record
 * is dropped, one the records lack (lost to overflow) is added.
 */
static int merge_trace_events(struct mi_report *r, const char *buf, const char *what)
{
	size_t before = r->nr_events, other;
	uint64_t dups = r->rec_dups;
	unsigned int src = r->sources;
	int err;

	if (!strstr(buf, "meminit_record: ") && !strstr(buf, "meminit_replay: "))
		return 0;
	err = mi_parse_records_events(r, buf, what, &other);
	if (err)
		return err;
	r->sources = src | MI_SRC_FTRACE;
	if (!(src & MI_SRC_RECORDS))
		snprintf(r->rec_via, sizeof(r->rec_via), "boot trace (%s) of meminit:meminit_record",
			 what);
	mi_report_note(r, "boot trace %s: %llu meminit events already in the boot records, "
		       "%zu added (not counted twice)", what,
		       (unsigned long long)(r->rec_dups - dups), r->nr_events - before);
	return 0;
}

static int collect_ftrace(struct mi_report *r, const struct mi_collect_opts *o)
{
	struct mi_ftrace ft;
	const char *what = o->ftrace_path;
	bool clock_ok;
	char *buf;
	int err;

	if (o->ftrace_path) {
		err = read_input(r, o->ftrace_path, &buf);
		if (err)
			return err;
	} else {
		if (!o->live || read_live_trace(&buf))
			return 0;	/* no boot trace: dmesg alone */
		what = "tracefs";
		err = repair_text(r, &buf, what);
		if (err)
			return err;
	}
	err = merge_trace_events(r, buf, what);
	if (err) {
		free(buf);
		return err;
	}
	if (!strstr(buf, "# tracer: function\n") &&
	    (!o->ftrace_path || strstr(buf, "meminit_record: ") || strstr(buf, "meminit_replay: "))) {
		free(buf);
		return 0;	/* not the armed function tracer: its events are merged */
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

/* The records file that says whether the kernel was booted with meminit_stats. */
static bool recording_off(void)
{
	char *buf;
	bool off;

	if (mi_read_file(MI_RECORDS_DIR "/records", &buf, NULL))
		return false;
	off = strstr(buf, " recording off") != NULL;
	free(buf);
	return off;
}

static int collect_records_live(struct mi_report *r, const struct mi_collect_opts *o)
{
	char why[256];
	int err;

	if (!mi_bootrec_kernel_patched())
		return 0;
	if (access(MI_RECORDS_DIR, F_OK)) {
		mi_report_note(r, "this kernel has the meminit patches but %s is missing "
			       "(debugfs not mounted?): no boot records", MI_RECORDS_DIR);
		return 0;
	}
	if (recording_off()) {
		mi_report_note(r, "this kernel has the meminit patches but was booted without "
			       "\"meminit_stats\": no boot records (see 'meminit arm')");
		return 0;
	}
	if (o->via == MI_VIA_AUTO || o->via == MI_VIA_BPF || o->via == MI_VIA_PERFBUF) {
		struct mi_bootrec_opts bo = {
			.buf = o->via == MI_VIA_PERFBUF ? MI_BOOTREC_PERFBUF : MI_BOOTREC_AUTO,
			.bpf_stats = o->bpf_stats,
			.stats = o->replay_stats,
		};

		err = mi_bootrec_replay(r, &bo, why, sizeof(why));
		if (!err)
			return 0;
		if (o->via != MI_VIA_AUTO) {
			mi_err("boot records through BPF: %s", why);
			return err;
		}
		mi_report_truncate_events(r, 0);
		mi_warn("BPF path refused (%s): reading %s/records.bin instead", why,
			MI_RECORDS_DIR);
	}
	if (o->via != MI_VIA_TEXT) {
		char *buf;
		size_t len;

		err = mi_read_file(MI_RECORDS_DIR "/records.bin", &buf, &len);
		if (!err) {
			err = mi_parse_records_bin(r, buf, len, MI_RECORDS_DIR "/records.bin");
			free(buf);
			if (!err) {
				snprintf(r->rec_via, sizeof(r->rec_via), "debugfs %s/records.bin%s",
					 MI_RECORDS_DIR, o->via == MI_VIA_AUTO ? " (BPF refused)" : "");
				return 0;
			}
			return err;
		}
		if (o->via == MI_VIA_BIN) {
			mi_err("cannot read %s/records.bin: %s", MI_RECORDS_DIR, strerror(-err));
			return err;
		}
		mi_warn("cannot read %s/records.bin (%s): reading the text file", MI_RECORDS_DIR,
			strerror(-err));
	}
	{
		char *buf;

		err = mi_read_file(MI_RECORDS_DIR "/records", &buf, NULL);
		if (err) {
			mi_err("cannot read %s/records: %s", MI_RECORDS_DIR, strerror(-err));
			return err;
		}
		err = mi_parse_records_text(r, buf, MI_RECORDS_DIR "/records");
		free(buf);
		if (!err)
			snprintf(r->rec_via, sizeof(r->rec_via), "debugfs %s/records%s",
				 MI_RECORDS_DIR, o->via == MI_VIA_AUTO ? " (BPF refused)" : "");
		return err;
	}
}

static int collect_records(struct mi_report *r, const struct mi_collect_opts *o)
{
	size_t other = 0;
	char *buf;
	int err;

	if (o->via == MI_VIA_NONE)
		return 0;
	if (o->records_path)
		return mi_load_records_file(r, o->records_path);
	if (o->perf_path) {
		err = read_input(r, o->perf_path, &buf);
		if (err)
			return err;
		err = mi_parse_records_events(r, buf, o->perf_path, &other);
		free(buf);
		if (err)
			return err;
		snprintf(r->rec_via, sizeof(r->rec_via), "perf script %s", o->perf_path);
		if (other)
			mi_report_note(r, "%s: %zu lines of other events ignored", o->perf_path, other);
		return 0;
	}
	if (o->live)
		return collect_records_live(r, o);
	return 0;
}

/*
 * Before any source that counts pages: --page-size, which overrides (a
 * source that says otherwise is noted), else the running kernel's when
 * this is its own /proc.
 */
static int collect_page_size(struct mi_report *r, const struct mi_collect_opts *o)
{
	long ps;

	if (o->page_size)
		return mi_report_set_page_size(r, o->page_size, "--page-size");
	if (!o->live)
		return 0;
	ps = sysconf(_SC_PAGESIZE);
	if (ps <= 0 || mi_report_set_page_size(r, (uint64_t)ps, "sysconf")) {
		mi_err("this kernel's page size: sysconf gives %ld", ps);
		return -EINVAL;
	}
	return 0;
}

/* Derive what the sources imply, and say what they cannot see. */
static void finish(struct mi_report *r, const struct mi_collect_opts *o)
{
	bool any_deferred = false;
	size_t i;

	mi_report_page_size_finish(r);
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
	mi_note_lagging_jiffies(r);
	if (r->nr_events) {
		if (!(r->sources & MI_SRC_PROCFS))
			mi_report_note(r, "from saved records only: pages per node are the records' "
				       "sums, not checked against a live /proc/zoneinfo");
		return;
	}
	if (r->lazy_deferred_pages)
		mi_report_note(r, "the kernel left %llu pages (%.1f GiB) of struct pages to "
			       "deferred_grow_zone() (deferred_init=lazy): they are initialized on "
			       "demand at runtime, after boot, and no boot-time figure here includes "
			       "them; 'meminit trace' times deferred_grow_zone where it stays resident",
			       (unsigned long long)r->lazy_deferred_pages,
			       mi_pages_bytes(r, r->lazy_deferred_pages) / (1 << 30));
	else if ((r->sources & MI_SRC_DMESG) && !any_deferred && r->log_complete)
		mi_report_note(r, "no \"deferred pages initialised\" line: this kernel initialized "
			       "every struct page early (CONFIG_DEFERRED_STRUCT_PAGE_INIT off, or "
			       "memory small enough for the early pass)");
	else if ((r->sources & MI_SRC_DMESG) && !any_deferred)
		mi_report_note(r, "no \"deferred pages initialised\" line in this log, which does "
			       "not start at boot: whether the kernel deferred struct page init "
			       "cannot be told from it");
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

int mi_parse_via(const char *s, enum mi_records_via *via)
{
	static const char *const names[] = {
		[MI_VIA_AUTO] = "auto", [MI_VIA_BPF] = "bpf", [MI_VIA_PERFBUF] = "perfbuf",
		[MI_VIA_BIN] = "bin", [MI_VIA_TEXT] = "text", [MI_VIA_NONE] = "none",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(s, names[i])) {
			*via = i;
			return 0;
		}
	mi_err("--via: '%s' is not auto, bpf, perfbuf, bin, text or none", s);
	return -EINVAL;
}

/*
 * --page-size: bytes, or with a K (KiB) suffix: "16384", "16K", "64KiB".
 * 0, or -EINVAL after an error line.
 */
static int parse_page_size(const char *arg, unsigned long *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (end != arg && (!strcmp(end, "K") || !strcmp(end, "k") || !strcmp(end, "KiB")))
		v <<= 10;
	else if (*end)
		v = 0;
	if (errno || arg[0] == '-' || !mi_page_size_valid(v)) {
		mi_err("--page-size: '%s' is not a kernel page size (4K, 16K, 64K... or bytes)",
		       arg);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

int mi_collect_parse_opt(int c, const char *arg, struct mi_collect_opts *co)
{
	long v;

	switch (c) {
	case 'd':
		co->dmesg_path = arg;
		co->live = false;
		return 1;
	case 't':
		co->ftrace_path = arg;
		return 1;
	case 'r':
		co->records_path = arg;
		co->live = false;
		return 1;
	case 'z':
		if (mi_parse_long("--hz", arg, 1, 10000, "a kernel HZ (e.g. 250)", &v))
			return -1;
		co->hz = v;
		return 1;
	case 'V':
		return mi_parse_via(arg, &co->via) ? -1 : 1;
	case 'P':
		return parse_page_size(arg, &co->page_size) ? -1 : 1;
	case 'B':
		if (!strcmp(arg, "all")) {
			co->boot = MI_BOOT_ALL;
			return 1;
		}
		if (mi_parse_long("--boot", arg, 1, 1000000, "a boot number from 1, or all", &v))
			return -1;
		co->boot = v;
		return 1;
	default:
		return 0;
	}
}

int mi_collect(struct mi_report *r, const struct mi_collect_opts *o)
{
	struct mi_kconfig kc;
	struct utsname u;
	int err;

	if (o->boot && !o->dmesg_path) {
		mi_err("--boot picks a boot of a saved log: give --dmesg FILE");
		return -EINVAL;
	}
	r->live = o->live;
	err = collect_page_size(r, o);
	if (err)
		return err;
	if (o->live || o->dmesg_path) {
		err = collect_dmesg(r, o);
		if (err)
			return err;
	}
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
	err = collect_records(r, o);
	if (err)
		return err;
	err = collect_ftrace(r, o);
	if (err)
		return err;
	err = mi_records_finish(r);
	if (err)
		return err;
	finish(r, o);
	return 0;
}

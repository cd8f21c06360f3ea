// SPDX-License-Identifier: GPL-2.0
/*
 * meminit check: what this kernel offers and, from that, what meminit can
 * measure on it. Attach support is probed by loading a tiny program, never
 * inferred from the version.
 */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cmds.h"
#include "dmesg.h"
#include "kconfig.h"
#include "output.h"
#include "probe.h"
#include "kexec.h"
#include "kexec_segments.h"
#include "live_bpf.h"
#include "util.h"
#include "verb_opts.h"

static const char *const config_keys[] = {
	"CONFIG_DEFERRED_STRUCT_PAGE_INIT", "CONFIG_MEMORY_HOTPLUG", "CONFIG_KEXEC", "CONFIG_KEXEC_FILE",
	"CONFIG_DEBUG_INFO_BTF", "CONFIG_NUMA", "CONFIG_KPROBES", "CONFIG_FUNCTION_TRACER",
	"CONFIG_MEMINIT_STATS", "CONFIG_HZ", "CONFIG_PAGE_SHIFT",
};

/* The runtime struct-page paths 'meminit hotplug' and 'trace' attach to. */
static const char *const live_funcs[] = {
	"online_pages", "move_pfn_range_to_zone", "memmap_init_range",
	"memmap_init_zone_device", "__add_pages", "deferred_grow_zone",
};

struct attach_result {
	int err;
	char reason[160];
};

struct check {
	struct utsname u;
	bool root, btf, patched, kexec_loaded_file, boot_traced;
	long page_size;		/* sysconf: what every page count of this kernel is in */
	struct mi_kconfig kc;
	int kc_err;
	char cfg[ARRAY_SIZE(config_keys)][32];
	struct attach_result fentry, kprobe, tp_btf, raw_tp;
	struct attach_result fn_fentry[ARRAY_SIZE(live_funcs)];
	struct attach_result fn_kprobe[ARRAY_SIZE(live_funcs)];
	bool fn_boot_only[ARRAY_SIZE(live_funcs)];	/* __init: not tried */
	char patched_how[128];
	char early_clock[320];	/* did this boot's clock run before memmap init */
};

static bool path_exists(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0;
}

static void probe(struct attach_result *a, enum mi_attach_kind k, const char *target)
{
	a->err = mi_probe_attach(k, target, a->reason, sizeof(a->reason));
}

/*
 * The early phases are timed only if sched_clock ran before memmap init:
 * this boot's own log says whether it did (its memory lines stamped above
 * 0) and, when not, why.
 */
static void early_clock(struct check *c)
{
	struct mi_early_clock ec;
	char *log, why[96] = "";

	if (mi_read_kmsg(&log)) {
		snprintf(c->early_clock, sizeof(c->early_clock), "early phases: this boot's log "
			 "(/dev/kmsg) is not readable here, so whether its clock ran before memmap "
			 "init cannot be told");
		return;
	}
	mi_dmesg_early_clock(log, &ec);
	free(log);
	if (!ec.memmap_lines) {
		snprintf(c->early_clock, sizeof(c->early_clock), "early phases: this boot's log no "
			 "longer holds its memory lines (the ring buffer wrapped): whether its clock "
			 "ran before memmap init cannot be told");
		return;
	}
	if (ec.memmap_stamped) {
		snprintf(c->early_clock, sizeof(c->early_clock), "early phases: this boot's clock "
			 "ran before memmap init (its memory lines are stamped), so they can be timed");
		return;
	}
	if (ec.failed_line)
		snprintf(why, sizeof(why), ": its quick TSC calibration failed (log line %zu)",
			 ec.failed_line);
	snprintf(c->early_clock, sizeof(c->early_clock), "early phases: untimed in this boot, "
		 "whose clock started after memmap init (its memory lines are stamped 0)%s; "
		 "'meminit arm' adds tsc_early_khz=%lu for the next boot", why, ec.tsc_khz);
}

static void gather(struct check *c)
{
	char *trace;
	size_t i;

	memset(c, 0, sizeof(*c));
	if (uname(&c->u))
		mi_strlcpy(c->u.release, "(unknown)", sizeof(c->u.release));
	c->root = geteuid() == 0;
	c->btf = mi_have_btf();
	c->page_size = sysconf(_SC_PAGESIZE);
	c->kc_err = mi_kconfig_load(&c->kc, c->u.release);
	for (i = 0; i < ARRAY_SIZE(config_keys); i++)
		if (c->kc_err || !mi_kconfig_get(&c->kc, config_keys[i], c->cfg[i], sizeof(c->cfg[i])))
			c->cfg[i][0] = '\0';
	/* The patches add meminit:* tracepoints and a debugfs directory. */
	if (path_exists("/sys/kernel/tracing/events/meminit"))
		snprintf(c->patched_how, sizeof(c->patched_how), "tracepoints meminit:*");
	else if (path_exists("/sys/kernel/debug/meminit"))
		snprintf(c->patched_how, sizeof(c->patched_how), "/sys/kernel/debug/meminit");
	c->patched = c->patched_how[0];
	c->kexec_loaded_file = path_exists("/sys/kernel/kexec_loaded");
	if (!mi_read_file("/sys/kernel/tracing/trace", &trace, NULL)) {
		c->boot_traced = strstr(trace, "# tracer: function\n") &&
				 (strstr(trace, "deferred_init_memmap") ||
				  strstr(trace, "alloc_large_system_hash"));
		free(trace);
	}
	early_clock(c);
	probe(&c->fentry, MI_ATTACH_FENTRY, "online_pages");
	probe(&c->kprobe, MI_ATTACH_KPROBE, "online_pages");
	probe(&c->tp_btf, MI_ATTACH_TP_BTF, "sched_switch");
	probe(&c->raw_tp, MI_ATTACH_RAW_TP, "sched_switch");
	for (i = 0; i < ARRAY_SIZE(live_funcs); i++) {
		/* An __init function: attaching can only fail, say why instead. */
		c->fn_boot_only[i] = mi_live_boot_only(live_funcs[i], c->fn_fentry[i].reason,
						       sizeof(c->fn_fentry[i].reason));
		if (c->fn_boot_only[i]) {
			c->fn_fentry[i].err = -ENOENT;
			c->fn_kprobe[i] = c->fn_fentry[i];
			continue;
		}
		probe(&c->fn_fentry[i], MI_ATTACH_FENTRY, live_funcs[i]);
		probe(&c->fn_kprobe[i], MI_ATTACH_KPROBE, live_funcs[i]);
	}
}

static const char *cfg(const struct check *c, const char *key)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(config_keys); i++)
		if (!strcmp(config_keys[i], key))
			return c->cfg[i];
	return "";
}

static bool cfg_on(const struct check *c, const char *key)
{
	const char *v = cfg(c, key);

	return !strcmp(v, "y") || !strcmp(v, "m");
}

/* One sentence per phase: what meminit will measure here, and how. */
static int verdicts(const struct check *c, const char *out[], int max)
{
	bool live_any = false;
	int n = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(live_funcs); i++)
		if (!c->fn_fentry[i].err || !c->fn_kprobe[i].err)
			live_any = true;
	if (c->early_clock[0])
		out[n++] = c->early_clock;
	if (c->patched)
		out[n++] = "vmemmap and early memmap init: timed per node by the kernel's boot records";
	else
		out[n++] = "vmemmap and early memmap init: not timed by this kernel; 'report' bounds "
			   "them by printk timestamps only";
	if (!c->kc_err && !cfg_on(c, "CONFIG_DEFERRED_STRUCT_PAGE_INIT"))
		out[n++] = "deferred init: this kernel initializes every struct page early "
			   "(CONFIG_DEFERRED_STRUCT_PAGE_INIT is off)";
	else if (c->patched)
		out[n++] = "deferred init: per node and per CPU chunk from the boot records";
	else if (c->boot_traced)
		out[n++] = "deferred init: per node and per CPU from this boot's function trace, "
			   "bounded by the kernel's own lines";
	else
		out[n++] = "deferred init: per node from the kernel's line, jiffies resolution; "
			   "'meminit arm' gets per-CPU chunks on the next boot";
	if (c->patched)
		out[n++] = "hash tables: allocation and zeroing time per table from the boot records";
	else
		out[n++] = "hash tables: size, kind and node placement; time only for tables "
			   "allocated after the boot trace starts (armed boots)";
	if (!c->kc_err && !cfg_on(c, "CONFIG_MEMORY_HOTPLUG"))
		out[n++] = "memory hotplug: not built into this kernel";
	else if (live_any)
		out[n++] = "memory hotplug and ZONE_DEVICE: live per node and CPU with BPF "
			   "('meminit hotplug', 'meminit trace')";
	else
		out[n++] = "memory hotplug: page counts from sysfs only; BPF cannot attach to the "
			   "struct page paths here (see the attach lines)";
	if (n > max)
		n = max;
	return n;
}

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

static const char *attach_text(const struct attach_result *a)
{
	return a->err ? a->reason : "yes";
}

static void print_table(const struct check *c)
{
	const char *v[8];
	int n, i;
	size_t k;

	printf("meminit check: kernel %s (%s)\n", c->u.release, c->u.machine);
	printf("  %-24s %s\n", "running as root", yes_no(c->root));
	printf("  %-24s %s\n", "kernel BTF", c->btf ? "yes (/sys/kernel/btf/vmlinux)" : "no");
	printf("  %-24s %ld KiB (sysconf)\n", "page size", c->page_size >> 10);
	if (c->kc_err)
		printf("  %-24s not found (/proc/config.gz, /boot/config-%s): %s\n",
		       "kernel config", c->u.release, strerror(-c->kc_err));
	else
		printf("  %-24s %s\n", "kernel config", c->kc.source);
	for (k = 0; !c->kc_err && k < ARRAY_SIZE(config_keys); k++)
		printf("    %-30s %s\n", config_keys[k] + strlen("CONFIG_"),
		       c->cfg[k][0] ? c->cfg[k] : "not set");
	printf("  %-24s %s\n", "attach fentry", attach_text(&c->fentry));
	printf("  %-24s %s\n", "attach kprobe", attach_text(&c->kprobe));
	printf("  %-24s %s\n", "attach tp_btf", attach_text(&c->tp_btf));
	printf("  %-24s %s\n", "attach raw_tp", attach_text(&c->raw_tp));
	printf("  runtime struct page paths:\n");
	for (k = 0; k < ARRAY_SIZE(live_funcs); k++)
		if (c->fn_boot_only[k])
			printf("    %-24s no: %s\n", live_funcs[k], c->fn_fentry[k].reason);
		else
			printf("    %-24s fentry: %s; kprobe: %s\n", live_funcs[k],
			       attach_text(&c->fn_fentry[k]), attach_text(&c->fn_kprobe[k]));
	printf("  %-24s %s%s%s\n", "meminit kernel patches", c->patched ? "yes (" : "no",
	       c->patched_how, c->patched ? ")" : "");
	printf("  %-24s %s\n", "boot trace (armed)", yes_no(c->boot_traced));
	printf("  %-24s %s%s%s\n", "kexec", !c->kexec_loaded_file ? "no" :
	       cfg_on(c, "CONFIG_KEXEC") ? "kexec_load" : "no kexec_load (CONFIG_KEXEC off)",
	       !c->kexec_loaded_file ? "" : cfg_on(c, "CONFIG_KEXEC_FILE") ? ", kexec_file_load" :
	       ", no kexec_file_load (CONFIG_KEXEC_FILE off)",
	       mi_kexec_unsupported() ? "; 'meminit kexec' cannot run: " : "");
	if (mi_kexec_unsupported())
		printf("  %-24s %s\n", "", mi_kexec_unsupported());
	else if (c->kexec_loaded_file && cfg_on(c, "CONFIG_KEXEC") && mi_kx_image_unsupported())
		printf("  %-24s meminit's kexec_load loader cannot serve this boot: %s\n", "",
		       mi_kx_image_unsupported());
	printf("\nWhat meminit can measure on this kernel:\n");
	n = verdicts(c, v, ARRAY_SIZE(v));
	for (i = 0; i < n; i++)
		printf("- %s\n", v[i]);
}

static json_object *attach_json(const struct attach_result *a)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "ok", json_object_new_boolean(!a->err));
	json_object_object_add(o, "reason", a->err ? json_object_new_string(a->reason) : NULL);
	return o;
}

static int print_json(const struct check *c)
{
	json_object *root = json_object_new_object(), *o, *f;
	const char *v[8];
	size_t k;
	int n, i;

	json_object_object_add(root, "schema", json_object_new_string("meminit-check"));
	json_object_object_add(root, "schema_version", json_object_new_int(1));
	json_object_object_add(root, "kernel", json_object_new_string(c->u.release));
	json_object_object_add(root, "root", json_object_new_boolean(c->root));
	json_object_object_add(root, "btf", json_object_new_boolean(c->btf));
	json_object_object_add(root, "page_size", c->page_size > 0 ?
			       json_object_new_int64(c->page_size) : NULL);
	json_object_object_add(root, "config_source", c->kc_err ? NULL :
			       json_object_new_string(c->kc.source));
	o = json_object_new_object();
	for (k = 0; !c->kc_err && k < ARRAY_SIZE(config_keys); k++)
		json_object_object_add(o, config_keys[k], c->cfg[k][0] ?
				       json_object_new_string(c->cfg[k]) : NULL);
	json_object_object_add(root, "config", o);
	o = json_object_new_object();
	json_object_object_add(o, "fentry", attach_json(&c->fentry));
	json_object_object_add(o, "kprobe", attach_json(&c->kprobe));
	json_object_object_add(o, "tp_btf", attach_json(&c->tp_btf));
	json_object_object_add(o, "raw_tp", attach_json(&c->raw_tp));
	json_object_object_add(root, "attach", o);
	o = json_object_new_object();
	for (k = 0; k < ARRAY_SIZE(live_funcs); k++) {
		f = json_object_new_object();
		json_object_object_add(f, "fentry", attach_json(&c->fn_fentry[k]));
		json_object_object_add(f, "kprobe", attach_json(&c->fn_kprobe[k]));
		json_object_object_add(o, live_funcs[k], f);
	}
	json_object_object_add(root, "functions", o);
	json_object_object_add(root, "patched", json_object_new_boolean(c->patched));
	json_object_object_add(root, "boot_traced", json_object_new_boolean(c->boot_traced));
	o = json_object_new_array();
	n = verdicts(c, v, ARRAY_SIZE(v));
	for (i = 0; i < n; i++)
		json_object_array_add(o, json_object_new_string(v[i]));
	json_object_object_add(root, "can_measure", o);
	printf("%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
						      JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	return 0;
}

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int fmt = MI_FMT_TABLE, ch;
	struct check c;

	optind = 1;
	while ((ch = mi_verb_getopt("check", argc, argv, "f:h", opts)) != -1) {
		switch (ch) {
		case 'f':
			fmt = mi_opt_format(optarg, mi_formats_table_json);
			if (fmt < 0)
				return MI_EXIT_USAGE;
			break;
		case 'h':
			printf("Usage: meminit check [--format table|json]\n\n"
			       "Kernel release, BTF, kernel config (/proc/config.gz or /boot/config-*),\n"
			       "which BPF attach types work (probed by loading a tiny program), the\n"
			       "meminit patches, and what meminit can therefore measure here.\n");
			return MI_EXIT_OK;
		default:
			return MI_EXIT_USAGE;
		}
	}
	if (mi_verb_extra_args("check", argc, argv))
		return MI_EXIT_USAGE;
	gather(&c);
	if (fmt == MI_FMT_JSON)
		print_json(&c);
	else
		print_table(&c);
	mi_kconfig_free(&c.kc);
	if (fflush(stdout)) {
		mi_err("cannot write to standard output");
		return MI_EXIT_ERROR;
	}
	return MI_EXIT_OK;
}

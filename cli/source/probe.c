// SPDX-License-Identifier: GPL-2.0
/*
 * Feature probes by loading and attaching a tiny program (bpf/probe.bpf.c).
 * The reasons are for people: they name the cause (notrace, not root, no
 * BTF, kprobes not configured) rather than only an errno.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "probe.h"
#include "util.h"
#include "probe.skel.h"

/* The kernel's internal ENOTSUPP leaks to user space from BPF trampolines. */
#ifndef ENOTSUPP
#define ENOTSUPP 524
#endif

static const char *const tracefs_dirs[] = {
	"/sys/kernel/tracing",
	"/sys/kernel/debug/tracing",
};

const char *mi_attach_kind_name(enum mi_attach_kind kind)
{
	switch (kind) {
	case MI_ATTACH_FENTRY:	return "fentry";
	case MI_ATTACH_KPROBE:	return "kprobe";
	case MI_ATTACH_TP_BTF:	return "tp_btf";
	case MI_ATTACH_RAW_TP:	return "raw_tp";
	}
	return "?";
}

static int libbpf_print_fn(enum libbpf_print_level level, const char *fmt,
			   va_list ap)
{
	/* libbpf explains every failure at length; meminit says it in one line. */
	if (!mi_verbose)
		return 0;
	/* libbpf's messages already start with "libbpf: ". */
	fprintf(stderr, "meminit: debug%s: ", level == LIBBPF_WARN ? " (warning)" : "");
	return vfprintf(stderr, fmt, ap);
}

void mi_bpf_init(void)
{
	static bool done;

	if (done)
		return;
	done = true;
	libbpf_set_print(libbpf_print_fn);
}

bool mi_have_btf(void)
{
	return access("/sys/kernel/btf/vmlinux", R_OK) == 0;
}

/* errno name for messages; strerrorname_np() does not know ENOTSUPP. */
static const char *errname(int err)
{
	const char *s;

	if (err < 0)
		err = -err;
	if (err == ENOTSUPP)
		return "ENOTSUPP";
	s = strerrorname_np(err);
	return s ? s : "unknown error";
}

/* Does @path hold a line whose first word is @word? 1/0, -1 unreadable. */
static int file_has_word(const char *path, const char *word, int field)
{
	size_t cap = 0, wlen = strlen(word);
	char *line = NULL;
	int found = 0;
	FILE *f;

	f = fopen(path, "re");
	if (!f)
		return -1;
	while (getline(&line, &cap, f) > 0) {
		const char *p = line;
		int i;

		/* available_filter_functions: "name [mod]" */
		for (i = 0; i < field && p; i++) {
			p = strchr(p, ' ');
			if (p)
				p++;
		}
		if (p && !strncmp(p, word, wlen) &&
		    (p[wlen] == '\n' || p[wlen] == ' ' || p[wlen] == '\t' ||
		     p[wlen] == '\0')) {
			found = 1;
			break;
		}
	}
	free(line);
	fclose(f);
	return found;
}

int mi_ksym_traceable(const char *func)
{
	char path[128];
	size_t i;
	int r;

	for (i = 0; i < ARRAY_SIZE(tracefs_dirs); i++) {
		snprintf(path, sizeof(path), "%s/available_filter_functions",
			 tracefs_dirs[i]);
		r = file_has_word(path, func, 0);
		if (r >= 0)
			return r;
	}
	return -1;
}

/*
 * Where is @func in /proc/kallsyms: sets *found, and *init when its address
 * lies in the kernel's init text (__init, freed after boot: kallsyms keeps
 * listing such symbols, so compare with _sinittext/_einittext). One pass,
 * stopping once all three are seen, and the answer for the last function
 * is kept: reading kallsyms is the slowest step of a failed attach (seconds
 * on a slow guest), and auto mode explains fentry then kprobe for the same
 * function. Returns 0, or -1 when kallsyms cannot be read; *init is -1 when
 * unknown (addresses hidden).
 */
static int ksym_lookup(const char *func, int *found, int *init)
{
	static char cached[128];
	static int cached_found, cached_init;
	unsigned long long addr, fa = 0, ib = 0, ie = 0;
	char type, name[256];
	size_t cap = 0;
	char *line = NULL;
	bool seen = false;
	FILE *f;

	if (cached[0] && !strcmp(cached, func)) {
		*found = cached_found;
		*init = cached_init;
		return 0;
	}
	f = fopen("/proc/kallsyms", "re");
	if (!f)
		return -1;
	while (getline(&line, &cap, f) > 0 && !(seen && ib && ie)) {
		if (sscanf(line, "%llx %c %255s", &addr, &type, name) != 3)
			continue;
		if (!seen && !strcmp(name, func)) {
			seen = true;
			fa = addr;
		} else if (!strcmp(name, "_sinittext")) {
			ib = addr;
		} else if (!strcmp(name, "_einittext")) {
			ie = addr;
		}
	}
	free(line);
	if (ferror(f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	*found = seen;
	*init = (!seen || !fa || !ib || !ie) ? -1 : fa >= ib && fa < ie;
	if (strlen(func) < sizeof(cached)) {
		mi_strlcpy(cached, func, sizeof(cached));
		cached_found = *found;
		cached_init = *init;
	}
	return 0;
}

int mi_ksym_after_boot(const char *func)
{
	int found = -1, init = -1;

	if (ksym_lookup(func, &found, &init))
		return -1;
	if (!found)
		return -ENOENT;
	return init < 0 ? -1 : !init;
}

/* The kernel has kprobes when it offers the kprobe PMU or tracefs kprobe_events. */
static bool have_kprobes(void)
{
	char path[128];
	size_t i;

	if (access("/sys/bus/event_source/devices/kprobe/type", R_OK) == 0)
		return true;
	for (i = 0; i < ARRAY_SIZE(tracefs_dirs); i++) {
		snprintf(path, sizeof(path), "%s/kprobe_events", tracefs_dirs[i]);
		if (access(path, F_OK) == 0)
			return true;
	}
	return false;
}

static void explain(enum mi_attach_kind kind, const char *target, int err,
		    const char *stage, char *reason, size_t len)
{
	const char *k = mi_attach_kind_name(kind);
	bool func = kind == MI_ATTACH_FENTRY || kind == MI_ATTACH_KPROBE;
	int found = -1, init = -1;

	if (!reason || !len)
		return;
	if ((err == -EPERM || err == -EACCES) && geteuid() != 0) {
		snprintf(reason, len, "%s needs root (CAP_BPF and CAP_PERFMON)", k);
		return;
	}
	if (kind == MI_ATTACH_KPROBE && !have_kprobes()) {
		snprintf(reason, len, "kprobes are not configured in this kernel");
		return;
	}
	if (func && ksym_lookup(target, &found, &init) == 0 && !found) {
		snprintf(reason, len,
			 "%s is not in /proc/kallsyms (absent or inlined)",
			 target);
		return;
	}
	if (func && found == 1 && init == 1) {
		snprintf(reason, len, "%s is __init here, freed after boot (%s: %s)",
			 target, k, errname(err));
		return;
	}
	/*
	 * A function the kernel marks notrace is missing from
	 * available_filter_functions: fentry fails with ENOTSUPP and kprobes
	 * may refuse it too (6.1's __meminit is notrace).
	 */
	if (func && mi_ksym_traceable(target) == 0) {
		snprintf(reason, len, "%s is notrace here (%s: %s)", target, k,
			 errname(err));
		return;
	}
	if ((kind == MI_ATTACH_FENTRY || kind == MI_ATTACH_TP_BTF) &&
	    (err == -ESRCH || err == -ENOENT) && !strcmp(stage, "target")) {
		snprintf(reason, len, "%s%s has no BTF entry in this kernel",
			 kind == MI_ATTACH_TP_BTF ? "tracepoint " : "", target);
		return;
	}
	if (err == -EPERM || err == -EACCES) {
		snprintf(reason, len, "%s refused by this kernel (%s)", k, errname(err));
		return;
	}
	snprintf(reason, len, "%s on %s failed at %s (%s)", k, target, stage,
		 errname(err));
}

int mi_probe_attach(enum mi_attach_kind kind, const char *target,
		    char *reason, size_t reason_len)
{
	struct bpf_program *progs[4], *prog;
	struct bpf_link *link = NULL;
	struct probe_bpf *skel;
	const char *stage;
	size_t i;
	int err;

	mi_bpf_init();
	if (reason && reason_len)
		reason[0] = '\0';
	if ((unsigned int)kind >= ARRAY_SIZE(progs) || !target || !*target) {
		if (reason && reason_len)
			snprintf(reason, reason_len, "bad probe request");
		return -EINVAL;
	}
	if ((kind == MI_ATTACH_FENTRY || kind == MI_ATTACH_TP_BTF) && !mi_have_btf()) {
		if (reason && reason_len)
			snprintf(reason, reason_len,
				 "no kernel BTF (/sys/kernel/btf/vmlinux missing)");
		return -ENOENT;
	}

	skel = probe_bpf__open();
	if (!skel) {
		err = -errno;
		stage = "open";
		goto fail;
	}
	progs[MI_ATTACH_FENTRY] = skel->progs.probe_fentry;
	progs[MI_ATTACH_KPROBE] = skel->progs.probe_kprobe;
	progs[MI_ATTACH_TP_BTF] = skel->progs.probe_tp_btf;
	progs[MI_ATTACH_RAW_TP] = skel->progs.probe_raw_tp;
	prog = progs[kind];
	/* Only the program under test is loaded: the others have no target. */
	for (i = 0; i < ARRAY_SIZE(progs); i++) {
		err = bpf_program__set_autoload(progs[i], progs[i] == prog);
		if (err) {
			stage = "open";
			goto fail;
		}
	}
	if (kind == MI_ATTACH_FENTRY || kind == MI_ATTACH_TP_BTF) {
		/* For tp_btf libbpf adds the btf_trace_ prefix itself. */
		err = bpf_program__set_attach_target(prog, 0, target);
		if (err) {
			stage = "target";
			goto fail;
		}
	}
	err = probe_bpf__load(skel);
	if (err) {
		stage = "load";
		goto fail;
	}
	switch (kind) {
	case MI_ATTACH_KPROBE:
		link = bpf_program__attach_kprobe(prog, false, target);
		break;
	case MI_ATTACH_RAW_TP:
		link = bpf_program__attach_raw_tracepoint(prog, target);
		break;
	default:
		link = bpf_program__attach(prog);
		break;
	}
	if (!link) {
		err = -errno;
		stage = "attach";
		goto fail;
	}
	bpf_link__destroy(link);
	probe_bpf__destroy(skel);
	mi_debug("probe: %s on %s attaches", mi_attach_kind_name(kind), target);
	return 0;

fail:
	if (err >= 0)
		err = -EINVAL;
	explain(kind, target, err, stage, reason, reason_len);
	mi_debug("probe: %s on %s: %s (%d at %s)", mi_attach_kind_name(kind),
		 target, reason ? reason : "", err, stage);
	probe_bpf__destroy(skel);
	return err;
}

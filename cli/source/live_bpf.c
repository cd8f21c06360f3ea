// SPDX-License-Identifier: GPL-2.0
/*
 * User-space side of bpf/live.bpf.c, libbpf-tools style:
 * open -> set rodata and autoload -> load -> attach -> read -> destroy.
 * Which program pair each function gets is decided by really attaching a
 * tiny probe (probe.c): fentry first, kprobe otherwise.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "live_bpf.h"
#include "probe.h"
#include "util.h"
#include "live.skel.h"

struct phase_desc {
	const char *func;
	const char *within;
	int level;
	bool maybe_init;	/* __init on most kernels; some keep it (kallsyms says) */
};

/* Indexed by enum live_phase; the nesting is the hotplug call chain. */
static const struct phase_desc phases[LIVE_NR_PHASES] = {
	[LIVE_ONLINE_PAGES]	  = { .func = "online_pages" },
	[LIVE_MOVE_PFN_RANGE]	  = { .func = "move_pfn_range_to_zone", .within = "online_pages",
				      .level = 1 },
	[LIVE_MEMMAP_INIT_RANGE]  = { .func = "memmap_init_range",
				      .within = "move_pfn_range_to_zone", .level = 2 },
	[LIVE_MEMMAP_INIT_DEVICE] = { .func = "memmap_init_zone_device" },
	[LIVE_ADD_PAGES]	  = { .func = "__add_pages" },
	[LIVE_DEFERRED_GROW_ZONE] = { .func = "deferred_grow_zone", .maybe_init = true },
};

struct mi_live {
	struct live_bpf *skel;
	struct mi_live_probe probes[LIVE_NR_PHASES];
	struct bpf_link *links[LIVE_NR_PHASES][2];
	char summary[32];
	struct mi_bpf_stats stats;
	bool boot_only[LIVE_NR_PHASES];	/* __init on this kernel: not tried */
};

bool mi_live_boot_only(const char *func, char *why, size_t len)
{
	unsigned int i;

	for (i = 0; i < LIVE_NR_PHASES; i++) {
		if (!phases[i].maybe_init || strcmp(phases[i].func, func))
			continue;
		/* Probe, don't assume: a vendor kernel may keep it resident. */
		switch (mi_ksym_after_boot(func)) {
		case 0:
			snprintf(why, len, "%s is __init on this kernel (its /proc/kallsyms address "
				 "lies in the init text, freed after boot): boot records or 'meminit "
				 "arm' see it", func);
			return true;
		case -ENOENT:
			snprintf(why, len, "%s is not in /proc/kallsyms on this kernel (not built, "
				 "or inlined)", func);
			return true;
		default:	/* resident, or unknown: try it, a failure says why */
			return false;
		}
	}
	return false;
}

const char *mi_live_phase_func(unsigned int phase)
{
	return phase < LIVE_NR_PHASES ? phases[phase].func : "?";
}

const char *mi_live_how_name(enum mi_live_how how)
{
	switch (how) {
	case MI_LIVE_FENTRY:	return "fentry";
	case MI_LIVE_KPROBE:	return "kprobe";
	case MI_LIVE_NONE:	break;
	}
	return "none";
}

/* The four programs of a phase: fentry, fexit, kprobe, kretprobe. */
static void phase_progs(struct live_bpf *s, unsigned int phase,
			struct bpf_program *p[4])
{
	switch (phase) {
	case LIVE_ONLINE_PAGES:
		p[0] = s->progs.online_pages_fentry;
		p[1] = s->progs.online_pages_fexit;
		p[2] = s->progs.online_pages_kprobe;
		p[3] = s->progs.online_pages_kretprobe;
		break;
	case LIVE_MOVE_PFN_RANGE:
		p[0] = s->progs.move_pfn_range_fentry;
		p[1] = s->progs.move_pfn_range_fexit;
		p[2] = s->progs.move_pfn_range_kprobe;
		p[3] = s->progs.move_pfn_range_kretprobe;
		break;
	case LIVE_MEMMAP_INIT_RANGE:
		p[0] = s->progs.memmap_init_range_fentry;
		p[1] = s->progs.memmap_init_range_fexit;
		p[2] = s->progs.memmap_init_range_kprobe;
		p[3] = s->progs.memmap_init_range_kretprobe;
		break;
	case LIVE_MEMMAP_INIT_DEVICE:
		p[0] = s->progs.memmap_init_device_fentry;
		p[1] = s->progs.memmap_init_device_fexit;
		p[2] = s->progs.memmap_init_device_kprobe;
		p[3] = s->progs.memmap_init_device_kretprobe;
		break;
	case LIVE_ADD_PAGES:
		p[0] = s->progs.add_pages_fentry;
		p[1] = s->progs.add_pages_fexit;
		p[2] = s->progs.add_pages_kprobe;
		p[3] = s->progs.add_pages_kretprobe;
		break;
	default:
		p[0] = s->progs.deferred_grow_zone_fentry;
		p[1] = s->progs.deferred_grow_zone_fexit;
		p[2] = s->progs.deferred_grow_zone_kprobe;
		p[3] = s->progs.deferred_grow_zone_kretprobe;
		break;
	}
}

/* Decide fentry or kprobe for one function by attaching a probe program. */
static void choose(struct mi_live_probe *pr, enum mi_live_mode mode)
{
	char why_f[200] = "", why_k[200] = "";
	const char *pf, *pk;
	int err;

	pr->how = MI_LIVE_NONE;
	if (mode != MI_LIVE_KPROBE_ONLY) {
		err = mi_probe_attach(MI_ATTACH_FENTRY, pr->func, why_f, sizeof(why_f));
		if (!err) {
			pr->how = MI_LIVE_FENTRY;
			pr->err = 0;
			pr->reason[0] = '\0';
			return;
		}
		pr->err = err;
	} else {
		snprintf(why_f, sizeof(why_f), "not tried (--attach kprobe)");
	}
	if (mode != MI_LIVE_FENTRY_ONLY) {
		err = mi_probe_attach(MI_ATTACH_KPROBE, pr->func, why_k, sizeof(why_k));
		if (!err) {
			pr->how = MI_LIVE_KPROBE;
			pr->err = 0;
			snprintf(pr->reason, sizeof(pr->reason), "fentry: %s", why_f);
			return;
		}
		pr->err = err;
	} else {
		snprintf(why_k, sizeof(why_k), "not tried (--attach fentry)");
	}
	/*
	 * Both refused. When the cause is the same ("X is notrace here (fentry:
	 * ENOTSUPP)" and "... (kprobe: EINVAL)"), say it once with both codes.
	 */
	pf = strstr(why_f, " (");
	pk = strstr(why_k, " (");
	if (pf && pk && pf - why_f == pk - why_k && !strncmp(why_f, why_k, pf - why_f) &&
	    why_f[strlen(why_f) - 1] == ')')
		snprintf(pr->reason, sizeof(pr->reason), "%.*s, %s", (int)strlen(why_f) - 1,
			 why_f, pk + 2);
	else if (!strcmp(why_f, why_k))
		snprintf(pr->reason, sizeof(pr->reason), "%s", why_f);
	else
		snprintf(pr->reason, sizeof(pr->reason), "fentry: %s; kprobe: %s",
			 why_f, why_k);
}

static int attach_phase(struct mi_live *live, unsigned int phase)
{
	struct mi_live_probe *pr = &live->probes[phase];
	struct bpf_program *p[4];
	int base, err;

	if (pr->how == MI_LIVE_NONE)
		return 0;
	phase_progs(live->skel, phase, p);
	base = pr->how == MI_LIVE_FENTRY ? 0 : 2;
	/* Exit first: an entry without its exit would leave stale stamps. */
	live->links[phase][1] = bpf_program__attach(p[base + 1]);
	if (!live->links[phase][1])
		goto fail;
	live->links[phase][0] = bpf_program__attach(p[base]);
	if (!live->links[phase][0])
		goto fail;
	return 0;
fail:
	err = -errno;
	bpf_link__destroy(live->links[phase][1]);
	live->links[phase][1] = NULL;
	snprintf(pr->reason, sizeof(pr->reason),
		 "%s attached alone but not with its exit program (%s)",
		 mi_live_how_name(pr->how), strerror(-err));
	pr->how = MI_LIVE_NONE;
	pr->err = err;
	return 0;
}

/* Every phase that is not boot-only gets @how, as if its probe had chosen it. */
static void assume(struct mi_live *live, enum mi_live_how how)
{
	unsigned int i;

	for (i = 0; i < LIVE_NR_PHASES; i++) {
		struct mi_live_probe *pr = &live->probes[i];

		if (live->boot_only[i])
			continue;
		pr->how = how;
		pr->err = 0;
		snprintf(pr->reason, sizeof(pr->reason), "%s",
			 how == MI_LIVE_KPROBE ? "fentry: not tried (--attach kprobe)" : "");
	}
}

/* Open and load the skeleton for the phases' choices, then attach them. */
static int load_and_attach(struct mi_live *live, const struct mi_live_opts *o,
			   char *errbuf, size_t err_len)
{
	unsigned int i, j;
	int err;

	live->skel = live_bpf__open();
	if (!live->skel) {
		err = -errno;
		snprintf(errbuf, err_len, "cannot open the BPF object: %s", strerror(-err));
		return err < 0 ? err : -EINVAL;
	}
	live->skel->rodata->targ_node = o->node < 0 ? LIVE_NODE_NONE : (__u32)o->node;
	for (i = 0; i < LIVE_NR_PHASES; i++) {
		struct bpf_program *p[4];

		phase_progs(live->skel, i, p);
		for (j = 0; j < 4; j++) {
			bool on = (j < 2 && live->probes[i].how == MI_LIVE_FENTRY) ||
				  (j >= 2 && live->probes[i].how == MI_LIVE_KPROBE);

			err = bpf_program__set_autoload(p[j], on);
			if (err) {
				snprintf(errbuf, err_len, "cannot set autoload: %s",
					 strerror(-err));
				return err;
			}
		}
	}
	err = live_bpf__load(live->skel);
	if (err) {
		char *ld = NULL;
		size_t n;

		/*
		 * The tiny probe programs call no helper, so lockdown lets them
		 * attach; the real ones read kernel memory (CO-RE reads), which
		 * lockdown=confidentiality forbids. Name that cause when it is it.
		 */
		if (!mi_read_file("/sys/kernel/security/lockdown", &ld, &n) &&
		    strstr(ld, "[confidentiality]"))
			snprintf(errbuf, err_len,
				 "the kernel refused the BPF programs: lockdown=confidentiality forbids BPF reads of kernel memory (%s)",
				 strerror(-err));
		else
			snprintf(errbuf, err_len, "the kernel refused the BPF programs (%s%s)",
				 strerror(-err), mi_verbose ? "" : "; -v shows libbpf's log");
		free(ld);
		return err;
	}
	for (i = 0; i < LIVE_NR_PHASES; i++)
		attach_phase(live, i);
	return 0;
}

/* Back to an unloaded state, keeping the probes' descriptions. */
static void unload(struct mi_live *live)
{
	unsigned int i;

	for (i = 0; i < LIVE_NR_PHASES; i++) {
		bpf_link__destroy(live->links[i][0]);
		bpf_link__destroy(live->links[i][1]);
		live->links[i][0] = live->links[i][1] = NULL;
	}
	live_bpf__destroy(live->skel);
	live->skel = NULL;
}

int mi_live_open(const struct mi_live_opts *opts, struct mi_live **out,
		 char *errbuf, size_t err_len)
{
	struct mi_live_opts o = { .sz = sizeof(o), .mode = MI_LIVE_AUTO, .node = -1 };
	struct mi_live *live;
	bool all = true;
	unsigned int i;
	int err, nf = 0, nk = 0;

	*out = NULL;
	if (opts)
		memcpy(&o, opts, opts->sz < sizeof(o) ? opts->sz : sizeof(o));
	mi_bpf_init();
	if (geteuid() != 0) {
		snprintf(errbuf, err_len, "BPF needs root (CAP_BPF and CAP_PERFMON)");
		return -EPERM;
	}
	/* CO-RE relocations (zone->zone_pgdat->node_id) need the kernel's BTF. */
	if (!mi_have_btf()) {
		snprintf(errbuf, err_len,
			 "no kernel BTF (/sys/kernel/btf/vmlinux missing): CO-RE programs cannot be relocated");
		return -ENOENT;
	}
	live = calloc(1, sizeof(*live));
	if (!live) {
		snprintf(errbuf, err_len, "out of memory");
		return -ENOMEM;
	}
	/* Before the programs can run: the kernel counts from then on. */
	mi_bpf_stats_start(&live->stats, o.bpf_stats);
	for (i = 0; i < LIVE_NR_PHASES; i++) {
		live->probes[i].func = phases[i].func;
		live->probes[i].level = phases[i].level;
		live->probes[i].within = phases[i].within;
		/*
		 * __init here, per kallsyms (read once, for this function only):
		 * not tried, since the attach can only fail.
		 */
		live->boot_only[i] = phases[i].maybe_init &&
			mi_live_boot_only(phases[i].func, live->probes[i].reason,
					  sizeof(live->probes[i].reason));
		if (live->boot_only[i]) {
			live->probes[i].how = MI_LIVE_NONE;
			live->probes[i].err = -ENOENT;
		}
	}

	/*
	 * First the common case: every function takes the preferred kind.
	 * One load of the real programs, instead of a probe object (and a
	 * parse of the kernel's BTF) per function before it. Anything
	 * refused, and it is done again the careful way: a probe per
	 * function, which also says why one does not attach.
	 */
	assume(live, o.mode == MI_LIVE_KPROBE_ONLY ? MI_LIVE_KPROBE : MI_LIVE_FENTRY);
	err = load_and_attach(live, &o, errbuf, err_len);
	for (i = 0; i < LIVE_NR_PHASES; i++)
		if (!live->boot_only[i] && live->probes[i].how == MI_LIVE_NONE)
			all = false;
	if (err || !all) {
		mi_debug("live: not every function takes %s at once; probing each",
			 o.mode == MI_LIVE_KPROBE_ONLY ? "kprobe" : "fentry");
		unload(live);
		for (i = 0; i < LIVE_NR_PHASES; i++)
			if (!live->boot_only[i])
				choose(&live->probes[i], o.mode);
		err = load_and_attach(live, &o, errbuf, err_len);
		if (err)
			goto fail;
	}
	for (i = 0; i < LIVE_NR_PHASES; i++) {
		nf += live->probes[i].how == MI_LIVE_FENTRY;
		nk += live->probes[i].how == MI_LIVE_KPROBE;
	}
	snprintf(live->summary, sizeof(live->summary), "%s",
		 nf && nk ? "fentry+kprobe" : nf ? "fentry" : nk ? "kprobe" : "none");
	*out = live;
	return 0;
fail:
	mi_live_destroy(live);
	return err < 0 ? err : -EINVAL;
}

void mi_live_destroy(struct mi_live *live)
{
	if (!live)
		return;
	unload(live);
	mi_bpf_stats_off(&live->stats);
	free(live);
}

int mi_live_bpf_stats(const struct mi_live *live, const struct mi_bpf_stats **s,
		      struct mi_bpf_prog_stat **v, size_t *n)
{
	*s = &live->stats;
	return mi_bpf_stats_collect(&live->stats, live->skel ? live->skel->obj : NULL, v, n);
}

const struct mi_live_probe *mi_live_probes(const struct mi_live *live, size_t *n)
{
	*n = LIVE_NR_PHASES;
	return live->probes;
}

int mi_live_nr_attached(const struct mi_live *live)
{
	int i, n = 0;

	for (i = 0; i < LIVE_NR_PHASES; i++)
		n += live->probes[i].how != MI_LIVE_NONE;
	return n;
}

const char *mi_live_attach_summary(const struct mi_live *live)
{
	return live->summary;
}

uint64_t mi_live_lost(const struct mi_live *live)
{
	if (!live->skel || !live->skel->bss)
		return 0;
	return live->skel->bss->lost_starts + live->skel->bss->lost_stats;
}

static int row_cmp(const void *a, const void *b)
{
	const struct mi_live_row *x = a, *y = b;

	if (x->phase != y->phase)
		return x->phase < y->phase ? -1 : 1;
	if (x->node != y->node)
		return x->node < y->node ? -1 : 1;
	if (x->cpu != y->cpu)
		return x->cpu < y->cpu ? -1 : 1;
	return 0;
}

int mi_live_read(struct mi_live *live, struct mi_live_row **rows, size_t *n)
{
	int fd = bpf_map__fd(live->skel->maps.stats);
	struct live_key key, next, *prev = NULL;
	struct mi_live_row *out = NULL;
	size_t cnt = 0, cap = 0;
	struct live_val val;
	int err;

	*rows = NULL;
	*n = 0;
	/* A plain walk: the map is small and nothing deletes while we read. */
	while (!(err = bpf_map_get_next_key(fd, prev, &next))) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &val))
			continue;	/* deleted by a concurrent reset */
		if (key.phase >= LIVE_NR_PHASES)
			continue;
		err = mi_grow((void **)&out, &cap, cnt, sizeof(*out));
		if (err) {
			free(out);
			return err;
		}
		out[cnt++] = (struct mi_live_row){
			.phase = key.phase, .node = key.node, .cpu = key.cpu,
			.calls = val.calls, .pages = val.pages, .ns = val.ns,
			.max_ns = val.max_ns, .fails = val.fails,
		};
	}
	/* libbpf returns -errno; -ENOENT ends the walk. */
	if (err != -ENOENT) {
		free(out);
		return err;
	}
	if (cnt)
		qsort(out, cnt, sizeof(*out), row_cmp);
	*rows = out;
	*n = cnt;
	return 0;
}

int mi_live_reset(struct mi_live *live)
{
	int fd = bpf_map__fd(live->skel->maps.stats);
	struct live_key key;
	int err;

	/* Delete the first key until none is left: safe while deleting. */
	while (!(err = bpf_map_get_next_key(fd, NULL, &key))) {
		err = bpf_map_delete_elem(fd, &key);
		if (err && err != -ENOENT)
			return err;
	}
	return err == -ENOENT ? 0 : err;
}

int mi_live_sum_nodes(const struct mi_live_row *rows, size_t n,
		      struct mi_live_row **out, size_t *n_out)
{
	struct mi_live_row *s = NULL;
	size_t i, cnt = 0, cap = 0;
	int err;

	*out = NULL;
	*n_out = 0;
	/* rows are sorted by phase, node, cpu: runs of (phase, node) merge. */
	for (i = 0; i < n; i++) {
		if (cnt && s[cnt - 1].phase == rows[i].phase &&
		    s[cnt - 1].node == rows[i].node) {
			struct mi_live_row *t = &s[cnt - 1];

			t->calls += rows[i].calls;
			t->pages += rows[i].pages;
			t->ns += rows[i].ns;
			t->fails += rows[i].fails;
			if (rows[i].max_ns > t->max_ns)
				t->max_ns = rows[i].max_ns;
			continue;
		}
		err = mi_grow((void **)&s, &cap, cnt, sizeof(*s));
		if (err) {
			free(s);
			return err;
		}
		s[cnt] = rows[i];
		s[cnt].cpu = UINT32_MAX;
		cnt++;
	}
	*out = s;
	*n_out = cnt;
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Live timing of the runtime struct page paths (memory hotplug, ZONE_DEVICE,
 * on-demand deferred init), aggregated per (phase, node, cpu).
 *
 * Every function has two program pairs: fentry/fexit (cheap, typed
 * arguments) and kprobe/kretprobe (for kernels that refuse fentry).
 * cli/source/live_bpf.c probes each target at run time and sets autoload so exactly one
 * pair per function is loaded; loading both would count every call twice.
 *
 * Entry stores a stamp per (thread, phase); exit turns it into calls, pages
 * and ns. The stamp is keyed by phase too because the phases nest on one
 * thread (online_pages -> move_pfn_range_to_zone -> memmap_init_range): each
 * level keeps its own time, and user space never sums levels.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "live.h"

/* Only count this node (LIVE_NODE_NONE = all); set before load. */
const volatile __u32 targ_node = LIVE_NODE_NONE;

struct start_key {
	__u32 tid;
	__u32 phase;
};

struct start_val {
	__u64 ts;
	__u64 pages;
	__u32 node;
	__u32 cpu;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct start_key);
	__type(value, struct start_val);
} starts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LIVE_MAX_KEYS);
	__type(key, struct live_key);
	__type(value, struct live_val);
} stats SEC(".maps");

/* Lost samples, reported by user space so a short count is never silent. */
__u64 lost_starts;	/* start map full */
__u64 lost_stats;	/* stats map full */

static __always_inline __u32 zone_node(struct zone *zone)
{
	/* zone->zone_pgdat->node_id, relocated for the running kernel (CO-RE). */
	if (!zone)
		return LIVE_NODE_NONE;
	return BPF_CORE_READ(zone, zone_pgdat, node_id);
}

static __always_inline __u32 nid_node(int nid)
{
	return nid < 0 ? LIVE_NODE_NONE : (__u32)nid;
}

static __always_inline int enter(__u32 phase, __u32 node, __u64 pages)
{
	struct start_key sk = {
		.tid = (__u32)bpf_get_current_pid_tgid(),
		.phase = phase,
	};
	struct start_val sv = {
		.pages = pages,
		.node = node,
		.cpu = bpf_get_smp_processor_id(),
	};

	if (targ_node != LIVE_NODE_NONE && node != targ_node)
		return 0;
	/* Stamp last, so the map update is not part of the measured time. */
	sv.ts = bpf_ktime_get_ns();
	if (bpf_map_update_elem(&starts, &sk, &sv, BPF_ANY))
		__sync_fetch_and_add(&lost_starts, 1);
	return 0;
}

static __always_inline int leave(__u32 phase, bool failed)
{
	__u64 now = bpf_ktime_get_ns(), delta;
	struct start_key sk = {
		.tid = (__u32)bpf_get_current_pid_tgid(),
		.phase = phase,
	};
	struct live_key k = {};
	struct live_val zero = {}, *v;
	struct start_val *sv;

	sv = bpf_map_lookup_elem(&starts, &sk);
	if (!sv)
		return 0;	/* entered before we attached, or filtered out */
	delta = now - sv->ts;
	k.phase = phase;
	k.node = sv->node;
	k.cpu = sv->cpu;
	v = bpf_map_lookup_elem(&stats, &k);
	if (!v) {
		/* NOEXIST: another CPU may have created it meanwhile; that is fine. */
		bpf_map_update_elem(&stats, &k, &zero, BPF_NOEXIST);
		v = bpf_map_lookup_elem(&stats, &k);
		if (!v) {
			__sync_fetch_and_add(&lost_stats, 1);
			goto out;
		}
	}
	__sync_fetch_and_add(&v->calls, 1);
	__sync_fetch_and_add(&v->pages, sv->pages);
	__sync_fetch_and_add(&v->ns, delta);
	if (delta > v->max_ns)
		v->max_ns = delta;	/* racy max: good enough for a report */
	if (failed)
		__sync_fetch_and_add(&v->fails, 1);
out:
	bpf_map_delete_elem(&starts, &sk);
	return 0;
}

/* --- online_pages(pfn, nr_pages, zone, group) -> int ------------------- */

SEC("fentry/online_pages")
int BPF_PROG(online_pages_fentry, unsigned long pfn, unsigned long nr_pages,
	     struct zone *zone)
{
	return enter(LIVE_ONLINE_PAGES, zone_node(zone), nr_pages);
}

SEC("fexit/online_pages")
int BPF_PROG(online_pages_fexit, unsigned long pfn, unsigned long nr_pages,
	     struct zone *zone, struct memory_group *group, int ret)
{
	return leave(LIVE_ONLINE_PAGES, ret != 0);
}

SEC("kprobe/online_pages")
int BPF_KPROBE(online_pages_kprobe, unsigned long pfn, unsigned long nr_pages,
	       struct zone *zone)
{
	return enter(LIVE_ONLINE_PAGES, zone_node(zone), nr_pages);
}

SEC("kretprobe/online_pages")
int BPF_KRETPROBE(online_pages_kretprobe, int ret)
{
	return leave(LIVE_ONLINE_PAGES, ret != 0);
}

/* --- move_pfn_range_to_zone(zone, start_pfn, nr_pages, altmap, mt, ...) - */

SEC("fentry/move_pfn_range_to_zone")
int BPF_PROG(move_pfn_range_fentry, struct zone *zone, unsigned long start_pfn,
	     unsigned long nr_pages)
{
	return enter(LIVE_MOVE_PFN_RANGE, zone_node(zone), nr_pages);
}

SEC("fexit/move_pfn_range_to_zone")
int BPF_PROG(move_pfn_range_fexit)
{
	return leave(LIVE_MOVE_PFN_RANGE, false);
}

SEC("kprobe/move_pfn_range_to_zone")
int BPF_KPROBE(move_pfn_range_kprobe, struct zone *zone, unsigned long start_pfn,
	       unsigned long nr_pages)
{
	return enter(LIVE_MOVE_PFN_RANGE, zone_node(zone), nr_pages);
}

SEC("kretprobe/move_pfn_range_to_zone")
int BPF_KRETPROBE(move_pfn_range_kretprobe)
{
	return leave(LIVE_MOVE_PFN_RANGE, false);
}

/* --- memmap_init_range(size, nid, zone, start_pfn, ...) ---------------- */

SEC("fentry/memmap_init_range")
int BPF_PROG(memmap_init_range_fentry, unsigned long size, int nid)
{
	return enter(LIVE_MEMMAP_INIT_RANGE, nid_node(nid), size);
}

SEC("fexit/memmap_init_range")
int BPF_PROG(memmap_init_range_fexit)
{
	return leave(LIVE_MEMMAP_INIT_RANGE, false);
}

SEC("kprobe/memmap_init_range")
int BPF_KPROBE(memmap_init_range_kprobe, unsigned long size, int nid)
{
	return enter(LIVE_MEMMAP_INIT_RANGE, nid_node(nid), size);
}

SEC("kretprobe/memmap_init_range")
int BPF_KRETPROBE(memmap_init_range_kretprobe)
{
	return leave(LIVE_MEMMAP_INIT_RANGE, false);
}

/* --- memmap_init_zone_device(zone, start_pfn, nr_pages, pgmap) --------- */

SEC("fentry/memmap_init_zone_device")
int BPF_PROG(memmap_init_device_fentry, struct zone *zone,
	     unsigned long start_pfn, unsigned long nr_pages)
{
	return enter(LIVE_MEMMAP_INIT_DEVICE, zone_node(zone), nr_pages);
}

SEC("fexit/memmap_init_zone_device")
int BPF_PROG(memmap_init_device_fexit)
{
	return leave(LIVE_MEMMAP_INIT_DEVICE, false);
}

SEC("kprobe/memmap_init_zone_device")
int BPF_KPROBE(memmap_init_device_kprobe, struct zone *zone,
	       unsigned long start_pfn, unsigned long nr_pages)
{
	return enter(LIVE_MEMMAP_INIT_DEVICE, zone_node(zone), nr_pages);
}

SEC("kretprobe/memmap_init_zone_device")
int BPF_KRETPROBE(memmap_init_device_kretprobe)
{
	return leave(LIVE_MEMMAP_INIT_DEVICE, false);
}

/* --- __add_pages(nid, pfn, nr_pages, params) -> int -------------------- */

SEC("fentry/__add_pages")
int BPF_PROG(add_pages_fentry, int nid, unsigned long pfn, unsigned long nr_pages)
{
	return enter(LIVE_ADD_PAGES, nid_node(nid), nr_pages);
}

SEC("fexit/__add_pages")
int BPF_PROG(add_pages_fexit, int nid, unsigned long pfn, unsigned long nr_pages,
	     struct mhp_params *params, int ret)
{
	return leave(LIVE_ADD_PAGES, ret != 0);
}

SEC("kprobe/__add_pages")
int BPF_KPROBE(add_pages_kprobe, int nid, unsigned long pfn, unsigned long nr_pages)
{
	return enter(LIVE_ADD_PAGES, nid_node(nid), nr_pages);
}

SEC("kretprobe/__add_pages")
int BPF_KRETPROBE(add_pages_kretprobe, int ret)
{
	return leave(LIVE_ADD_PAGES, ret != 0);
}

/*
 * --- deferred_grow_zone(zone, order) -> bool ---------------------------
 * __init on 6.1 and 6.12 (gone after boot); pages = the 1 << order that was
 * asked for: the kernel grows by whole sections, which its arguments do not
 * say.
 */

SEC("fentry/deferred_grow_zone")
int BPF_PROG(deferred_grow_zone_fentry, struct zone *zone, unsigned int order)
{
	return enter(LIVE_DEFERRED_GROW_ZONE, zone_node(zone), 1ULL << (order & 63));
}

SEC("fexit/deferred_grow_zone")
int BPF_PROG(deferred_grow_zone_fexit, struct zone *zone, unsigned int order,
	     bool ret)
{
	return leave(LIVE_DEFERRED_GROW_ZONE, !ret);
}

SEC("kprobe/deferred_grow_zone")
int BPF_KPROBE(deferred_grow_zone_kprobe, struct zone *zone, unsigned int order)
{
	return enter(LIVE_DEFERRED_GROW_ZONE, zone_node(zone), 1ULL << (order & 63));
}

SEC("kretprobe/deferred_grow_zone")
int BPF_KRETPROBE(deferred_grow_zone_kretprobe, bool ret)
{
	return leave(LIVE_DEFERRED_GROW_ZONE, !ret);
}

char LICENSE[] SEC("license") = "GPL";

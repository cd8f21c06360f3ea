/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Types shared by bpf/live.bpf.c and cli/source/live_bpf.c (libbpf-tools style: __u32
 * and __u64 only, no kernel or libc types, so both sides agree on layout).
 */
#ifndef MEMINIT_LIVE_H
#define MEMINIT_LIVE_H

/*
 * Runtime struct page paths, outermost first. They nest: online_pages()
 * calls move_pfn_range_to_zone() which calls memmap_init_range(); hot-add
 * (__add_pages) and ZONE_DEVICE (memmap_init_zone_device) are separate
 * entries. Each is reported as its own phase, never summed with another.
 */
enum live_phase {
	LIVE_ONLINE_PAGES = 0,		/* online_pages(): whole online of a range */
	LIVE_MOVE_PFN_RANGE,		/* move_pfn_range_to_zone(): zone resize + memmap */
	LIVE_MEMMAP_INIT_RANGE,		/* memmap_init_range(): the struct page loop */
	LIVE_MEMMAP_INIT_DEVICE,	/* memmap_init_zone_device(): ZONE_DEVICE pages */
	LIVE_ADD_PAGES,			/* __add_pages(): hot-add, vmemmap population */
	LIVE_DEFERRED_GROW_ZONE,	/* deferred_grow_zone(): on-demand deferred init */
	LIVE_NR_PHASES,
};

/* Node unknown (the function gave none that could be read). */
#define LIVE_NODE_NONE 0xffffffffU

struct live_key {
	__u32 phase;
	__u32 node;
	__u32 cpu;	/* CPU the call entered on */
	__u32 pad;
};

struct live_val {
	__u64 calls;
	__u64 pages;	/* from the function's nr_pages/size (order for deferred_grow_zone) */
	__u64 ns;	/* entry -> exit, summed over calls */
	__u64 max_ns;	/* longest single call */
	__u64 fails;	/* calls that returned an error (int-returning functions) */
};

#define LIVE_MAX_KEYS 8192

#endif

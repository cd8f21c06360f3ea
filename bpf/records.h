/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Types shared by bpf/records.bpf.c and cli/source/bootrec.c (__u32/__u64 only).
 * One event per struct meminit_record of the patched kernel
 * (kernel-patches/0001, include/linux/meminit_stats.h), copied field by
 * field through CO-RE so a kernel with a grown record still works.
 */
#ifndef MEMINIT_RECORDS_BPF_H
#define MEMINIT_RECORDS_BPF_H

#define REC_NAME_LEN	32

enum rec_source {
	REC_SRC_REPLAY = 1,	/* meminit:meminit_replay, a frozen boot record */
	REC_SRC_LIVE = 2,	/* meminit:meminit_record, a phase that just ended */
};

struct rec_event {
	__u64 start_ns;
	__u64 end_ns;
	__u64 split_ns;
	__u64 start_pfn;
	__u64 nr_pages;
	__u64 bytes;
	__u32 phase;
	__s32 nid;
	__u32 cpu;
	__u32 nr_threads;
	__u32 zone;
	__u32 flags;
	__u32 aux;
	__u32 source;		/* enum rec_source */
	char name[REC_NAME_LEN];
};

#endif

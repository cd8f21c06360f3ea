// SPDX-License-Identifier: GPL-2.0
/*
 * The patched kernel's meminit:* tracepoints, typed (tp_btf): every record
 * the kernel emits goes to user space whole, through a ring buffer where the
 * kernel has one and a perf buffer otherwise (cli/source/bootrec.c picks). The
 * replay program sees the boot records when meminit writes meminit/replay;
 * the record program sees live phases (memory hotplug, ZONE_DEVICE).
 *
 * The committed vmlinux.h is a stock kernel's and lacks struct
 * meminit_record: it is declared here as a CO-RE local type
 * (preserve_access_index), relocated against the running kernel's BTF.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "records.h"

struct meminit_record {
	u64 start_ns;
	u64 end_ns;
	u64 split_ns;
	u64 start_pfn;
	u64 nr_pages;
	u64 bytes;
	u16 phase;
	s16 nid;
	u16 cpu;
	u16 nr_threads;
	u8 zone;
	u16 flags;
	u32 aux;
	char name[REC_NAME_LEN];
} __attribute__((preserve_access_index));

/* Set before load. */
const volatile bool use_ringbuf = true;
/* Replays of other processes are not ours: only the writer's (tgid). */
const volatile __u32 targ_tgid = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} pb SEC(".maps");

/* Events the buffer could not take; user space refuses a short set. */
__u64 lost;

static __always_inline int emit(void *ctx, const struct meminit_record *rec, __u32 source)
{
	struct rec_event e = {};

	e.start_ns = BPF_CORE_READ(rec, start_ns);
	e.end_ns = BPF_CORE_READ(rec, end_ns);
	e.split_ns = BPF_CORE_READ(rec, split_ns);
	e.start_pfn = BPF_CORE_READ(rec, start_pfn);
	e.nr_pages = BPF_CORE_READ(rec, nr_pages);
	e.bytes = BPF_CORE_READ(rec, bytes);
	e.phase = BPF_CORE_READ(rec, phase);
	e.nid = BPF_CORE_READ(rec, nid);
	e.cpu = BPF_CORE_READ(rec, cpu);
	e.nr_threads = BPF_CORE_READ(rec, nr_threads);
	e.zone = BPF_CORE_READ(rec, zone);
	e.flags = BPF_CORE_READ(rec, flags);
	e.aux = BPF_CORE_READ(rec, aux);
	e.source = source;
	bpf_core_read(e.name, sizeof(e.name), &rec->name);
	if (use_ringbuf) {
		if (bpf_ringbuf_output(&rb, &e, sizeof(e), 0))
			__sync_fetch_and_add(&lost, 1);
	} else {
		if (bpf_perf_event_output(ctx, &pb, BPF_F_CURRENT_CPU, &e, sizeof(e)))
			__sync_fetch_and_add(&lost, 1);
	}
	return 0;
}

SEC("tp_btf/meminit_replay")
int BPF_PROG(on_replay, const struct meminit_record *rec)
{
	if (targ_tgid && (bpf_get_current_pid_tgid() >> 32) != targ_tgid)
		return 0;
	return emit(ctx, rec, REC_SRC_REPLAY);
}

SEC("tp_btf/meminit_record")
int BPF_PROG(on_record, const struct meminit_record *rec)
{
	return emit(ctx, rec, REC_SRC_LIVE);
}

char LICENSE[] SEC("license") = "GPL";

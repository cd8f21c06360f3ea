// SPDX-License-Identifier: GPL-2.0
/*
 * User-space side of bpf/records.bpf.c, libbpf-tools style:
 * open -> set rodata, map type and autoload -> load -> attach -> consume ->
 * destroy. A ring buffer where libbpf's probe says the kernel has one, a
 * perf buffer otherwise (libbpf-tools' compat.c does the same).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <linux/types.h>

#include "../../bpf/records.h"
#include "bootrec.h"
#include "probe.h"
#include "records_file.h"
#include "util.h"
#include "records.skel.h"

struct mi_bootrec {
	struct records_bpf *skel;
	struct bpf_link *link;
	struct ring_buffer *rb;
	struct perf_buffer *pb;
	/* The ring buffer read by mmap, where the kernel has no epoll. */
	void *cons_page, *prod_area;
	size_t rb_size, page;
	struct mi_event *ev;
	size_t nr, cap;
	uint64_t lost_pb;	/* perf buffer losses, counted by libbpf */
	int err;		/* -ENOMEM from a callback */
	struct mi_bpf_stats stats;
};

int mi_bootrec_bpf_stats(const struct mi_bootrec *b, const struct mi_bpf_stats **s,
			 struct mi_bpf_prog_stat **v, size_t *n)
{
	*s = &b->stats;
	return mi_bpf_stats_collect(&b->stats, b->skel ? b->skel->obj : NULL, v, n);
}

bool mi_bootrec_kernel_patched(void)
{
	return access("/sys/kernel/tracing/events/meminit", F_OK) == 0 ||
	       access("/sys/kernel/debug/tracing/events/meminit", F_OK) == 0 ||
	       access(MI_RECORDS_DIR, F_OK) == 0;
}

static void to_event(const struct rec_event *re, struct mi_event *e)
{
	memset(e, 0, sizeof(*e));
	e->phase = re->phase;
	e->node = re->nid < 0 ? -1 : re->nid;
	e->zone = re->zone == 0xff ? -1 : (int)re->zone;
	e->cpu = re->cpu;
	e->threads = re->nr_threads;
	e->start_ns = re->start_ns;
	e->end_ns = re->end_ns;
	e->split_ns = re->split_ns;
	e->start_pfn = re->start_pfn;
	e->pages = re->nr_pages;
	e->bytes = re->bytes;
	e->flags = re->flags;
	e->aux = re->aux;
	e->live = re->source == REC_SRC_LIVE;
	memcpy(e->name, re->name, sizeof(e->name));
	e->name[sizeof(e->name) - 1] = '\0';
}

static int take(struct mi_bootrec *b, const void *data, size_t size)
{
	struct rec_event re;

	if (size < sizeof(re))
		return 0;
	memcpy(&re, data, sizeof(re));
	if (mi_grow((void **)&b->ev, &b->cap, b->nr, sizeof(*b->ev))) {
		b->err = -ENOMEM;
		return -ENOMEM;
	}
	to_event(&re, &b->ev[b->nr++]);
	return 0;
}

static int on_rb(void *ctx, void *data, size_t size)
{
	return take(ctx, data, size);
}

static void on_pb(void *ctx, int cpu, void *data, __u32 size)
{
	(void)cpu;
	take(ctx, data, size);
}

static void on_pb_lost(void *ctx, int cpu, __u64 cnt)
{
	struct mi_bootrec *b = ctx;

	(void)cpu;
	b->lost_pb += cnt;
}

/*
 * libbpf's ring_buffer and perf_buffer managers need epoll, which a small
 * kernel may lack (CONFIG_EPOLL=n: the patched test kernel's tinyconfig).
 * The BPF ring buffer itself is plain shared memory (kernel/bpf/ringbuf.c):
 * a consumer page, then the producer page and the data mapped twice, each
 * record an 8-byte header (length with busy/discard bits) rounded to 8.
 */
#define RB_BUSY_BIT	(1U << 31)
#define RB_DISCARD_BIT	(1U << 30)
#define RB_HDR_SZ	8

static int mmap_ringbuf(struct mi_bootrec *b, int fd, size_t size)
{
	b->page = sysconf(_SC_PAGESIZE);
	b->rb_size = size;
	b->cons_page = mmap(NULL, b->page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (b->cons_page == MAP_FAILED) {
		b->cons_page = NULL;
		return -errno;
	}
	b->prod_area = mmap(NULL, b->page + 2 * size, PROT_READ, MAP_SHARED, fd, b->page);
	if (b->prod_area == MAP_FAILED) {
		b->prod_area = NULL;
		return -errno;
	}
	return 0;
}

static int consume_mmap(struct mi_bootrec *b)
{
	unsigned long *cons = b->cons_page;
	const unsigned long *prod = b->prod_area;
	const unsigned char *data = (const unsigned char *)b->prod_area + b->page;
	unsigned long c = __atomic_load_n(cons, __ATOMIC_ACQUIRE);
	unsigned long p = __atomic_load_n(prod, __ATOMIC_ACQUIRE);
	int err;

	while (c < p) {
		const uint32_t *hdr = (const uint32_t *)(data + (c & (b->rb_size - 1)));
		uint32_t len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);

		if (len & RB_BUSY_BIT)
			break;
		if (!(len & RB_DISCARD_BIT)) {
			err = take(b, (const unsigned char *)hdr + RB_HDR_SZ,
				   len & ~(RB_BUSY_BIT | RB_DISCARD_BIT));
			if (err)
				return err;
		}
		c += ((len & ~(RB_BUSY_BIT | RB_DISCARD_BIT)) + RB_HDR_SZ + 7) & ~7UL;
		__atomic_store_n(cons, c, __ATOMIC_RELEASE);
		if (c == p)
			p = __atomic_load_n(prod, __ATOMIC_ACQUIRE);
	}
	return 0;
}

static size_t pow2_at_least(size_t v)
{
	size_t p = 1;

	while (p < v)
		p <<= 1;
	return p;
}

/*
 * Open, load and attach one program of records.bpf.c with its buffer sized
 * for @nr_expected events (all on one CPU: a replay runs in the writer).
 */
static int open_one(struct mi_bootrec **out, bool replay, enum mi_bootrec_buf mode,
		    bool bpf_stats, size_t nr_expected, char *why, size_t len)
{
	struct bpf_program *prog;
	struct mi_bootrec *b;
	size_t bytes = pow2_at_least((nr_expected + 64) * (sizeof(struct rec_event) + 16));
	long ps = sysconf(_SC_PAGESIZE);
	size_t page = ps > 0 ? (size_t)ps : 4096;
	bool ringbuf;
	int err;

	*out = NULL;
	mi_bpf_init();
	if (geteuid() != 0) {
		snprintf(why, len, "BPF needs root (CAP_BPF and CAP_PERFMON)");
		return -EPERM;
	}
	if (!mi_have_btf()) {
		snprintf(why, len, "no kernel BTF (/sys/kernel/btf/vmlinux missing): tp_btf cannot attach");
		return -ENOENT;
	}
	b = calloc(1, sizeof(*b));
	if (!b) {
		snprintf(why, len, "out of memory");
		return -ENOMEM;
	}
	/* Before the programs can run: the kernel counts from then on. */
	mi_bpf_stats_start(&b->stats, bpf_stats || mi_bpf_stats_env());
	ringbuf = mode == MI_BOOTREC_AUTO &&
		  libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) > 0;
	/* A ring buffer is a power of two of pages; perf buffer pages are the kernel's too. */
	if (bytes < 65536)
		bytes = 65536;
	if (bytes < page)
		bytes = page;
	b->skel = records_bpf__open();
	if (!b->skel) {
		err = -errno;
		snprintf(why, len, "cannot open the BPF object: %s", strerror(-err));
		goto fail;
	}
	b->skel->rodata->use_ringbuf = ringbuf;
	b->skel->rodata->targ_tgid = replay ? (__u32)getpid() : 0;
	if (ringbuf) {
		err = bpf_map__set_max_entries(b->skel->maps.rb, bytes);
	} else {
		/* No ring buffer map: turn it into a small perf array, unused. */
		err = bpf_map__set_type(b->skel->maps.rb, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
		if (!err)
			err = bpf_map__set_key_size(b->skel->maps.rb, sizeof(__u32));
		if (!err)
			err = bpf_map__set_value_size(b->skel->maps.rb, sizeof(__u32));
		if (!err)
			err = bpf_map__set_max_entries(b->skel->maps.rb, 1);
	}
	if (!err)
		err = bpf_program__set_autoload(b->skel->progs.on_replay, replay);
	if (!err)
		err = bpf_program__set_autoload(b->skel->progs.on_record, !replay);
	if (err) {
		snprintf(why, len, "cannot set up the BPF object: %s", strerror(-err));
		goto fail;
	}
	err = records_bpf__load(b->skel);
	if (err) {
		snprintf(why, len, "the kernel refused the BPF programs (%s%s)", strerror(-err),
			 mi_verbose ? "" : "; -v shows libbpf's log");
		goto fail;
	}
	prog = replay ? b->skel->progs.on_replay : b->skel->progs.on_record;
	b->link = bpf_program__attach(prog);
	if (!b->link) {
		err = -errno;
		snprintf(why, len, "tp_btf on meminit:%s refused (%s)",
			 replay ? "meminit_replay" : "meminit_record", strerror(-err));
		goto fail;
	}
	if (ringbuf) {
		b->rb = ring_buffer__new(bpf_map__fd(b->skel->maps.rb), on_rb, b, NULL);
		if (!b->rb && errno == ENOSYS) {
			/* No epoll in this kernel: read the ring buffer's pages. */
			err = mmap_ringbuf(b, bpf_map__fd(b->skel->maps.rb), bytes);
			if (err) {
				snprintf(why, len, "cannot mmap the ring buffer: %s", strerror(-err));
				goto fail;
			}
		} else if (!b->rb) {
			err = -errno;
			snprintf(why, len, "cannot open the ring buffer: %s", strerror(-err));
			goto fail;
		}
	} else {
		b->pb = perf_buffer__new(bpf_map__fd(b->skel->maps.pb),
					 pow2_at_least(bytes / page + 1), on_pb, on_pb_lost,
					 b, NULL);
		if (!b->pb) {
			err = -errno;
			snprintf(why, len, "cannot open the perf buffer: %s%s", strerror(-err),
				 -err == ENOSYS ? " (libbpf's perf buffer needs epoll; this kernel has none, CONFIG_EPOLL=n)" : "");
			goto fail;
		}
	}
	*out = b;
	return 0;
fail:
	mi_bootrec_destroy(b);
	return err < 0 ? err : -EINVAL;
}

static int consume(struct mi_bootrec *b)
{
	int n;

	if (b->cons_page)
		return consume_mmap(b);
	n = b->rb ? ring_buffer__consume(b->rb) : perf_buffer__consume(b->pb);
	if (b->err)
		return b->err;
	return n < 0 ? n : 0;
}

const char *mi_bootrec_buf_name(const struct mi_bootrec *b)
{
	return b->cons_page ? "ring buffer (mmap, no epoll)" : b->rb ? "ring buffer" : "perf buffer";
}

uint64_t mi_bootrec_lost(const struct mi_bootrec *b)
{
	return b->lost_pb + (b->skel && b->skel->bss ? b->skel->bss->lost : 0);
}

const struct mi_event *mi_bootrec_events(const struct mi_bootrec *b, size_t *n)
{
	*n = b->nr;
	return b->ev;
}

void mi_bootrec_destroy(struct mi_bootrec *b)
{
	if (!b)
		return;
	if (b->cons_page)
		munmap(b->cons_page, b->page);
	if (b->prod_area)
		munmap(b->prod_area, b->page + 2 * b->rb_size);
	ring_buffer__free(b->rb);
	perf_buffer__free(b->pb);
	bpf_link__destroy(b->link);
	records_bpf__destroy(b->skel);
	mi_bpf_stats_off(&b->stats);
	free(b->ev);
	free(b);
}

/* records.bin's header: how many records to expect, and the overflow. */
static int read_header(struct mi_records_header *h, char *why, size_t len)
{
	unsigned char buf[MI_RECORDS_HDR_SIZE];
	ssize_t n;
	int fd;

	fd = open(MI_RECORDS_DIR "/records.bin", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, len, "cannot open %s/records.bin: %s", MI_RECORDS_DIR,
			 strerror(errno));
		return -errno;
	}
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n != (ssize_t)sizeof(buf)) {
		snprintf(why, len, "%s/records.bin: short header", MI_RECORDS_DIR);
		return -EIO;
	}
	memcpy(h, buf, sizeof(*h));
	if (h->magic != MI_RECORDS_MAGIC || h->version != MI_RECORDS_VERSION) {
		snprintf(why, len, "%s/records.bin: magic or version %u not understood",
			 MI_RECORDS_DIR, h->version);
		return -EPROTO;
	}
	return 0;
}

/* Keep the replay program's counters for the caller to show. */
static void replay_stats(struct mi_bootrec *b, struct mi_bootrec_replay_stats *out)
{
	const struct mi_bpf_stats *s;
	int err;

	mi_bootrec_replay_stats_free(out);
	err = mi_bootrec_bpf_stats(b, &s, &out->progs, &out->nr_progs);
	if (err) {
		mi_warn("cannot read the BPF program statistics: %s", strerror(-err));
		mi_bootrec_replay_stats_free(out);
		return;
	}
	out->counted = true;
	out->delivered = b->nr;
	out->buf_name = mi_bootrec_buf_name(b);
	out->how = *s;
}

void mi_bootrec_replay_stats_free(struct mi_bootrec_replay_stats *s)
{
	free(s->progs);
	memset(s, 0, sizeof(*s));
}

int mi_bootrec_replay(struct mi_report *r, const struct mi_bootrec_opts *o, char *why,
		      size_t why_len)
{
	struct mi_records_header h = { 0 };
	struct mi_bootrec *b;
	size_t i, unknown = 0;
	ssize_t w;
	int fd, err;

	err = read_header(&h, why, why_len);
	if (err)
		return err;
	err = open_one(&b, true, o->buf, o->bpf_stats, h.nr_records, why, why_len);
	if (err)
		return err;
	fd = open(MI_RECORDS_DIR "/replay", O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		snprintf(why, why_len, "cannot open %s/replay: %s", MI_RECORDS_DIR, strerror(-err));
		goto out;
	}
	/* The kernel emits every record inside this write, in our context. */
	w = write(fd, "1\n", 2);
	err = w < 0 ? -errno : 0;
	close(fd);
	if (err) {
		snprintf(why, why_len, "writing %s/replay: %s", MI_RECORDS_DIR, strerror(-err));
		goto out;
	}
	err = consume(b);
	if (err) {
		snprintf(why, why_len, "reading the %s: %s", mi_bootrec_buf_name(b), strerror(-err));
		goto out;
	}
	if (b->nr != h.nr_records || mi_bootrec_lost(b)) {
		snprintf(why, why_len, "the BPF %s delivered %zu of %u records (%llu lost)",
			 mi_bootrec_buf_name(b), b->nr, h.nr_records,
			 (unsigned long long)mi_bootrec_lost(b));
		err = -EIO;
		goto out;
	}
	for (i = 0; i < b->nr; i++) {
		if (b->ev[i].phase < 0 || b->ev[i].phase >= MI_PH_NR) {
			unknown++;
			continue;
		}
		err = mi_report_add_event(r, &b->ev[i]);
		if (err) {
			snprintf(why, why_len, "out of memory");
			goto out;
		}
	}
	if (unknown)
		mi_report_note(r, "%zu records of phases this meminit does not know were left out",
			       unknown);
	if (b->stats.wanted && o->stats)
		replay_stats(b, o->stats);
	r->rec_version = h.version;
	r->rec_overflow = h.nr_overflow;
	r->rec_capacity = h.capacity;
	r->sources |= MI_SRC_RECORDS;
	snprintf(r->rec_via, sizeof(r->rec_via),
		 "BPF tp_btf on meminit:meminit_replay, %s", mi_bootrec_buf_name(b));
out:
	mi_bootrec_destroy(b);
	return err;
}

int mi_bootrec_live_open(struct mi_bootrec **out, bool bpf_stats, char *why, size_t why_len)
{
	return open_one(out, false, MI_BOOTREC_AUTO, bpf_stats, 4096, why, why_len);
}

int mi_bootrec_live_poll(struct mi_bootrec *b, int timeout_ms)
{
	struct timespec ts = { timeout_ms / 1000, (timeout_ms % 1000) * 1000000L };
	int n;

	if (b->cons_page) {
		if (timeout_ms > 0)
			nanosleep(&ts, NULL);
		return consume_mmap(b);
	}
	n = b->rb ? ring_buffer__poll(b->rb, timeout_ms) : perf_buffer__poll(b->pb, timeout_ms);
	if (b->err)
		return b->err;
	if (n == -EINTR)
		return 0;
	return n < 0 ? n : 0;
}

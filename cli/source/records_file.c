// SPDX-License-Identifier: GPL-2.0
/*
 * Parsers of the patched kernel's boot records: debugfs meminit/records
 * (text, "# meminit records v1"), meminit/records.bin (32-byte header, then
 * 96-byte struct meminit_record) and the meminit:* events as tracefs or
 * 'perf script' print them. The three carry the same fields; each becomes
 * one struct mi_event. A file that is not what it claims is refused with
 * one line that says why: a number read from a broken file is never shown.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "records_file.h"
#include "util.h"

static const char *const phase_names[MI_PH_NR] = {
	[MI_PH_VMEMMAP]		= "vmemmap",
	[MI_PH_MEMMAP_EARLY]	= "memmap_early",
	[MI_PH_HOLES]		= "holes",
	[MI_PH_RESERVED]	= "reserved",
	[MI_PH_FREE_EARLY]	= "free_early",
	[MI_PH_DEFERRED_NODE]	= "deferred_node",
	[MI_PH_DEFERRED_CHUNK]	= "deferred_chunk",
	[MI_PH_DEFERRED_GROW]	= "deferred_grow",
	[MI_PH_HASH]		= "hash",
	[MI_PH_PAGE_EXT]	= "page_ext",
	[MI_PH_HOTPLUG]		= "hotplug",
	[MI_PH_DEVICE]		= "device",
};

const char *mi_phase_name(int phase)
{
	return phase >= 0 && phase < MI_PH_NR ? phase_names[phase] : "?";
}

int mi_phase_from_name(const char *name)
{
	int i;

	for (i = 0; i < MI_PH_NR; i++)
		if (!strcmp(name, phase_names[i]))
			return i;
	return -1;
}

/*
 * The same record seen twice (a boot meminit_record and its replay, or one
 * event in two captures) matches in every field. Two distinct records can
 * match in their times: local_clock() may hold still across several (TCG,
 * an unstable sched_clock), and Mount-cache and Mountpoint-cache have the
 * same size, so the name and the rest must match too.
 */
static bool same_event(const void *x, const void *y)
{
	const struct mi_event *a = x, *b = y;

	return a->phase == b->phase && a->node == b->node && a->zone == b->zone &&
	       a->cpu == b->cpu && a->threads == b->threads &&
	       a->start_ns == b->start_ns && a->end_ns == b->end_ns &&
	       a->split_ns == b->split_ns && a->start_pfn == b->start_pfn &&
	       a->pages == b->pages && a->bytes == b->bytes &&
	       a->flags == b->flags && a->aux == b->aux && !strcmp(a->name, b->name);
}

/* Fields that tell records apart; the rest rarely differ where these match. */
static uint64_t event_hash(const void *item)
{
	const struct mi_event *e = item;
	uint64_t v[] = { (uint64_t)e->phase, (uint64_t)e->node, (uint64_t)e->cpu,
			 e->start_ns, e->end_ns, e->start_pfn, e->pages };

	return mi_hash_bytes(MI_HASH_START, v, sizeof(v));
}

int mi_records_add_unique(struct mi_report *r, const struct mi_event *e)
{
	struct mi_index_of of = { .items = r->events, .size = sizeof(*r->events),
				  .hash = event_hash, .same = same_event };
	size_t i, *slot;

	/* Index the events added since, by other paths too. */
	if (mi_index_reserve(&r->event_index, &of, r->nr_events + 1))
		return -ENOMEM;
	for (i = r->nr_indexed; i < r->nr_events; i++) {
		slot = mi_index_slot(&r->event_index, &of, &r->events[i]);
		if (!*slot)
			*slot = i + 1;
	}
	r->nr_indexed = r->nr_events;
	slot = mi_index_slot(&r->event_index, &of, e);
	if (*slot) {
		r->rec_dups++;
		return 1;
	}
	if (mi_report_add_event(r, e))
		return -ENOMEM;
	*slot = r->nr_events;
	r->nr_indexed = r->nr_events;
	return 0;
}

static int add_event(struct mi_report *r, const struct mi_event *e, const char *what)
{
	if (mi_report_add_event(r, e)) {
		mi_err("%s: out of memory", what);
		return -ENOMEM;
	}
	return 0;
}

/* ---- debugfs text ------------------------------------------------------ */

/*
 * "vmemmap 0 -1 0 0 34487185 35104918 0 0 786432 50331648 0x0 0x18 -"
 * phase nid zone cpu threads start_ns end_ns split_ns start_pfn nr_pages
 * bytes flags aux name; the name (a hash table's) may hold spaces.
 */
static int parse_text_line(const char *line, struct mi_event *e)
{
	char phase[32];
	unsigned long long v[6];
	unsigned int cpu, threads, flags, aux;
	int nid, zone, n = 0;

	memset(e, 0, sizeof(*e));
	if (sscanf(line, "%31s %d %d %u %u %llu %llu %llu %llu %llu %llu 0x%x 0x%x %n",
		   phase, &nid, &zone, &cpu, &threads, &v[0], &v[1], &v[2], &v[3],
		   &v[4], &v[5], &flags, &aux, &n) != 13 || !n || !line[n])
		return -EINVAL;
	e->phase = mi_phase_from_name(phase);
	if (e->phase < 0)
		return -ENOENT;
	e->node = nid < 0 ? -1 : nid;
	e->zone = zone;
	e->cpu = cpu;
	e->threads = threads;
	e->start_ns = v[0];
	e->end_ns = v[1];
	e->split_ns = v[2];
	e->start_pfn = v[3];
	e->pages = v[4];
	e->bytes = v[5];
	e->flags = flags;
	e->aux = aux;
	if (strcmp(line + n, "-"))
		mi_strlcpy(e->name, line + n, sizeof(e->name));
	return 0;
}

int mi_parse_records_text(struct mi_report *r, const char *buf, const char *what)
{
	long long nrec = -1, over = -1, cap = -1;
	size_t pos = 0, got = 0, unknown = 0;
	char onoff[8] = "";
	const char *line;
	ssize_t len;
	int ver, lineno = 0, err;

	if (sscanf(buf, "# meminit records v%d", &ver) != 1) {
		mi_err("%s: not a meminit records file (no \"# meminit records v1\" header)", what);
		return -EINVAL;
	}
	if (ver != MI_RECORDS_VERSION) {
		mi_err("%s: records version %d; this meminit reads version %d", what, ver,
		       MI_RECORDS_VERSION);
		return -EPROTO;
	}
	while ((len = mi_next_line(buf, &pos, &line)) >= 0) {
		char l[256];
		struct mi_event e;

		lineno++;
		if (!len)
			continue;
		snprintf(l, sizeof(l), "%.*s", (int)len, line);
		if (l[0] == '#') {
			sscanf(l, "# records %lld overflow %lld capacity %lld recording %7s",
			       &nrec, &over, &cap, onoff);
			continue;
		}
		err = parse_text_line(l, &e);
		if (err == -ENOENT) {
			unknown++;
			continue;
		}
		if (err) {
			mi_err("%s: line %d is not a record: '%.60s'", what, lineno, l);
			return -EINVAL;
		}
		err = add_event(r, &e, what);
		if (err)
			return err;
		got++;
	}
	if (nrec < 0 || over < 0 || cap < 0) {
		mi_err("%s: no \"# records N overflow N capacity N\" line", what);
		return -EINVAL;
	}
	if (got + unknown != (size_t)nrec) {
		mi_err("%s: truncated: the header says %lld records, the file has %zu",
		       what, nrec, got + unknown);
		return -EINVAL;
	}
	if (unknown)
		mi_report_note(r, "%zu records of phases this meminit does not know were left out",
			       unknown);
	r->rec_version = ver;
	r->rec_overflow = over;
	r->rec_capacity = cap;
	r->sources |= MI_SRC_RECORDS;
	return 0;
}

/* ---- records.bin -------------------------------------------------------- */

int mi_check_records_header(const void *buf, size_t len, const char *what,
			    struct mi_records_header *h)
{
	if (len < MI_RECORDS_HDR_SIZE) {
		mi_err("%s: truncated: %zu bytes, the header alone is %d", what, len,
		       MI_RECORDS_HDR_SIZE);
		return -EINVAL;
	}
	memcpy(h, buf, sizeof(*h));
	if (h->magic != MI_RECORDS_MAGIC) {
		mi_err("%s: not a meminit records.bin (magic %016" PRIx64 ", want \"MMEMINIT\")",
		       what, h->magic);
		return -EINVAL;
	}
	if (h->version != MI_RECORDS_VERSION) {
		mi_err("%s: records version %u; this meminit reads version %d", what,
		       h->version, MI_RECORDS_VERSION);
		return -EPROTO;
	}
	if (h->record_size != MI_RECORD_SIZE) {
		mi_err("%s: record size %u in a version %u file; it must be %d", what,
		       h->record_size, h->version, MI_RECORD_SIZE);
		return -EPROTO;
	}
	return 0;
}

/* struct meminit_record, little endian as the kernel wrote it. */
static void decode_record(const unsigned char *p, struct mi_event *e)
{
	uint64_t q[6];
	uint16_t phase, cpu, threads, flags;
	int16_t nid;
	uint32_t aux;
	uint8_t zone;

	memcpy(q, p, sizeof(q));
	memcpy(&phase, p + 48, 2);
	memcpy(&nid, p + 50, 2);
	memcpy(&cpu, p + 52, 2);
	memcpy(&threads, p + 54, 2);
	zone = p[56];
	memcpy(&flags, p + 58, 2);
	memcpy(&aux, p + 60, 4);
	memset(e, 0, sizeof(*e));
	e->start_ns = q[0];
	e->end_ns = q[1];
	e->split_ns = q[2];
	e->start_pfn = q[3];
	e->pages = q[4];
	e->bytes = q[5];
	e->phase = phase;
	e->node = nid < 0 ? -1 : nid;
	e->cpu = cpu;
	e->threads = threads;
	e->zone = zone == 0xff ? -1 : zone;
	e->flags = flags;
	e->aux = aux;
	memcpy(e->name, p + 64, sizeof(e->name));
	e->name[sizeof(e->name) - 1] = '\0';
}

int mi_parse_records_bin(struct mi_report *r, const void *buf, size_t len,
			 const char *what)
{
	const unsigned char *p = buf;
	struct mi_records_header h;
	size_t want, unknown = 0;
	uint32_t i;
	int err;

	err = mi_check_records_header(buf, len, what, &h);
	if (err)
		return err;
	want = MI_RECORDS_HDR_SIZE + (size_t)h.nr_records * MI_RECORD_SIZE;
	if (len != want) {
		mi_err("%s: %s: the header says %u records (%zu bytes), the file has %zu bytes",
		       what, len < want ? "truncated" : "trailing data", h.nr_records, want, len);
		return -EINVAL;
	}
	for (i = 0; i < h.nr_records; i++) {
		struct mi_event e;

		decode_record(p + MI_RECORDS_HDR_SIZE + (size_t)i * MI_RECORD_SIZE, &e);
		if (e.phase >= MI_PH_NR) {
			unknown++;
			continue;
		}
		err = add_event(r, &e, what);
		if (err)
			return err;
	}
	if (unknown)
		mi_report_note(r, "%zu records of phases this meminit does not know (the kernel has %u phases, this meminit %d) were left out",
			       unknown, h.nr_phases, MI_PH_NR);
	r->rec_version = h.version;
	r->rec_overflow = h.nr_overflow;
	r->rec_capacity = h.capacity;
	r->sources |= MI_SRC_RECORDS;
	return 0;
}

/* ---- tracefs / perf script text of meminit:* events --------------------- */

/* Value of " key=" in @s (up to the next space), or NULL. */
static const char *field(const char *s, const char *key, char *out, size_t len)
{
	size_t kl = strlen(key);
	const char *p = s;

	while ((p = strstr(p, key))) {
		if ((p == s || p[-1] == ' ') && p[kl] == '=') {
			size_t n = strcspn(p + kl + 1, " ");

			if (n >= len)
				return NULL;
			memcpy(out, p + kl + 1, n);
			out[n] = '\0';
			return out;
		}
		p += kl;
	}
	return NULL;
}

static int field_u64(const char *s, const char *key, uint64_t *v)
{
	char buf[32], *end;

	if (!field(s, key, buf, sizeof(buf)) || !buf[0])
		return -EINVAL;
	errno = 0;
	*v = strtoull(buf, &end, 0);
	return errno || *end ? -EINVAL : 0;
}

static int field_int(const char *s, const char *key, int *v)
{
	char buf[32], *end;
	long x;

	if (!field(s, key, buf, sizeof(buf)) || !buf[0])
		return -EINVAL;
	x = strtol(buf, &end, 0);
	if (*end)
		return -EINVAL;
	*v = (int)x;
	return 0;
}

/* The fields after "meminit_record: " (TP_printk of kernel-patches/0008). */
static int parse_event_fields(const char *s, struct mi_event *e)
{
	char phase[32];
	const char *nm;
	uint64_t flags, aux;
	int err = 0;

	memset(e, 0, sizeof(*e));
	if (!field(s, "phase", phase, sizeof(phase)))
		return -EINVAL;
	e->phase = mi_phase_from_name(phase);
	if (e->phase < 0)
		return -ENOENT;
	err |= field_int(s, "nid", &e->node);
	err |= field_int(s, "zone", &e->zone);
	err |= field_int(s, "cpu", &e->cpu);
	err |= field_int(s, "threads", &e->threads);
	err |= field_u64(s, "start_ns", &e->start_ns);
	err |= field_u64(s, "end_ns", &e->end_ns);
	err |= field_u64(s, "split_ns", &e->split_ns);
	err |= field_u64(s, "start_pfn", &e->start_pfn);
	err |= field_u64(s, "nr_pages", &e->pages);
	err |= field_u64(s, "bytes", &e->bytes);
	err |= field_u64(s, "flags", &flags);
	err |= field_u64(s, "aux", &aux);
	nm = strstr(s, " name=");
	if (err || !nm)
		return -EINVAL;
	/* nid is an s16: perf's libtraceevent prints NUMA_NO_NODE as 65535. */
	if (e->node >= 32768 && e->node <= 65535)
		e->node = (int16_t)e->node;
	if (e->node < 0)
		e->node = -1;
	e->flags = flags;
	e->aux = aux;
	nm += 6;
	if (strcmp(nm, "-"))
		mi_strlcpy(e->name, nm, sizeof(e->name));
	return 0;
}

int mi_parse_records_events(struct mi_report *r, const char *buf, const char *what,
			    size_t *nr_other)
{
	size_t pos = 0, got = 0, other = 0, unknown = 0, dups0 = r->rec_dups;
	const char *line;
	ssize_t len;
	int lineno = 0, err;

	while ((len = mi_next_line(buf, &pos, &line)) >= 0) {
		char l[512];
		const char *p, *rec, *rep;
		struct mi_event e;

		lineno++;
		snprintf(l, sizeof(l), "%.*s", (int)len, line);
		p = l;
		while (isspace((unsigned char)*p))
			p++;
		if (!*p || *p == '#')
			continue;
		/* tracefs: "meminit_record: "; perf script: "meminit:meminit_record: " */
		rec = strstr(l, "meminit_record: ");
		rep = strstr(l, "meminit_replay: ");
		if (!rec && !rep) {
			other++;
			continue;
		}
		p = rec ? rec : rep;
		err = parse_event_fields(strchr(p, ' ') + 1, &e);
		if (err == -ENOENT) {
			unknown++;
			continue;
		}
		if (err) {
			mi_err("%s: line %d: a meminit event without its fields: '%.80s'",
			       what, lineno, p);
			return -EINVAL;
		}
		e.live = rec != NULL && e.phase >= MI_PH_HOTPLUG;
		err = mi_records_add_unique(r, &e);
		if (err < 0) {
			mi_err("%s: out of memory", what);
			return err;
		}
		got++;
	}
	if (nr_other)
		*nr_other = other;
	if (!got) {
		mi_err("%s: no meminit:meminit_record or meminit:meminit_replay events (%zu lines of other events)",
		       what, other);
		return -ENOENT;
	}
	if (unknown)
		mi_report_note(r, "%zu events of phases this meminit does not know were left out",
			       unknown);
	if (r->rec_dups > dups0)
		mi_debug("%s: %llu events already known, not counted twice", what,
			 (unsigned long long)(r->rec_dups - dups0));
	r->sources |= MI_SRC_PERF;
	return 0;
}

/* ---- files -------------------------------------------------------------- */

int mi_load_records_file(struct mi_report *r, const char *path)
{
	size_t len, other = 0;
	char *buf;
	int err;

	err = mi_read_file(path, &buf, &len);
	if (err) {
		mi_err("cannot read %s: %s", path, strerror(-err));
		return err;
	}
	if (len >= 8 && !memcmp(buf, "MMEMINIT", 8)) {
		err = mi_parse_records_bin(r, buf, len, path);
		if (!err)
			snprintf(r->rec_via, sizeof(r->rec_via), "file %s (records.bin)", path);
	} else if (mi_starts_with(buf, "# meminit records v")) {
		err = mi_parse_records_text(r, buf, path);
		if (!err)
			snprintf(r->rec_via, sizeof(r->rec_via), "file %s (records text)", path);
	} else if (memchr(buf, '\0', len)) {
		struct mi_records_header h;

		/* Binary: a records.bin with a broken header, or something else. */
		err = mi_check_records_header(buf, len, path, &h);
		if (!err) {
			mi_err("%s: not a meminit records file", path);
			err = -EINVAL;
		}
	} else {
		err = mi_parse_records_events(r, buf, path, &other);
		if (!err) {
			snprintf(r->rec_via, sizeof(r->rec_via), "file %s (meminit:* events)", path);
			if (other)
				mi_report_note(r, "%s: %zu lines of other events ignored", path, other);
		}
	}
	free(buf);
	return err;
}

int mi_records_finish(struct mi_report *r)
{
	size_t i;

	if (!r->nr_events)
		return 0;
	for (i = 0; i < r->nr_events; i++)
		if (r->events[i].node >= 0 && !mi_report_node(r, r->events[i].node)) {
			mi_err("record of node %d: out of memory or node out of range",
			       r->events[i].node);
			return -EINVAL;
		}
	mi_report_sort_nodes(r);
	{
		size_t stuck = 0;

		for (i = 0; i < r->nr_events; i++)
			stuck += r->events[i].pages && r->events[i].end_ns == r->events[i].start_ns;
		if (stuck)
			mi_report_note(r, "%zu records with pages took 0 ns: local_clock() did not "
				       "advance across them (an unstable sched_clock is held to "
				       "the last tick, as under QEMU TCG); their own time is unknown "
				       "and sums that include them are low", stuck);
	}
	if (r->rec_overflow > 0) {
		mi_warn("the kernel's boot record buffer overflowed: %lld records lost",
			r->rec_overflow);
		/* Every record the boot wrote, with a quarter to spare, in 64s. */
		long long all = (long long)r->nr_events + r->rec_overflow;
		long long room = (all + all / 4 + 63) / 64 * 64;

		mi_report_note(r, "INCOMPLETE: the kernel's boot record buffer overflowed, %lld of "
			       "%lld records lost (capacity %lld): per-phase sums are short and "
			       "pages per node are not checked against zoneinfo; boot with "
			       "meminit_stats=%lld to keep them all",
			       r->rec_overflow, all, r->rec_capacity, room);
	} else if (r->rec_overflow < 0) {
		mi_report_note(r, "the event stream carries no record-buffer header: whether the "
			       "kernel lost records to overflow is unknown");
	}
	return 0;
}

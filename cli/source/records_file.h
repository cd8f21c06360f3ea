/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Boot records of the patched kernel (kernel-patches/, CONFIG_MEMINIT_STATS):
 * the debugfs text file meminit/records, the binary meminit/records.bin, and
 * the text of meminit:meminit_record / meminit:meminit_replay events as
 * tracefs or 'perf script' prints them. All land in mi_report.events.
 */
#ifndef MEMINIT_RECORDS_H
#define MEMINIT_RECORDS_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

#define MI_RECORDS_VERSION	1
#define MI_RECORDS_MAGIC	0x54494e494d454d4dULL	/* "MMEMINIT" */
#define MI_RECORD_SIZE		96
#define MI_RECORDS_HDR_SIZE	32
#define MI_RECORDS_DIR		"/sys/kernel/debug/meminit"

/* Header of records.bin (kernel-patches/0001, struct meminit_records_header). */
struct mi_records_header {
	uint64_t magic;
	uint32_t version;
	uint32_t record_size;
	uint32_t nr_records;
	uint32_t nr_overflow;
	uint32_t capacity;
	uint32_t nr_phases;
};

/* "vmemmap", "memmap_early", ...; "?" out of range. */
const char *mi_phase_name(int phase);
/* The phase of a name, -1 when unknown. */
int mi_phase_from_name(const char *name);

/*
 * Each parser appends to r->events and fills the header fields of @r.
 * Returns 0, or -errno after one error line (mi_err) that names @what and
 * the fault: unknown version, wrong magic, truncated file, bad line.
 */
int mi_parse_records_text(struct mi_report *r, const char *buf, const char *what);
int mi_parse_records_bin(struct mi_report *r, const void *buf, size_t len,
			 const char *what);
/* Check a records.bin header only (the BPF path reads the counts from it). */
int mi_check_records_header(const void *buf, size_t len, const char *what,
			    struct mi_records_header *h);

/*
 * meminit:meminit_record / meminit:meminit_replay lines of tracefs' trace or
 * of 'perf script'. Lines of other events are counted in *nr_other; an input
 * without a single meminit event is an error. An event equal to one already
 * in the report (equal in every field) is dropped and
 * counted in r->rec_dups, so a boot trace merges with the boot records
 * without counting anything twice.
 */
int mi_parse_records_events(struct mi_report *r, const char *buf, const char *what,
			    size_t *nr_other);

/*
 * A saved file of any of the three kinds, told apart by its first bytes.
 * Returns 0 or -errno after one error line.
 */
int mi_load_records_file(struct mi_report *r, const char *path);

/* Add @e unless the report holds the same record; 1 if dropped, 0 added, -ENOMEM. */
int mi_records_add_unique(struct mi_report *r, const struct mi_event *e);

/* After all record sources: notes on overflow, nodes named by the records. */
int mi_records_finish(struct mi_report *r);

#endif

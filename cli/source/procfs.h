/* SPDX-License-Identifier: GPL-2.0 */
/* The kernel's own accounting after boot: /proc/zoneinfo, node sysfs, /proc/vmallocinfo. */
#ifndef MEMINIT_PROCFS_H
#define MEMINIT_PROCFS_H

#include "model.h"

/* Zones per node with spanned/present/managed and start_pfn. */
int mi_parse_zoneinfo(struct mi_report *r, const char *buf, const char *what);
/* MemTotal and cpulist of every node under SYSROOT/sys/devices/system/node. */
int mi_read_sysfs_nodes(struct mi_report *r, const char *sysroot);
/*
 * Per-node pages of each hash table from /proc/vmallocinfo. Areas are
 * matched to tables by size, since vmallocinfo names only the caller
 * (alloc_large_system_hash); equal-sized tables are matched in order and
 * flagged. Sizes are in the kernel's pages (mi_page_size: the page size
 * known by then), which each area also states: its bytes are its pages and
 * a guard page. Returns the number of areas left unmatched, or -errno.
 */
int mi_parse_vmallocinfo(struct mi_report *r, const char *buf, const char *what);

#endif

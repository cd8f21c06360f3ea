// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "procfs.h"
#include "util.h"

int mi_parse_zoneinfo(struct mi_report *r, const char *buf, const char *what)
{
	struct mi_zone *zone = NULL;
	size_t pos = 0, zones = 0;
	const char *line;

	while (mi_next_line(buf, &pos, &line) >= 0) {
		unsigned long long v;
		char name[16];
		int id;

		if (sscanf(line, "Node %d, zone %15s", &id, name) == 2) {
			struct mi_node *n = mi_report_node(r, id);

			if (!n) {
				mi_err("%s: node %d out of range", what, id);
				return -EINVAL;
			}
			n->seen_sysfs = true;
			zone = mi_node_zone(n, name);
			if (!zone) {
				mi_err("%s: too many zones on node %d", what, id);
				return -EINVAL;
			}
			zone->from_zoneinfo = true;
			zones++;
			continue;
		}
		if (!zone)
			continue;
		if (sscanf(line, " spanned %llu", &v) == 1)
			zone->spanned = v;
		else if (sscanf(line, " present %llu", &v) == 1)
			zone->present = v;
		else if (sscanf(line, " managed %llu", &v) == 1)
			zone->managed = v;
		else if (sscanf(line, " start_pfn: %llu", &v) == 1)
			zone->start_pfn = v;
	}
	if (!zones) {
		mi_err("%s: no \"Node N, zone Z\" lines: not a /proc/zoneinfo", what);
		return -EINVAL;
	}
	r->sources |= MI_SRC_PROCFS;
	return 0;
}

static int read_node_file(const char *dir, const char *file, char **buf)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return mi_read_file(path, buf, NULL);
}

int mi_read_sysfs_nodes(struct mi_report *r, const char *sysroot)
{
	char base[256], dir[512];
	struct dirent *de;
	int found = 0;
	DIR *d;

	snprintf(base, sizeof(base), "%s/sys/devices/system/node", sysroot);
	d = opendir(base);
	if (!d) {
		int err = -errno;

		mi_err("cannot read %s: %s (a kernel without NUMA sysfs?)", base, strerror(-err));
		return err;
	}
	while ((de = readdir(d))) {
		struct mi_node *n;
		char *buf, *p;
		int id;

		if (sscanf(de->d_name, "node%d", &id) != 1)
			continue;
		n = mi_report_node(r, id);
		if (!n)
			continue;
		n->seen_sysfs = true;
		found++;
		snprintf(dir, sizeof(dir), "%s/%s", base, de->d_name);
		if (!read_node_file(dir, "cpulist", &buf)) {
			buf[strcspn(buf, "\n")] = '\0';
			mi_strlcpy(n->cpulist, buf, sizeof(n->cpulist));
			free(buf);
		}
		if (!read_node_file(dir, "meminfo", &buf)) {
			p = strstr(buf, "MemTotal:");
			if (p)
				n->mem_total_kb = strtoull(p + strlen("MemTotal:"), NULL, 10);
			free(buf);
		}
	}
	closedir(d);
	if (!found) {
		mi_err("%s has no node directories", base);
		return -ENOENT;
	}
	r->sources |= MI_SRC_PROCFS;
	return 0;
}

struct vm_area {
	uint64_t bytes;		/* the area's, with its guard page */
	uint64_t pages;
	uint64_t *node_pages;
	int nr_node_pages;
	bool vpages;		/* its page-pointer array is itself vmalloc'd */
	bool pages_array;	/* that array: another area's, no table */
	bool used;
};

static int parse_area(const char *line, struct vm_area *a)
{
	const char *p = strstr(line, " pages=");
	int max = -1;

	unsigned long long bytes;

	memset(a, 0, sizeof(*a));
	if (!p)
		return -EINVAL;
	/* "0x%pK-0x%pK %7ld" (mm/vmalloc.c s_show): the area's size in bytes */
	if (sscanf(line, "%*s %llu", &bytes) == 1)
		a->bytes = bytes;
	a->pages = strtoull(p + 7, NULL, 10);
	a->vpages = strstr(p, " vpages") != NULL;
	for (p = strstr(p, " N"); p; p = strstr(p + 1, " N")) {
		char *end;
		long id = strtol(p + 2, &end, 10);

		if (end == p + 2 || *end != '=' || id < 0 || id >= MI_MAX_NODES)
			continue;
		if (id > max) {
			uint64_t *np = realloc(a->node_pages, (id + 1) * sizeof(*np));

			if (!np)
				return -ENOMEM;
			memset(np + max + 1, 0, (id - max) * sizeof(*np));
			a->node_pages = np;
			max = id;
		}
		a->node_pages[id] = strtoull(end + 1, NULL, 10);
	}
	a->nr_node_pages = max + 1;
	return 0;
}

/*
 * The page size the areas state: a vmalloc area's bytes are its pages and
 * one guard page (VM_NO_GUARD is not used here). One size for every area,
 * or 0.
 */
static uint64_t areas_page_size(const struct vm_area *areas, size_t nr)
{
	uint64_t ps = 0, one;
	size_t j;

	for (j = 0; j < nr; j++) {
		if (!areas[j].bytes || areas[j].bytes % (areas[j].pages + 1))
			return 0;
		one = areas[j].bytes / (areas[j].pages + 1);
		if (!mi_page_size_valid(one) || (ps && one != ps))
			return 0;
		ps = one;
	}
	return ps;
}

/*
 * A table whose page-pointer array is larger than a page has that array
 * vmalloc'd too (__vmalloc_area_node(), 'vpages' on the table's line), with
 * the table's caller: one more alloc_large_system_hash area of
 * ceil(pages * 8 / page size) pages that is no table. Each such table's
 * array is the area of that size nearest to it in the list (the two are
 * allocated one after the other).
 */
static void mark_pages_arrays(struct vm_area *areas, size_t nr, uint64_t page_size)
{
	size_t i, j, best;

	for (i = 0; i < nr; i++) {
		uint64_t want;

		if (!areas[i].vpages)
			continue;
		want = (areas[i].pages * sizeof(uint64_t) + page_size - 1) / page_size;
		best = nr;
		for (j = 0; j < nr; j++) {
			if (j == i || areas[j].vpages || areas[j].pages_array || areas[j].pages != want)
				continue;
			if (best == nr || (j > i ? j - i : i - j) < (best > i ? best - i : i - best))
				best = j;
		}
		if (best < nr)
			areas[best].pages_array = true;
	}
}

int mi_parse_vmallocinfo(struct mi_report *r, const char *buf, const char *what)
{
	struct vm_area *areas = NULL;
	size_t nr = 0, cap = 0, pos = 0, i, j;
	const char *line;
	int unmatched = 0, err = 0;
	ssize_t len;

	while ((len = mi_next_line(buf, &pos, &line)) >= 0) {
		char tmp[1024];

		if ((size_t)len >= sizeof(tmp) || !memmem(line, len, "alloc_large_system_hash", 23))
			continue;
		memcpy(tmp, line, len);
		tmp[len] = '\0';
		err = mi_grow((void **)&areas, &cap, nr, sizeof(*areas));
		if (err)
			goto out;
		err = parse_area(tmp, &areas[nr]);
		if (err == -ENOMEM)
			goto out;
		if (!err)
			nr++;
		err = 0;
	}
	if (nr && areas_page_size(areas, nr))
		mi_report_set_page_size(r, areas_page_size(areas, nr), "vmallocinfo");
	mark_pages_arrays(areas, nr, mi_page_size(r));
	/* vmallocinfo lists areas in address order, which follows allocation order. */
	for (i = 0; i < r->nr_tables; i++) {
		struct mi_hash_table *t = &r->tables[i];
		uint64_t want = (t->bytes + mi_page_size(r) - 1) / mi_page_size(r);
		int candidates = 0;

		/* Per-node tables (futex) are vmalloc_huge_node(), not these areas. */
		if ((t->kind != MI_HASH_VMALLOC && t->kind != MI_HASH_VMALLOC_HUGE) || t->numa_nodes)
			continue;
		for (j = 0; j < nr; j++)
			if (areas[j].pages == want && !areas[j].pages_array)
				candidates++;
		for (j = 0; j < nr; j++) {
			if (areas[j].used || areas[j].pages_array || areas[j].pages != want)
				continue;
			areas[j].used = true;
			t->node_pages = areas[j].node_pages;
			t->nr_node_pages = areas[j].nr_node_pages;
			areas[j].node_pages = NULL;
			t->placement_by_size = candidates > 1;
			break;
		}
	}
	for (j = 0; j < nr; j++)
		if (!areas[j].used && !areas[j].pages_array)
			unmatched++;
	r->sources |= MI_SRC_VMALLOCINFO;
	if (unmatched)
		mi_report_note(r, "%d alloc_large_system_hash area(s) in /proc/vmallocinfo match no "
			       "\"hash table entries\" line of the log (a table that prints nothing, "
			       "or one freed and reallocated)", unmatched);
	(void)what;
out:
	for (j = 0; j < nr; j++)
		free(areas[j].node_pages);
	free(areas);
	return err ? err : unmatched;
}

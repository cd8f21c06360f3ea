// SPDX-License-Identifier: GPL-2.0
/* Memory blocks and NUMA nodes in sysfs (memblock.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "memblock.h"
#include "util.h"

int mi_memblock_size(unsigned long long *bytes, char *why, size_t why_len)
{
	char buf[64], *end;
	int err;

	err = mi_read_line(MI_SYS_MEMORY "/block_size_bytes", buf, sizeof(buf));
	if (err) {
		snprintf(why, why_len, "no memory hotplug here (" MI_SYS_MEMORY
			 "/block_size_bytes: %s)", strerror(-err));
		return err;
	}
	errno = 0;
	*bytes = strtoull(buf, &end, 16);
	if (errno || *end || !*bytes) {
		snprintf(why, why_len, "cannot parse " MI_SYS_MEMORY "/block_size_bytes ('%s')",
			 buf);
		return -EINVAL;
	}
	return 0;
}

int mi_memblock_attr(unsigned int id, const char *attr, char *buf, size_t len)
{
	char path[128];

	snprintf(path, sizeof(path), MI_SYS_MEMORY "/memory%u/%s", id, attr);
	return mi_read_line(path, buf, len);
}

int mi_memblock_set_state(unsigned int id, const char *what)
{
	char path[128];
	ssize_t w;
	int fd, err = 0;

	snprintf(path, sizeof(path), MI_SYS_MEMORY "/memory%u/state", id);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	w = write(fd, what, strlen(what));
	if (w < 0)
		err = -errno;
	else if ((size_t)w != strlen(what))
		err = -EIO;
	if (close(fd) && !err)
		err = -errno;
	return err;
}

static int cmp_block(const void *a, const void *b)
{
	unsigned int x = ((const struct mi_memblock *)a)->id;
	unsigned int y = ((const struct mi_memblock *)b)->id;

	return x < y ? -1 : x > y;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

int mi_memblock_list(int node, struct mi_memblock **out, size_t *nr, char *why, size_t why_len)
{
	struct mi_memblock *v = NULL;
	char path[64];
	size_t cap = 0, n = 0;
	struct dirent *de;
	unsigned int id;
	DIR *d;
	int err = 0;

	snprintf(path, sizeof(path), MI_SYS_NODE "/node%d", node);
	d = opendir(path);
	if (!d) {
		err = -errno;
		if (err == -ENOENT)
			snprintf(why, why_len, "node %d does not exist (no %s)", node, path);
		else
			snprintf(why, why_len, "cannot read %s: %s", path, strerror(-err));
		return err;
	}
	while ((de = readdir(d))) {
		char extra;

		if (sscanf(de->d_name, "memory%u%c", &id, &extra) != 1)
			continue;
		err = mi_grow((void **)&v, &cap, n, sizeof(*v));
		if (err) {
			snprintf(why, why_len, "out of memory");
			break;
		}
		memset(&v[n], 0, sizeof(v[n]));
		v[n].id = id;
		err = mi_memblock_attr(id, "state", v[n].state, sizeof(v[n].state));
		if (err) {
			snprintf(why, why_len, "cannot read " MI_SYS_MEMORY "/memory%u/state: %s",
				 id, strerror(-err));
			break;
		}
		/* valid_zones is informative only; old kernels may lack it. */
		if (mi_memblock_attr(id, "valid_zones", v[n].zones, sizeof(v[n].zones)))
			snprintf(v[n].zones, sizeof(v[n].zones), "?");
		n++;
	}
	closedir(d);
	if (!err && !n) {
		snprintf(why, why_len, "node %d has no memory blocks (memoryless node, or its memory is not added)",
			 node);
		err = -ENOENT;
	}
	if (err) {
		free(v);
		return err;
	}
	qsort(v, n, sizeof(*v), cmp_block);
	*out = v;
	*nr = n;
	return 0;
}

int mi_numa_nodes(int **out, size_t *nr, char *why, size_t why_len)
{
	size_t cap = 0, n = 0;
	struct dirent *de;
	int *v = NULL, id, err = 0;
	DIR *d;

	d = opendir(MI_SYS_NODE);
	if (!d) {
		err = -errno;
		snprintf(why, why_len, "cannot read " MI_SYS_NODE ": %s (no NUMA sysfs?)",
			 strerror(-err));
		return err;
	}
	while ((de = readdir(d))) {
		char extra;

		if (sscanf(de->d_name, "node%d%c", &id, &extra) != 1)
			continue;
		err = mi_grow((void **)&v, &cap, n, sizeof(*v));
		if (err) {
			snprintf(why, why_len, "out of memory");
			break;
		}
		v[n++] = id;
	}
	closedir(d);
	if (err) {
		free(v);
		return err;
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_int);
	*out = v;
	*nr = n;
	return 0;
}

long long mi_node_memtotal_kb(int node)
{
	char path[64], *data, *p;
	long long kb = -1;
	size_t n;

	snprintf(path, sizeof(path), MI_SYS_NODE "/node%d/meminfo", node);
	if (mi_read_file(path, &data, &n))
		return -1;
	p = strstr(data, "MemTotal:");
	if (p && sscanf(p, "MemTotal: %lld kB", &kb) != 1)
		kb = -1;
	free(data);
	return kb;
}

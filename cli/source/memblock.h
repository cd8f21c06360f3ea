/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Memory blocks and NUMA nodes as sysfs shows them
 * (/sys/devices/system/memory, /sys/devices/system/node): the blocks of a
 * node, their state and valid zones, a state change, and a node's
 * MemTotal. Library style: no printing; a refusal comes back as -errno
 * with @why saying what failed.
 */
#ifndef MEMINIT_MEMBLOCK_H
#define MEMINIT_MEMBLOCK_H

#include <stddef.h>

#define MI_SYS_MEMORY	"/sys/devices/system/memory"
#define MI_SYS_NODE	"/sys/devices/system/node"

struct mi_memblock {
	unsigned int id;	/* memoryN */
	char state[24];		/* "online", "offline"... as read */
	char zones[64];		/* valid_zones as read; "?" where the kernel has none */
};

/* block_size_bytes: 0, or -errno with @why. */
int mi_memblock_size(unsigned long long *bytes, char *why, size_t why_len);
/* The blocks of NODE (its memoryN links, online or not), by id; caller frees *v. */
int mi_memblock_list(int node, struct mi_memblock **v, size_t *n, char *why, size_t why_len);
/* memoryN/ATTR ("state", "valid_zones") without its newline: 0 or -errno. */
int mi_memblock_attr(unsigned int id, const char *attr, char *buf, size_t len);
/* Write WHAT to memoryN/state: the kernel's answer is the write's -errno (0: done). */
int mi_memblock_set_state(unsigned int id, const char *what);
/* Every NUMA node id sysfs has, sorted; caller frees *ids. */
int mi_numa_nodes(int **ids, size_t *n, char *why, size_t why_len);
/* "MemTotal" of nodeN/meminfo in kB; -1 when unreadable. */
long long mi_node_memtotal_kb(int node);

#endif

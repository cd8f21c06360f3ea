/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An open-addressed index of the items of a growing array, found by their
 * content: a lookup per item added keeps merging and loading linear where
 * a search of the array made them quadratic (bench/scale.sh). The index
 * holds item numbers, not pointers, so the array may move as it grows.
 */
#ifndef MEMINIT_INDEX_H
#define MEMINIT_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mi_index {
	size_t *slot;		/* item number + 1; 0: empty */
	size_t cap;		/* a power of two, or 0 */
};

/* The array an index is over, as it is now, and how its items compare. */
struct mi_index_of {
	const void *items;
	size_t size;		/* of one item */
	uint64_t (*hash)(const void *item);
	bool (*same)(const void *a, const void *b);
};

/* The slot of @key: its item's, or the empty one where it belongs. */
size_t *mi_index_slot(const struct mi_index *ix, const struct mi_index_of *of, const void *key);
/* Room for @nr items with the index at most half full. 0 or -ENOMEM. */
int mi_index_reserve(struct mi_index *ix, const struct mi_index_of *of, size_t nr);
void mi_index_free(struct mi_index *ix);

/* FNV-1a over @len bytes, from MI_HASH_START or an earlier result. */
#define MI_HASH_START 1469598103934665603ULL
uint64_t mi_hash_bytes(uint64_t h, const void *p, size_t len);

#endif

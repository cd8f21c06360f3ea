// SPDX-License-Identifier: GPL-2.0
/* An open-addressed index by content over a growing array (index.h). */
#include <errno.h>
#include <stdlib.h>

#include "index.h"

uint64_t mi_hash_bytes(uint64_t h, const void *p, size_t len)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ b[i]) * 1099511628211ULL;
	return h;
}

static const void *item(const struct mi_index_of *of, size_t slot)
{
	return (const char *)of->items + (slot - 1) * of->size;
}

size_t *mi_index_slot(const struct mi_index *ix, const struct mi_index_of *of, const void *key)
{
	size_t mask = ix->cap - 1, i = of->hash(key) & mask;

	while (ix->slot[i] && !of->same(item(of, ix->slot[i]), key))
		i = (i + 1) & mask;
	return &ix->slot[i];
}

int mi_index_reserve(struct mi_index *ix, const struct mi_index_of *of, size_t nr)
{
	struct mi_index old = *ix;
	size_t i;

	if (2 * nr <= ix->cap)
		return 0;
	ix->cap = old.cap ? old.cap : 64;
	while (2 * nr > ix->cap)
		ix->cap *= 2;
	ix->slot = calloc(ix->cap, sizeof(*ix->slot));
	if (!ix->slot) {
		*ix = old;
		return -ENOMEM;
	}
	for (i = 0; i < old.cap; i++)
		if (old.slot[i])
			*mi_index_slot(ix, of, item(of, old.slot[i])) = old.slot[i];
	free(old.slot);
	return 0;
}

void mi_index_free(struct mi_index *ix)
{
	free(ix->slot);
	ix->slot = NULL;
	ix->cap = 0;
}

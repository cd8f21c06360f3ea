// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boots.h"
#include "dmesg.h"
#include "util.h"

/* A boot as read: its span and the hash of each timestamped line, in order. */
struct seg {
	struct mi_boot_span span;
	uint64_t version;	/* hash of its "Linux version" message, 0 = none */
	uint64_t *h;
	size_t n, cap;
	bool copy;
};

/* FNV-1a over a line's stamp and message, without the line ending. */
static uint64_t hash_line(double t, const char *msg)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	char stamp[32];
	const char *p;
	size_t len = strlen(msg);

	while (len && (msg[len - 1] == '\r' || msg[len - 1] == ' '))
		len--;
	snprintf(stamp, sizeof(stamp), "%.6f|", t);
	for (p = stamp; *p; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
	for (p = msg; p < msg + len; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
	return h | 1;	/* never 0: 0 means no version */
}

static int seg_add(struct seg *s, uint64_t h)
{
	if (mi_grow((void **)&s->h, &s->cap, s->n, sizeof(*s->h)))
		return -ENOMEM;
	s->h[s->n++] = h;
	return 0;
}

/* Are X's lines found, in order, among Y's? */
static bool in_order_within(const struct seg *x, const struct seg *y)
{
	size_t i = 0, j = 0;

	while (i < x->n && j < y->n) {
		if (x->h[i] == y->h[j])
			i++;
		j++;
	}
	return i == x->n;
}

static void free_segs(struct seg *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(s[i].h);
	free(s);
}

int mi_split_boots(const char *buf, struct mi_boots *out)
{
	struct seg *s = NULL, *cur;
	size_t nseg = 0, cap = 0, pos = 0, lineno = 0, i, j;
	double last_t = -1;
	const char *line;
	ssize_t len;
	char tmp[4096];

	memset(out, 0, sizeof(*out));
	if (mi_grow((void **)&s, &cap, nseg, sizeof(*s)))
		return -ENOMEM;
	cur = &s[nseg++];
	memset(cur, 0, sizeof(*cur));
	while ((len = mi_next_line(buf, &pos, &line)) >= 0) {
		const char *msg;
		double t;

		lineno++;
		msg = mi_dmesg_message(line, len, tmp, sizeof(tmp), &t);
		if (!msg)
			continue;
		/*
		 * A new boot starts where the clock goes back to its first line
		 * ("Linux version", or arm64's "Booting Linux on physical CPU"
		 * just before it at the same 0.000000), or at a second "Linux
		 * version" in one segment.
		 */
		if ((mi_starts_with(msg, "Linux version ") ||
		     mi_starts_with(msg, "Booting Linux on physical CPU ")) && cur->n &&
		    (t < last_t || cur->span.first_line)) {
			cur->span.len = (size_t)(line - buf) - cur->span.start;
			if (mi_grow((void **)&s, &cap, nseg, sizeof(*s))) {
				free_segs(s, nseg);
				return -ENOMEM;
			}
			cur = &s[nseg++];
			memset(cur, 0, sizeof(*cur));
			cur->span.start = (size_t)(line - buf);
		}
		if (mi_starts_with(msg, "Linux version ") && !cur->span.first_line) {
			cur->span.first_line = lineno;
			cur->version = hash_line(0, msg);
		}
		if (seg_add(cur, hash_line(t, msg))) {
			free_segs(s, nseg);
			return -ENOMEM;
		}
		last_t = t;
	}
	cur->span.len = strlen(buf) - cur->span.start;
	/* Copies of one boot: the same version, one's lines in order in the other's. */
	for (i = 0; i < nseg; i++)
		for (j = i + 1; j < nseg && !s[i].copy; j++) {
			struct seg *small, *big;

			if (s[j].copy || !s[i].version || s[i].version != s[j].version)
				continue;
			small = s[i].n <= s[j].n ? &s[i] : &s[j];
			big = small == &s[i] ? &s[j] : &s[i];
			if (in_order_within(small, big)) {
				small->copy = true;
				out->copies++;
			}
		}
	for (i = 0; i < nseg; i++) {
		if (s[i].copy)
			continue;
		if (mi_grow((void **)&out->b, &out->cap, out->n, sizeof(*out->b))) {
			free_segs(s, nseg);
			mi_boots_free(out);
			return -ENOMEM;
		}
		s[i].span.timed = s[i].n;
		out->b[out->n++] = s[i].span;
	}
	free_segs(s, nseg);
	return 0;
}

void mi_boots_free(struct mi_boots *b)
{
	free(b->b);
	memset(b, 0, sizeof(*b));
}

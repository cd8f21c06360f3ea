// SPDX-License-Identifier: GPL-2.0
/* One 'meminit hotplug' run and its output (hotplug_run.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hotplug_run.h"
#include "live_out.h"
#include "util.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

uint64_t mi_hp_block_pages(const struct mi_hp_run *h)
{
	return h->block_bytes / (unsigned long long)h->page_size;
}

int mi_hp_step(struct mi_hp_run *h, const char *name, const char *action,
	       const unsigned int *ids, size_t nids)
{
	struct mi_hp_step *s = &h->steps[h->nsteps++];
	uint64_t t0;
	size_t i;
	int err;

	s->name = name;
	s->action = action;
	s->ops = calloc(nids ? nids : 1, sizeof(*s->ops));
	s->mem = calloc(h->nnodes ? h->nnodes : 1, sizeof(*s->mem));
	if (!s->ops || !s->mem) {
		mi_err("hotplug: out of memory");
		return -ENOMEM;
	}
	s->nops = nids;
	s->nmem = h->nnodes;
	for (i = 0; i < h->nnodes; i++) {
		s->mem[i].id = h->nodes[i];
		s->mem[i].before_kb = mi_node_memtotal_kb(h->nodes[i]);
	}
	if (h->live) {
		err = mi_live_reset(h->live);
		if (err) {
			mi_err("hotplug: cannot reset the BPF counters: %s", strerror(-err));
			return err;
		}
	}
	t0 = now_ns();
	for (i = 0; i < nids; i++) {
		struct mi_hp_op *op = &s->ops[i];

		op->id = ids[i];
		if (mi_memblock_attr(op->id, "state", op->before, sizeof(op->before)))
			snprintf(op->before, sizeof(op->before), "?");
		op->err = mi_memblock_set_state(op->id, action);
		if (!op->err)
			s->ndone++;
	}
	s->wall_ns = now_ns() - t0;
	for (i = 0; i < nids; i++) {
		struct mi_hp_op *op = &s->ops[i];

		if (mi_memblock_attr(op->id, "state", op->after, sizeof(op->after)))
			snprintf(op->after, sizeof(op->after), "?");
		if (mi_memblock_attr(op->id, "valid_zones", op->zone, sizeof(op->zone)))
			snprintf(op->zone, sizeof(op->zone), "?");
	}
	for (i = 0; i < h->nnodes; i++)
		s->mem[i].after_kb = mi_node_memtotal_kb(h->nodes[i]);
	if (h->live) {
		err = mi_live_read(h->live, &s->rows, &s->nrows);
		if (!err)
			err = mi_live_sum_nodes(s->rows, s->nrows, &s->sums, &s->nsums);
		if (err) {
			mi_err("hotplug: reading the BPF counters: %s", strerror(-err));
			return err;
		}
	}
	return 0;
}

void mi_hp_run_free(struct mi_hp_run *h)
{
	size_t i;

	for (i = 0; i < h->nsteps; i++) {
		free(h->steps[i].ops);
		free(h->steps[i].mem);
		free(h->steps[i].rows);
		free(h->steps[i].sums);
	}
	free(h->bps);
	free(h->blocks);
	free(h->nodes);
}

/* --- output ------------------------------------------------------------ */

void mi_hp_print_table(const struct mi_hp_run *h)
{
	size_t i, j;

	printf("meminit hotplug: node %d, kernel %s, block %llu MiB (%llu pages of %ld bytes)",
	       h->node, h->kernel, h->block_bytes >> 20,
	       (unsigned long long)mi_hp_block_pages(h), h->page_size);
	if (h->cpu >= 0)
		printf(", from CPU %d", h->cpu);
	printf("\n%zu memory blocks on node %d before the run\n", h->nblocks, h->node);
	if (h->live)
		mi_live_print_probes(stdout, h->live);
	if (h->no_time[0])
		printf("time not measured: %s\n", h->no_time);
	for (i = 0; i < h->nsteps; i++) {
		const struct mi_hp_step *s = &h->steps[i];

		printf("\nstep %s: wrote \"%s\" to %zu blocks, %zu done, %zu failed; %llu pages; %.3f s\n",
		       s->name, s->action, s->nops, s->ndone, s->nops - s->ndone,
		       (unsigned long long)s->ndone * mi_hp_block_pages(h), s->wall_ns / 1e9);
		for (j = 0; j < s->nops; j++)
			if (s->ops[j].err)
				printf("  memory%u: %s (%s -> %s)\n", s->ops[j].id,
				       strerror(-s->ops[j].err), s->ops[j].before,
				       s->ops[j].after);
		printf("  %-5s %14s %14s %12s\n", "node", "MemTotal kB", "after kB",
		       "delta pages");
		for (j = 0; j < s->nmem; j++) {
			const struct mi_hp_mem *m = &s->mem[j];

			if (m->before_kb < 0 || m->after_kb < 0) {
				printf("  %-5d %14s\n", m->id, "unreadable");
				continue;
			}
			printf("  %-5d %14lld %14lld %12lld\n", m->id, m->before_kb,
			       m->after_kb,
			       (m->after_kb - m->before_kb) / (h->page_size / 1024));
		}
		if (h->live && !strcmp(s->action, "offline")) {
			printf("  (offlining is not timed: the probes are on the online paths)\n");
		} else if (h->live) {
			printf("  BPF, per node:\n");
			mi_live_print_rows(stdout, s->sums, s->nsums, "    ");
			printf("  BPF, per CPU:\n");
			mi_live_print_rows(stdout, s->rows, s->nrows, "    ");
		}
	}
	if (!h->nsteps || (h->nsteps == 1 && !h->steps[0].nops))
		printf("\nno offline memory blocks on node %d: nothing to online\n", h->node);
	if (h->live && mi_live_lost(h->live))
		printf("warning: %llu BPF samples lost to full maps; totals are short\n",
		       (unsigned long long)mi_live_lost(h->live));
	if (h->bhow) {
		printf("\n");
		mi_bpf_stats_print(stdout, h->bhow, h->bps, h->nbps, "");
	}
}

static struct json_object *json_step(const struct mi_hp_run *h, const struct mi_hp_step *s)
{
	struct json_object *o, *arr, *b;
	size_t j;
	int err = 0;

	o = json_object_new_object();
	if (!o)
		return NULL;
	err |= mi_json_add(o, "step", json_object_new_string(s->name));
	err |= mi_json_add(o, "action", json_object_new_string(s->action));
	err |= mi_json_add(o, "blocks_requested", json_object_new_uint64(s->nops));
	err |= mi_json_add(o, "blocks_done", json_object_new_uint64(s->ndone));
	err |= mi_json_add(o, "blocks_failed", json_object_new_uint64(s->nops - s->ndone));
	err |= mi_json_add(o, "pages", json_object_new_uint64(s->ndone * mi_hp_block_pages(h)));
	err |= mi_json_add(o, "wall_ns", json_object_new_uint64(s->wall_ns));
	arr = json_object_new_array();
	err |= mi_json_add(o, "blocks", arr);
	for (j = 0; arr && j < s->nops; j++) {
		const struct mi_hp_op *op = &s->ops[j];

		b = json_object_new_object();
		if (!b || json_object_array_add(arr, b)) {
			json_object_put(b);
			err = 1;
			break;
		}
		err |= mi_json_add(b, "id", json_object_new_uint64(op->id));
		err |= mi_json_add(b, "before", json_object_new_string(op->before));
		err |= mi_json_add(b, "after", json_object_new_string(op->after));
		err |= mi_json_add(b, "zone", json_object_new_string(op->zone));
		err |= mi_json_add(b, "error", op->err ?
				   json_object_new_string(strerror(-op->err)) : NULL);
	}
	arr = json_object_new_array();
	err |= mi_json_add(o, "nodes", arr);
	for (j = 0; arr && j < s->nmem; j++) {
		const struct mi_hp_mem *m = &s->mem[j];
		bool ok = m->before_kb >= 0 && m->after_kb >= 0;

		b = json_object_new_object();
		if (!b || json_object_array_add(arr, b)) {
			json_object_put(b);
			err = 1;
			break;
		}
		err |= mi_json_add(b, "id", json_object_new_int(m->id));
		err |= mi_json_add(b, "memtotal_kb_before", m->before_kb < 0 ? NULL :
				   json_object_new_int64(m->before_kb));
		err |= mi_json_add(b, "memtotal_kb_after", m->after_kb < 0 ? NULL :
				   json_object_new_int64(m->after_kb));
		err |= mi_json_add(b, "delta_pages", !ok ? NULL :
				   json_object_new_int64((m->after_kb - m->before_kb) /
							 (h->page_size / 1024)));
	}
	if (h->live) {
		err |= mi_json_add(o, "phases", mi_live_json_rows(s->sums, s->nsums));
		err |= mi_json_add(o, "rows", mi_live_json_rows(s->rows, s->nrows));
	} else {
		err |= mi_json_add(o, "phases", json_object_new_array());
		err |= mi_json_add(o, "rows", json_object_new_array());
	}
	if (err) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

int mi_hp_print_json(const struct mi_hp_run *h)
{
	struct json_object *root, *arr, *t, *s;
	size_t i;
	int err = 0;

	root = json_object_new_object();
	if (!root)
		return -ENOMEM;
	err |= mi_json_add(root, "schema", json_object_new_string(MI_HP_SCHEMA));
	err |= mi_json_add(root, "schema_version", json_object_new_int(1));
	err |= mi_json_add(root, "kernel", json_object_new_string(h->kernel));
	err |= mi_json_add(root, "node", json_object_new_int(h->node));
	err |= mi_json_add(root, "cpu", h->cpu < 0 ? NULL : json_object_new_int(h->cpu));
	err |= mi_json_add(root, "block_size_bytes", json_object_new_uint64(h->block_bytes));
	err |= mi_json_add(root, "page_size", json_object_new_int64(h->page_size));
	err |= mi_json_add(root, "block_pages", json_object_new_uint64(mi_hp_block_pages(h)));
	err |= mi_json_add(root, "blocks_on_node", json_object_new_uint64(h->nblocks));
	err |= mi_json_add(root, "attach", json_object_new_string(h->live ?
			   mi_live_attach_summary(h->live) : "none"));
	t = json_object_new_object();
	err |= mi_json_add(root, "timing", t);
	if (t) {
		err |= mi_json_add(t, "measured", json_object_new_boolean(!h->no_time[0]));
		err |= mi_json_add(t, "reason", h->no_time[0] ?
				   json_object_new_string(h->no_time) : NULL);
		err |= mi_json_add(t, "lost", json_object_new_uint64(h->live ?
				   mi_live_lost(h->live) : 0));
	}
	err |= mi_json_add(root, "probes", h->live ? mi_live_json_probes(h->live) :
			   json_object_new_array());
	err |= mi_json_add(root, "bpf_stats", h->bhow ?
			   mi_bpf_stats_json(h->bhow, h->bps, h->nbps) : NULL);
	arr = json_object_new_array();
	err |= mi_json_add(root, "steps", arr);
	for (i = 0; arr && i < h->nsteps; i++) {
		s = json_step(h, &h->steps[i]);
		if (!s || json_object_array_add(arr, s)) {
			json_object_put(s);
			err = 1;
		}
	}
	if (!err)
		err = mi_json_print(root);
	json_object_put(root);
	return err ? -EIO : 0;
}

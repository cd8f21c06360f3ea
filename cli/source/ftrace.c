// SPDX-License-Identifier: GPL-2.0
/*
 * Boot-time function tracing on a stock kernel. The function tracer starts in
 * early_trace_init(), before page_alloc_init_late(), so with a filter on the
 * deferred-init and hash-table functions it stamps their entries. Entries are
 * all it gives (no exits, no arguments): a phase ends where the kernel's own
 * completion line says, and a chunk ends no later than the next entry of the
 * thread that ran it. The trace clock must be the printk clock for the two to
 * be comparable: 'global' is sched_clock_cpu() like printk's local_clock(),
 * while the default 'local' is raw sched_clock() and drifts from it when the
 * TSC is unstable (seen: 76 ms apart on a TCG guest).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftrace.h"
#include "util.h"

/*
 * The ftrace_filter= patterns 'arm' asks for. At boot the kernel matches each
 * pattern against every traceable function, one kallsyms lookup per function
 * and pattern: bench/boot-cost.sh measured 4.2 s of -icount time (about
 * 0.5 G instructions) for six names on a 27,000-function kernel, more than
 * the phases they time. So: as few patterns as the parser needs (not
 * page_alloc_init_late: deferred init begins with its first thread), and
 * one glob for deferred_init_memmap and its _chunk.
 */
const char *const mi_ftrace_functions[] = {
	"deferred_init_memmap*",
	"deferred_grow_zone",
	"alloc_large_system_hash",
	NULL,
};

void mi_ftrace_free(struct mi_ftrace *ft)
{
	free(ft->e);
	memset(ft, 0, sizeof(*ft));
}

/* "  pgdatinit0-44   [003] .....   1.352669: deferred_init_memmap <-kthread" */
static int parse_entry(const char *line, struct mi_ftrace_entry *e)
{
	const char *p = line, *br, *colon;
	char *end;
	int n;

	while (*p == ' ')
		p++;
	br = strstr(p, " [");
	if (!br)
		return -EINVAL;
	n = br - p;
	while (n > 0 && p[n - 1] == ' ')
		n--;
	if (n <= 0)
		return -EINVAL;
	snprintf(e->task, sizeof(e->task), "%.*s", n, p);
	e->cpu = strtol(br + 2, &end, 10);
	if (end == br + 2 || *end != ']' || e->cpu < 0)
		return -EINVAL;
	/* skip the flags column, then "TIMESTAMP:" */
	colon = strstr(end, ": ");
	if (!colon)
		return -EINVAL;
	p = colon;
	while (p > end && !isspace((unsigned char)p[-1]))
		p--;
	e->t = strtod(p, &end);
	if (end != colon)
		return -EINVAL;
	if (sscanf(colon + 2, "%63s <-%63s", e->func, e->parent) < 1)
		return -EINVAL;
	return 0;
}

int mi_parse_ftrace(struct mi_ftrace *ft, const char *buf, const char *what)
{
	size_t pos = 0, lines = 0, bad = 0;
	const char *line;
	ssize_t len;
	int err, nr_cpus = 0;

	memset(ft, 0, sizeof(*ft));
	while ((len = mi_next_line(buf, &pos, &line)) >= 0) {
		struct mi_ftrace_entry e;
		char tmp[512];

		lines++;
		if ((size_t)len >= sizeof(tmp))
			len = sizeof(tmp) - 1;
		memcpy(tmp, line, len);
		tmp[len] = '\0';
		if (tmp[0] == '#') {
			char tracer[32];

			if (sscanf(tmp, "# tracer: %31s", tracer) == 1) {
				if (strcmp(tracer, "function")) {
					mi_err("%s: the trace is from the '%s' tracer; meminit reads "
					       "the 'function' tracer (see 'meminit arm')", what, tracer);
					mi_ftrace_free(ft);
					return -EINVAL;
				}
				ft->have_header = true;
			}
			sscanf(tmp, "# entries-in-buffer/entries-written: %llu/%llu #P:%d",
			       &ft->entries_in_buffer, &ft->entries_written, &nr_cpus);
			continue;
		}
		if (!tmp[0])
			continue;
		if (parse_entry(tmp, &e)) {
			bad++;
			continue;
		}
		/* The header's #P is the number of per-CPU buffers the trace has. */
		if (nr_cpus > 0 && e.cpu >= nr_cpus) {
			mi_err("%s: line %zu: an entry of CPU %d, but the trace has %d CPUs (#P:%d)",
			       what, lines, e.cpu, nr_cpus, nr_cpus);
			mi_ftrace_free(ft);
			return -EINVAL;
		}
		err = mi_grow((void **)&ft->e, &ft->cap, ft->nr, sizeof(e));
		if (err) {
			mi_err("%s: out of memory", what);
			mi_ftrace_free(ft);
			return err;
		}
		ft->e[ft->nr++] = e;
	}
	if (!ft->have_header && !ft->nr) {
		mi_err("%s: not an ftrace function trace (%zu lines, none recognized)", what, lines);
		return -EINVAL;
	}
	if (bad && !ft->nr) {
		mi_err("%s: %zu lines that are not function-tracer entries", what, bad);
		return -EINVAL;
	}
	return 0;
}

static struct mi_node *node_of_task(struct mi_report *r, const char *task)
{
	int id;

	/* deferred_init_memmap runs in kthread "pgdatinit<nid>" (mm/mm_init.c) */
	if (sscanf(task, "pgdatinit%d-", &id) == 1)
		return mi_report_find_node(r, id);
	return NULL;
}

/* Is t inside node n's deferred-init window? */
static bool in_window(const struct mi_node *n, double t)
{
	return n->deferred_start >= 0 && n->deferred_done >= 0 &&
	       t >= n->deferred_start && t <= n->deferred_done;
}

/*
 * Padata helpers (kworker/uPOOL:N) do not say which node's job they ran,
 * and one helper can serve several nodes in turn (seen on 6.12: a worker
 * ran chunks of node 1, then of node 0 after node 1 had finished). So each
 * chunk is judged alone: it belongs to a node only when that node's
 * deferred window is the one window that holds its start. The rest stay
 * unattributed rather than guessed.
 */
static void attribute_by_window(struct mi_report *r)
{
	size_t k, ni;

	for (k = 0; k < r->nr_chunks; k++) {
		struct mi_chunk *c = &r->chunks[k];
		int owner = -1, hits = 0;

		if (c->node >= 0)
			continue;
		for (ni = 0; ni < r->nr_nodes; ni++)
			if (in_window(&r->nodes[ni], c->start)) {
				owner = r->nodes[ni].id;
				hits++;
			}
		if (hits == 1)
			c->node = owner;
	}
}

/* A chunk ends no later than the next entry its thread made, or its node's end. */
static void bound_chunks(struct mi_report *r, const struct mi_ftrace *ft)
{
	size_t k, i;

	for (k = 0; k < r->nr_chunks; k++) {
		struct mi_chunk *c = &r->chunks[k];
		struct mi_node *n = mi_report_find_node(r, c->node);
		double end = MI_UNKNOWN;

		for (i = 0; i < ft->nr; i++) {
			const struct mi_ftrace_entry *e = &ft->e[i];

			if (e->t > c->start && !strcmp(e->task, c->task) &&
			    (end < 0 || e->t < end))
				end = e->t;
		}
		if (n && n->deferred_done >= 0 && (end < 0 || n->deferred_done < end))
			end = n->deferred_done;
		if (end < 0) {		/* unknown node: the last node to finish */
			size_t ni;

			for (ni = 0; ni < r->nr_nodes; ni++)
				if (r->nodes[ni].deferred_done > end)
					end = r->nodes[ni].deferred_done;
		}
		c->end_bound = end >= c->start ? end : MI_UNKNOWN;
	}
}

static void merge_hash_tables(struct mi_report *r, const struct mi_ftrace *ft)
{
	size_t i, t = 0;

	/*
	 * Entries and "hash table entries" lines come in the same order: pair
	 * each line with the latest entry before it that no line has taken.
	 * Tables allocated before ftrace started (dentry and inode caches when
	 * they are allocated early) keep an unknown start.
	 */
	for (t = 0; t < r->nr_tables; t++) {
		struct mi_hash_table *tab = &r->tables[t];
		const struct mi_ftrace_entry *best = NULL;
		size_t u;

		/* Per-node tables (futex) do not come from alloc_large_system_hash. */
		if (tab->numa_nodes)
			continue;
		for (i = 0; i < ft->nr; i++) {
			const struct mi_ftrace_entry *e = &ft->e[i];
			bool taken = false;

			if (strcmp(e->func, "alloc_large_system_hash") || e->t > tab->printed)
				continue;
			for (u = 0; u < r->nr_tables; u++)
				if (u != t && r->tables[u].start == e->t)
					taken = true;
			if (!taken && (!best || e->t > best->t))
				best = e;
		}
		/* The entry must come after the previous table's line. */
		if (best && t > 0 && best->t < r->tables[t - 1].printed)
			best = NULL;
		if (best) {
			tab->start = best->t;
			mi_strlcpy(tab->caller, best->parent, sizeof(tab->caller));
		}
	}
}

int mi_merge_ftrace(struct mi_report *r, const struct mi_ftrace *ft, bool clock_ok)
{
	double first_thread = MI_UNKNOWN;
	size_t i, seen = 0;

	for (i = 0; i < ft->nr; i++) {
		const struct mi_ftrace_entry *e = &ft->e[i];
		struct mi_node *n;

		if (!strcmp(e->func, "page_alloc_init_late")) {
			r->deferred_begin = e->t;
			seen++;
		} else if (!strcmp(e->func, "deferred_init_memmap")) {
			n = node_of_task(r, e->task);
			if (n && n->deferred_start < 0)
				n->deferred_start = e->t;
			if (first_thread < 0 || e->t < first_thread)
				first_thread = e->t;
			seen++;
		} else if (!strcmp(e->func, "deferred_init_memmap_chunk")) {
			struct mi_chunk *c = mi_report_add_chunk(r);

			if (!c)
				return -ENOMEM;
			n = node_of_task(r, e->task);
			c->node = n ? n->id : -1;
			c->cpu = e->cpu;
			c->start = e->t;
			mi_strlcpy(c->task, e->task, sizeof(c->task));
			seen++;
		} else if (!strcmp(e->func, "alloc_large_system_hash")) {
			seen++;
		}
	}
	/*
	 * Boots armed by this meminit trace no page_alloc_init_late (one filter
	 * pattern less at boot): deferred init begins with its first thread.
	 */
	if (r->deferred_begin < 0)
		r->deferred_begin = first_thread;
	r->sources |= MI_SRC_FTRACE;
	if (!seen) {
		mi_report_note(r, "the boot trace holds no entry of the deferred-init or hash-table "
			       "functions: this kernel's function tracer could not reach them "
			       "or the buffer was reset: the boot was not armed ('meminit arm'), or it "
			       "was armed without trace_clock=global and the kernel, finding the TSC "
			       "unstable, switched trace clocks, which empties the buffer");
		return 0;
	}
	if (ft->entries_written > ft->entries_in_buffer)
		mi_report_note(r, "the boot trace buffer overflowed (%llu of %llu entries kept): "
			       "raise trace_buf_size", ft->entries_in_buffer, ft->entries_written);
	attribute_by_window(r);
	bound_chunks(r, ft);
	merge_hash_tables(r, ft);
	for (i = 0; i < r->nr_nodes; i++) {
		struct mi_node *n = &r->nodes[i];
		char seen_tasks[64][32];
		int nt = 0, j;
		size_t k;

		for (k = 0; k < r->nr_chunks; k++) {
			if (r->chunks[k].node != n->id)
				continue;
			for (j = 0; j < nt && strcmp(seen_tasks[j], r->chunks[k].task); j++)
				;
			if (j == nt && nt < 64)
				mi_strlcpy(seen_tasks[nt++], r->chunks[k].task, 32);
		}
		n->deferred_threads = nt;
	}
	snprintf(r->ftrace_method, sizeof(r->ftrace_method),
		 "boot function trace: entries of deferred_init_memmap, its chunks and "
		 "alloc_large_system_hash, each bounded by the kernel's completion line or the "
		 "thread's next entry (upper bounds)");
	if (!clock_ok)
		mi_report_note(r, "the boot trace was not taken with trace_clock=global: its times "
			       "may drift from printk's, so durations that mix the two are unreliable");
	r->ftrace_global_clock = clock_ok;
	for (i = 0; i < r->nr_chunks; i++)
		if (r->chunks[i].node < 0) {
			mi_report_note(r, "some deferred-init chunks ran on padata helper threads "
				       "that the trace does not tie to a node; they are listed per "
				       "CPU with node \"?\"");
			break;
		}
	return 0;
}

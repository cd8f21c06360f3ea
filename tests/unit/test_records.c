// SPDX-License-Identifier: GPL-2.0
/*
 * Boot records of the patched kernel, on captures of one boot of the
 * patched guest (tests/fixtures/6.12-patched-3node, README there): the
 * debugfs text and binary files, the tracefs replay and 'perf script' of the
 * same records, and tracefs meminit_record events of a DIMM onlined on node 1
 * (1 GiB: 262144 pages). Ground truth: that boot's /proc/zoneinfo. Bad input is made
 * from the real files (a version byte changed, the file cut short...).
 */
#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdint.h>

#include "unit.h"
#include "attrib.h"
#include "output.h"
#include "procfs.h"
#include "records_file.h"
#include "util.h"

#define DIR "6.12-patched-3node"

static char *load(const char *file, size_t *len)
{
	char name[256];
	char *buf;

	snprintf(name, sizeof(name), "%s/%s", DIR, file);
	if (mi_read_file(unit_fixture_path(name), &buf, len)) {
		printf("FAIL load %s: cannot read\n", name);
		unit_failed = 1;
		return NULL;
	}
	return buf;
}

static bool same_events(const struct mi_report *a, const struct mi_report *b)
{
	size_t i;

	if (a->nr_events != b->nr_events)
		return false;
	for (i = 0; i < a->nr_events; i++) {
		const struct mi_event *x = &a->events[i], *y = &b->events[i];

		if (x->phase != y->phase || x->node != y->node || x->zone != y->zone ||
		    x->cpu != y->cpu || x->threads != y->threads ||
		    x->start_ns != y->start_ns || x->end_ns != y->end_ns ||
		    x->split_ns != y->split_ns || x->start_pfn != y->start_pfn ||
		    x->pages != y->pages || x->bytes != y->bytes || x->flags != y->flags ||
		    x->aux != y->aux || strcmp(x->name, y->name)) {
			printf("    event %zu differs: %d/%d %s/%s\n", i, x->phase, y->phase,
			       x->name, y->name);
			return false;
		}
	}
	return true;
}

static void test_formats(void)
{
	struct mi_report t, b, e, h;
	char *txt, *bin, *rep, *zi;
	size_t blen, i;
	struct mi_attrib a;

	txt = load("records.txt", NULL);
	bin = load("records.bin", &blen);
	rep = load("replay-trace.txt", NULL);
	zi = load("zoneinfo", NULL);
	if (!txt || !bin || !rep || !zi)
		goto out;
	mi_report_init(&t);
	mi_report_init(&b);
	mi_report_init(&e);
	mi_report_init(&h);
	EXPECT("records: text parses", !mi_parse_records_text(&t, txt, "records.txt"));
	EXPECT("records: bin parses", !mi_parse_records_bin(&b, bin, blen, "records.bin"));
	EXPECT("records: tracefs replay parses",
	       !mi_parse_records_events(&e, rep, "replay-trace.txt", NULL));
	EXPECT_EQ_U64("records: bin holds what its header says",
		      b.nr_events, (blen - MI_RECORDS_HDR_SIZE) / MI_RECORD_SIZE);
	EXPECT("records: text = bin, every field", same_events(&t, &b));
	EXPECT("records: tracefs replay = bin, every field", same_events(&e, &b));
	EXPECT("records: overflow 0 from the header", b.rec_overflow == 0 && t.rec_overflow == 0);
	EXPECT("records: events carry no overflow count", e.rec_overflow == -1);

	/* Ground truth: zoneinfo present pages of the same boot, per node. */
	EXPECT("records: zoneinfo parses", !mi_parse_zoneinfo(&b, zi, "zoneinfo"));
	EXPECT("records: finish", !mi_records_finish(&b));
	for (i = 0; i < b.nr_nodes; i++) {
		char name[96];

		snprintf(name, sizeof(name), "records: node %d pages = zoneinfo present (%llu)",
			 b.nodes[i].id, (unsigned long long)mi_node_present(&b.nodes[i]));
		EXPECT_EQ_U64(name, mi_attrib_node_pages(&b, b.nodes[i].id),
			      mi_node_present(&b.nodes[i]));
	}
	/* Per-CPU deferred rows sum to the node's deferred row. */
	if (!mi_attrib_build(&b, &a)) {
		size_t j, k;

		EXPECT("records: attribution complete", a.complete);
		for (j = 0; j < a.nr_phases; j++) {
			const struct mi_phase_sum *ph = &a.phases[j];
			uint64_t pages = 0;
			double busy = 0;
			int cpus = 0;
			char name[96];

			if (ph->phase != MI_PH_DEFERRED_CHUNK)
				continue;
			for (k = 0; k < a.nr_cpus; k++)
				if (a.cpus[k].phase == MI_PH_DEFERRED_CHUNK &&
				    a.cpus[k].node == ph->node) {
					pages += a.cpus[k].pages;
					busy += a.cpus[k].busy;
					cpus++;
				}
			snprintf(name, sizeof(name), "records: node %d per-CPU deferred pages sum", ph->node);
			EXPECT_EQ_U64(name, pages, ph->pages);
			snprintf(name, sizeof(name), "records: node %d per-CPU deferred time sums, %d CPUs",
				 ph->node, cpus);
			EXPECT(name, fabs(busy - ph->cpu) < 1e-9 && cpus == ph->cpus && cpus >= 2);
			snprintf(name, sizeof(name), "records: node %d deferred split init+free = cpu",
				 ph->node);
			EXPECT(name, fabs(ph->part1 + ph->part2 - ph->cpu) < 1e-9);
			snprintf(name, sizeof(name), "records: node %d wall <= cpu time (parallel)",
				 ph->node);
			EXPECT(name, ph->wall > 0 && ph->wall <= ph->cpu);
		}
		EXPECT("records: timeline has every record", a.nr_timeline == b.nr_events);
		for (j = 1; j < a.nr_timeline; j++) {
			const struct mi_event *x = &b.events[a.timeline[j - 1]];
			const struct mi_event *y = &b.events[a.timeline[j]];

			if (x->cpu > y->cpu || (x->cpu == y->cpu && x->start_ns > y->start_ns))
				break;
		}
		EXPECT("records: timeline ordered by CPU then start", j >= a.nr_timeline);
		mi_attrib_free(&a);
	} else {
		EXPECT("records: attribution builds", 0);
	}
	/* The hotplug events: exactly the DIMM, node 1, as records that are not boot's. */
	{
		char *hp = load("hotplug-trace.txt", NULL);
		uint64_t pages = 0;
		size_t k;
		int other = 0;

		EXPECT("records: hotplug events parse",
		       hp && !mi_parse_records_events(&h, hp, "hotplug-trace.txt", NULL));
		for (k = 0; k < h.nr_events; k++) {
			if (h.events[k].phase == MI_PH_HOTPLUG && h.events[k].node == 1)
				pages += h.events[k].pages;
			else
				other++;
		}
		EXPECT_EQ_U64("records: hotplug events on node 1 = the DIMM's 262144 pages", pages,
			      262144);
		EXPECT("records: no other hotplug events", other == 0 && h.nr_events == 8);
		free(hp);
	}
	/* A duplicate merged from a boot trace is not counted twice. */
	EXPECT("records: a replayed record merges as a duplicate",
	       !mi_parse_records_events(&b, rep, "replay-trace.txt", NULL) &&
	       b.rec_dups == b.nr_events);

	mi_report_free(&t);
	mi_report_free(&b);
	mi_report_free(&e);
	mi_report_free(&h);
out:
	free(txt);
	free(bin);
	free(rep);
	free(zi);
}

static void test_bad_input(void)
{
	struct mi_report r;
	struct mi_records_header h;
	char *txt, *bin, *copy, *foreign, *nl;
	size_t blen;
	int err;

	txt = load("records.txt", NULL);
	bin = load("records.bin", &blen);
	foreign = NULL;
	if (mi_read_file(unit_fixture_path("6.12-2node-ftrace/trace.txt"), &foreign, NULL))
		foreign = NULL;
	if (!txt || !bin || !foreign || blen < MI_RECORDS_HDR_SIZE + MI_RECORD_SIZE) {
		EXPECT("bad input: fixtures", 0);
		goto out;
	}
	copy = malloc(blen);
	if (!copy)
		goto out;

	/* records.bin of version 2 */
	memcpy(copy, bin, blen);
	memcpy(&h, copy, sizeof(h));
	h.version = 2;
	memcpy(copy, &h, sizeof(h));
	mi_report_init(&r);
	err = mi_parse_records_bin(&r, copy, blen, "v2.bin");
	EXPECT("bad input: bin of an unknown version is refused", err == -EPROTO && !r.nr_events);
	mi_report_free(&r);

	/* wrong magic */
	memcpy(copy, bin, blen);
	copy[0] = 'X';
	mi_report_init(&r);
	EXPECT("bad input: bin with a wrong magic is refused",
	       mi_parse_records_bin(&r, copy, blen, "magic.bin") == -EINVAL);
	mi_report_free(&r);

	/* truncated in a record, and inside the header */
	mi_report_init(&r);
	EXPECT("bad input: truncated bin is refused",
	       mi_parse_records_bin(&r, bin, blen - 40, "cut.bin") == -EINVAL && !r.nr_events);
	mi_report_free(&r);
	mi_report_init(&r);
	EXPECT("bad input: bin cut inside the header is refused",
	       mi_parse_records_bin(&r, bin, 20, "cut.bin") == -EINVAL);
	mi_report_free(&r);

	/* overflowed: parses, and says the sums are short */
	memcpy(copy, bin, blen);
	memcpy(&h, copy, sizeof(h));
	h.nr_overflow = 3;
	memcpy(copy, &h, sizeof(h));
	mi_report_init(&r);
	err = mi_parse_records_bin(&r, copy, blen, "over.bin");
	EXPECT("bad input: overflowed bin parses", !err && r.rec_overflow == 3);
	EXPECT("bad input: overflow adds an INCOMPLETE note",
	       !mi_records_finish(&r) && r.nr_notes && strstr(r.notes[r.nr_notes - 1], "INCOMPLETE"));
	{
		struct mi_attrib a;

		EXPECT("bad input: overflow makes the attribution incomplete",
		       !mi_attrib_build(&r, &a) && !a.complete);
		mi_attrib_free(&a);
	}
	mi_report_free(&r);

	/* text of version 2 */
	free(copy);
	copy = strdup(txt);
	if (!copy)
		goto out;
	copy[strlen("# meminit records v")] = '2';
	mi_report_init(&r);
	EXPECT("bad input: text of an unknown version is refused",
	       mi_parse_records_text(&r, copy, "v2.txt") == -EPROTO);
	mi_report_free(&r);

	/* text cut short: the header count no longer matches */
	strcpy(copy, txt);
	nl = strrchr(copy, '\n');
	if (nl) {
		*nl = '\0';
		nl = strrchr(copy, '\n');
		if (nl)
			nl[1] = '\0';
	}
	mi_report_init(&r);
	EXPECT("bad input: truncated text is refused",
	       mi_parse_records_text(&r, copy, "cut.txt") == -EINVAL);
	mi_report_free(&r);

	/* a trace of other events (a stock kernel's function trace) */
	mi_report_init(&r);
	EXPECT("bad input: events of other kinds are refused",
	       mi_parse_records_events(&r, foreign, "trace.txt", NULL) == -ENOENT &&
	       !r.nr_events);
	mi_report_free(&r);
	free(copy);
out:
	free(txt);
	free(bin);
	free(foreign);
}

/*
 * The JSON report is written a member and an element at a time; what it
 * writes must be valid JSON laid out exactly as json-c lays out the whole
 * tree (tools diff reports as text). This report has records, CPU rows and
 * empty arrays (no chunks, no dmesg hash tables).
 */
static void test_json_layout(void)
{
	struct mi_report r;
	char *bin, *out = NULL;
	size_t blen, olen = 0;
	json_object *tree;
	FILE *f;

	bin = load("records.bin", &blen);
	if (!bin)
		return;
	mi_report_init(&r);
	f = open_memstream(&out, &olen);
	EXPECT("json: report written",
	       f && !mi_parse_records_bin(&r, bin, blen, "records.bin") &&
	       !mi_records_finish(&r) && !mi_write_json(f, &r) && !fclose(f));
	tree = out ? json_tokener_parse(out) : NULL;
	EXPECT("json: the written report parses", tree != NULL);
	if (tree) {
		const char *again = json_object_to_json_string_ext(tree, JSON_C_TO_STRING_PRETTY |
								   JSON_C_TO_STRING_NOSLASHESCAPE);

		EXPECT("json: layout = json-c's whole-tree layout",
		       strlen(again) + 1 == olen && !strncmp(again, out, olen - 1) &&
		       out[olen - 1] == '\n');
		EXPECT_EQ_U64("json: every record written",
			      json_object_array_length(json_object_object_get(tree, "events")),
			      r.nr_events);
		json_object_put(tree);
	}
	free(out);
	mi_report_free(&r);
	free(bin);
}

int main(int argc, char **argv)
{
	unit_init(argc, argv);
	test_formats();
	test_bad_input();
	test_json_layout();
	return unit_failed;
}

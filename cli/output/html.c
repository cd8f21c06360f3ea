// SPDX-License-Identifier: GPL-2.0
/*
 * A self-contained HTML report: inline CSS and SVG only (no script, no
 * font, no URL), so it opens offline and in mail. One lane per CPU on the
 * timeline, phases coloured by node; nodes; s/TiB bars per node; hash
 * tables; for a kexec directory each phase over the runs (box and dots) and
 * the A/B view with the same statistics as 'meminit compare'.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "stats.h"
#include "util.h"

#define W		1100	/* drawing width, px */
#define LABEL_W		90	/* lane labels */
#define LANE_H		26
#define THIN_LANE_H	4	/* past MI_HTML_FULL_LANES lanes */
#define MI_HTML_FULL_LANES	64	/* lanes drawn with a label each */

static const char *const node_colour[] = {
	"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2", "#edc948", "#9c755f",
};
#define NO_NODE_COLOUR	"#8c8c8c"

static const char *colour(int node)
{
	return node < 0 ? NO_NODE_COLOUR : node_colour[node % ARRAY_SIZE(node_colour)];
}

/* Text, escaped for HTML and SVG. */
static void esc(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&#39;", out);
			break;
		default:
			fputc(*s, out);
		}
	}
}

static void ms_text(char *buf, size_t size, double s)
{
	if (s < 0)
		snprintf(buf, size, "–");
	else if (s * 1e3 >= 100)
		snprintf(buf, size, "%.0f ms", s * 1e3);
	else if (s * 1e3 >= 1)
		snprintf(buf, size, "%.2f ms", s * 1e3);
	else
		snprintf(buf, size, "%.0f µs", s * 1e6);
}

static void node_text(char *buf, size_t size, int node)
{
	if (node >= 0)
		snprintf(buf, size, "node %d", node);
	else
		snprintf(buf, size, "no node");
}

static const char css[] =
"body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;"
"margin:24px 32px;color:#1d2330;background:#fbfbfd}"
"h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d8dbe3;"
"padding-bottom:4px}.sub{color:#5a6275;margin:0 0 8px;font-size:14px}"
"table{border-collapse:collapse;font-size:13px;font-variant-numeric:tabular-nums}"
"th,td{padding:4px 10px;border-bottom:1px solid #e4e6ec;text-align:right}"
"th{background:#eef0f5;font-weight:600}td.l,th.l{text-align:left}"
"svg text{font-family:inherit;font-size:11px;fill:#1d2330}svg .lbl{font-size:12px;font-weight:600}"
"svg .axis{stroke:#b8bdca;stroke-width:1}svg .grid{stroke:#e6e8ee;stroke-width:1}"
".legend span{display:inline-block;margin-right:14px;font-size:13px}"
".legend i{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:5px;"
"vertical-align:-1px}.note{color:#5a6275;font-size:13px;max-width:1100px}"
".chip{display:inline-block;background:#eef0f5;border-radius:10px;padding:1px 9px;margin-right:6px;"
"font-size:13px}.slower{color:#b0302c;font-weight:600}.faster{color:#2c7a3a;font-weight:600}";

static void header(FILE *out, const struct mi_view *f, const struct mi_html_opts *o)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta name=\"generator\" content=\"meminit " MEMINIT_VERSION "\">\n<title>meminit: ",
	      out);
	esc(out, f->kernel);
	fprintf(out, "</title>\n<style>%s</style></head><body>\n", css);
	fputs("<h1>Memory initialization at boot</h1>\n<p class=\"sub\">", out);
	fputs("<span class=\"chip\">kernel ", out);
	esc(out, f->kernel);
	fputs("</span><span class=\"chip\">source ", out);
	esc(out, f->source);
	fprintf(out, "</span><span class=\"chip\">%s</span><span class=\"chip\">%zu node%s: ",
		f->patched ? "patched kernel (boot records)" : "stock kernel", f->nr_nodes,
		f->nr_nodes == 1 ? "" : "s");
	esc(out, f->shape);
	fputs("</span>", out);
	if (f->host[0]) {
		fputs("<span class=\"chip\">host ", out);
		esc(out, f->host);
		fputs("</span>", out);
	}
	fputs("</p>\n<p class=\"sub\">from ", out);
	esc(out, o->title);
	fputs("</p>\n", out);
}

/* A tick step of 1, 2 or 5 x 10^k seconds giving about 8 ticks over SPAN. */
static double tick_step(double span)
{
	double raw = span / 8, p = pow(10, floor(log10(raw))), m = raw / p;

	return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

static void legend(FILE *out, const struct mi_view *f)
{
	size_t i;
	bool no_node = false;

	fputs("<p class=\"legend\">", out);
	for (i = 0; i < f->nr_nodes; i++)
		fprintf(out, "<span><i style=\"background:%s\"></i>node %d</span>",
			colour(f->nodes[i].id), f->nodes[i].id);
	for (i = 0; i < f->nr_spans; i++)
		no_node |= f->spans[i].node < 0;
	if (no_node)
		fprintf(out, "<span><i style=\"background:%s\"></i>no node (hash tables, "
			"unattributed chunks)</span>", NO_NODE_COLOUR);
	fputs("<span><i style=\"background:#1d2330;height:4px;vertical-align:3px\"></i>"
	      "a node's deferred-init thread</span></p>\n", out);
}

/* A lane: one CPU, and the node it worked for the longest (-1: none). */
struct lane {
	int cpu, node;
};

/* By node (none last), then CPU ("CPU ?" last). */
static int cmp_lane(const void *a, const void *b)
{
	const struct lane *x = a, *y = b;

	if (x->node != y->node)
		return x->node < 0 ? 1 : y->node < 0 ? -1 : x->node - y->node;
	if (x->cpu != y->cpu)
		return x->cpu < 0 ? 1 : y->cpu < 0 ? -1 : x->cpu - y->cpu;
	return 0;
}

/*
 * The lanes of the window [T0, T1]: one per CPU with a span in it, grouped
 * by the node the CPU spent the most time on (a node's own CPUs, as a rule,
 * and where padata sent work elsewhere, that shows). Caller frees.
 */
static struct lane *lanes_of(const struct mi_view *f, double t0, double t1, int *nr_out)
{
	struct lane *v = calloc(f->nr_spans + 1, sizeof(*v));
	double *best;
	size_t k;
	int nr = 0, j;

	if (!v)
		return NULL;
	for (k = 0; k < f->nr_spans; k++) {
		const struct mi_view_span *s = &f->spans[k];

		if (s->end_s < t0 || s->start_s > t1)
			continue;	/* no empty lanes in a zoomed window */
		for (j = 0; j < nr && v[j].cpu != s->cpu; j++)
			;
		if (j == nr) {
			v[nr].cpu = s->cpu;
			v[nr++].node = -1;
		}
	}
	best = calloc(MI_MAX_NODES, sizeof(*best));
	if (!best) {
		free(v);
		return NULL;
	}
	/* the node each CPU worked for the longest, the node threads' spans apart */
	for (j = 0; j < nr; j++) {
		double most = 0;
		int n;

		memset(best, 0, MI_MAX_NODES * sizeof(*best));
		for (k = 0; k < f->nr_spans; k++) {
			const struct mi_view_span *s = &f->spans[k];

			if (s->cpu == v[j].cpu && s->node >= 0 && s->node < MI_MAX_NODES &&
			    !s->thin && s->end_s >= t0 && s->start_s <= t1)
				best[s->node] += s->end_s - s->start_s;
		}
		for (n = 0; n < MI_MAX_NODES; n++)
			if (best[n] > most) {
				most = best[n];
				v[j].node = n;
			}
	}
	free(best);
	qsort(v, (size_t)nr, sizeof(*v), cmp_lane);
	*nr_out = nr;
	return v;
}

/*
 * The spans between T0 and T1 on one lane per CPU (lane "CPU ?" for
 * unknown), grouped by node. Past MI_HTML_FULL_LANES lanes (a machine of
 * hundreds of CPUs) the lanes are thin and only each node's group is
 * labelled, so a 1024-CPU boot stays one readable picture.
 */
static int timeline(FILE *out, const struct mi_view *f, double t0, double t1, const char *id)
{
	double step, t, span = t1 - t0, plot = W - LABEL_W - 10;
	struct lane *lanes;
	int nr = 0, i, h, lane_h;
	bool compact;
	size_t k;

	lanes = lanes_of(f, t0, t1, &nr);
	if (!lanes)
		return -ENOMEM;
	compact = nr > MI_HTML_FULL_LANES;
	lane_h = compact ? THIN_LANE_H : LANE_H;
	if (span <= 0)
		span = 1e-3;
	h = nr * lane_h + 34;
	fprintf(out, "<svg id=\"%s\" class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" "
		"width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n", id, W, h, W, h);
	step = tick_step(span);
	for (t = ceil(t0 / step) * step; t <= t1 + step * 1e-6; t += step) {
		double x = LABEL_W + (t - t0) / span * plot;
		char lbl[32];

		snprintf(lbl, sizeof(lbl), "%.*f s", step >= 1 ? 0 : step >= 0.1 ? 1 :
			 step >= 0.01 ? 2 : step >= 0.001 ? 3 : 4, t);
		fprintf(out, "<line class=\"grid\" x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"%d\"/>"
			"<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
			x, x, nr * lane_h, x, nr * lane_h + 16, lbl);
	}
	for (i = 0; i < nr; i++) {
		int y = i * lane_h, cpu = lanes[i].cpu;

		/* a node's group starts: a rule, and in a compact view its label */
		if (!i || lanes[i].node != lanes[i - 1].node) {
			int n = 0, j;
			char nd[16];

			for (j = i; j < nr && lanes[j].node == lanes[i].node; j++)
				n++;
			node_text(nd, sizeof(nd), lanes[i].node);
			fprintf(out, "<g class=\"group\" data-node=\"%d\" data-cpus=\"%d\">"
				"<line class=\"axis\" x1=\"0\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>",
				lanes[i].node, n, y, W - 10, y);
			if (compact)
				fprintf(out, "<text class=\"lbl\" x=\"4\" y=\"%d\">%s, %d CPU%s</text>",
					y + 10, nd, n, n == 1 ? "" : "s");
			fputs("</g>\n", out);
		}
		fprintf(out, "<g class=\"lane\" data-cpu=\"%d\" data-node=\"%d\">", cpu,
			lanes[i].node);
		if (!compact && cpu >= 0)
			fprintf(out, "<text class=\"lbl\" x=\"4\" y=\"%d\">CPU %d</text>", y + 17, cpu);
		else if (!compact)
			fprintf(out, "<text class=\"lbl\" x=\"4\" y=\"%d\">CPU ?</text>", y + 17);
		if (!compact)
			fprintf(out, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n",
				LABEL_W, y + lane_h, W - 10, y + lane_h);
		for (k = 0; k < f->nr_spans; k++) {
			const struct mi_view_span *s = &f->spans[k];
			double x0, x1, w;
			char a[32], b[32], d[32], nd[16];

			if (s->cpu != cpu || s->end_s < t0 || s->start_s > t1)
				continue;
			x0 = LABEL_W + (fmax(s->start_s, t0) - t0) / span * plot;
			x1 = LABEL_W + (fmin(s->end_s, t1) - t0) / span * plot;
			w = fmax(x1 - x0, compact ? 1 : 2);
			snprintf(a, sizeof(a), "%.6f", s->start_s);
			snprintf(b, sizeof(b), "%.6f", s->end_s);
			ms_text(d, sizeof(d), s->end_s - s->start_s);
			node_text(nd, sizeof(nd), s->node);
			if (compact)
				fprintf(out, "<rect class=\"span\" data-phase=\"%s\" data-node=\"%d\" "
					"x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\">",
					s->phase, s->node, x0, s->thin ? y + lane_h - 1 : y,
					w, s->thin ? 1 : lane_h - 1, s->thin ? "#1d2330" : colour(s->node));
			else
				fprintf(out, "<rect class=\"span\" data-phase=\"%s\" data-node=\"%d\" "
					"x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" rx=\"2\" fill=\"%s\"%s>",
					s->phase, s->node, x0, s->thin ? y + lane_h - 5 : y + 4, w,
					s->thin ? 4 : lane_h - 9, s->thin ? "#1d2330" : colour(s->node),
					s->thin ? "" : " fill-opacity=\"0.9\" stroke=\"#fff\" stroke-width=\"0.6\"");
			fputs("<title>", out);
			if (compact)
				fprintf(out, "CPU %d: ", cpu);
			esc(out, s->phase);
			if (s->name[0]) {
				fputs(" ", out);
				esc(out, s->name);
			}
			fprintf(out, ", %s, %s to %s s (%s)</title></rect>", nd, a, b, d);
			if (!compact && !s->thin &&
			    w > 7.0 * (strlen(s->name[0] ? s->name : s->phase) + 1))
				fprintf(out, "<text x=\"%.1f\" y=\"%d\" style=\"fill:#fff\">%s</text>",
					x0 + 4, y + 17, s->name[0] ? s->name : s->phase);
		}
		fputs("</g>\n", out);
	}
	fputs("</svg>\n", out);
	free(lanes);
	return 0;
}

static int timelines(FILE *out, const struct mi_view *f)
{
	double t0 = INFINITY, t1 = -INFINITY, d0 = INFINITY, d1 = -INFINITY;
	size_t k;
	int err;

	fputs("<h2>Timeline by CPU</h2>\n", out);
	if (!f->nr_spans) {
		fputs("<p class=\"note\">No timed spans: this report has neither boot records nor "
		      "a boot trace (run 'meminit arm' before the next boot, or boot the patched "
		      "kernel with meminit_stats).</p>\n", out);
		return 0;
	}
	for (k = 0; k < f->nr_spans; k++) {
		const struct mi_view_span *s = &f->spans[k];

		t0 = fmin(t0, s->start_s);
		t1 = fmax(t1, s->end_s);
		if (!strncmp(s->phase, "deferred", 8)) {
			d0 = fmin(d0, s->start_s);
			d1 = fmax(d1, s->end_s);
		}
	}
	legend(out, f);
	fprintf(out, "<p class=\"note\">The whole boot window, %.3f s to %.3f s on the kernel's "
		"local_clock(); spans shorter than a pixel are drawn 2 px wide.%s</p>\n", t0, t1,
		f->patched ? "" : " Stock kernel: a chunk ends no later than the next entry of "
		"the thread that ran it, and a hash table no later than its printk line (upper "
		"bounds).");
	err = timeline(out, f, t0, t1, "timeline-all");
	if (!err && d1 > d0 && (d1 - d0) < 0.5 * (t1 - t0)) {
		fprintf(out, "<p class=\"note\">Deferred struct page init, %.3f s to %.3f s:</p>\n",
			d0, d1);
		err = timeline(out, f, d0 - (d1 - d0) * 0.02, d1 + (d1 - d0) * 0.02,
			       "timeline-deferred");
	}
	return err;
}

static void cell_num(FILE *out, double v, const char *fmt)
{
	if (v < 0)
		fputs("<td>–</td>", out);
	else {
		fputs("<td>", out);
		fprintf(out, fmt, v);
		fputs("</td>", out);
	}
}

static void nodes_table(FILE *out, const struct mi_view *f)
{
	size_t i;

	fputs("<h2>Nodes</h2>\n<table id=\"nodes\"><tr><th class=\"l\">node</th><th>memory GiB</th>"
	      "<th>present pages</th><th>deferred init (kernel line)</th><th>deferred init "
	      "(measured)</th><th>threads</th><th>s/TiB</th></tr>\n", out);
	for (i = 0; i < f->nr_nodes; i++) {
		const struct mi_view_node *n = &f->nodes[i];
		double tib = mi_view_s_per_tib(f, n->id, n->deferred_s);
		char a[32], b[32];

		ms_text(a, sizeof(a), n->deferred_kernel_s);
		ms_text(b, sizeof(b), n->deferred_s != n->deferred_kernel_s ? n->deferred_s : -1);
		fprintf(out, "<tr><td class=\"l\"><i style=\"display:inline-block;width:10px;"
			"height:10px;background:%s;margin-right:6px\"></i>%d%s</td>",
			colour(n->id), n->id, n->memoryless ? " (memoryless)" : "");
		cell_num(out, n->bytes > 0 ? n->bytes / (1024.0 * 1024 * 1024) : -1, "%.2f");
		cell_num(out, n->present_pages, "%.0f");
		fprintf(out, "<td>%s</td><td>%s</td>", a, b);
		cell_num(out, n->threads, "%.0f");
		cell_num(out, n->memoryless ? -1 : tib, "%.2f");
		fputs("</tr>\n", out);
	}
	fprintf(out, "</table>\n<p class=\"note\">Memory: present pages x %llu KiB (the "
		"kernel's page size, from %s) where /proc/zoneinfo "
		"was read, else the node's memory ranges in a kernel log that starts at boot, "
		"else the pages its boot records initialized. s/TiB: deferred "
		"init wall time per TiB of the node's memory.</p>\n",
		(unsigned long long)f->page_size >> 10, f->page_size_from);
}

static void bars(FILE *out, const struct mi_view *f)
{
	double max = 0;
	size_t i;
	int nr = 0, y = 0, h;

	for (i = 0; i < f->nr_rows; i++) {
		const struct mi_view_row *r = &f->rows[i];
		double v = r->cpu < 0 && r->node >= 0 ? mi_view_s_per_tib(f, r->node, r->seconds) : -1;

		if (v >= 0) {
			max = fmax(max, v);
			nr++;
		}
	}
	fputs("<h2>Seconds per TiB, per node and phase</h2>\n", out);
	if (!nr) {
		fputs("<p class=\"note\">No phase with both a time and the node's memory.</p>\n", out);
		return;
	}
	if (max <= 0)
		max = 1;
	h = nr * 22 + 8;
	fprintf(out, "<svg id=\"tib-bars\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
		"height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n", W, h, W, h);
	for (i = 0; i < f->nr_rows; i++) {
		const struct mi_view_row *r = &f->rows[i];
		double v = r->cpu < 0 && r->node >= 0 ? mi_view_s_per_tib(f, r->node, r->seconds) : -1;
		double w;

		if (v < 0)
			continue;
		w = v / max * (W - 320);
		fprintf(out, "<g class=\"bar\" data-node=\"%d\" data-phase=\"%s\">"
			"<text x=\"0\" y=\"%d\">node %d · %s</text>"
			"<rect x=\"200\" y=\"%d\" width=\"%.1f\" height=\"15\" rx=\"2\" fill=\"%s\"/>"
			"<text x=\"%.1f\" y=\"%d\">%.2f s/TiB%s</text></g>\n",
			r->node, r->phase, y + 13, r->node, r->phase, y + 2, fmax(w, 1),
			colour(r->node), 206 + fmax(w, 1), y + 13, v,
			r->quality == MI_Q_JIFFIES ? " (jiffies)" : "");
		y += 22;
	}
	fputs("</svg>\n", out);
}

static void tables_table(FILE *out, const struct mi_view *f)
{
	size_t i;

	if (!f->nr_tables)
		return;
	fputs("<h2>Large system hash tables</h2>\n<table id=\"hash\"><tr><th class=\"l\">table"
	      "</th><th>entries</th><th>bytes</th><th class=\"l\">placement</th><th>time</th>"
	      "<th>allocation</th><th>zeroing</th></tr>\n", out);
	for (i = 0; i < f->nr_tables; i++) {
		const struct mi_view_table *t = &f->tables[i];
		char a[32], b[32], c[32];

		ms_text(a, sizeof(a), t->seconds);
		ms_text(b, sizeof(b), t->alloc_s);
		ms_text(c, sizeof(c), t->zero_s);
		fputs("<tr><td class=\"l\">", out);
		esc(out, t->name);
		fputs("</td>", out);
		cell_num(out, t->entries, "%.0f");
		cell_num(out, t->bytes, "%.0f");
		fputs("<td class=\"l\">", out);
		esc(out, t->placement);
		fprintf(out, "</td><td>%s%s</td><td>%s</td><td>%s</td></tr>\n", a,
			t->quality == MI_Q_BOUND && t->seconds >= 0 ? " (bound)" : "", b, c);
	}
	fputs("</table>\n", out);
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* A box (quartiles), whiskers (min, max), median and one dot per run, at Y. */
static int box(FILE *out, const double *v, int n, double lo, double hi, int x, int w, int y,
	       const char *fill)
{
	double *s = malloc(n * sizeof(*s)), span = hi - lo > 0 ? hi - lo : 1;
	int k;

	if (!s)
		return -ENOMEM;
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_dbl);
#define X(val) (x + ((val) - lo) / span * w)
	fprintf(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#5a6275\"/>",
		X(s[0]), y + 8, X(s[n - 1]), y + 8);
	fprintf(out, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"16\" fill=\"%s\" "
		"fill-opacity=\"0.35\" stroke=\"%s\"/>", X(mi_quantile_sorted(s, (size_t)n, 0.25)), y,
		fmax(X(mi_quantile_sorted(s, (size_t)n, 0.75)) - X(mi_quantile_sorted(s, (size_t)n, 0.25)), 1), fill, fill);
	fprintf(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#1d2330\" "
		"stroke-width=\"2\"/>", X(mi_median(s, n)), y - 2, X(mi_median(s, n)), y + 18);
	for (k = 0; k < n; k++)
		fprintf(out, "<circle class=\"run\" cx=\"%.1f\" cy=\"%d\" r=\"2.5\" fill=\"%s\"/>",
			X(v[k]), y + 8, fill);
#undef X
	free(s);
	return 0;
}

static void range_of(const struct mi_metric *m, double *lo, double *hi)
{
	int k;

	for (k = 0; k < m->n; k++) {
		*lo = fmin(*lo, m->v[k]);
		*hi = fmax(*hi, m->v[k]);
	}
}

/* The cell's colour: only a decided direction gets one. */
static const char *verdict_class(const struct mi_ab *ab)
{
	if (!strcmp(ab->verdict, "faster") || !strcmp(ab->verdict, "slower"))
		return ab->verdict;
	return "";
}

static void metric_label(char *buf, size_t size, const struct mi_metric *m)
{
	int len = snprintf(buf, size, "%s", m->phase);

	if (m->node >= 0 && len < (int)size)
		len += snprintf(buf + len, size - len, " · node %d", m->node);
	if (m->cpu >= 0 && len < (int)size)
		snprintf(buf + len, size - len, " · CPU %d", m->cpu);
}

static int distribution(FILE *out, const struct mi_runset *rs)
{
	size_t i;
	int y = 0, nr = 0, h, err = 0;

	for (i = 0; i < rs->nr; i++)
		nr += rs->m[i].cpu < 0;
	fprintf(out, "<h2>Each phase over %d run%s</h2>\n<p class=\"note\">", rs->nr_runs,
		rs->nr_runs == 1 ? "" : "s");
	esc(out, rs->dir);
	if (rs->variant[0]) {
		fputs(", variant ", out);
		esc(out, rs->variant);
	}
	fputs(". Milliseconds; box: quartiles, line: median, whiskers: min to max, one dot per "
	      "run; each row has its own scale, printed at its ends.</p>\n", out);
	h = nr * 30 + 10;
	fprintf(out, "<svg id=\"runs\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
		"height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n", W, h, W, h);
	for (i = 0; !err && i < rs->nr; i++) {
		const struct mi_metric *m = &rs->m[i];
		double lo = INFINITY, hi = -INFINITY, pad;
		char lbl[160];

		if (m->cpu >= 0)
			continue;
		range_of(m, &lo, &hi);
		pad = hi > lo ? (hi - lo) * 0.05 : fmax(fabs(hi) * 0.05, 1e-3);
		metric_label(lbl, sizeof(lbl), m);
		fprintf(out, "<g class=\"dist\" data-n=\"%d\"><text x=\"0\" y=\"%d\">", m->n, y + 13);
		esc(out, lbl);
		fprintf(out, "</text><text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.3f</text>",
			438, y + 13, lo);
		err = box(out, m->v, m->n, lo - pad, hi + pad, 444, W - 660, y + 1,
			  colour(m->node));
		fprintf(out, "<text x=\"%d\" y=\"%d\">%.3f</text><text x=\"%d\" y=\"%d\" "
			"text-anchor=\"end\">n=%d, median %.3f</text></g>\n", W - 210, y + 13, hi,
			W - 4, y + 13, m->n, mi_median(m->v, m->n));
		y += 30;
	}
	fputs("</svg>\n", out);
	return err;
}

static int ab_view(FILE *out, const struct mi_runset *a, const struct mi_runset *b)
{
	size_t i;
	int err = 0;

	fputs("<h2>A/B</h2>\n<p class=\"note\">A = ", out);
	esc(out, a->dir);
	if (a->variant[0]) {
		fputs(":", out);
		esc(out, a->variant);
	}
	fprintf(out, " (%d runs, kernel ", a->nr_runs);
	esc(out, a->kernel);
	fputs("), B = ", out);
	esc(out, b->dir);
	if (b->variant[0]) {
		fputs(":", out);
		esc(out, b->variant);
	}
	fprintf(out, " (%d runs, kernel ", b->nr_runs);
	esc(out, b->kernel);
	fprintf(out, "). Shift B - A: the " MI_STATS_SHIFT_METHOD ", 95%% or its own level; "
		"verdict: the interval excludes 0 (too few runs: under 95%%); p: Mann-Whitney U (two-sided) of the same ranks, "
		"! where it and the interval disagree at %.2f (ties); bound: where the interval holds 0, "
		"no change beyond it; runs: per variant to find a %g%% shift with %.0f%% power; "
		"as 'meminit compare'.</p>\n"
		"<table id=\"ab\"><tr><th class=\"l\">phase</th><th>A median ms</th><th>B median ms"
		"</th><th>shift B - A ms</th><th>interval</th><th>change</th><th>p</th>"
		"<th class=\"l\">verdict</th><th>bound</th><th>runs</th>"
		"<th class=\"l\">A (top) and B (bottom)</th></tr>\n",
		MI_STATS_ALPHA, MI_STATS_DETECT_PCT, MI_STATS_POWER * 100);
	for (i = 0; !err && i < a->nr; i++) {
		const struct mi_metric *ma = &a->m[i], *mb;
		double lo_r = INFINITY, hi_r = -INFINITY, pad, bound;
		int runs;
		struct mi_ab ab;
		char lbl[160];

		if (ma->cpu >= 0)
			continue;
		mb = mi_runset_find(b, ma);
		if (!mb)
			continue;
		if (mi_ab_compare(ma->v, ma->n, mb->v, mb->n, &ab))
			return -ENOMEM;
		metric_label(lbl, sizeof(lbl), ma);
		fputs("<tr><td class=\"l\">", out);
		esc(out, lbl);
		fprintf(out, "</td><td>%.3f</td><td>%.3f</td><td>%+.3f</td><td>[%+.3f, %+.3f]",
			ab.median_a, ab.median_b, ab.d.shift, ab.d.lo, ab.d.hi);
		if (ab.d.level < 1 - MI_STATS_ALPHA - 1e-9)
			fprintf(out, " %.0f%%", ab.d.level * 100);
		fputs("</td>", out);
		if (ab.median_a != 0)
			fprintf(out, "<td>%+.1f%%</td>", ab.d.shift / ab.median_a * 100);
		else
			fputs("<td>–</td>", out);
		fprintf(out, "<td>%.3g%s</td><td class=\"l %s\">%s</td>", ab.t.p,
			ab.agree ? "" : " !", verdict_class(&ab), ab.verdict);
		bound = mi_ab_bound(&ab);
		runs = mi_runs_to_detect(ma->v, ma->n, mb->v, mb->n,
					 fabs(ab.median_a) * MI_STATS_DETECT_PCT / 100);
		if (isfinite(bound))
			fprintf(out, "<td>&plusmn;%.1f%%</td>", bound * 100);
		else
			fputs("<td>–</td>", out);
		if (runs > 0)
			fprintf(out, "<td>%d</td><td class=\"l\">", runs);
		else
			fputs("<td>–</td><td class=\"l\">", out);
		range_of(ma, &lo_r, &hi_r);
		range_of(mb, &lo_r, &hi_r);
		pad = hi_r > lo_r ? (hi_r - lo_r) * 0.05 : fmax(fabs(hi_r) * 0.05, 1e-3);
		fputs("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"260\" height=\"40\" "
		      "viewBox=\"0 0 260 40\">", out);
		err = box(out, ma->v, ma->n, lo_r - pad, hi_r + pad, 4, 252, 1, "#4e79a7");
		if (!err)
			err = box(out, mb->v, mb->n, lo_r - pad, hi_r + pad, 4, 252, 21, "#f28e2b");
		fputs("</svg></td></tr>\n", out);
	}
	fputs("</table>\n", out);
	return err;
}

int mi_export_html(FILE *out, const struct mi_view *f, const struct mi_html_opts *o)
{
	int err;

	header(out, f, o);
	err = timelines(out, f);
	if (err)
		return err;
	nodes_table(out, f);
	bars(out, f);
	tables_table(out, f);
	if (o->runs)
		err = distribution(out, o->runs);
	if (!err && o->runs && o->ab)
		err = ab_view(out, o->runs, o->ab);
	if (err)
		return err;
	fputs("<p class=\"note\" style=\"margin-top:28px\">Written by meminit " MEMINIT_VERSION
	      ". Times on the kernel's local_clock(); s/TiB per TiB of the node's memory.</p>\n"
	      "</body></html>\n", out);
	return ferror(out) ? -EIO : 0;
}

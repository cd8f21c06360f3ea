// SPDX-License-Identifier: GPL-2.0
/*
 * Tidy CSV (RFC 4180): one row per phase x node x cpu x run, one header.
 * scope "node" rows hold a phase's wall time on a node across its CPUs,
 * scope "cpu" rows the time one CPU spent; never add the two together.
 * An unknown value is an empty field (NaN in pandas), never 0.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "export.h"

static void field(FILE *out, const char *s, bool last)
{
	if (strpbrk(s, ",\"\r\n")) {
		fputc('"', out);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', out);
			fputc(*s, out);
		}
		fputc('"', out);
	} else {
		fputs(s, out);
	}
	fputs(last ? "\r\n" : ",", out);
}

static void num(FILE *out, double v, bool known)
{
	if (known)
		fprintf(out, "%.9g,", v);
	else
		fputc(',', out);
}

static void inum(FILE *out, int v)
{
	if (v >= 0)
		fprintf(out, "%d,", v);
	else
		fputc(',', out);
}

int mi_export_csv_header(FILE *out)
{
	fputs("run,variant,host,kernel,source,shape,phase,name,scope,node,cpu,seconds,cpu_seconds,"
	      "pages,bytes,start_s,end_s,s_per_tib,ns_per_page,quality\r\n", out);
	return ferror(out) ? -EIO : 0;
}

int mi_export_csv_rows(FILE *out, const struct mi_view *f, int run, const char *variant)
{
	size_t i;

	for (i = 0; i < f->nr_rows; i++) {
		const struct mi_view_row *r = &f->rows[i];
		double tib = r->node >= 0 ? mi_view_s_per_tib(f, r->node, r->seconds) : -1;

		inum(out, run);
		field(out, variant ?: "", false);
		field(out, f->host, false);
		field(out, f->kernel, false);
		field(out, f->source, false);
		field(out, f->shape, false);
		field(out, r->phase, false);
		field(out, r->name, false);
		field(out, r->cpu >= 0 ? "cpu" : "node", false);
		inum(out, r->node);
		inum(out, r->cpu);
		num(out, r->seconds, r->seconds >= 0);
		num(out, r->cpu_seconds, r->cpu_seconds >= 0);
		num(out, r->pages, r->pages >= 0);
		num(out, r->bytes, r->bytes >= 0);
		num(out, r->start_s, r->start_s >= 0);
		num(out, r->end_s, r->end_s >= 0);
		num(out, tib, tib >= 0);
		num(out, mi_view_row_ns_per_page(r), mi_view_row_ns_per_page(r) >= 0);
		field(out, mi_quality_name(r->quality), true);
	}
	return ferror(out) ? -EIO : 0;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exporters of the view of a report (view.h): Prometheus/OpenMetrics text for
 * node_exporter's textfile collector, tidy CSV, and a self-contained HTML
 * report. Each returns 0, or -EIO when the stream failed.
 */
#ifndef MEMINIT_EXPORT_H
#define MEMINIT_EXPORT_H

#include <stdio.h>

#include "view.h"
#include "runset.h"

/*
 * One report: every meminit_* family, no timestamps. Series stay per node
 * (a fleet's cardinality); PER_CPU adds meminit_phase_seconds, one series
 * per CPU and phase (a 1024-CPU machine: thousands).
 */
int mi_export_prom(FILE *out, const struct mi_view *f, bool per_cpu);

/* CSV: the header once, then one row per phase x node x cpu of a run. */
int mi_export_csv_header(FILE *out);
int mi_export_csv_rows(FILE *out, const struct mi_view *f, int run, const char *variant);

/*
 * HTML: the report F (timeline, nodes, s/TiB bars); with runs (a kexec
 * directory, NULL otherwise) the distribution of each phase over the runs,
 * and with a second set AB (NULL otherwise) the A/B view of RUNS against it.
 */
struct mi_html_opts {
	const char *title;		/* the input's name */
	const struct mi_runset *runs;
	const struct mi_runset *ab;
};
int mi_export_html(FILE *out, const struct mi_view *f, const struct mi_html_opts *o);

#endif

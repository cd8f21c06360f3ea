/* SPDX-License-Identifier: GPL-2.0 */
/* Fill a report from the best sources present: live kernel or saved files. */
#ifndef MEMINIT_COLLECT_H
#define MEMINIT_COLLECT_H

#include "model.h"

struct mi_collect_opts {
	const char *dmesg_path;		/* saved log; NULL = live /dev/kmsg */
	const char *ftrace_path;	/* saved boot trace; NULL = tracefs when live */
	bool live;			/* also read /proc, /sys and tracefs */
	int hz;				/* CONFIG_HZ override, 0 = from the config */
};

/* Returns 0, or -errno after one error line. */
int mi_collect(struct mi_report *r, const struct mi_collect_opts *o);

#endif

// SPDX-License-Identifier: GPL-2.0
/* /proc/zoneinfo, parsed on top of a real boot log as a live report does. */
#include "dmesg.h"
#include "fuzz.h"
#include "procfs.h"

static char *dmesg;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_text(data, size);
	struct mi_report r;

	if (!dmesg)
		dmesg = fuzz_fixture("6.12-3node-memoryless/dmesg.txt");
	mi_report_init(&r);
	if (mi_parse_dmesg(&r, dmesg, "fixture"))
		abort();
	/* and alone, as the first source of a report */
	if (!mi_parse_zoneinfo(&r, buf, "fuzz"))
		fuzz_outputs(&r);
	mi_report_free(&r);
	mi_report_init(&r);
	if (!mi_parse_zoneinfo(&r, buf, "fuzz"))
		fuzz_outputs(&r);
	mi_report_free(&r);
	free(buf);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/* /proc/vmallocinfo, matched against the hash tables of a real boot log. */
#include "dmesg.h"
#include "fuzz.h"
#include "procfs.h"

static char *dmesg;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_text(data, size);
	struct mi_report r;

	if (!dmesg)
		dmesg = fuzz_fixture("6.12-2node-ftrace/dmesg.txt");
	mi_report_init(&r);
	if (mi_parse_dmesg(&r, dmesg, "fixture"))
		abort();
	if (mi_parse_vmallocinfo(&r, buf, "fuzz") >= 0)
		fuzz_outputs(&r);
	mi_report_free(&r);
	free(buf);
	return 0;
}

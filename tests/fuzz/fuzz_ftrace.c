// SPDX-License-Identifier: GPL-2.0
/* The boot function trace, parsed and merged with a real boot log. */
#include "dmesg.h"
#include "fuzz.h"
#include "ftrace.h"

static char *dmesg;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_text(data, size);
	struct mi_ftrace ft;
	struct mi_report r;

	if (!dmesg)
		dmesg = fuzz_fixture("6.12-2node-ftrace/dmesg.txt");
	mi_report_init(&r);
	if (mi_parse_dmesg(&r, dmesg, "fixture"))
		abort();
	if (!mi_parse_ftrace(&ft, buf, "fuzz")) {
		if (!mi_merge_ftrace(&r, &ft, size & 1))
			fuzz_outputs(&r);
		mi_ftrace_free(&ft);
	}
	mi_report_free(&r);
	free(buf);
	return 0;
}

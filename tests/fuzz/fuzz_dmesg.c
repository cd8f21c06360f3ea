// SPDX-License-Identifier: GPL-2.0
/* The kernel log parser: dmesg, dmesg -r, /dev/kmsg records, serial console, journalctl. */
#include "dmesg.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_text(data, size);
	struct mi_report r;

	mi_report_init(&r);
	if (!mi_parse_dmesg(&r, buf, "fuzz"))
		fuzz_outputs(&r);
	mi_report_free(&r);
	free(buf);
	return 0;
}

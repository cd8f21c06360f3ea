// SPDX-License-Identifier: GPL-2.0
/* The multi-boot splitter: every span it gives lies in the log, in order, and parses or is refused. */
#include "boots.h"
#include "dmesg.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_text(data, size), *one;
	struct mi_boots b;
	size_t i, end = 0, len = strlen(buf);

	if (mi_split_boots(buf, &b)) {
		free(buf);
		return 0;
	}
	for (i = 0; i < b.n; i++) {
		struct mi_report r;

		if (b.b[i].start < end || b.b[i].start + b.b[i].len > len)
			__builtin_trap();	/* spans overlap or leave the log */
		end = b.b[i].start + b.b[i].len;
		one = strndup(buf + b.b[i].start, b.b[i].len);
		if (!one)
			break;
		mi_report_init(&r);
		if (!mi_parse_dmesg(&r, one, "fuzz"))
			fuzz_outputs(&r);
		mi_report_free(&r);
		free(one);
	}
	mi_boots_free(&b);
	free(buf);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The patched kernel's boot records: records.bin, the records text and the
 * meminit:* event lines (tracefs, perf script), told apart by their first
 * bytes as mi_load_records_file() does, then attributed and written out.
 */
#include "attrib.h"
#include "fuzz.h"
#include "records_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_text(data, size);
	struct mi_records_header h;
	struct mi_attrib a;
	struct mi_report r;
	size_t other;
	int err;

	mi_report_init(&r);
	if (size >= 8 && !memcmp(buf, "MMEMINIT", 8))
		err = mi_parse_records_bin(&r, buf, size, "fuzz");
	else if (mi_starts_with(buf, "# meminit records v"))
		err = mi_parse_records_text(&r, buf, "fuzz");
	else if (memchr(buf, '\0', size))
		err = mi_check_records_header(buf, size, "fuzz", &h) ? -EINVAL : 0;
	else
		err = mi_parse_records_events(&r, buf, "fuzz", &other);
	if (!err)
		err = mi_records_finish(&r);
	if (!err && !mi_attrib_build(&r, &a)) {
		mi_attrib_free(&a);
		fuzz_outputs(&r);
	}
	mi_report_free(&r);
	free(buf);
	return 0;
}

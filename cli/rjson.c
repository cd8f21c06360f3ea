// SPDX-License-Identifier: GPL-2.0
/* A report collected now, through the JSON writer, as a json-c object. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "output.h"
#include "rjson.h"
#include "util.h"

json_object *mi_rjson_collect(const struct mi_collect_opts *co)
{
	enum json_tokener_error jerr = json_tokener_success;
	json_object *o = NULL;
	struct mi_report r;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;
	int err;

	mi_report_init(&r);
	err = mi_collect(&r, co);
	if (err)
		goto out;
	mem = open_memstream(&buf, &len);
	if (!mem) {
		mi_err("out of memory");
		goto out;
	}
	err = mi_write_json(mem, &r);
	if (fclose(mem) || err || !buf) {
		mi_err("cannot write the report as JSON");
		goto out;
	}
	o = json_tokener_parse_verbose(buf, &jerr);
	if (!o)
		mi_err("the report's own JSON does not parse: %s", json_tokener_error_desc(jerr));
out:
	free(buf);
	mi_report_free(&r);
	return o;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A report as the JSON object of docs/json-schema.md: collected now (the
 * live kernel or saved files, as 'meminit report' does and written by its
 * JSON writer), or read from a saved report. Exporters read only this.
 */
#ifndef MEMINIT_RJSON_H
#define MEMINIT_RJSON_H

#include <json-c/json.h>

#include "collect.h"

/* Collect with CO and return the report's JSON object, or NULL after one line. */
json_object *mi_rjson_collect(const struct mi_collect_opts *co);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Typed members of a json-c object, the one way meminit reads its JSON
 * files: a member that is absent, null or of another type is "unknown"
 * (-1, NULL, false), never a crash and never a number of the wrong kind.
 */
#ifndef MEMINIT_JSON_GET_H
#define MEMINIT_JSON_GET_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

/* A number (integer or double); -1 when unknown. */
double mi_j_num(json_object *o, const char *k);
/* An integer that fits an int; -1 when unknown. */
int mi_j_int(json_object *o, const char *k);
/* A non-negative integer; DEF when unknown or negative. */
uint64_t mi_j_u64(json_object *o, const char *k, uint64_t def);
const char *mi_j_str(json_object *o, const char *k);
json_object *mi_j_arr(json_object *o, const char *k);
json_object *mi_j_obj(json_object *o, const char *k);
/* true only for a JSON true. */
bool mi_j_bool(json_object *o, const char *k);

#endif

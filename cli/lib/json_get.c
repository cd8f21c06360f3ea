// SPDX-License-Identifier: GPL-2.0
/* Typed members of a json-c object (json_get.h). */
#include <limits.h>

#include "json_get.h"

static json_object *member(json_object *o, const char *k, enum json_type type)
{
	json_object *v;

	if (!o || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, k, &v) || !json_object_is_type(v, type))
		return NULL;
	return v;
}

double mi_j_num(json_object *o, const char *k)
{
	json_object *v = member(o, k, json_type_double);

	if (!v)
		v = member(o, k, json_type_int);
	return v ? json_object_get_double(v) : -1;
}

int mi_j_int(json_object *o, const char *k)
{
	json_object *v = member(o, k, json_type_int);
	int64_t x;

	if (!v)
		return -1;
	x = json_object_get_int64(v);
	return x >= INT_MIN && x <= INT_MAX ? (int)x : -1;
}

uint64_t mi_j_u64(json_object *o, const char *k, uint64_t def)
{
	json_object *v = member(o, k, json_type_int);

	if (!v || json_object_get_int64(v) < 0)
		return def;
	return (uint64_t)json_object_get_int64(v);
}

const char *mi_j_str(json_object *o, const char *k)
{
	json_object *v = member(o, k, json_type_string);

	return v ? json_object_get_string(v) : NULL;
}

json_object *mi_j_arr(json_object *o, const char *k)
{
	return member(o, k, json_type_array);
}

json_object *mi_j_obj(json_object *o, const char *k)
{
	return member(o, k, json_type_object);
}

bool mi_j_bool(json_object *o, const char *k)
{
	json_object *v = member(o, k, json_type_boolean);

	return v && json_object_get_boolean(v);
}

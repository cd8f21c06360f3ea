// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "utf8.h"

static const char replacement[] = "\xef\xbf\xbd";	/* U+FFFD */

/* Length of the valid sequence at S (at most N bytes), or 0 if invalid. */
static size_t valid_at(const unsigned char *s, size_t n)
{
	size_t need, i;
	unsigned int cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		need = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		need = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		need = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;	/* a continuation byte, 0xc0/0xc1, or 0xf5.. */
	}
	if (n < need)
		return 0;
	for (i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((need == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (need == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;	/* overlong, surrogate, beyond Unicode */
	return need;
}

size_t mi_utf8_invalid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, bad = 0, k;

	while (i < len) {
		k = valid_at(p + i, len - i);
		if (!k) {
			bad++;
			k = 1;
		}
		i += k;
	}
	return bad;
}

long mi_utf8_repair(char **buf)
{
	const unsigned char *p = (const unsigned char *)*buf;
	size_t len = strlen(*buf), bad = mi_utf8_invalid(*buf, len), i = 0, o = 0, k;
	char *out;

	if (!bad)
		return 0;
	out = malloc(len + bad * (sizeof(replacement) - 1) + 1);
	if (!out)
		return -ENOMEM;
	while (i < len) {
		k = valid_at(p + i, len - i);
		if (k) {
			memcpy(out + o, p + i, k);
			o += k;
			i += k;
		} else {
			memcpy(out + o, replacement, sizeof(replacement) - 1);
			o += sizeof(replacement) - 1;
			i++;
		}
	}
	out[o] = '\0';
	free(*buf);
	*buf = out;
	return (long)bad;
}

struct json_object *mi_json_parse_utf8(const char *buf, const char **why)
{
	struct json_tokener *tok = json_tokener_new();
	enum json_tokener_error jerr;
	json_object *o;

	if (!tok) {
		*why = "out of memory";
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, buf, (int)strlen(buf) + 1);
	jerr = json_tokener_get_error(tok);
	if (!o || jerr != json_tokener_success) {
		*why = jerr == json_tokener_success ? "incomplete JSON" : json_tokener_error_desc(jerr);
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

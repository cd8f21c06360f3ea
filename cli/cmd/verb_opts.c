// SPDX-License-Identifier: GPL-2.0
/* The options every verb shares (verb_opts.h). */
#include <stdio.h>
#include <string.h>

#include "util.h"
#include "verb_opts.h"

const char *const mi_formats_table_json[] = { "table", "json", NULL };

int mi_opt_format(const char *arg, const char *const *names)
{
	char list[128] = "";
	size_t len = 0;
	int i;

	for (i = 0; names[i]; i++)
		if (!strcmp(arg, names[i]))
			return i;
	for (i = 0; names[i] && len < sizeof(list); i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
					!i ? "" : names[i + 1] ? ", " : " or ", names[i]);
	mi_err("--format: '%s' is not %s", arg, list);
	return -1;
}

bool mi_opt_to_file(const char *output)
{
	return output && strcmp(output, "-");
}

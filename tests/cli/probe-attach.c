// SPDX-License-Identifier: GPL-2.0
/*
 * Test driver for mi_probe_attach() (cli/source/probe.h): prints "<rc>\t<reason>".
 * tests/cli/test_probe.sh builds it against build/libmeminit.a.
 * Usage: probe-attach [-v] fentry|kprobe|tp_btf|raw_tp TARGET
 */
#include <stdio.h>
#include <string.h>

#include "probe.h"
#include "util.h"

int main(int argc, char **argv)
{
	static const char *const kinds[] = { "fentry", "kprobe", "tp_btf", "raw_tp" };
	char reason[256];
	size_t k;
	int rc;

	if (argc > 1 && !strcmp(argv[1], "-v")) {
		mi_verbose = true;
		argc--;
		argv++;
	}
	if (argc != 3)
		return 2;
	for (k = 0; k < ARRAY_SIZE(kinds); k++)
		if (!strcmp(argv[1], kinds[k]))
			break;
	if (k == ARRAY_SIZE(kinds))
		return 2;
	rc = mi_probe_attach((enum mi_attach_kind)k, argv[2], reason, sizeof(reason));
	printf("%d\t%s\n", rc, reason);
	return 0;
}

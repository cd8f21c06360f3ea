// SPDX-License-Identifier: GPL-2.0
/* Placeholder until the verb lands in this session. */
#include "cmds.h"
#include "util.h"

int cmd_report(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	mi_err("'report' is not built yet");
	return MI_EXIT_ERROR;
}

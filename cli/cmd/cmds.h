/* SPDX-License-Identifier: GPL-2.0 */
/* One function per verb; main.c dispatches through its table. */
#ifndef MEMINIT_CMDS_H
#define MEMINIT_CMDS_H

int cmd_check(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_arm(int argc, char **argv);
int cmd_hotplug(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_import_perf(int argc, char **argv);
int cmd_kexec(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_collect(int argc, char **argv);
int cmd_fleet(int argc, char **argv);

#endif

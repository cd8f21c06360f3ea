// SPDX-License-Identifier: GPL-2.0
/*
 * meminit kexec: repeat boots with kexec and collect each one.
 *
 * The first call (--yes) writes the plan and kexecs into run 0. From then on
 * the boot hook (--hook DIR, from an init script or meminit-kexec.service)
 * carries the loop (kexec_boot.c). This file parses the options, builds the
 * plan (kexec_plan.c) and shows the status (kexec_status.c).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmds.h"
#include "kexec.h"
#include "kexec_boot.h"
#include "kexec_plan.h"
#include "kexec_status.h"
#include "kexec_dir.h"
#include "util.h"
#include "verb_opts.h"

static void usage(FILE *f)
{
	fprintf(f,
"Usage: meminit kexec --runs N --out DIR --kernel IMAGE [--initrd FILE]\n"
"                     [--append ARGS | --reuse-cmdline]\n"
"                     [--variant NAME [--kernel IMAGE] [--initrd FILE] [--append ARGS]]...\n"
"                     [--max-failures N] [--delay S] [--syscall CALL] [--yes]\n"
"       meminit kexec --hook DIR | --hook-active     (boot hook: collect, next kexec)\n"
"       meminit kexec --status DIR | --stop DIR\n"
"\n"
"Boots the machine N times per variant with kexec and collects\n"
"each boot (the report of 'meminit report', best source present) into DIR.\n"
"Without --yes it only says what it would do. With --yes it writes DIR\n"
"(mode 0700) and reboots into the first run; the boot hook must run on every\n"
"boot: meminit-kexec.service (systemctl enable meminit-kexec.service), or\n"
"'meminit kexec --hook DIR' from an init script.\n"
"  --runs N          runs per variant\n"
"  --kernel IMAGE    the kernel to kexec (bzImage / vmlinuz)\n"
"  --initrd FILE     its initramfs\n"
"  --append ARGS     its command line; --reuse-cmdline: this boot's /proc/cmdline\n"
"  --variant NAME    start a variant; the options after it change its kernel and\n"
"                    initrd and add to its command line. Variants alternate in\n"
"                    blocks, every other block reversed (ABBA), against drift\n"
"  --max-failures N  stop after N failed attempts (default 3)\n"
"  --delay S         wait S seconds before each kexec (a window for --stop)\n"
"  --syscall CALL    how each next kernel is loaded: kexec_load (segments\n"
"                    prepared by meminit, no SHA-256 of them at load and before\n"
"                    the next kernel), kexec_file_load, or auto (default):\n"
"                    kexec_load where meminit's loader serves this boot (x86\n"
"                    booted by BIOS, arm64 with a device tree), falling back to\n"
"                    kexec_file_load where kexec_load is not built in or refused\n"
"  --status DIR      run k of N, failures, cycle time and ETA\n"
"  --stop DIR        end the loop at its next boot; unloads a loaded kernel\n"
"  --test-panic RUN  (tests) panic the hook once while collecting run RUN\n"
"A boot that does not carry the nonce written just before its kexec is a failed\n"
"attempt (firmware reboot, panic, power cut): recorded in DIR/failures and retried.\n");
}

struct kx_opts {
	struct mi_kx_plan plan;
	const char *out;
	bool reuse, yes;
	int test_panic;
};

static int stop(const char *dir)
{
	struct mi_kx_plan p;
	int err;

	err = mi_kx_plan_read(dir, &p);
	if (!err)
		err = mi_kx_stop_write(dir);
	if (err)
		return err;
	mi_kx_active_remove(dir);
	if (!geteuid())
		mi_kexec_unload();
	printf("meminit: kexec: stop requested for %s: the next boot hook ends the loop\n", dir);
	return 0;
}

/* ---- the verb --------------------------------------------------------- */

static int start(struct kx_opts *ko)
{
	const char *why;
	char dir[PATH_MAX];
	int err;

	err = mi_kx_plan_create(ko->out, &ko->plan);
	if (err)
		return err;
	if (!mi_abs_path(ko->out, dir, sizeof(dir))) {
		mi_err("cannot resolve %s", ko->out);
		return -EINVAL;
	}
	err = mi_kx_active_write(dir);
	if (err)
		return err;
	why = mi_kexec_unsupported();
	if (why) {
		mi_err("%s", why);
		return -ENOTSUP;
	}
	return mi_kx_boot_step(dir, ko->test_panic);
}

int cmd_kexec(int argc, char **argv)
{
	enum { O_RUNS = 256, O_OUT, O_KERNEL, O_INITRD, O_APPEND, O_REUSE, O_VARIANT, O_YES,
	       O_HOOK, O_HOOK_ACTIVE, O_STATUS, O_STOP, O_MAXF, O_DELAY, O_PANIC, O_SYSCALL };
	static const struct option opts[] = {
		{ "runs", required_argument, NULL, O_RUNS },
		{ "out", required_argument, NULL, O_OUT },
		{ "kernel", required_argument, NULL, O_KERNEL },
		{ "initrd", required_argument, NULL, O_INITRD },
		{ "append", required_argument, NULL, O_APPEND },
		{ "reuse-cmdline", no_argument, NULL, O_REUSE },
		{ "variant", required_argument, NULL, O_VARIANT },
		{ "yes", no_argument, NULL, O_YES },
		{ "hook", required_argument, NULL, O_HOOK },
		{ "hook-active", no_argument, NULL, O_HOOK_ACTIVE },
		{ "status", required_argument, NULL, O_STATUS },
		{ "stop", required_argument, NULL, O_STOP },
		{ "max-failures", required_argument, NULL, O_MAXF },
		{ "delay", required_argument, NULL, O_DELAY },
		{ "test-panic", required_argument, NULL, O_PANIC },
		{ "syscall", required_argument, NULL, O_SYSCALL },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct mi_kx_variant common = { .name = "" };
	struct kx_opts ko = { .test_panic = -1 };
	struct mi_kx_variant *cur = &common;
	const char *hook = NULL, *st = NULL, *stp = NULL;
	bool hook_active = false;
	char *end, active[PATH_MAX + 2];
	long v;
	int c, err;

	ko.plan.max_failures = 3;
	optind = 1;
	while ((c = mi_verb_getopt("kexec", argc, argv, "h", opts)) != -1) {
		switch (c) {
		case O_RUNS:
		case O_MAXF:
		case O_DELAY:
		case O_PANIC:
			v = strtol(optarg, &end, 10);
			if (*end || !*optarg || v < (c == O_RUNS) ||
			    v > (c == O_RUNS ? MI_KX_MAX_RUNS : c == O_DELAY ? 3600 : 1000000)) {
				mi_err("--%s: '%s' is not a number in range", opts[c - O_RUNS].name,
				       optarg);
				return MI_EXIT_USAGE;
			}
			if (c == O_RUNS)
				ko.plan.runs = v;
			else if (c == O_MAXF)
				ko.plan.max_failures = v;
			else if (c == O_DELAY)
				ko.plan.delay_s = v;
			else
				ko.test_panic = v;
			break;
		case O_OUT:
			ko.out = optarg;
			break;
		case O_SYSCALL: {
			enum mi_kx_syscall how;

			if (mi_kx_syscall_parse(optarg, &how)) {
				mi_err("--syscall: '%s' is not auto, kexec_load or kexec_file_load",
				       optarg);
				return MI_EXIT_USAGE;
			}
			ko.plan.syscall = how;
			break;
		}
		case O_KERNEL:
		case O_INITRD:
			if (strlen(optarg) >= sizeof(cur->kernel)) {
				mi_err("--%s: path too long", c == O_KERNEL ? "kernel" : "initrd");
				return MI_EXIT_USAGE;
			}
			mi_strlcpy(c == O_KERNEL ? cur->kernel : cur->initrd, optarg,
				   sizeof(cur->kernel));
			break;
		case O_APPEND:
			if (mi_kx_cmdline_append(cur->cmdline, sizeof(cur->cmdline), optarg))
				return MI_EXIT_USAGE;
			break;
		case O_REUSE:
			ko.reuse = true;
			break;
		case O_VARIANT:
			if (mi_kx_plan_add_variant(&ko.plan, optarg))
				return MI_EXIT_USAGE;
			cur = &ko.plan.v[ko.plan.nr_variants - 1];
			break;
		case O_YES:
			ko.yes = true;
			break;
		case O_HOOK:
			hook = optarg;
			break;
		case O_HOOK_ACTIVE:
			hook_active = true;
			break;
		case O_STATUS:
			st = optarg;
			break;
		case O_STOP:
			stp = optarg;
			break;
		default:
			return mi_verb_other(c, usage);
		}
	}
	if (mi_verb_extra_args("kexec", argc, argv))
		return MI_EXIT_USAGE;
	if (!!hook + hook_active + !!st + !!stp + !!ko.out > 1) {
		mi_err("kexec: give one of --out, --hook, --hook-active, --status, --stop");
		return MI_EXIT_USAGE;
	}
	if (st)
		return mi_kx_status_print(st) ? MI_EXIT_ERROR : MI_EXIT_OK;
	if (stp)
		return stop(stp) ? MI_EXIT_ERROR : MI_EXIT_OK;
	if (hook_active) {
		mi_read_line(getenv("MEMINIT_KEXEC_ACTIVE") ?: MI_KX_ACTIVE_DEFAULT, active, sizeof(active));
		if (!active[0]) {
			printf("meminit: kexec: no active loop\n");
			return MI_EXIT_OK;
		}
		hook = active;
	}
	if (hook) {
		const char *why = mi_kexec_unsupported();

		if (why && geteuid()) {
			mi_err("%s", why);
			return MI_EXIT_ERROR;
		}
		return mi_kx_boot_step(hook, ko.test_panic) ? MI_EXIT_ERROR : MI_EXIT_OK;
	}
	if (!ko.out || !ko.plan.runs) {
		mi_err("kexec: --runs N and --out DIR are required (see 'meminit kexec --help')");
		return MI_EXIT_USAGE;
	}
	if (ko.reuse && common.cmdline[0]) {
		mi_err("kexec: give --append or --reuse-cmdline for the base command line, not both "
		       "(a variant's own --append adds to either)");
		return MI_EXIT_USAGE;
	}
	ko.plan.created_unix = time(NULL);
	err = mi_kx_plan_finish(&ko.plan, &common, ko.reuse);
	if (!err)
		err = mi_kx_dir_usable(ko.out);
	if (err)
		return MI_EXIT_ERROR;
	mi_kx_plan_describe(&ko.plan, ko.out);
	if (!ko.yes) {
		printf("nothing done: add --yes to write %s and reboot this machine into run 1\n",
		       ko.out);
		return MI_EXIT_OK;
	}
	if (geteuid()) {
		mi_err("kexec needs root (CAP_SYS_BOOT to load and reboot); nothing written");
		return MI_EXIT_ERROR;
	}
	{
		const char *why = mi_kexec_unsupported();

		if (why) {
			mi_err("%s; nothing written", why);
			return MI_EXIT_ERROR;
		}
	}
	return start(&ko) ? MI_EXIT_ERROR : MI_EXIT_OK;
}

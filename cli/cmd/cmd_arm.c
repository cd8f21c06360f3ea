// SPDX-License-Identifier: GPL-2.0
/*
 * meminit arm: the kernel parameters that make the next stock boot trace
 * itself. The function tracer starts in early_trace_init(), before
 * page_alloc_init_late(), so a filter on the deferred-init and hash-table
 * functions stamps their entries; trace_clock=global puts those stamps on
 * printk's clock (see ftrace.c). 'meminit report' then reads the trace.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "bootrec.h"
#include "cmds.h"
#include "dmesg.h"
#include "ftrace.h"
#include "util.h"
#include "verb_opts.h"

/*
 * The early phases are timed only if sched_clock runs before memmap init.
 * On x86 that needs the quick PIT calibration of the TSC in
 * tsc_early_init(), which is timing-sensitive (it fails under emulation on
 * a loaded host); tsc_early_khz= skips it. The value is the frequency this
 * boot measured, from its own log. Empty when not x86 or not known; WHY
 * then says so.
 */
static void early_clock(char *param, size_t len, char *why, size_t wlen)
{
	struct utsname u;
	struct mi_early_clock ec;
	unsigned long khz;
	char *log;

	param[0] = '\0';
	if (uname(&u) || (strcmp(u.machine, "x86_64") && strcmp(u.machine, "i686"))) {
		snprintf(why, wlen, "no early-clock parameter: tsc_early_khz= is x86's");
		return;
	}
	if (mi_read_kmsg(&log)) {
		snprintf(why, wlen, "no tsc_early_khz=: this boot's log (/dev/kmsg) is not "
			 "readable here (root, or kernel.dmesg_restrict=0)");
		return;
	}
	mi_dmesg_early_clock(log, &ec);
	free(log);
	khz = ec.tsc_khz;
	if (!khz) {
		snprintf(why, wlen, "no tsc_early_khz=: this boot's log states no TSC frequency");
		return;
	}
	snprintf(param, len, " tsc_early_khz=%lu", khz);
	snprintf(why, wlen, "tsc_early_khz=%lu is the TSC frequency this boot measured: the next "
		 "boot skips the quick PIT calibration, which can fail (then nothing before "
		 "memmap init is timed), and its clock runs from the start.", khz);
}

/*
 * Per-CPU ring buffer size. padata splits each node's deferred init into at
 * most 4 jobs per thread and no job is smaller than a section (128 MiB of
 * x86 memory), so the chunk entries number at most memory/128 MiB; with
 * a 4x imbalance across CPUs and ~64 bytes per entry (with page overhead),
 * plus room for the other functions, this is what one CPU may need.
 */
static unsigned long buffer_kib(unsigned long long mem_bytes, long cpus)
{
	unsigned long long chunks = mem_bytes / (128ULL << 20) + 1;
	unsigned long long per_cpu = (chunks + cpus - 1) / cpus * 4;
	unsigned long long kib = 64 + per_cpu * 64 / 1024;

	return kib > 1 << 20 ? 1 << 20 : kib;	/* cap at 1 GiB per CPU */
}

int cmd_arm(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	unsigned long long mem;
	long pages, page_size, cpus;
	bool quiet = false, patched = false;
	int c, i;
	char clock[48], clock_why[256];

	optind = 1;
	while ((c = mi_verb_getopt("arm", argc, argv, "qh", opts)) != -1) {
		switch (c) {
		case 'q':
			quiet = true;
			break;
		case 'h':
			printf("Usage: meminit arm [--quiet]\n\n"
			       "Print the kernel parameters that make the next boot of a stock kernel\n"
			       "trace its deferred init and hash tables. Add them to the next boot's\n"
			       "command line (boot loader, or kexec --append), then run 'meminit report'.\n"
			       "  --quiet   print the parameters only, without the explanation\n");
			return MI_EXIT_OK;
		default:
			return MI_EXIT_USAGE;
		}
	}
	if (mi_verb_extra_args("arm", argc, argv))
		return MI_EXIT_USAGE;
	pages = sysconf(_SC_PHYS_PAGES);
	page_size = sysconf(_SC_PAGESIZE);
	cpus = sysconf(_SC_NPROCESSORS_CONF);
	if (pages <= 0 || page_size <= 0 || cpus <= 0) {
		mi_err("cannot read this machine's memory size and CPU count (sysconf)");
		return MI_EXIT_ERROR;
	}
	mem = (unsigned long long)pages * page_size;
	early_clock(clock, sizeof(clock), clock_why, sizeof(clock_why));

	if (mi_bootrec_kernel_patched()) {
		/*
		 * The patched kernel records every phase itself (meminit_stats);
		 * meminit:meminit_record, on from early_initcall, also puts the
		 * deferred and late phases in the boot trace: 'report' merges
		 * the two without counting a phase twice, and the trace keeps
		 * what an overflowed record buffer lost.
		 */
		printf("meminit_stats trace_event=meminit:meminit_record trace_clock=global "
		       "trace_buf_size=%luK%s\n", buffer_kib(mem, cpus), clock);
		patched = true;
	} else {
		printf("ftrace=function ftrace_filter=");
		for (i = 0; mi_ftrace_functions[i]; i++)
			printf("%s%s", i ? "," : "", mi_ftrace_functions[i]);
		printf(" trace_clock=global trace_buf_size=%luK%s\n", buffer_kib(mem, cpus), clock);
	}
	if (fflush(stdout)) {
		mi_err("cannot write to standard output");
		return MI_EXIT_ERROR;
	}
	if (!quiet)
		fprintf(stderr, "%s\n", clock_why);
	if (!quiet && patched)
		fprintf(stderr,
			"This kernel has the meminit patches: meminit_stats turns its boot records\n"
			"on, and trace_event= puts meminit:meminit_record in the boot trace.\n"
			"Add them to the next boot's command line, then run 'meminit report'.\n");
	else if (!quiet)
		fprintf(stderr,
			"Add these parameters to the next boot's kernel command line (boot loader,\n"
			"or 'kexec --append'), then run 'meminit report' after that boot. The buffer\n"
			"is sized for %llu MiB and %ld CPUs; 'report' warns if it overflowed.\n"
			"Cost: at boot the kernel matches each filter pattern against every\n"
			"traceable function (about 30 M instructions per pattern per 10,000\n"
			"functions, before the phases it times); then one ring-buffer entry per\n"
			"traced call, a few hundred in all.\n",
			mem >> 20, cpus);
	return MI_EXIT_OK;
}

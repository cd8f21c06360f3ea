// SPDX-License-Identifier: GPL-2.0
/* 'meminit kexec --status': where a loop stands (kexec_status.h). */
#include <stdio.h>

#include "kexec.h"
#include "kexec_status.h"
#include "kexec_dir.h"
#include "stats.h"

/* Sorted in place: the status prints the first and last as min and max. */
static double median_of(double *v, int n)
{
	mi_sort_doubles(v, (size_t)n);
	return mi_median_sorted(v, (size_t)n);
}

/*
 * The cycle above is on the kernels' own clocks and misses what happens
 * between the kexec call and the new kernel's clock start: sync, the
 * purgatory's digest check, decompression. The wall clock sees it, but it
 * is set from the RTC on each boot (whole seconds), so it is read only over
 * the loop's span: the first kexec to the last collection, per boot.
 */
static double print_wall(struct mi_kx_state *s)
{
	int boots = s->nr_done + s->nr_failures;
	double wall, boot, hook;

	if (boots < 2 || !s->nr_boots || !s->nr_hooks || !(s->last_collected > s->first_issued))
		return 0;
	wall = (s->last_collected - s->first_issued) / boots;
	boot = median_of(s->boot_s, s->nr_boots);
	hook = median_of(s->hook_s, s->nr_hooks);
	printf("  wall:     %.2f s per boot (first kexec to last collection, %d boots, RTC-set "
	       "clocks: +-%.2f s)\n", wall, boots, 2.0 / boots);
	/* A virtual clock (QEMU -icount) runs at its own pace: no split. */
	if (boot + hook > wall + 2.0 / boots) {
		printf("            the kernels' clocks run apart from the wall clock (%.2f s from "
		       "kernel start to kexec alone): no split\n", boot + hook);
		return wall;
	}
	printf("            kernel clock start to hook %.2f s (median), hook %.2f s (%.1f%%), "
	       "kexec call to kernel clock start %.2f s (%.1f%%, the rest)\n", boot, hook,
	       100 * hook / wall, wall - boot - hook, 100 * (wall - boot - hook) / wall);
	if (s->nr_loads)
		printf("            of the hook, the next kernel's load after the collection: "
		       "%.2f s (median)\n", median_of(s->load_s, s->nr_loads));
	return wall;
}

int mi_kx_status_print(const char *dir)
{
	struct mi_kx_state s;
	struct mi_kx_plan p;
	int i, err, next;

	err = mi_kx_plan_read(dir, &p);
	if (!err)
		err = mi_kx_scan(dir, &p, &s);
	if (err)
		return err;
	for (next = 0; next < s.total && s.done[next]; next++)
		;
	printf("meminit kexec: %s\n", dir);
	printf("  plan:     %d variant%s x %d runs = %d runs, stop after %d failures\n",
	       p.nr_variants, p.nr_variants == 1 ? "" : "s", p.runs, s.total, p.max_failures);
	printf("  progress: %d of %d runs done", s.nr_done, s.total);
	for (i = 0; i < p.nr_variants; i++) {
		int k, n = 0;

		for (k = 0; k < s.total; k++)
			n += s.done[k] && mi_kx_variant_of(&p, k) == i;
		printf("%s%s %d/%d", i ? ", " : " (", p.v[i].name, n, p.runs);
	}
	printf(")\n");
	printf("  load:     %s", p.syscall == MI_KX_SYSCALL_AUTO ?
	       "auto (kexec_load where meminit's loader serves the boot)" :
	       mi_kx_syscall_name(p.syscall));
	for (i = MI_KX_SYSCALL_FILE; i <= MI_KX_SYSCALL_LOAD; i++)
		if (s.nr_loaded_by[i])
			printf("; %d run%s loaded with %s", s.nr_loaded_by[i],
			       s.nr_loaded_by[i] == 1 ? "" : "s", mi_kx_syscall_name(i));
	printf("\n");
	printf("  failures: %d%s%s\n", s.nr_failures, s.nr_failures ? "; last " : "",
	       s.nr_failures ? s.last_failure : "");
	if (s.nr_cycles) {
		double med, wall;

		med = median_of(s.cycle_s, s.nr_cycles);
		printf("  cycle:    median %.2f s over %d runs (min %.2f, max %.2f)\n", med,
		       s.nr_cycles, s.cycle_s[0], s.cycle_s[s.nr_cycles - 1]);
		if (s.nr_collects) {
			double c = median_of(s.collect_s, s.nr_collects);

			printf("  collect:  median %.3f s over %d runs (%.1f%% of the median cycle)\n",
			       c, s.nr_collects, 100 * c / med);
		}
		wall = print_wall(&s);
		if (!s.ended && s.nr_done < s.total)
			printf("  ETA:      %.0f s for the %d runs left\n",
			       (wall > 0 ? wall : med) * (s.total - s.nr_done), s.total - s.nr_done);
	} else {
		printf("  cycle:    not measured yet\n");
	}
	if (s.ended)
		printf("  state:    ended (%s)\n", s.end_state);
	else if (s.has_pending)
		printf("  state:    run %d (variant %s, attempt %d) in flight%s\n",
		       s.pending.run + 1, p.v[s.pending.variant].name, s.pending.attempt,
		       s.stop ? "; stop requested" : "");
	else if (next < s.total)
		printf("  state:    waiting for the hook; next run %d (variant %s)%s\n", next + 1,
		       p.v[mi_kx_variant_of(&p, next)].name, s.stop ? "; stop requested" : "");
	else
		printf("  state:    every run collected; the next hook ends the loop\n");
	mi_kx_state_free(&s);
	return 0;
}

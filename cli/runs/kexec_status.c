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
 * The cycle (docs/kexec.md): one boot of the loop on the wall clock, from
 * one kexec call to the next. The kernels' own clocks (clocked_s) miss what
 * happens between the kexec call and the new kernel's clock start: sync,
 * shutdown, the segments' copy, the purgatory's digest check,
 * decompression. The wall clock sees it, but it is set from the RTC on
 * each boot (whole seconds), so it is read only over the loop's span: the
 * first kexec to the last collection, per boot. Returns that cycle (0: not
 * known yet); *split is set when the kernels' clocks keep wall time, so
 * that their times are shares of it (a virtual clock, QEMU -icount, runs
 * at its own pace).
 */
static double wall_cycle(struct mi_kx_state *s, double *boot, double *hook, bool *split)
{
	int boots = s->nr_done + s->nr_failures;

	*split = false;
	if (boots < 2 || !(s->last_collected > s->first_issued))
		return 0;
	if (s->nr_boots && s->nr_hooks) {
		*boot = median_of(s->boot_s, s->nr_boots);
		*hook = median_of(s->hook_s, s->nr_hooks);
		*split = *boot + *hook <= (s->last_collected - s->first_issued) / boots + 2.0 / boots;
	}
	return (s->last_collected - s->first_issued) / boots;
}

static void print_cycle(struct mi_kx_state *s, double wall, double boot, double hook, bool split)
{
	int boots = s->nr_done + s->nr_failures;

	printf("  cycle:    %.2f s per boot on the wall clock (first kexec to last collection, "
	       "%d boots, RTC-set clocks: +-%.2f s)\n", wall, boots, 2.0 / boots);
	if (!s->nr_boots || !s->nr_hooks)
		return;
	if (!split) {
		printf("            the kernels' clocks run apart from the wall clock (%.2f s from "
		       "kernel start to kexec alone): no split\n", boot + hook);
		return;
	}
	printf("            kernel clock start to hook %.2f s (median), hook %.2f s (%.1f%%), "
	       "kexec call to kernel clock start %.2f s (%.1f%%, the rest)\n", boot, hook,
	       100 * hook / wall, wall - boot - hook, 100 * (wall - boot - hook) / wall);
	if (s->nr_loads)
		printf("            of the hook, the next kernel's load after the collection: "
		       "%.2f s (median)\n", median_of(s->load_s, s->nr_loads));
}

int mi_kx_status_print(const char *dir)
{
	struct mi_kx_state s;
	struct mi_kx_plan p;
	int i, err, next;
	double wall, boot = 0, hook = 0, med = 0;
	bool split;

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
	wall = wall_cycle(&s, &boot, &hook, &split);
	if (s.nr_clocked) {
		med = median_of(s.clocked_s, s.nr_clocked);
		printf("  clocked:  median %.2f s over %d runs (min %.2f, max %.2f): the cycle on the "
		       "kernels' own clocks, less what precedes each one's clock\n", med,
		       s.nr_clocked, s.clocked_s[0], s.clocked_s[s.nr_clocked - 1]);
	}
	if (s.nr_collects) {
		double c = median_of(s.collect_s, s.nr_collects);

		printf("  collect:  median %.3f s over %d runs", c, s.nr_collects);
		if (split)
			printf(" (%.1f%% of the cycle)", 100 * c / wall);
		else if (wall > 0 && s.nr_boots && s.nr_hooks)
			printf(" (on the guest's clock, which runs apart from the cycle's)");
		printf("\n");
	}
	if (wall > 0)
		print_cycle(&s, wall, boot, hook, split);
	else
		printf("  cycle:    not measured yet (two boots of the loop give it)\n");
	if ((wall > 0 || s.nr_clocked) && !s.ended && s.nr_done < s.total)
		printf("  ETA:      %.0f s for the %d runs left\n",
		       (wall > 0 ? wall : med) * (s.total - s.nr_done), s.total - s.nr_done);
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

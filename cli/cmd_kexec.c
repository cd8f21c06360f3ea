// SPDX-License-Identifier: GPL-2.0
/*
 * meminit kexec: repeat boots with kexec_file_load and collect each one.
 *
 * The first call (--yes) writes the plan and kexecs into run 0. From then on
 * the boot hook (--hook DIR, from an init script or meminit-kexec.service)
 * carries the loop: it decides whether this boot is the run that the marker
 * pending.json announced (its nonce is on our command line) or a boot that
 * came through the firmware (panic, watchdog, power cut: a failed attempt),
 * collects the run with the same path as 'meminit report', writes it, and
 * kexecs into the next run until every run is there.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmds.h"
#include "collect.h"
#include "kexec.h"
#include "output.h"
#include "runstate.h"
#include "safe_file.h"
#include "stats.h"
#include "util.h"

#define ACTIVE_DEFAULT	"/var/lib/meminit/kexec-active"

static void usage(FILE *f)
{
	fprintf(f,
"Usage: meminit kexec --runs N --out DIR --kernel IMAGE [--initrd FILE]\n"
"                     [--append ARGS | --reuse-cmdline]\n"
"                     [--variant NAME [--kernel IMAGE] [--initrd FILE] [--append ARGS]]...\n"
"                     [--max-failures N] [--delay S] [--yes]\n"
"       meminit kexec --hook DIR | --hook-active     (boot hook: collect, next kexec)\n"
"       meminit kexec --status DIR | --stop DIR\n"
"\n"
"Boots the machine N times per variant with kexec_file_load(2) and collects\n"
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

/* ---- small readers of this boot ------------------------------------- */

static void read_line(const char *path, char *dst, size_t size)
{
	size_t len;
	char *buf;

	dst[0] = '\0';
	if (mi_read_file(path, &buf, &len))
		return;
	buf[strcspn(buf, "\n")] = '\0';
	mi_strlcpy(dst, buf, size);
	free(buf);
}

static double uptime_s(void)
{
	char line[128];

	read_line("/proc/uptime", line, sizeof(line));
	return line[0] ? strtod(line, NULL) : -1;
}

static double now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double now_unix(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The meminit_kexec= nonce on this boot's command line, "" when none. */
static void cmdline_nonce(char *dst, size_t size)
{
	char line[4096], *p;

	dst[0] = '\0';
	read_line("/proc/cmdline", line, sizeof(line));
	for (p = strtok(line, " "); p; p = strtok(NULL, " "))
		if (mi_starts_with(p, MI_KX_PARAM))
			mi_strlcpy(dst, p + strlen(MI_KX_PARAM), size);
}

/* /proc/cmdline without what a boot loader or an earlier run put there. */
static int reuse_cmdline(char *dst, size_t size)
{
	char line[4096], *p;
	size_t n = 0;

	read_line("/proc/cmdline", line, sizeof(line));
	if (!line[0]) {
		mi_err("--reuse-cmdline: cannot read /proc/cmdline");
		return -ENOENT;
	}
	dst[0] = '\0';
	for (p = strtok(line, " "); p; p = strtok(NULL, " ")) {
		if (mi_starts_with(p, MI_KX_PARAM) || mi_starts_with(p, "BOOT_IMAGE=") ||
		    mi_starts_with(p, "initrd="))
			continue;
		n += snprintf(dst + n, n < size ? size - n : 0, "%s%s", n ? " " : "", p);
	}
	if (n >= size) {
		mi_err("--reuse-cmdline: /proc/cmdline is too long");
		return -E2BIG;
	}
	return 0;
}

static int new_nonce(char *dst, size_t size)
{
	unsigned char rnd[8];
	size_t i;

	if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd)) {
		int err = -errno;

		mi_err("getrandom: %s", strerror(-err));
		return err;
	}
	for (i = 0; i < sizeof(rnd) && 2 * i + 2 < size; i++)
		sprintf(dst + 2 * i, "%02x", rnd[i]);
	return 0;
}

static bool abs_path(const char *in, char *out, size_t size)
{
	char buf[PATH_MAX];

	if (!realpath(in, buf) || strlen(buf) >= size)
		return false;
	mi_strlcpy(out, buf, size);
	return true;
}

/* ---- the plan --------------------------------------------------------- */

static void describe(const struct kx_opts *ko)
{
	const struct mi_kx_plan *p = &ko->plan;
	int i, total = mi_kx_total(p);

	printf("meminit kexec plan for %s\n", ko->out);
	printf("  %d run%s of each of %d variant%s = %d kexec boot%s, in this order:",
	       p->runs, p->runs == 1 ? "" : "s", p->nr_variants, p->nr_variants == 1 ? "" : "s",
	       total, total == 1 ? "" : "s");
	for (i = 0; i < total && i < 24; i++)
		printf(" %s", p->v[mi_kx_variant_of(p, i)].name);
	printf("%s\n", total > 24 ? " ..." : "");
	for (i = 0; i < p->nr_variants; i++) {
		const struct mi_kx_variant *v = &p->v[i];

		printf("  variant %s: kernel %s\n", v->name, v->kernel);
		printf("  %*s  initrd %s\n", (int)strlen(v->name) + 8, "",
		       v->initrd[0] ? v->initrd : "(none)");
		printf("  %*s  cmdline \"%s " MI_KX_PARAM "<nonce>\"\n",
		       (int)strlen(v->name) + 8, "", v->cmdline);
	}
	printf("  each boot: the hook collects the run into %s/runs/, then loads the next\n"
	       "  kernel with kexec_file_load, writes pending.json, syncs and reboots into it%s\n",
	       ko->out, p->delay_s ? " after a delay" : "");
	printf("  a boot without its nonce (panic, firmware reboot, power cut) is a failed\n"
	       "  attempt; the loop stops after %d of them\n", p->max_failures);
	printf("  the hook must run at every boot: systemctl enable meminit-kexec.service,\n"
	       "  or 'meminit kexec --hook %s' from the init script\n", ko->out);
}

static int add_variant(struct mi_kx_plan *p, const char *name)
{
	struct mi_kx_variant *v;
	int i;

	if (p->nr_variants >= MI_KX_MAX_VARIANTS) {
		mi_err("--variant: at most %d variants", MI_KX_MAX_VARIANTS);
		return -E2BIG;
	}
	if (!*name || strlen(name) >= sizeof(v->name) || strpbrk(name, " /\t\n\"\\")) {
		mi_err("--variant: '%s' is not a short name (no spaces or slashes)", name);
		return -EINVAL;
	}
	for (i = 0; i < p->nr_variants; i++)
		if (!strcmp(p->v[i].name, name)) {
			mi_err("--variant: '%s' given twice", name);
			return -EINVAL;
		}
	v = &p->v[p->nr_variants++];
	memset(v, 0, sizeof(*v));
	mi_strlcpy(v->name, name, sizeof(v->name));
	return 0;
}

static int append_to(char *dst, size_t size, const char *add)
{
	size_t n = strlen(dst);

	if (n + 1 + strlen(add) + 1 > size) {
		mi_err("--append: the command line is longer than %zu bytes", size - 1);
		return -E2BIG;
	}
	snprintf(dst + n, size - n, "%s%s", n ? " " : "", add);
	return 0;
}

/*
 * Resolve the variants against the common options (those given before the
 * first --variant) and check every kernel and initrd.
 */
static int finish_plan(struct kx_opts *ko, const struct mi_kx_variant *common)
{
	struct mi_kx_plan *p = &ko->plan;
	char base[2048] = "";
	int i, err;

	if (ko->reuse) {
		err = reuse_cmdline(base, sizeof(base));
		if (err)
			return err;
	}
	if (common->cmdline[0] && (err = append_to(base, sizeof(base), common->cmdline)))
		return err;
	if (!p->nr_variants)
		add_variant(p, "default");
	for (i = 0; i < p->nr_variants; i++) {
		struct mi_kx_variant *v = &p->v[i];
		char own[sizeof(v->cmdline)];

		if (!v->kernel[0])
			mi_strlcpy(v->kernel, common->kernel, sizeof(v->kernel));
		if (!v->initrd[0])
			mi_strlcpy(v->initrd, common->initrd, sizeof(v->initrd));
		mi_strlcpy(own, v->cmdline, sizeof(own));
		mi_strlcpy(v->cmdline, base, sizeof(v->cmdline));
		if (own[0] && (err = append_to(v->cmdline, sizeof(v->cmdline), own)))
			return err;
		if (!v->kernel[0]) {
			mi_err("no --kernel for variant %s", v->name);
			return -EINVAL;
		}
		err = mi_kexec_check_image(v->kernel);
		if (!err && v->initrd[0])
			err = mi_kexec_check_initrd(v->initrd);
		if (err)
			return err;
		if (!abs_path(v->kernel, v->kernel, sizeof(v->kernel)) ||
		    (v->initrd[0] && !abs_path(v->initrd, v->initrd, sizeof(v->initrd)))) {
			mi_err("cannot resolve the path of %s", v->kernel);
			return -EINVAL;
		}
	}
	return 0;
}

/* ---- one step of the loop: this boot's collection, then the next kexec -- */

static json_object *collect_report(void)
{
	struct mi_collect_opts co = { .live = true, .via = MI_VIA_AUTO };
	json_object *o = NULL;
	struct mi_report r;

	mi_report_init(&r);
	if (!mi_collect(&r, &co))
		o = mi_report_json(&r);
	mi_report_free(&r);
	return o;
}

static int record_failure(const char *dir, int attempt, int run, const char *variant,
			  const char *reason, const char *detail)
{
	json_object *o = json_object_new_object();
	char line[4096];
	int err;

	json_object_object_add(o, "run", run >= 0 ? json_object_new_int(run) : NULL);
	mi_kx_add_str(o, "variant", variant);
	mi_kx_add_str(o, "reason", reason);
	mi_kx_add_str(o, "detail", detail);
	read_line("/proc/sys/kernel/random/boot_id", line, sizeof(line));
	mi_kx_add_str(o, "noticed_in_boot_id", line);
	read_line("/proc/cmdline", line, sizeof(line));
	mi_kx_add_str(o, "noticed_with_cmdline", line);
	json_object_object_add(o, "noticed_unix", json_object_new_double(now_unix()));
	err = mi_kx_failure_write(dir, attempt, o);
	json_object_put(o);
	if (!err)
		printf("meminit: kexec: attempt %d (run %d) failed: %s\n", attempt, run, reason);
	return err;
}

static int collect_run(const char *dir, const struct mi_kx_plan *p,
		       const struct mi_kx_pending *pd, int test_panic,
		       const struct mi_kx_state *s)
{
	json_object *o, *rep;
	char line[4096];
	double up = uptime_s(), t0, collect_s;
	int err;

	t0 = now_mono();
	rep = collect_report();
	collect_s = now_mono() - t0;
	if (!rep)	/* a failed attempt like any other: retried */
		return record_failure(dir, pd->attempt, pd->run, p->v[pd->variant].name,
				      "collection failed: 'meminit report' found no usable source",
				      NULL);
	if (test_panic == pd->run && !s->fail_per_run[pd->run]) {
		FILE *f = fopen("/proc/sysrq-trigger", "w");

		printf("meminit: kexec: --test-panic: crashing while collecting run %d\n", pd->run);
		fflush(stdout);
		sync();
		if (f) {
			fputs("c", f);
			fclose(f);
		}
		mi_err("--test-panic: /proc/sysrq-trigger did not panic the kernel");
		json_object_put(rep);
		return -EIO;
	}
	o = json_object_new_object();
	json_object_object_add(o, "schema", json_object_new_string(MI_KX_RUN_SCHEMA));
	json_object_object_add(o, "schema_version", json_object_new_int(MI_KX_SCHEMA_VERSION));
	json_object_object_add(o, "run", json_object_new_int(pd->run));
	json_object_object_add(o, "variant_index", json_object_new_int(pd->variant));
	mi_kx_add_str(o, "variant", p->v[pd->variant].name);
	json_object_object_add(o, "attempt", json_object_new_int(pd->attempt));
	mi_kx_add_str(o, "nonce", pd->nonce);
	read_line("/proc/sys/kernel/random/boot_id", line, sizeof(line));
	mi_kx_add_str(o, "boot_id", line);
	read_line("/proc/cmdline", line, sizeof(line));
	mi_kx_add_str(o, "cmdline", line);
	json_object_object_add(o, "kexec_issued_unix", json_object_new_double(pd->issued_unix));
	json_object_object_add(o, "collected_unix", json_object_new_double(now_unix()));
	/* Kernel start to hook on this boot's clock, plus the previous boot's hook. */
	json_object_object_add(o, "boot_to_hook_s", up >= 0 ? json_object_new_double(up) : NULL);
	json_object_object_add(o, "cycle_s", up >= 0 && pd->hook_s >= 0 ?
			       json_object_new_double(up + pd->hook_s) : NULL);
	/* The report of this boot alone: what a repeat costs beyond the boot itself. */
	json_object_object_add(o, "collect_s", json_object_new_double(collect_s));
	json_object_object_add(o, "prev_hook_s", pd->hook_s >= 0 ?
			       json_object_new_double(pd->hook_s) : NULL);
	json_object_object_add(o, "cycle_method", json_object_new_string(
		"previous boot's hook (collection to kexec, its uptime clock) + this boot's "
		"uptime at the hook; excludes the image decompression before the clock starts"));
	json_object_object_add(o, "report", rep);
	err = mi_kx_run_write(dir, pd->run, o);
	json_object_put(o);
	if (err == -EEXIST) {
		printf("meminit: kexec: run %d is already collected: not counted twice\n", pd->run);
		return 0;
	}
	if (!err)
		printf("meminit: kexec: run %d of %d (variant %s) collected\n", pd->run + 1,
		       mi_kx_total(p), p->v[pd->variant].name);
	return err;
}

static void remove_active(const char *dir)
{
	const char *active = getenv("MEMINIT_KEXEC_ACTIVE") ?: ACTIVE_DEFAULT;
	char buf[PATH_MAX + 2] = "";

	read_line(active, buf, sizeof(buf));
	if (buf[0] && !strcmp(buf, dir) && unlink(active))
		mi_warn("cannot remove %s: %s", active, strerror(errno));
}

static int write_active(const char *dir)
{
	const char *active = getenv("MEMINIT_KEXEC_ACTIVE") ?: ACTIVE_DEFAULT;
	char parent[PATH_MAX], line[PATH_MAX + 2];
	char *slash;

	mi_strlcpy(parent, active, sizeof(parent));
	/* mkdir -p of its directory */
	for (slash = strchr(parent + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (mkdir(parent, 0755) && errno != EEXIST) {
			mi_warn("cannot create %s (%s): meminit-kexec.service will not find %s",
				parent, strerror(errno), dir);
			return 0;
		}
		*slash = '/';
	}
	snprintf(line, sizeof(line), "%s\n", dir);
	return mi_safe_write_file(active, line, strlen(line), 0644);
}

static int end_loop(const char *dir, const char *state, const char *why)
{
	int err = mi_kx_end_write(dir, state, why);

	remove_active(dir);
	mi_kexec_unload();
	printf("meminit: kexec: loop %s: %s\n", state, why);
	return err;
}

/* Everything one boot does. Returns only when there is no next kexec. */
static int step(const char *dir, int test_panic)
{
	struct mi_kx_state s;
	struct mi_kx_plan p;
	struct mi_kx_pending pd;
	char nonce[40], boot_id[40], why[1024];
	const struct mi_kx_variant *v;
	double t_hook = uptime_s();
	int lock, err, next, attempt;
	char cmdline[2048 + 64];

	lock = mi_kx_lock(dir);
	if (lock < 0)
		return lock;
	err = mi_kx_plan_read(dir, &p);
	if (!err)
		err = mi_kx_scan(dir, &p, &s);
	if (err)
		goto out_lock;
	if (s.ended) {
		printf("meminit: kexec: %s: the loop has ended (%s); nothing to do\n", dir,
		       s.end_state);
		remove_active(dir);
		goto out;
	}
	cmdline_nonce(nonce, sizeof(nonce));
	read_line("/proc/sys/kernel/random/boot_id", boot_id, sizeof(boot_id));
	if (s.has_pending) {
		if (nonce[0] && !strcmp(nonce, s.pending.nonce)) {
			err = collect_run(dir, &p, &s.pending, test_panic, &s);
		} else if (s.done[s.pending.run]) {
			/* Collected, then down before the next kexec: nothing lost. */
			printf("meminit: kexec: run %d was collected before this firmware boot\n",
			       s.pending.run + 1);
		} else if (!strcmp(boot_id, s.pending.boot_id)) {
			err = record_failure(dir, s.pending.attempt, s.pending.run,
					     p.v[s.pending.variant].name,
					     "the kexec did not happen: this is still the boot that issued it",
					     NULL);
		} else {
			snprintf(why, sizeof(why), "pending since unix time %.0f; this boot's "
				 "command line has %s", s.pending.issued_unix,
				 nonce[0] ? "another nonce" : "no meminit_kexec= nonce");
			err = record_failure(dir, s.pending.attempt, s.pending.run,
					     p.v[s.pending.variant].name,
					     "boot did not come from meminit's kexec (panic, watchdog, "
					     "firmware reboot or power cut)", why);
		}
		if (!err)
			err = mi_kx_pending_clear(dir);
		mi_kx_state_free(&s);
		if (!err)
			err = mi_kx_scan(dir, &p, &s);
		if (err)
			goto out_lock;
	}
	if (s.stop) {
		err = end_loop(dir, "stopped", "meminit kexec --stop");
		goto out;
	}
	if (p.max_failures && s.nr_failures >= p.max_failures) {
		snprintf(why, sizeof(why), "%d failed attempts (limit %d); last: %s",
			 s.nr_failures, p.max_failures, s.last_failure);
		end_loop(dir, "failed", why);
		mi_err("kexec loop in %s stopped after %d failed attempts", dir, s.nr_failures);
		err = -EIO;
		goto out;
	}
	for (next = 0; next < s.total && s.done[next]; next++)
		;
	if (next == s.total) {
		snprintf(why, sizeof(why), "%d of %d runs collected, %d failed attempt%s",
			 s.nr_done, s.total, s.nr_failures, s.nr_failures == 1 ? "" : "s");
		err = end_loop(dir, "done", why);
		goto out;
	}
	attempt = s.nr_done + s.nr_failures;
	memset(&pd, 0, sizeof(pd));
	pd.run = next;
	pd.variant = mi_kx_variant_of(&p, next);
	pd.attempt = attempt;
	v = &p.v[pd.variant];
	err = new_nonce(pd.nonce, sizeof(pd.nonce));
	if (err)
		goto out;
	snprintf(cmdline, sizeof(cmdline), "%s%s" MI_KX_PARAM "%s", v->cmdline,
		 v->cmdline[0] ? " " : "", pd.nonce);
	if (p.delay_s) {
		printf("meminit: kexec: run %d of %d in %d s ('meminit kexec --stop %s' ends the loop)\n",
		       next + 1, s.total, p.delay_s, dir);
		fflush(stdout);
		sleep(p.delay_s);	/* the stop file is checked after the load */
	}
	err = mi_kexec_load(v->kernel, v->initrd[0] ? v->initrd : NULL, cmdline);
	if (err) {
		snprintf(why, sizeof(why), "kexec_file_load of %s failed: %s", v->kernel,
			 strerror(-err));
		if (!record_failure(dir, attempt, next, v->name, why, NULL))
			end_loop(dir, "failed", why);
		goto out;
	}
	{
		char stop_file[PATH_MAX];

		snprintf(stop_file, sizeof(stop_file), "%s/stop", dir);
		if (!access(stop_file, F_OK)) {
			err = end_loop(dir, "stopped", "meminit kexec --stop");
			goto out;
		}
	}
	read_line("/proc/sys/kernel/random/boot_id", pd.boot_id, sizeof(pd.boot_id));
	pd.issued_unix = now_unix();
	pd.hook_s = t_hook >= 0 ? uptime_s() - t_hook : -1;
	err = mi_kx_pending_write(dir, &pd);
	if (err) {
		mi_kexec_unload();
		goto out;
	}
	printf("meminit: kexec: rebooting into run %d of %d (variant %s, attempt %d)\n",
	       next + 1, s.total, v->name, attempt);
	fflush(stdout);
	mi_kx_state_free(&s);
	/* The lock goes with this kernel; sync() inside covers everything written. */
	err = mi_kexec_reboot();
	/* The reboot failed: take the marker back so the next hook does not count it. */
	mi_kx_pending_clear(dir);
	close(lock);
	return err;
out:
	mi_kx_state_free(&s);
out_lock:
	close(lock);
	return err;
}

/* ---- --status and --stop ---------------------------------------------- */

/* Sorted in place: the status prints the first and last as min and max. */
static double median_of(double *v, int n)
{
	mi_sort_doubles(v, (size_t)n);
	return mi_median_sorted(v, (size_t)n);
}

static int status(const char *dir)
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
	printf("  failures: %d%s%s\n", s.nr_failures, s.nr_failures ? "; last " : "",
	       s.nr_failures ? s.last_failure : "");
	if (s.nr_cycles) {
		double med;

		med = median_of(s.cycle_s, s.nr_cycles);
		printf("  cycle:    median %.2f s over %d runs (min %.2f, max %.2f)\n", med,
		       s.nr_cycles, s.cycle_s[0], s.cycle_s[s.nr_cycles - 1]);
		if (s.nr_collects) {
			double c = median_of(s.collect_s, s.nr_collects);

			printf("  collect:  median %.3f s over %d runs (%.1f%% of the median cycle)\n",
			       c, s.nr_collects, 100 * c / med);
		}
		if (!s.ended)
			printf("  ETA:      %.0f s for the %d runs left\n",
			       med * (s.total - s.nr_done), s.total - s.nr_done);
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

static int stop(const char *dir)
{
	struct mi_kx_plan p;
	int err;

	err = mi_kx_plan_read(dir, &p);
	if (!err)
		err = mi_kx_stop_write(dir);
	if (err)
		return err;
	remove_active(dir);
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
	if (!abs_path(ko->out, dir, sizeof(dir))) {
		mi_err("cannot resolve %s", ko->out);
		return -EINVAL;
	}
	err = write_active(dir);
	if (err)
		return err;
	why = mi_kexec_unsupported();
	if (why) {
		mi_err("%s", why);
		return -ENOTSUP;
	}
	return step(dir, ko->test_panic);
}

int cmd_kexec(int argc, char **argv)
{
	enum { O_RUNS = 256, O_OUT, O_KERNEL, O_INITRD, O_APPEND, O_REUSE, O_VARIANT, O_YES,
	       O_HOOK, O_HOOK_ACTIVE, O_STATUS, O_STOP, O_MAXF, O_DELAY, O_PANIC };
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
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
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
			if (append_to(cur->cmdline, sizeof(cur->cmdline), optarg))
				return MI_EXIT_USAGE;
			break;
		case O_REUSE:
			ko.reuse = true;
			break;
		case O_VARIANT:
			if (add_variant(&ko.plan, optarg))
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
		case 'h':
			usage(stdout);
			return MI_EXIT_OK;
		default:
			usage(stderr);
			return MI_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		mi_err("kexec: unexpected argument '%s'", argv[optind]);
		return MI_EXIT_USAGE;
	}
	if (!!hook + hook_active + !!st + !!stp + !!ko.out > 1) {
		mi_err("kexec: give one of --out, --hook, --hook-active, --status, --stop");
		return MI_EXIT_USAGE;
	}
	if (st)
		return status(st) ? MI_EXIT_ERROR : MI_EXIT_OK;
	if (stp)
		return stop(stp) ? MI_EXIT_ERROR : MI_EXIT_OK;
	if (hook_active) {
		read_line(getenv("MEMINIT_KEXEC_ACTIVE") ?: ACTIVE_DEFAULT, active, sizeof(active));
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
		return step(hook, ko.test_panic) ? MI_EXIT_ERROR : MI_EXIT_OK;
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
	err = finish_plan(&ko, &common);
	if (!err)
		err = mi_kx_dir_usable(ko.out);
	if (err)
		return MI_EXIT_ERROR;
	describe(&ko);
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

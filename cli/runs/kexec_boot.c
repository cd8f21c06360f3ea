// SPDX-License-Identifier: GPL-2.0
/*
 * The kexec loop's boot hook (kexec_boot.h): it decides whether this boot
 * is the run that the marker pending.json announced (its nonce is on our
 * command line) or a boot that came through the firmware (panic, watchdog,
 * power cut: a failed attempt), collects the run with the same path as
 * 'meminit report', writes it, and kexecs into the next run until every
 * run is there.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "collect.h"
#include "kexec.h"
#include "kexec_boot.h"
#include "output.h"
#include "kexec_dir.h"
#include "safe_file.h"
#include "util.h"

/* ---- small readers of this boot ------------------------------------- */

static double uptime_s(void)
{
	char line[128];

	mi_read_line("/proc/uptime", line, sizeof(line));
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
	mi_read_line("/proc/cmdline", line, sizeof(line));
	for (p = strtok(line, " "); p; p = strtok(NULL, " "))
		if (mi_starts_with(p, MI_KX_PARAM))
			mi_strlcpy(dst, p + strlen(MI_KX_PARAM), size);
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
	mi_read_line("/proc/sys/kernel/random/boot_id", line, sizeof(line));
	mi_kx_add_str(o, "noticed_in_boot_id", line);
	mi_read_line("/proc/cmdline", line, sizeof(line));
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
	mi_read_line("/proc/sys/kernel/random/boot_id", line, sizeof(line));
	mi_kx_add_str(o, "boot_id", line);
	mi_read_line("/proc/cmdline", line, sizeof(line));
	mi_kx_add_str(o, "cmdline", line);
	json_object_object_add(o, "kexec_issued_unix", json_object_new_double(pd->issued_unix));
	/* How this run's kernel was loaded (absent: before meminit said). */
	if (pd->load_syscall != MI_KX_SYSCALL_AUTO)
		mi_kx_add_str(o, "load_syscall", mi_kx_syscall_name(pd->load_syscall));
	json_object_object_add(o, "collected_unix", json_object_new_double(now_unix()));
	/* Kernel start to hook on this boot's clock, plus the previous boot's hook. */
	json_object_object_add(o, "boot_to_hook_s", up >= 0 ? json_object_new_double(up) : NULL);
	/*
	 * The part of the cycle (docs/kexec.md: one boot of the loop on the
	 * wall clock) that the kernels' own clocks see. Runs written before
	 * it had this name call it cycle_s; the scan reads both.
	 */
	json_object_object_add(o, "clocked_s", up >= 0 && pd->hook_s >= 0 ?
			       json_object_new_double(up + pd->hook_s) : NULL);
	/* The report of this boot alone: what a repeat costs beyond the boot itself. */
	json_object_object_add(o, "collect_s", json_object_new_double(collect_s));
	json_object_object_add(o, "prev_hook_s", pd->hook_s >= 0 ?
			       json_object_new_double(pd->hook_s) : NULL);
	/* Of that hook, waiting for or doing the next kernel's load after collection. */
	json_object_object_add(o, "prev_load_s", pd->load_s >= 0 ?
			       json_object_new_double(pd->load_s) : NULL);
	json_object_object_add(o, "clocked_method", json_object_new_string(
		"previous boot's hook (collection to kexec, its uptime clock) + this boot's "
		"uptime at the hook; excludes what the cycle spends before the kernel's clock "
		"starts (shutdown, the segments' copy, decompression)"));
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

void mi_kx_active_remove(const char *dir)
{
	const char *active = getenv("MEMINIT_KEXEC_ACTIVE") ?: MI_KX_ACTIVE_DEFAULT;
	char buf[PATH_MAX + 2] = "";

	mi_read_line(active, buf, sizeof(buf));
	if (buf[0] && !strcmp(buf, dir) && unlink(active))
		mi_warn("cannot remove %s: %s", active, strerror(errno));
}

int mi_kx_active_write(const char *dir)
{
	const char *active = getenv("MEMINIT_KEXEC_ACTIVE") ?: MI_KX_ACTIVE_DEFAULT;
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

/*
 * The next run's kernel loads while this boot is collected: kexec_file_load
 * reads and hashes the kernel and initrd (0.5 to 1.1 s under TCG), and even
 * kexec_load reads and copies them, work that does not depend on the
 * collection. A child process issues it (what
 * it loads is the kernel's, not the process's); the run it guessed (the
 * first one not collected once this one is) is checked afterwards, and a
 * wrong guess or a failed load is done again the usual way.
 */
struct mi_kx_preload {
	pid_t pid;		/* 0: none started */
	int run;
	enum mi_kx_syscall used;
	char nonce[40];
};

static void variant_cmdline(char *dst, size_t size, const struct mi_kx_variant *v,
			    const char *nonce)
{
	snprintf(dst, size, "%s%s" MI_KX_PARAM "%s", v->cmdline, v->cmdline[0] ? " " : "", nonce);
}

static void preload_start(struct mi_kx_preload *pl, const struct mi_kx_plan *p,
			  const struct mi_kx_state *s, int collecting)
{
	const struct mi_kx_variant *v;
	char cmdline[2048 + 64];
	int run;
	pid_t pid;

	memset(pl, 0, sizeof(*pl));
	for (run = 0; run < s->total && (s->done[run] || run == collecting); run++)
		;
	if (run == s->total || new_nonce(pl->nonce, sizeof(pl->nonce)))
		return;
	v = &p->v[mi_kx_variant_of(p, run)];
	variant_cmdline(cmdline, sizeof(cmdline), v, pl->nonce);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return;		/* loaded after the collection instead */
	if (!pid) {
		enum mi_kx_syscall used;
		int e;

		e = mi_kexec_load(v->kernel, v->initrd[0] ? v->initrd : NULL, cmdline, p->syscall,
				  &used);
		/* The exit status says which call loaded it. */
		_exit(e ? 1 : 10 + used);
	}
	pl->pid = pid;
	pl->run = run;
}

/*
 * Wait for the preload: true when it put pl->run's kernel in place. Done
 * before anything that may unload (the loop's end), so that no load lands
 * after it.
 */
static bool preload_wait(struct mi_kx_preload *pl)
{
	int status;

	if (pl->pid <= 0)
		return false;
	while (waitpid(pl->pid, &status, 0) < 0 && errno == EINTR)
		;
	pl->pid = 0;
	if (!WIFEXITED(status) || WEXITSTATUS(status) < 10 + MI_KX_SYSCALL_FILE ||
	    WEXITSTATUS(status) > 10 + MI_KX_SYSCALL_LOAD)
		return false;
	pl->used = WEXITSTATUS(status) - 10;
	return true;
}

static int end_loop(const char *dir, const char *state, const char *why)
{
	int err = mi_kx_end_write(dir, state, why);

	mi_kx_active_remove(dir);
	mi_kexec_unload();
	printf("meminit: kexec: loop %s: %s\n", state, why);
	return err;
}

int mi_kx_boot_step(const char *dir, int test_panic)
{
	struct mi_kx_state s;
	struct mi_kx_plan p;
	struct mi_kx_pending pd;
	struct mi_kx_preload pl = { 0 };
	bool preloaded = false;
	char nonce[40], boot_id[40], why[1024];
	const struct mi_kx_variant *v;
	double t_hook = uptime_s(), t, load_s = 0;
	enum mi_kx_syscall used;
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
		mi_kx_active_remove(dir);
		goto out;
	}
	cmdline_nonce(nonce, sizeof(nonce));
	mi_read_line("/proc/sys/kernel/random/boot_id", boot_id, sizeof(boot_id));
	if (s.has_pending) {
		if (nonce[0] && !strcmp(nonce, s.pending.nonce)) {
			/* With --delay the load waits for the delay, as it says. */
			if (!p.delay_s && !s.stop)
				preload_start(&pl, &p, &s, s.pending.run);
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
		/* What the load adds to the hook once the collection is done. */
		t = now_mono();
		preloaded = preload_wait(&pl);
		load_s += now_mono() - t;
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
	if (preloaded && pl.run == next) {
		mi_strlcpy(pd.nonce, pl.nonce, sizeof(pd.nonce));
		pd.load_syscall = pl.used;
		goto loaded;
	}
	err = new_nonce(pd.nonce, sizeof(pd.nonce));
	if (err)
		goto out;
	variant_cmdline(cmdline, sizeof(cmdline), v, pd.nonce);
	if (p.delay_s) {
		printf("meminit: kexec: run %d of %d in %d s ('meminit kexec --stop %s' ends the loop)\n",
		       next + 1, s.total, p.delay_s, dir);
		fflush(stdout);
		sleep(p.delay_s);	/* the stop file is checked after the load */
	}
	t = now_mono();
	err = mi_kexec_load(v->kernel, v->initrd[0] ? v->initrd : NULL, cmdline, p.syscall,
			    &used);
	pd.load_syscall = used;
	load_s += now_mono() - t;
	if (err) {
		snprintf(why, sizeof(why), "%s of %s failed: %s", mi_kx_syscall_name(pd.load_syscall),
			 v->kernel, strerror(-err));
		if (!record_failure(dir, attempt, next, v->name, why, NULL))
			end_loop(dir, "failed", why);
		goto out;
	}
loaded:
	{
		char stop_file[PATH_MAX];

		snprintf(stop_file, sizeof(stop_file), "%s/stop", dir);
		if (!access(stop_file, F_OK)) {
			err = end_loop(dir, "stopped", "meminit kexec --stop");
			goto out;
		}
	}
	mi_read_line("/proc/sys/kernel/random/boot_id", pd.boot_id, sizeof(pd.boot_id));
	pd.issued_unix = now_unix();
	pd.hook_s = t_hook >= 0 ? uptime_s() - t_hook : -1;
	pd.load_s = load_s;
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
	if (err)
		mi_kx_pending_clear(dir);
	close(lock);
	return err;
out:
	mi_kx_state_free(&s);
out_lock:
	preload_wait(&pl);
	close(lock);
	return err;
}

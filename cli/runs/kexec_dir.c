// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kexec.h"
#include "kexec_dir.h"
#include "safe_file.h"
#include "utf8.h"
#include "util.h"

int mi_kx_total(const struct mi_kx_plan *p)
{
	return p->runs * p->nr_variants;
}

int mi_kx_variant_of(const struct mi_kx_plan *p, int run)
{
	int block = run / p->nr_variants, k = run % p->nr_variants;

	return block % 2 ? p->nr_variants - 1 - k : k;
}

json_object *mi_kx_read_json(const char *path)
{
	const char *why = "";
	json_object *o;
	size_t len;
	char *buf;
	int err;

	err = mi_read_file(path, &buf, &len);
	if (err) {
		mi_err("cannot read %s: %s", path, strerror(-err));
		return NULL;
	}
	o = mi_json_parse_utf8(buf, &why);
	free(buf);
	if (!o || !json_object_is_type(o, json_type_object)) {
		mi_err("%s is corrupt: %s", path, o ? "not a JSON object" : why);
		json_object_put(o);
		return NULL;
	}
	return o;
}

/*
 * A run file's fields before its report, which write_json() puts last at
 * the top level: "...,\n  \"report\":" can only be that member (a raw
 * newline never occurs inside a JSON string). The hook scans every run on
 * every boot; parsing the reports too made each cycle longer than the one
 * before (tens of KiB per run, twice per hook, under TCG). Anything else,
 * a foreign or hand-edited file, is read whole.
 */
#define RUN_HEAD_MAX	16384
#define RUN_REPORT_KEY	",\n  \"report\":"

static json_object *read_run_head(const char *path)
{
	char buf[RUN_HEAD_MAX + 3];
	const char *why = "";
	json_object *o = NULL;
	ssize_t n = 0, r;
	char *end;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return mi_kx_read_json(path);	/* its error line */
	while (n < RUN_HEAD_MAX && (r = read(fd, buf + n, RUN_HEAD_MAX - n)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		n += r;
	}
	close(fd);
	buf[n] = '\0';
	end = strstr(buf, RUN_REPORT_KEY);
	if (end) {
		memcpy(end, "\n}", 3);
		o = mi_json_parse_utf8(buf, &why);
		if (o && !json_object_is_type(o, json_type_object)) {
			json_object_put(o);
			o = NULL;
		}
	}
	return o ?: mi_kx_read_json(path);
}

void mi_kx_add_str(json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, v && *v ? json_object_new_string(v) : NULL);
}

static int write_json(const char *path, json_object *o)
{
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
						      JSON_C_TO_STRING_NOSLASHESCAPE);
	struct mi_safe_file sf;
	int err;

	err = mi_safe_open(&sf, path, MI_RESULT_MODE);
	if (err)
		return err;
	if (fputs(s, sf.f) < 0 || fputc('\n', sf.f) < 0) {
		mi_err("cannot write %s", path);
		mi_safe_abort(&sf);
		return -EIO;
	}
	return mi_safe_commit(&sf);
}

static const char *get_str(json_object *o, const char *k)
{
	json_object *v;

	if (!json_object_object_get_ex(o, k, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* An integer member in [lo, hi], else false. */
static bool get_int(json_object *o, const char *k, long long lo, long long hi, long long *out)
{
	json_object *v;

	if (!json_object_object_get_ex(o, k, &v) || !json_object_is_type(v, json_type_int))
		return false;
	*out = json_object_get_int64(v);
	return *out >= lo && *out <= hi;
}

static double get_num(json_object *o, const char *k)
{
	json_object *v;

	if (!json_object_object_get_ex(o, k, &v) ||
	    !(json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int)))
		return -1;
	return json_object_get_double(v);
}

/* A run's timing K into V[N++] when present and at least MIN (absent: -1). */
static void keep_num(json_object *o, const char *k, double min, double *v, int *n)
{
	double c = get_num(o, k);

	if (c >= min)
		v[(*n)++] = c;
}

static bool copy_str(json_object *o, const char *k, char *dst, size_t size, bool required)
{
	const char *s = get_str(o, k);

	if (!s) {
		/* Missing or null: fine for an optional member. */
		dst[0] = '\0';
		return !required;
	}
	if (strlen(s) >= size)
		return false;
	mi_strlcpy(dst, s, size);
	return true;
}

static bool schema_is(json_object *o, const char *schema)
{
	const char *s = get_str(o, "schema");
	long long v;

	return s && !strcmp(s, schema) && get_int(o, "schema_version", 1, 1, &v);
}

int mi_kx_plan_read(const char *dir, struct mi_kx_plan *p)
{
	char path[4096];
	json_object *o, *vs;
	enum mi_kx_syscall how;
	long long n;
	size_t i;
	int err = -EINVAL;

	memset(p, 0, sizeof(*p));
	snprintf(path, sizeof(path), "%s/plan.json", dir);
	if (access(path, F_OK)) {
		err = -errno;
		mi_err("%s is not a meminit kexec directory (no plan.json: %s)", dir, strerror(-err));
		return err;
	}
	o = mi_kx_read_json(path);
	if (!o)
		return -EINVAL;
	if (!schema_is(o, MI_KX_PLAN_SCHEMA)) {
		mi_err("%s is not a meminit kexec plan (schema \"%s\" version 1 expected)",
		       path, MI_KX_PLAN_SCHEMA);
		goto out;
	}
	if (!get_int(o, "runs_per_variant", 1, MI_KX_MAX_RUNS, &n)) {
		mi_err("%s is corrupt: runs_per_variant missing or out of range", path);
		goto out;
	}
	p->runs = n;
	p->max_failures = get_int(o, "max_failures", 0, 1000000, &n) ? n : 3;
	p->delay_s = get_int(o, "delay_s", 0, 3600, &n) ? n : 0;
	/* Plans written before there was a choice loaded with kexec_file_load. */
	p->syscall = MI_KX_SYSCALL_FILE;
	if (json_object_object_get_ex(o, "syscall", &vs)) {
		if (mi_kx_syscall_parse(json_object_get_string(vs), &how)) {
			mi_err("%s is corrupt: syscall is not auto, kexec_file_load or kexec_load",
			       path);
			goto out;
		}
		p->syscall = how;
	}
	p->created_unix = get_int(o, "created_unix", 0, 1LL << 40, &n) ? n : 0;
	if (!json_object_object_get_ex(o, "variants", &vs) ||
	    !json_object_is_type(vs, json_type_array) || !json_object_array_length(vs) ||
	    json_object_array_length(vs) > MI_KX_MAX_VARIANTS) {
		mi_err("%s is corrupt: no variants (1 to %d)", path, MI_KX_MAX_VARIANTS);
		goto out;
	}
	p->nr_variants = json_object_array_length(vs);
	for (i = 0; i < (size_t)p->nr_variants; i++) {
		json_object *v = json_object_array_get_idx(vs, i);
		struct mi_kx_variant *pv = &p->v[i];

		if (!json_object_is_type(v, json_type_object) ||
		    !copy_str(v, "name", pv->name, sizeof(pv->name), true) ||
		    !copy_str(v, "kernel", pv->kernel, sizeof(pv->kernel), true) ||
		    !copy_str(v, "initrd", pv->initrd, sizeof(pv->initrd), false) ||
		    !copy_str(v, "cmdline", pv->cmdline, sizeof(pv->cmdline), false)) {
			mi_err("%s is corrupt: variant %zu lacks a name or a kernel", path, i);
			goto out;
		}
	}
	err = 0;
out:
	json_object_put(o);
	return err;
}

static int is_empty_dir(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n == 0;
}

static int make_subdir(const char *dir, const char *sub)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	return mi_safe_mkdir(path);
}

int mi_kx_dir_usable(const char *dir)
{
	char path[4096];
	struct stat st;
	int err;

	snprintf(path, sizeof(path), "%s/plan.json", dir);
	if (!access(path, F_OK)) {
		mi_err("%s already holds a kexec plan: continue it with 'meminit kexec --hook %s', "
		       "or give a new directory", dir, dir);
		return -EEXIST;
	}
	if (lstat(dir, &st))
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode)) {
		mi_err("%s exists and is not a directory", dir);
		return -ENOTDIR;
	}
	err = is_empty_dir(dir);
	if (err <= 0) {
		mi_err("%s is not empty and holds no kexec plan: refusing to write into it%s%s",
		       dir, err < 0 ? ": " : "", err < 0 ? strerror(-err) : "");
		return err < 0 ? err : -ENOTEMPTY;
	}
	return 0;
}

int mi_kx_plan_create(const char *dir, const struct mi_kx_plan *p)
{
	json_object *o, *vs;
	char path[4096];
	int i, err;

	err = mi_kx_dir_usable(dir);
	if (err)
		return err;
	err = mi_safe_mkdir(dir);
	if (err)
		return err;
	snprintf(path, sizeof(path), "%s/plan.json", dir);
	err = make_subdir(dir, "runs");
	if (!err)
		err = make_subdir(dir, "failures");
	if (err)
		return err;
	o = json_object_new_object();
	json_object_object_add(o, "schema", json_object_new_string(MI_KX_PLAN_SCHEMA));
	json_object_object_add(o, "schema_version", json_object_new_int(MI_KX_SCHEMA_VERSION));
	json_object_object_add(o, "meminit_version", json_object_new_string(MEMINIT_VERSION));
	json_object_object_add(o, "created_unix", json_object_new_int64(p->created_unix));
	json_object_object_add(o, "runs_per_variant", json_object_new_int(p->runs));
	json_object_object_add(o, "max_failures", json_object_new_int(p->max_failures));
	json_object_object_add(o, "delay_s", json_object_new_int(p->delay_s));
	json_object_object_add(o, "syscall", json_object_new_string(mi_kx_syscall_name(p->syscall)));
	json_object_object_add(o, "order", json_object_new_string(
		"blocks of one run per variant, every other block reversed (ABBA)"));
	vs = json_object_new_array();
	for (i = 0; i < p->nr_variants; i++) {
		json_object *v = json_object_new_object();

		mi_kx_add_str(v, "name", p->v[i].name);
		mi_kx_add_str(v, "kernel", p->v[i].kernel);
		mi_kx_add_str(v, "initrd", p->v[i].initrd);
		json_object_object_add(v, "cmdline", json_object_new_string(p->v[i].cmdline));
		json_object_array_add(vs, v);
	}
	json_object_object_add(o, "variants", vs);
	err = write_json(path, o);
	json_object_put(o);
	return err;
}

/* "run-0012.json" -> 12; -1 for any other name. */
static int file_index(const char *name, const char *prefix)
{
	size_t pl = strlen(prefix);
	char *end;
	long v;

	if (strncmp(name, prefix, pl) || !(name[pl] >= '0' && name[pl] <= '9'))
		return -1;
	v = strtol(name + pl, &end, 10);
	if (strcmp(end, ".json") || v < 0 || v > 1000000)
		return -1;
	return (int)v;
}

/* A run's or the pending marker's "load_syscall"; AUTO where it is absent or unknown. */
static enum mi_kx_syscall get_load_syscall(json_object *o)
{
	enum mi_kx_syscall how = MI_KX_SYSCALL_AUTO;
	json_object *v;

	if (json_object_object_get_ex(o, "load_syscall", &v))
		mi_kx_syscall_parse(json_object_get_string(v), &how);
	return how;
}

static int scan_runs(const char *dir, const struct mi_kx_plan *p, struct mi_kx_state *s)
{
	char path[4096];
	struct dirent *de;
	DIR *d;
	int err = 0;

	snprintf(path, sizeof(path), "%s/runs", dir);
	d = opendir(path);
	if (!d) {
		err = -errno;
		mi_err("%s is not a meminit kexec directory (runs/: %s)", dir, strerror(-err));
		return err;
	}
	while (!err && (de = readdir(d))) {
		int k = file_index(de->d_name, "run-");
		long long run, var;
		json_object *o;
		double c;

		if (k < 0)
			continue;	/* temporaries of an interrupted write, foreign files */
		snprintf(path, sizeof(path), "%s/runs/%s", dir, de->d_name);
		o = read_run_head(path);
		if (!o) {
			err = -EINVAL;
			break;
		}
		if (!schema_is(o, MI_KX_RUN_SCHEMA) || !get_int(o, "run", 0, s->total - 1, &run) ||
		    run != k || !get_int(o, "variant_index", 0, p->nr_variants - 1, &var) ||
		    var != mi_kx_variant_of(p, k)) {
			mi_err("%s is not a run of this plan (schema, run index or variant differ)",
			       path);
			err = -EINVAL;
		} else if (!s->done[k]) {
			s->done[k] = 1;
			s->nr_done++;
			/* clocked_s; cycle_s in runs written before it was renamed. */
			keep_num(o, get_num(o, "clocked_s") >= 0 ? "clocked_s" : "cycle_s", 1e-12,
				 s->clocked_s, &s->nr_clocked);
			keep_num(o, "collect_s", 0, s->collect_s, &s->nr_collects);
			keep_num(o, "boot_to_hook_s", 0, s->boot_s, &s->nr_boots);
			keep_num(o, "prev_hook_s", 0, s->hook_s, &s->nr_hooks);
			keep_num(o, "prev_load_s", 0, s->load_s, &s->nr_loads);
			s->nr_loaded_by[get_load_syscall(o)]++;
			c = get_num(o, "kexec_issued_unix");
			if (c > 0 && (!s->first_issued || c < s->first_issued))
				s->first_issued = c;
			c = get_num(o, "collected_unix");
			if (c > s->last_collected)
				s->last_collected = c;
		}
		json_object_put(o);
	}
	closedir(d);
	return err;
}

static int scan_failures(const char *dir, const struct mi_kx_plan *p, struct mi_kx_state *s)
{
	char path[4096];
	struct dirent *de;
	int err = 0, last = -1;
	DIR *d;

	snprintf(path, sizeof(path), "%s/failures", dir);
	d = opendir(path);
	if (!d) {
		err = -errno;
		mi_err("%s is not a meminit kexec directory (failures/: %s)", dir, strerror(-err));
		return err;
	}
	while (!err && (de = readdir(d))) {
		int k = file_index(de->d_name, "fail-");
		const char *why;
		json_object *o;
		long long run;

		if (k < 0)
			continue;
		snprintf(path, sizeof(path), "%s/failures/%s", dir, de->d_name);
		o = mi_kx_read_json(path);
		if (!o) {
			err = -EINVAL;
			break;
		}
		if (!schema_is(o, MI_KX_FAIL_SCHEMA)) {
			mi_err("%s is not a failure record of meminit kexec", path);
			err = -EINVAL;
		} else {
			s->nr_failures++;
			if (get_int(o, "run", 0, s->total - 1, &run))
				s->fail_per_run[run]++;
			why = get_str(o, "reason");
			if (k > last && why) {
				last = k;
				snprintf(s->last_failure, sizeof(s->last_failure), "attempt %d: %s",
					 k, why);
			}
		}
		json_object_put(o);
	}
	closedir(d);
	(void)p;
	return err;
}

static int read_pending(const char *dir, const struct mi_kx_plan *p, struct mi_kx_state *s)
{
	struct mi_kx_pending *pd = &s->pending;
	char path[4096];
	long long run, var, att;
	json_object *o;
	int err = 0;

	snprintf(path, sizeof(path), "%s/pending.json", dir);
	if (access(path, F_OK))
		return errno == ENOENT ? 0 : -errno;
	o = mi_kx_read_json(path);
	if (!o)
		return -EINVAL;
	if (!schema_is(o, "meminit-kexec-pending") ||
	    !get_int(o, "run", 0, s->total - 1, &run) ||
	    !get_int(o, "variant_index", 0, p->nr_variants - 1, &var) ||
	    !get_int(o, "attempt", 0, 1 << 30, &att) ||
	    !copy_str(o, "nonce", pd->nonce, sizeof(pd->nonce), true) ||
	    !copy_str(o, "boot_id", pd->boot_id, sizeof(pd->boot_id), false)) {
		mi_err("%s is corrupt or foreign (run, variant, attempt and nonce expected)", path);
		err = -EINVAL;
	} else {
		pd->run = run;
		pd->variant = var;
		pd->attempt = att;
		pd->issued_unix = get_num(o, "issued_unix");
		pd->load_syscall = get_load_syscall(o);
		pd->hook_s = get_num(o, "hook_s");
		pd->load_s = get_num(o, "load_s");
		s->has_pending = true;
	}
	json_object_put(o);
	return err;
}

int mi_kx_scan(const char *dir, const struct mi_kx_plan *p, struct mi_kx_state *s)
{
	char path[4096];
	json_object *o;
	int err;

	memset(s, 0, sizeof(*s));
	s->total = mi_kx_total(p);
	s->done = calloc(s->total, 1);
	s->fail_per_run = calloc(s->total, sizeof(*s->fail_per_run));
	s->clocked_s = calloc(s->total, sizeof(*s->clocked_s));
	s->collect_s = calloc(s->total, sizeof(*s->collect_s));
	s->boot_s = calloc(s->total, sizeof(*s->boot_s));
	s->hook_s = calloc(s->total, sizeof(*s->hook_s));
	s->load_s = calloc(s->total, sizeof(*s->load_s));
	if (!s->done || !s->fail_per_run || !s->clocked_s || !s->collect_s || !s->boot_s ||
	    !s->hook_s || !s->load_s) {
		mi_err("out of memory");
		mi_kx_state_free(s);
		return -ENOMEM;
	}
	err = scan_runs(dir, p, s);
	if (!err)
		err = scan_failures(dir, p, s);
	if (!err)
		err = read_pending(dir, p, s);
	if (err) {
		mi_kx_state_free(s);
		return err;
	}
	snprintf(path, sizeof(path), "%s/stop", dir);
	s->stop = !access(path, F_OK);
	snprintf(path, sizeof(path), "%s/done.json", dir);
	if (!access(path, F_OK)) {
		const char *st;

		o = mi_kx_read_json(path);
		if (!o) {
			mi_kx_state_free(s);
			return -EINVAL;
		}
		st = get_str(o, "state");
		mi_strlcpy(s->end_state, st ? st : "?", sizeof(s->end_state));
		s->ended = true;
		json_object_put(o);
	}
	return 0;
}

void mi_kx_state_free(struct mi_kx_state *s)
{
	free(s->done);
	free(s->fail_per_run);
	free(s->clocked_s);
	free(s->collect_s);
	free(s->boot_s);
	free(s->hook_s);
	free(s->load_s);
	s->done = NULL;
	s->fail_per_run = NULL;
	s->clocked_s = NULL;
	s->collect_s = NULL;
	s->boot_s = NULL;
	s->hook_s = NULL;
	s->load_s = NULL;
}

int mi_kx_lock(const char *dir)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/.lock", dir);
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		int err = -errno;

		mi_err("cannot open the lock %s: %s", path, strerror(-err));
		return err;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		int err = -errno;

		if (err == -ENOSYS || err == -EOPNOTSUPP || err == -EINVAL) {
			/* CONFIG_FILE_LOCKING off (tinyconfig): one hook per boot anyway. */
			mi_debug("no file locking on this kernel: %s unlocked", dir);
			return fd;
		}

		mi_err("%s is in use by another meminit kexec (%s)", dir, strerror(-err));
		close(fd);
		return err;
	}
	return fd;
}

int mi_kx_pending_write(const char *dir, const struct mi_kx_pending *pd)
{
	json_object *o = json_object_new_object();
	char path[4096];
	int err;

	snprintf(path, sizeof(path), "%s/pending.json", dir);
	json_object_object_add(o, "schema", json_object_new_string("meminit-kexec-pending"));
	json_object_object_add(o, "schema_version", json_object_new_int(MI_KX_SCHEMA_VERSION));
	json_object_object_add(o, "run", json_object_new_int(pd->run));
	json_object_object_add(o, "variant_index", json_object_new_int(pd->variant));
	json_object_object_add(o, "attempt", json_object_new_int(pd->attempt));
	mi_kx_add_str(o, "nonce", pd->nonce);
	mi_kx_add_str(o, "boot_id", pd->boot_id);
	json_object_object_add(o, "issued_unix", json_object_new_double(pd->issued_unix));
	json_object_object_add(o, "hook_s", json_object_new_double(pd->hook_s));
	json_object_object_add(o, "load_s", json_object_new_double(pd->load_s));
	if (pd->load_syscall != MI_KX_SYSCALL_AUTO)
		mi_kx_add_str(o, "load_syscall", mi_kx_syscall_name(pd->load_syscall));
	err = write_json(path, o);
	json_object_put(o);
	return err;
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), err = 0;

	if (fd < 0 || fsync(fd))
		err = -errno;
	if (fd >= 0)
		close(fd);
	if (err)
		mi_err("cannot fsync %s: %s", dir, strerror(-err));
	return err;
}

int mi_kx_pending_clear(const char *dir)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/pending.json", dir);
	if (unlink(path) && errno != ENOENT) {
		int err = -errno;

		mi_err("cannot remove %s: %s", path, strerror(-err));
		return err;
	}
	return fsync_dir(dir);
}

int mi_kx_run_write(const char *dir, int run, json_object *o)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/runs/run-%04d.json", dir, run);
	if (!access(path, F_OK))
		return -EEXIST;
	return write_json(path, o);
}

int mi_kx_failure_write(const char *dir, int attempt, json_object *o)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/failures/fail-%04d.json", dir, attempt);
	json_object_object_add(o, "schema", json_object_new_string(MI_KX_FAIL_SCHEMA));
	json_object_object_add(o, "schema_version", json_object_new_int(MI_KX_SCHEMA_VERSION));
	json_object_object_add(o, "attempt", json_object_new_int(attempt));
	return write_json(path, o);
}

int mi_kx_stop_write(const char *dir)
{
	char path[4096];
	static const char msg[] = "stop requested with meminit kexec --stop\n";

	snprintf(path, sizeof(path), "%s/stop", dir);
	return mi_safe_write_file(path, msg, sizeof(msg) - 1, MI_RESULT_MODE);
}

int mi_kx_end_write(const char *dir, const char *state, const char *why)
{
	json_object *o = json_object_new_object();
	char path[4096];
	int err;

	snprintf(path, sizeof(path), "%s/done.json", dir);
	json_object_object_add(o, "schema", json_object_new_string("meminit-kexec-end"));
	json_object_object_add(o, "schema_version", json_object_new_int(MI_KX_SCHEMA_VERSION));
	json_object_object_add(o, "state", json_object_new_string(state));
	mi_kx_add_str(o, "why", why);
	json_object_object_add(o, "ended_unix", json_object_new_int64(time(NULL)));
	err = write_json(path, o);
	json_object_put(o);
	return err;
}

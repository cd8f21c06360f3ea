// SPDX-License-Identifier: GPL-2.0
/*
 * Per-program run count and run time of meminit's BPF programs
 * (bpf_prog_info), as bpftool prog show prints them, for --bpf-stats.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpfstats.h"
#include "util.h"

#define STATS_SYSCTL "/proc/sys/kernel/bpf_stats_enabled"

static bool sysctl_on(void)
{
	char *buf = NULL;
	bool on;

	if (mi_read_file(STATS_SYSCTL, &buf, NULL))
		return false;
	on = buf[0] == '1';
	free(buf);
	return on;
}

void mi_bpf_stats_start(struct mi_bpf_stats *s, bool wanted)
{
	int fd;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->wanted = wanted;
	if (!wanted)
		return;
	/* libbpf 1.1 returns -errno and sets errno. */
	fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (fd >= 0) {
		s->fd = fd;
		s->on = true;
		snprintf(s->how, sizeof(s->how), "bpf_enable_stats(BPF_STATS_RUN_TIME)");
		return;
	}
	if (sysctl_on()) {
		s->on = true;
		snprintf(s->how, sizeof(s->how),
			 "kernel.bpf_stats_enabled=1 (bpf_enable_stats: %s)", strerror(-fd));
		return;
	}
	snprintf(s->how, sizeof(s->how),
		 "not counted: bpf_enable_stats failed (%s); set kernel.bpf_stats_enabled=1 (sysctl) and run again",
		 strerror(-fd));
}

void mi_bpf_stats_off(struct mi_bpf_stats *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

int mi_bpf_stats_collect(const struct mi_bpf_stats *s, struct bpf_object *obj,
			 struct mi_bpf_prog_stat **v, size_t *n)
{
	if (!s->wanted || !s->on || !obj)
		return 0;
	return mi_bpf_stats_read(obj, v, n);
}

int mi_bpf_stats_read(struct bpf_object *obj, struct mi_bpf_prog_stat **v, size_t *n)
{
	struct bpf_program *p;
	size_t cap = *n;

	bpf_object__for_each_program(p, obj) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info);
		struct mi_bpf_prog_stat *st;
		int fd = bpf_program__fd(p), err;

		if (fd < 0)		/* not loaded (autoload off) */
			continue;
		memset(&info, 0, sizeof(info));
		err = bpf_obj_get_info_by_fd(fd, &info, &len);
		if (err)
			return err < 0 ? err : -EINVAL;
		err = mi_grow((void **)v, &cap, *n, sizeof(**v));
		if (err)
			return err;
		st = &(*v)[(*n)++];
		memset(st, 0, sizeof(*st));
		mi_strlcpy(st->name, bpf_program__name(p), sizeof(st->name));
		mi_strlcpy(st->attach, bpf_program__section_name(p), sizeof(st->attach));
		st->run_cnt = info.run_cnt;
		st->run_time_ns = info.run_time_ns;
		st->recursion_misses = info.recursion_misses;
	}
	return 0;
}

double mi_bpf_ns_per_run(const struct mi_bpf_prog_stat *p)
{
	return p->run_cnt ? (double)p->run_time_ns / p->run_cnt : -1;
}

void mi_bpf_stats_print(FILE *f, const struct mi_bpf_stats *s,
			const struct mi_bpf_prog_stat *v, size_t n, const char *indent)
{
	size_t i;

	fprintf(f, "%sBPF program cost (%s):\n", indent, s->how);
	if (!s->on)
		return;
	if (!n) {
		fprintf(f, "%s  (no program loaded)\n", indent);
		return;
	}
	fprintf(f, "%s  %-28s %-36s %10s %14s %10s\n", indent, "program", "attach", "runs",
		"run ns", "ns/run");
	for (i = 0; i < n; i++) {
		char per[24] = "-";

		if (v[i].run_cnt)
			snprintf(per, sizeof(per), "%.1f", mi_bpf_ns_per_run(&v[i]));
		fprintf(f, "%s  %-28s %-36s %10llu %14llu %10s", indent, v[i].name, v[i].attach,
			(unsigned long long)v[i].run_cnt, (unsigned long long)v[i].run_time_ns, per);
		if (v[i].recursion_misses)
			fprintf(f, "  (%llu recursion misses)",
				(unsigned long long)v[i].recursion_misses);
		fputc('\n', f);
	}
}

struct json_object *mi_bpf_stats_json(const struct mi_bpf_stats *s,
				      const struct mi_bpf_prog_stat *v, size_t n)
{
	struct json_object *o = json_object_new_object(), *a = json_object_new_array();
	size_t i;

	if (!o || !a) {
		json_object_put(o);
		json_object_put(a);
		return NULL;
	}
	json_object_object_add(o, "enabled", json_object_new_boolean(s->on));
	json_object_object_add(o, "how", json_object_new_string(s->how));
	for (i = 0; s->on && i < n; i++) {
		struct json_object *p = json_object_new_object();

		if (!p)
			break;
		json_object_object_add(p, "program", json_object_new_string(v[i].name));
		json_object_object_add(p, "attach", json_object_new_string(v[i].attach));
		json_object_object_add(p, "run_cnt", json_object_new_uint64(v[i].run_cnt));
		json_object_object_add(p, "run_time_ns", json_object_new_uint64(v[i].run_time_ns));
		json_object_object_add(p, "ns_per_run", v[i].run_cnt ?
				       json_object_new_double(mi_bpf_ns_per_run(&v[i])) : NULL);
		json_object_object_add(p, "recursion_misses",
				       json_object_new_uint64(v[i].recursion_misses));
		json_object_array_add(a, p);
	}
	json_object_object_add(o, "programs", a);
	return o;
}

bool mi_bpf_stats_env(void)
{
	const char *e = getenv("MEMINIT_BPF_STATS");

	return e && e[0] && strcmp(e, "0");
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The kexec loop's state files (docs/kexec.md): plan.json, runs/run-N.json,
 * failures/fail-N.json, pending.json and done.json, as status, stats and the
 * boot hook read them. The first byte picks the file the rest becomes; the
 * other files are the real ones of a 2-run patched-kernel loop (seeds), so
 * the readers get past them to the fuzzed one.
 */
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "runset.h"
#include "kexec_dir.h"

static char dir[64];

static const char plan[] =
	"{\"schema\":\"meminit-kexec-plan\",\"schema_version\":1,\"meminit_version\":\"0.1.0\","
	"\"created_unix\":1795681100,\"runs_per_variant\":2,\"max_failures\":3,\"delay_s\":0,"
	"\"variants\":[{\"name\":\"default\",\"kernel\":\"/mnt/boot/vmlinuz\","
	"\"initrd\":\"/mnt/boot/initrd.gz\",\"cmdline\":\"console=ttyS0\"}]}";

static void put(const char *name, const uint8_t *data, size_t size)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		abort();
	if (size && fwrite(data, 1, size, f) != size)
		abort();
	if (fclose(f))
		abort();
}

static void setup(void)
{
	char path[128];

	snprintf(dir, sizeof(dir), "/tmp/meminit-fuzz-kx-%d", (int)getpid());
	mkdir(dir, 0700);
	snprintf(path, sizeof(path), "%s/runs", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/failures", dir);
	mkdir(path, 0700);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const files[] = {
		"plan.json", "runs/run-0000.json", "failures/fail-0000.json",
		"pending.json", "done.json",
	};
	struct mi_kx_state st;
	struct mi_kx_plan p;
	struct mi_runset rs;
	size_t i, which;

	if (!dir[0])
		setup();
	if (!size)
		return 0;
	which = data[0] % ARRAY_SIZE(files);
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		char path[128];

		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	put("plan.json", (const uint8_t *)plan, sizeof(plan) - 1);
	put(files[which], data + 1, size - 1);

	memset(&st, 0, sizeof(st));
	if (!mi_kx_plan_read(dir, &p)) {
		if (!mi_kx_scan(dir, &p, &st))
			mi_kx_state_free(&st);
	}
	memset(&rs, 0, sizeof(rs));
	if (!mi_runset_load(&rs, dir, true))
		mi_runset_free(&rs);
	return 0;
}

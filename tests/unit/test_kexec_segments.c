// SPDX-License-Identifier: GPL-2.0
/*
 * cli/runs/kexec_segments.c: usable RAM from /proc/iomem, segment placement
 * and the purgatory's slots. The iomem listings are real captures
 * (tests/fixtures/kexec-iomem/: stock Debian 6.12.117 amd64 and 6.12.118
 * arm64 under QEMU 7.2 TCG, 2 nodes of 1G + 2G, by tests/vm/guest.sh).
 */
#include <errno.h>
#include <stdint.h>

#include "kexec_segments.h"
#include "unit.h"
#include "util.h"

#define MiB (1ULL << 20)

static int load_iomem(struct mi_kx_image *im, const char *name)
{
	char path[512], *buf = NULL;
	size_t len;
	int err;

	memset(im, 0, sizeof(*im));
	snprintf(path, sizeof(path), "%s/kexec-iomem/%s", unit_fixtures, name);
	err = mi_read_file(path, &buf, &len);
	if (err) {
		printf("FAIL cannot read %s\n", path);
		unit_failed = 1;
		return err;
	}
	err = mi_kx_ram_parse(im, buf);
	free(buf);
	return err;
}

static bool no_overlap(const struct mi_kx_image *im)
{
	int i, j;

	for (i = 0; i < im->nr_seg; i++)
		for (j = i + 1; j < im->nr_seg; j++)
			if (im->seg[i].mem < im->seg[j].mem + im->seg[j].memsz &&
			    im->seg[j].mem < im->seg[i].mem + im->seg[i].memsz)
				return false;
	return true;
}

static bool in_ram(const struct mi_kx_image *im, uint64_t a, uint64_t b)
{
	int i;

	for (i = 0; i < im->nr_ram; i++)
		if (a >= im->ram[i].start && b <= im->ram[i].end)
			return true;
	return false;
}

static void test_x86(void)
{
	struct mi_kx_image im;
	uint64_t k, rd;

	if (load_iomem(&im, "x86-6.12.117-1G-2G"))
		return;
	/* Kernel code/data inside System RAM stay usable: kexec copies at the reboot. */
	EXPECT_EQ_U64("x86 iomem: two System RAM ranges", im.nr_ram, 2);
	EXPECT_EQ_U64("x86 iomem: low RAM start", im.ram[0].start, 0x1000);
	EXPECT_EQ_U64("x86 iomem: low RAM end", im.ram[0].end, 0x9fc00);
	EXPECT_EQ_U64("x86 iomem: RAM above 1 MiB", im.ram[1].start, 0x100000);
	EXPECT_EQ_U64("x86 iomem: RAM end below the PCI hole", im.ram[1].end, 0xbffe0000);
	/* A bzImage of 12 MiB wanting 40 MiB at 16 MiB alignment, then an initrd. */
	k = mi_kx_seg_add(&im, "kernel", calloc(1, 12 * MiB), 12 * MiB, 40 * MiB, 16 * MiB,
			  16 * MiB, UINT64_MAX);
	EXPECT_EQ_U64("x86 place: kernel at its preferred 16 MiB", k, 16 * MiB);
	rd = mi_kx_seg_add(&im, "initrd", calloc(1, 5000), 5000, 5000, 0, 1 * MiB, 0x7fffffff);
	EXPECT_EQ_U64("x86 place: initrd first fit above 1 MiB", rd, 1 * MiB);
	EXPECT_EQ_U64("x86 place: memsz rounded to pages", im.seg[1].memsz, 8192);
	EXPECT("x86 place: no overlap", no_overlap(&im));
	/* 4 GiB cannot fit in 3 GiB of RAM: 0 and one line, the buffer freed. */
	EXPECT_EQ_U64("x86 place: too big is refused",
		      mi_kx_seg_add(&im, "huge", malloc(16), 16, 4ULL << 30, 0, 0, UINT64_MAX), 0);
	EXPECT_EQ_U64("x86 place: a refused segment is not added", im.nr_seg, 2);
	mi_kx_image_free(&im);
}

static void test_arm64(void)
{
	struct mi_kx_image im;
	uint64_t k, fdt;
	int i;

	if (load_iomem(&im, "arm64-6.12.118-1G-2G"))
		return;
	/* Two System RAM ranges less the reserved ones inside them. */
	EXPECT_EQ_U64("arm64 iomem: usable ranges", im.nr_ram, 8);
	EXPECT_EQ_U64("arm64 iomem: first range to the reserved rodata", im.ram[0].end, 0x41f10000);
	EXPECT_EQ_U64("arm64 iomem: after it", im.ram[1].start, 0x42880000);
	EXPECT_EQ_U64("arm64 iomem: split around two reserved ranges", im.ram[2].start, 0x48242000);
	EXPECT_EQ_U64("arm64 iomem: the 2G node's RAM to its reservations", im.ram[5].end,
		      0xf9400000);
	for (i = 0; i < im.nr_ram; i++)
		if (im.ram[i].start <= 0x7ee00000 && im.ram[i].end > 0x7ee00000)
			break;
	EXPECT("arm64 iomem: no range covers a reserved one", i == im.nr_ram);
	/* A 46 MiB Image at 2 MiB alignment skips what does not fit. */
	k = mi_kx_seg_add(&im, "kernel", calloc(1, 44 * MiB), 44 * MiB, 46 * MiB, 2 * MiB, 0,
			  UINT64_MAX);
	EXPECT_EQ_U64("arm64 place: kernel 2 MiB aligned where 46 MiB fit", k, 0x42a00000);
	fdt = mi_kx_seg_add(&im, "device tree", calloc(1, 4096), 4096, 4096, 0, 0, UINT64_MAX);
	EXPECT_EQ_U64("arm64 place: device tree in the first free page", fdt, 0x40000000);
	EXPECT("arm64 place: all in usable RAM",
	       in_ram(&im, k, k + 46 * MiB) && in_ram(&im, fdt, fdt + 4096));
	EXPECT("arm64 place: no overlap", no_overlap(&im));
	EXPECT("arm64 place: segment found by address", mi_kx_seg_at(&im, fdt) == &im.seg[1]);
	mi_kx_image_free(&im);
}

static void test_bad_iomem(void)
{
	struct mi_kx_image im = { 0 };

	/* Without CAP_SYS_ADMIN the kernel prints every address as 0. */
	EXPECT_EQ_U64("iomem read without root: refused",
		      (uint64_t)mi_kx_ram_parse(&im, "00000000-00000000 : System RAM\n"
						"00000000-00000000 : System RAM\n"),
		      (uint64_t)-ENOENT);
	EXPECT_EQ_U64("iomem with garbage: refused",
		      (uint64_t)mi_kx_ram_parse(&im, "not iomem\n\n  x-y : z\n"), (uint64_t)-ENOENT);
}

static void test_purgatory(void)
{
	size_t n = 0;
	unsigned char *p = mi_kx_purgatory(0x1122334455667788ULL, 0x8877665544332211ULL, &n);
	uint64_t arg, entry;

	EXPECT("purgatory: a copy", p && n == mi_kx_purgatory_offset(mi_purgatory_end));
	if (!p)
		return;
	memcpy(&arg, p + mi_kx_purgatory_offset(mi_purgatory_arg), 8);
	memcpy(&entry, p + mi_kx_purgatory_offset(mi_purgatory_entry), 8);
	EXPECT_EQ_U64("purgatory: argument slot", arg, 0x1122334455667788ULL);
	EXPECT_EQ_U64("purgatory: entry slot", entry, 0x8877665544332211ULL);
	EXPECT("purgatory: code before the slots", mi_kx_purgatory_offset(mi_purgatory_arg) >= 16);
	EXPECT("purgatory: the original is untouched",
	       !memcmp(p, mi_purgatory_start, mi_kx_purgatory_offset(mi_purgatory_arg)));
	free(p);
}

int main(int argc, char **argv)
{
	unit_init(argc, argv);
	test_x86();
	test_arm64();
	test_bad_iomem();
	test_purgatory();
	return unit_failed;
}

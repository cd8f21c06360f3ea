// SPDX-License-Identifier: GPL-2.0
/*
 * cli/runs/kexec_segments.c: usable RAM from /proc/iomem, segment placement
 * and the purgatory's slots. The iomem listings are real captures
 * (tests/fixtures/kexec-iomem/: stock Debian 6.12.117 amd64 and 6.12.118
 * arm64 under QEMU 7.2 TCG, 2 nodes of 1G + 2G, and 6.12.118 arm64-16k, 4
 * nodes of 1G, memoryless, 1536M and 512M, by tests/vm/guest.sh), and
 * so are the arm64 Image headers (the first 64 bytes of Debian's 6.12.118
 * arm64 and arm64-16k images).
 */
#include <errno.h>
#include <stdint.h>

#include "kexec_segments.h"
#include "unit.h"
#include "util.h"

#define MiB (1ULL << 20)

static int load_iomem(struct mi_kx_image *im, const char *name, uint64_t page_size)
{
	char path[512], *buf = NULL;
	size_t len;
	int err;

	memset(im, 0, sizeof(*im));
	im->page_size = page_size;
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

	if (load_iomem(&im, "x86-6.12.117-1G-2G", 4096))
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

	if (load_iomem(&im, "arm64-6.12.118-1G-2G", 4096))
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
	fdt = mi_kx_arm64_add_fdt(&im, calloc(1, 4096), 4096);
	EXPECT_EQ_U64("arm64 place: device tree on the first free 2 MiB boundary", fdt, 0x40000000);
	EXPECT("arm64 place: all in usable RAM",
	       in_ram(&im, k, k + 46 * MiB) && in_ram(&im, fdt, fdt + 4096));
	EXPECT("arm64 place: no overlap", no_overlap(&im));
	EXPECT("arm64 place: segment found by address", mi_kx_seg_at(&im, fdt) == &im.seg[1]);
	mi_kx_image_free(&im);
}

static uint64_t up(uint64_t x, uint64_t a)
{
	return (x + a - 1) / a * a;
}

/* An arm64 Image header of tests/fixtures/kexec-iomem into H. */
static bool load_header(const char *name, struct mi_kx_arm64_hdr *h, unsigned char **img,
			size_t *len)
{
	char path[512];

	memset(h, 0, sizeof(*h));
	snprintf(path, sizeof(path), "%s/kexec-iomem/%s", unit_fixtures, name);
	if (mi_read_file(path, (char **)img, len)) {
		printf("FAIL cannot read %s\n", path);
		unit_failed = 1;
		return false;
	}
	return !mi_kx_arm64_header(*img, *len, h);
}

static void test_arm64_header(void)
{
	struct mi_kx_arm64_hdr h;
	unsigned char *img = NULL;
	size_t len;

	EXPECT("arm64 header: Debian's 16k Image parsed",
	       load_header("arm64-Image-6.12.118-16k.head", &h, &img, &len));
	EXPECT_EQ_U64("arm64 header: the 16k Image says 16 KiB pages", h.page_size, 16384);
	EXPECT_EQ_U64("arm64 header: its image_size", h.image_size, 0x2bf0000);
	EXPECT_EQ_U64("arm64 header: text_offset 0", h.text_offset, 0);
	free(img);
	img = NULL;
	EXPECT("arm64 header: Debian's 4k Image parsed",
	       load_header("arm64-Image-6.12.118-4k.head", &h, &img, &len));
	EXPECT_EQ_U64("arm64 header: the 4k Image says 4 KiB pages", h.page_size, 4096);
	if (img && len >= 64) {
		img[56] = 'X';
		EXPECT("arm64 header: no magic, no Image", mi_kx_arm64_header(img, len, &h));
	}
	free(img);
	EXPECT("arm64 header: too short", mi_kx_arm64_header((const unsigned char *)"ARM", 3, &h));
}

/* A check's name: the iomem capture, the page size, WHAT. */
static const char *page_name(char *buf, size_t len, const char *iomem, uint64_t page,
			     const char *what)
{
	snprintf(buf, len, "arm64 %s, %llu KiB pages: %s", iomem, (unsigned long long)page >> 10,
		 what);
	return buf;
}

/*
 * Every segment of an arm64 kexec_load on a kernel of PAGE bytes: the
 * Image (Debian's 16k header) on 2 MiB, an initrd of an odd size in its
 * 32 GiB window, the device tree on 2 MiB, the purgatory; all start and
 * end on PAGE, which is what the kernel checks.
 */
static void test_arm64_page(const char *iomem, uint64_t page)
{
	struct mi_kx_arm64_hdr h;
	struct mi_kx_image im;
	unsigned char *img = NULL;
	uint64_t k, rd, rdmin, rdmax, fdt, pg;
	size_t len, pgsz, rdlen = 5000;
	char name[160];
	int i, bad = -1;
	void *p;

#define PN(what) page_name(name, sizeof(name), iomem, page, what)
	if (load_iomem(&im, iomem, page) || !load_header("arm64-Image-6.12.118-16k.head", &h,
							  &img, &len)) {
		free(img);
		EXPECT("arm64 pages: fixtures", false);
		return;
	}
	k = mi_kx_arm64_add_kernel(&im, img, len, &h);
	EXPECT_EQ_U64(PN("kernel base 2 MiB aligned"), k % (2 * MiB), 0);
	EXPECT_EQ_U64(PN("kernel takes image_size on pages"), im.seg[0].memsz,
		      up(h.image_size, page));
	mi_kx_arm64_initrd_window(k, &rdmin, &rdmax);
	EXPECT(PN("the initrd window covers the kernel"), rdmin <= k && k + (64 * MiB) <= rdmax);
	rd = mi_kx_seg_add(&im, "initrd", calloc(1, rdlen), rdlen, rdlen, 0, rdmin, rdmax);
	EXPECT(PN("initrd placed in its window"), rd && rd >= rdmin && rd + rdlen <= rdmax);
	EXPECT_EQ_U64(PN("initrd of 5000 bytes on whole pages"), im.seg[1].memsz, up(rdlen, page));
	fdt = mi_kx_arm64_add_fdt(&im, calloc(1, 6000), 6000);
	EXPECT_EQ_U64(PN("device tree on a 2 MiB boundary"), fdt ? fdt % (2 * MiB) : 1, 0);
	p = mi_kx_purgatory(fdt, k + h.text_offset, &pgsz);
	pg = p ? mi_kx_seg_add(&im, "purgatory", p, pgsz, 0, 0, 0, UINT64_MAX) : 0;
	EXPECT(PN("purgatory placed"), pg != 0);
	for (i = 0; i < im.nr_seg; i++)
		if (im.seg[i].mem % page || (im.seg[i].mem + im.seg[i].memsz) % page ||
		    !in_ram(&im, im.seg[i].mem, im.seg[i].mem + im.seg[i].memsz))
			break;
	EXPECT_EQ_U64(PN("4 segments, each on pages in usable RAM"), i, 4);
	EXPECT(PN("no overlap"), no_overlap(&im));
	EXPECT_EQ_U64(PN("the kernel's checks pass"), (uint64_t)mi_kx_segments_check(&im, &bad), 0);
	mi_kx_image_free(&im);
#undef PN
}

/*
 * What a 16 KiB kernel said to segments placed on 4 KiB pages ("kexec_load
 * of /boot/Image failed: Cannot assign requested address"), now found here.
 */
static void test_page_mismatch(void)
{
	struct mi_kx_image im;
	int bad = -1;

	if (load_iomem(&im, "arm64-6.12.118-1G-2G", 4096))
		return;
	mi_kx_seg_add(&im, "device tree", calloc(1, 4096), 4096, 4096, 2 * MiB, 0, UINT64_MAX);
	mi_kx_seg_add(&im, "initrd", calloc(1, 5000), 5000, 5000, 0, 0, UINT64_MAX);
	EXPECT_EQ_U64("page mismatch: on 4 KiB pages the checks pass",
		      (uint64_t)mi_kx_segments_check(&im, &bad), 0);
	im.page_size = 16384;
	EXPECT_EQ_U64("page mismatch: a 16 KiB kernel refuses (EADDRNOTAVAIL)",
		      (uint64_t)mi_kx_segments_check(&im, &bad), (uint64_t)-EADDRNOTAVAIL);
	EXPECT_EQ_U64("page mismatch: the first segment off its pages", bad, 0);
	EXPECT_EQ_U64("page mismatch: not loaded", (uint64_t)mi_kx_image_load(&im),
		      (uint64_t)-EADDRNOTAVAIL);
	mi_kx_image_free(&im);
	im.page_size = 12288;
	EXPECT_EQ_U64("page size not a power of two: refused",
		      mi_kx_seg_add(&im, "initrd", malloc(16), 16, 16, 0, 0, UINT64_MAX), 0);
	im.page_size = 0;
	EXPECT_EQ_U64("page size unknown: refused",
		      mi_kx_seg_add(&im, "initrd", malloc(16), 16, 16, 0, 0, UINT64_MAX), 0);
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
	test_arm64_header();
	test_arm64_page("arm64-6.12.118-1G-2G", 4096);
	test_arm64_page("arm64-6.12.118-1G-2G", 16384);
	test_arm64_page("arm64-6.12.118-1G-2G", 65536);
	/* The iomem of Debian's arm64-16k 6.12.118 itself (4 nodes, one memoryless) */
	test_arm64_page("arm64-16k-6.12.118-1G-0-1536M-512M", 16384);
	test_arm64_page("arm64-16k-6.12.118-1G-0-1536M-512M", 65536);
	test_page_mismatch();
	test_bad_iomem();
	test_purgatory();
	return unit_failed;
}

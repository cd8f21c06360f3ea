// SPDX-License-Identifier: GPL-2.0
/*
 * arm64 loader for kexec_load: the kernel Image (gzip or not) at a 2 MiB
 * aligned base plus its text_offset, the initrd, this boot's device tree
 * (/sys/firmware/fdt) with /chosen's bootargs, initrd range and seeds
 * renewed (what the kernel's of_kexec_alloc_and_setup_fdt() does for
 * kexec_file_load), and the purgatory that enters the Image with x0 = the
 * device tree (Documentation/arch/arm64/booting.rst). Debian's arm64
 * kernels have CONFIG_KEXEC but no CONFIG_KEXEC_FILE: this is their path.
 * The device tree through libfdt.
 */
#if defined(__aarch64__)
#include <errno.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "kexec_segments.h"
#include "util.h"

#define MiB		(1ULL << 20)
#define FDT_PATH	"/sys/firmware/fdt"

const char *mi_kx_image_unsupported(void)
{
	if (access(FDT_PATH, R_OK))
		return "no " FDT_PATH " (the device tree the next kernel is given)";
	return NULL;
}

static uint64_t le64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* A property replaced by as many fresh random bytes, where this boot has it. */
static int fdt_renew_seed(void *fdt, int chosen, const char *name)
{
	unsigned char seed[512];
	int len;

	if (!fdt_getprop(fdt, chosen, name, &len) || len <= 0 || len > (int)sizeof(seed))
		return 0;
	if (getrandom(seed, len, GRND_NONBLOCK) != len)
		return fdt_delprop(fdt, chosen, name);
	return fdt_setprop(fdt, chosen, name, seed, len);
}

/* This boot's device tree, with the next boot's /chosen. */
static int build_fdt(const char *cmdline, uint64_t rd, uint64_t rdlen, void **out, size_t *outlen)
{
	char *cur = NULL;
	size_t curlen;
	void *fdt;
	int err, chosen, size;

	err = mi_read_file(FDT_PATH, &cur, &curlen);
	if (err) {
		mi_err("cannot read %s: %s", FDT_PATH, strerror(-err));
		return err;
	}
	if (fdt_check_header(cur) || fdt_totalsize(cur) > curlen) {
		mi_err("%s is not a device tree blob", FDT_PATH);
		free(cur);
		return -EINVAL;
	}
	size = fdt_totalsize(cur) + strlen(cmdline) + 4096;
	fdt = malloc(size);
	if (!fdt) {
		free(cur);
		return -ENOMEM;
	}
	err = fdt_open_into(cur, fdt, size);
	free(cur);
	chosen = err ? err : fdt_path_offset(fdt, "/chosen");
	if (chosen == -FDT_ERR_NOTFOUND)
		chosen = fdt_add_subnode(fdt, 0, "chosen");
	err = chosen < 0 ? chosen : fdt_setprop_string(fdt, chosen, "bootargs", cmdline);
	/* A crash kernel's properties never carry over into a normal boot. */
	if (!err) {
		fdt_delprop(fdt, chosen, "linux,elfcorehdr");
		fdt_delprop(fdt, chosen, "linux,usable-memory-range");
		fdt_delprop(fdt, chosen, "linux,initrd-start");
		fdt_delprop(fdt, chosen, "linux,initrd-end");
	}
	if (!err && rdlen)
		err = fdt_setprop_u64(fdt, chosen, "linux,initrd-start", rd);
	if (!err && rdlen)
		err = fdt_setprop_u64(fdt, chosen, "linux,initrd-end", rd + rdlen);
	if (!err)
		err = fdt_renew_seed(fdt, chosen, "kaslr-seed");
	if (!err)
		err = fdt_renew_seed(fdt, chosen, "rng-seed");
	if (!err)
		err = fdt_pack(fdt);
	if (err) {
		mi_err("%s: cannot set the next boot's /chosen: %s", FDT_PATH, fdt_strerror(err));
		free(fdt);
		return -EINVAL;
	}
	*out = fdt;
	*outlen = fdt_totalsize(fdt);
	return 0;
}

int mi_kx_image_build(struct mi_kx_image *im, const char *kernel, const char *initrd,
		      const char *cmdline)
{
	unsigned char *img = NULL, *buf;
	size_t len, rdlen, pgsz, fdtlen;
	uint64_t text_offset, image_size, kaddr, rdaddr, fdtaddr, pgaddr;
	void *fdt = NULL, *pg;
	int err;

	err = mi_kx_image_begin(im, kernel, true, &img, &len);
	if (err)
		return err;
	if (len < 64 || memcmp(img + 56, "ARM\x64", 4)) {
		mi_err("%s is not an arm64 kernel Image, plain or gzip (an EFI zboot image needs "
		       "its Image taken out)", kernel);
		free(img);
		return -ENOEXEC;
	}
	text_offset = le64(img + 8);
	image_size = le64(img + 16);
	if (!image_size || image_size < len || text_offset >= 2 * MiB) {
		mi_err("%s: an Image header without a usable image_size (a kernel before 3.17?)",
		       kernel);
		free(img);
		return -ENOEXEC;
	}
	/* The 2 MiB aligned base; the Image starts text_offset above it. */
	buf = calloc(1, text_offset + len);
	if (!buf) {
		free(img);
		return -ENOMEM;
	}
	memcpy(buf + text_offset, img, len);
	free(img);
	kaddr = mi_kx_seg_add(im, "kernel", buf, text_offset + len, text_offset + image_size,
			      2 * MiB, 0, UINT64_MAX);
	if (!kaddr)
		goto nospace;
	err = mi_kx_add_initrd(im, initrd, 0, UINT64_MAX, &rdaddr, &rdlen);
	if (err)
		goto out;
	err = build_fdt(cmdline, rdaddr, rdlen, &fdt, &fdtlen);
	if (err)
		goto out;
	if (fdtlen > 2 * MiB) {
		mi_err("%s: the device tree is over the 2 MiB arm64 allows", FDT_PATH);
		free(fdt);
		err = -E2BIG;
		goto out;
	}
	fdtaddr = mi_kx_seg_add(im, "device tree", fdt, fdtlen, fdtlen, 0, 0, UINT64_MAX);
	if (!fdtaddr)
		goto nospace;
	pg = mi_kx_purgatory(fdtaddr, kaddr + text_offset, &pgsz);
	if (!pg) {
		err = -ENOMEM;
		goto out;
	}
	pgaddr = mi_kx_seg_add(im, "purgatory", pg, pgsz, 0, 0, 0, UINT64_MAX);
	if (!pgaddr)
		goto nospace;
	im->entry = pgaddr;
	return 0;
nospace:
	err = -ENOMEM;
out:
	mi_kx_image_free(im);
	return err;
}
#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * arm64 loader for kexec_load: the kernel Image (gzip or not) at a 2 MiB
 * aligned base plus its text_offset, the initrd in the 32 GiB window
 * booting.rst allows, this boot's device tree on a 2 MiB boundary
 * (/sys/firmware/fdt) with /chosen's bootargs, initrd range and seeds
 * renewed (what the kernel's of_kexec_alloc_and_setup_fdt() does for
 * kexec_file_load), and the purgatory that enters the Image with x0 = the
 * device tree (Documentation/arch/arm64/booting.rst). Every segment starts
 * and ends on the running kernel's page size (4, 16 or 64 KiB; see
 * kexec_segments.c), whatever the page size of the kernel loaded. Debian's arm64
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

#define FDT_PATH	"/sys/firmware/fdt"

const char *mi_kx_image_unsupported(void)
{
	if (access(FDT_PATH, R_OK))
		return "no " FDT_PATH " (the device tree the next kernel is given)";
	return NULL;
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
	struct mi_kx_arm64_hdr h;
	unsigned char *img = NULL;
	size_t len, rdlen, pgsz, fdtlen;
	uint64_t kaddr, rdmin, rdmax, rdaddr, fdtaddr, pgaddr;
	void *fdt = NULL, *pg;
	int err;

	err = mi_kx_image_begin(im, kernel, true, &img, &len);
	if (err)
		return err;
	if (mi_kx_arm64_header(img, len, &h)) {
		mi_err("%s is not an arm64 kernel Image with an image_size, plain or gzip (an "
		       "EFI zboot image needs its Image taken out; a kernel before 3.17 has no "
		       "image_size)", kernel);
		free(img);
		return -ENOEXEC;
	}
	kaddr = mi_kx_arm64_add_kernel(im, img, len, &h);
	if (!kaddr)
		goto nospace;
	mi_kx_arm64_initrd_window(kaddr, &rdmin, &rdmax);
	err = mi_kx_add_initrd(im, initrd, rdmin, rdmax, &rdaddr, &rdlen);
	if (err)
		goto out;
	err = build_fdt(cmdline, rdaddr, rdlen, &fdt, &fdtlen);
	if (err)
		goto out;
	fdtaddr = mi_kx_arm64_add_fdt(im, fdt, fdtlen);
	if (!fdtaddr)
		goto nospace;
	pg = mi_kx_purgatory(fdtaddr, kaddr + h.text_offset, &pgsz);
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

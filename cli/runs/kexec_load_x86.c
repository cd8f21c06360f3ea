// SPDX-License-Identifier: GPL-2.0
/*
 * x86-64 loader for kexec_load: a bzImage's protected-mode kernel, a zero
 * page (struct boot_params) with its setup header, the firmware's E820 map
 * and the command line, the initrd and the purgatory; entry through the
 * 64-bit boot protocol (Documentation/arch/x86/boot.rst). What kexec-tools'
 * bzImage64 loader does for a BIOS-booted machine; an EFI-booted one would
 * need its EFI memory map and runtime mappings passed on, which this does
 * not do, so it says so and kexec_file_load is used there.
 */
#if defined(__x86_64__)
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kexec_segments.h"
#include "util.h"

#define MiB		(1ULL << 20)
#define GiB		(1ULL << 30)
#define MEMMAP_DIR	"/sys/firmware/memmap"

/* struct boot_params and its setup_header (arch/x86/include/uapi/asm/bootparam.h). */
#define BP_ACPI_RSDP		0x070
#define BP_EXT_RAMDISK_IMAGE	0x0c0
#define BP_EXT_RAMDISK_SIZE	0x0c4
#define BP_EXT_CMD_LINE_PTR	0x0c8
#define BP_E820_ENTRIES		0x1e8
#define HDR_START		0x1f1	/* setup_sects, the first field of the header */
#define HDR_JUMP		0x200
#define HDR_MAGIC		0x202
#define HDR_VERSION		0x206
#define HDR_TYPE_OF_LOADER	0x210
#define HDR_RAMDISK_IMAGE	0x218
#define HDR_RAMDISK_SIZE	0x21c
#define HDR_CMD_LINE_PTR	0x228
#define HDR_INITRD_ADDR_MAX	0x22c
#define HDR_KERNEL_ALIGNMENT	0x230
#define HDR_RELOCATABLE		0x234
#define HDR_XLOADFLAGS		0x236
#define HDR_CMDLINE_SIZE	0x238
#define HDR_PREF_ADDRESS	0x258
#define HDR_INIT_SIZE		0x260
#define BP_E820_TABLE		0x2d0
#define E820_MAX_ZEROPAGE	128
#define BOOT_PARAMS_SIZE	4096
#define XLF_KERNEL_64		(1 << 0)
#define XLF_CAN_BE_LOADED_ABOVE_4G (1 << 1)

static uint32_t get32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const unsigned char *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static void put64(unsigned char *p, uint64_t v)
{
	put32(p, v);
	put32(p + 4, v >> 32);
}

const char *mi_kx_image_unsupported(void)
{
	if (!access("/sys/firmware/efi", F_OK))
		return "this machine booted through EFI, and meminit's kexec_load loader passes "
		       "no EFI memory map on";
	if (access(MEMMAP_DIR, F_OK))
		return "no " MEMMAP_DIR " (the firmware's E820 map the next kernel needs)";
	return NULL;
}

/* The kernel's firmware_map names (drivers/firmware/memmap.c) as E820 types. */
static uint32_t e820_type(const char *name)
{
	static const struct { const char *name; uint32_t type; } t[] = {
		{ "System RAM", 1 }, { "Reserved", 2 }, { "ACPI Tables", 3 },
		{ "ACPI Non-volatile Storage", 4 }, { "Unusable memory", 5 },
		{ "Persistent Memory", 7 }, { "Persistent Memory (legacy)", 12 },
		{ "Soft Reserved", 0xefffffff },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(name, t[i].name))
			return t[i].type;
	return 2;	/* unknown: keep the next kernel off it */
}

static int cmp_e820(const void *a, const void *b)
{
	uint64_t x = get64(a), y = get64(b);

	return x < y ? -1 : x > y;
}

/* /sys/firmware/memmap into the zero page's E820 table. */
static int e820_fill(unsigned char *bp)
{
	DIR *d = opendir(MEMMAP_DIR);
	struct dirent *de;
	int n = 0;

	if (!d) {
		mi_err("cannot read %s: %s", MEMMAP_DIR, strerror(errno));
		return -errno;
	}
	while ((de = readdir(d))) {
		char path[512], line[128], name[64];
		unsigned long long start, end;
		unsigned char *e = bp + BP_E820_TABLE + (size_t)20 * n;

		if (de->d_name[0] == '.')
			continue;
		if (n == E820_MAX_ZEROPAGE) {
			closedir(d);
			mi_err("%s has more than %d ranges, the zero page's limit", MEMMAP_DIR,
			       E820_MAX_ZEROPAGE);
			return -E2BIG;
		}
		snprintf(path, sizeof(path), MEMMAP_DIR "/%s/start", de->d_name);
		if (mi_read_line(path, line, sizeof(line)) || sscanf(line, "%llx", &start) != 1)
			goto bad;
		snprintf(path, sizeof(path), MEMMAP_DIR "/%s/end", de->d_name);
		if (mi_read_line(path, line, sizeof(line)) || sscanf(line, "%llx", &end) != 1 ||
		    end < start)
			goto bad;
		snprintf(path, sizeof(path), MEMMAP_DIR "/%s/type", de->d_name);
		if (mi_read_line(path, name, sizeof(name)))
			goto bad;
		put64(e, start);
		put64(e + 8, end - start + 1);
		put32(e + 16, e820_type(name));
		n++;
		continue;
bad:
		closedir(d);
		mi_err("%s/%s: unreadable range", MEMMAP_DIR, de->d_name);
		return -EINVAL;
	}
	closedir(d);
	if (!n) {
		mi_err("%s lists no memory", MEMMAP_DIR);
		return -ENOENT;
	}
	qsort(bp + BP_E820_TABLE, n, 20, cmp_e820);
	bp[BP_E820_ENTRIES] = n;
	return 0;
}

int mi_kx_image_build(struct mi_kx_image *im, const char *kernel, const char *initrd,
		      const char *cmdline)
{
	unsigned char *bz = NULL, *bp = NULL, *pm;
	size_t bzlen, rdlen, pmlen, hdr_end, cl = strlen(cmdline) + 1, pgsz;
	uint64_t kaddr, rdaddr, bpaddr, pgaddr, align, init_size, max;
	size_t pm_off;
	uint16_t xlf;
	void *pg;
	int err;

	err = mi_kx_image_begin(im, kernel, false, &bz, &bzlen);
	if (err)
		return err;
	if (bzlen < 0x1000 || memcmp(bz + HDR_MAGIC, "HdrS", 4) ||
	    (bz[HDR_VERSION] | bz[HDR_VERSION + 1] << 8) < 0x20c) {
		mi_err("%s is not a bzImage with boot protocol 2.12 or later", kernel);
		err = -ENOEXEC;
		goto out;
	}
	xlf = bz[HDR_XLOADFLAGS] | bz[HDR_XLOADFLAGS + 1] << 8;
	if (!(xlf & XLF_KERNEL_64) || !bz[HDR_RELOCATABLE]) {
		mi_err("%s has no 64-bit entry point or is not relocatable", kernel);
		err = -ENOEXEC;
		goto out;
	}
	/* The setup sectors (0 means 4) and the boot sector before them. */
	pm_off = ((size_t)(bz[HDR_START] ? bz[HDR_START] : 4) + 1) * 512;
	if (pm_off >= bzlen) {
		mi_err("%s: its setup sectors run past its end", kernel);
		err = -ENOEXEC;
		goto out;
	}
	if (cl > get32(bz + HDR_CMDLINE_SIZE) + 1ULL) {
		mi_err("the command line (%zu bytes) is longer than %s takes (%u)", cl - 1, kernel,
		       get32(bz + HDR_CMDLINE_SIZE));
		err = -E2BIG;
		goto out;
	}

	/* The protected-mode kernel, with room to decompress in place. */
	pmlen = bzlen - pm_off;
	pm = malloc(pmlen);
	if (!pm) {
		err = -ENOMEM;
		goto out;
	}
	memcpy(pm, bz + pm_off, pmlen);
	align = get32(bz + HDR_KERNEL_ALIGNMENT);
	if (!align || (align & (align - 1)))
		align = 2 * MiB;
	init_size = get32(bz + HDR_INIT_SIZE);
	max = (xlf & XLF_CAN_BE_LOADED_ABOVE_4G) ? UINT64_MAX : 4 * GiB;
	kaddr = mi_kx_seg_add(im, "kernel", pm, pmlen, init_size, align,
			      get64(bz + HDR_PREF_ADDRESS) ?: 16 * MiB, max);
	if (!kaddr)
		goto nospace;

	err = mi_kx_add_initrd(im, initrd, 1 * MiB, (uint64_t)get32(bz + HDR_INITRD_ADDR_MAX) + 1,
			       &rdaddr, &rdlen);
	if (err)
		goto out;

	/* The zero page: the file's setup header, then what a loader fills in. */
	bp = calloc(1, BOOT_PARAMS_SIZE + cl);
	if (!bp) {
		err = -ENOMEM;
		goto out;
	}
	hdr_end = HDR_MAGIC + bz[HDR_JUMP + 1];
	memcpy(bp + HDR_START, bz + HDR_START, hdr_end - HDR_START);
	err = e820_fill(bp);
	if (err)
		goto out;
	bp[HDR_TYPE_OF_LOADER] = 0xff;	/* undefined loader */
	memcpy(bp + BOOT_PARAMS_SIZE, cmdline, cl);
	bpaddr = mi_kx_seg_add(im, "boot parameters", bp, BOOT_PARAMS_SIZE + cl, 0, 0, 1 * MiB,
			       4 * GiB);
	if (!bpaddr) {
		bp = NULL;
		goto nospace;
	}
	/* Placed: now the addresses that point into the segments. */
	put32(bp + HDR_CMD_LINE_PTR, bpaddr + BOOT_PARAMS_SIZE);
	put32(bp + BP_EXT_CMD_LINE_PTR, (bpaddr + BOOT_PARAMS_SIZE) >> 32);
	put32(bp + HDR_RAMDISK_IMAGE, rdaddr);
	put32(bp + BP_EXT_RAMDISK_IMAGE, rdaddr >> 32);
	put32(bp + HDR_RAMDISK_SIZE, rdlen);
	put32(bp + BP_EXT_RAMDISK_SIZE, (uint64_t)rdlen >> 32);
	put64(bp + BP_ACPI_RSDP, 0);	/* the next kernel finds it as this one did */
	bp = NULL;

	pg = mi_kx_purgatory(bpaddr, kaddr + 0x200, &pgsz);
	if (!pg) {
		err = -ENOMEM;
		goto out;
	}
	pgaddr = mi_kx_seg_add(im, "purgatory", pg, pgsz, 0, 0, 1 * MiB, 4 * GiB);
	if (!pgaddr)
		goto nospace;
	im->entry = pgaddr;
	err = 0;
	goto out;
nospace:
	err = -ENOMEM;
out:
	free(bz);
	free(bp);
	if (err)
		mi_kx_image_free(im);
	return err;
}
#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kexec_load(2) with segments prepared here, as kexec-tools prepares them:
 * the path on kernels without CONFIG_KEXEC_FILE (Debian's arm64), and the
 * cheaper one where both exist (no SHA-256 of every segment at load time
 * and again in purgatory before the next kernel starts).
 *
 * Segments are placed in this boot's usable RAM (/proc/iomem: "System RAM"
 * less the ranges the kernel marks reserved); the kernel copies them into
 * place only at the reboot, so they may overlap the running kernel.
 * A small purgatory (kexec_purgatory.c) puts the boot protocol's registers
 * in place and jumps to the new kernel.
 */
#ifndef MEMINIT_KEXEC_SEGMENTS_H
#define MEMINIT_KEXEC_SEGMENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MI_KX_MAX_SEGS	8
#define MI_KX_MAX_RAM	128

struct mi_kx_range {
	uint64_t start, end;	/* [start, end) */
};

struct mi_kx_seg {
	void *buf;		/* owned */
	size_t bufsz;
	uint64_t mem, memsz;	/* page-aligned destination */
};

struct mi_kx_image {
	/*
	 * The running kernel's page size (sysconf): kexec_load refuses with
	 * EADDRNOTAVAIL a segment whose start or end is not on it (its
	 * sanity_check_segment_list()), 16 KiB and 64 KiB on such arm64 kernels.
	 */
	uint64_t page_size;
	struct mi_kx_range ram[MI_KX_MAX_RAM];
	int nr_ram;
	struct mi_kx_seg seg[MI_KX_MAX_SEGS];
	int nr_seg;
	uint64_t entry;		/* physical address the kernel jumps to */
};

/*
 * Usable RAM from an iomem listing (the text of /proc/iomem): top-level
 * "System RAM" less every "reserved" or "Crash kernel" range inside it.
 * 0, or -errno after one line.
 */
int mi_kx_ram_parse(struct mi_kx_image *im, const char *iomem);
int mi_kx_ram_read(struct mi_kx_image *im);
/*
 * Add BUF (ownership passes, freed with the image even on failure) as a
 * segment of MEMSZ bytes (>= BUFSZ, rounded up to the page size) at the
 * lowest address >= MIN, aligned to ALIGN (at least the page size), ending
 * at or below MAX, clear of RAM holes and the other segments. Returns the
 * address, or 0 after one line naming WHAT (also for a page size that is
 * no power of two of at least 4 KiB).
 */
uint64_t mi_kx_seg_add(struct mi_kx_image *im, const char *what, void *buf, size_t bufsz,
		       uint64_t memsz, uint64_t align, uint64_t min, uint64_t max);
/* The segment at address MEM (its buffer, to fill in after placing). */
struct mi_kx_seg *mi_kx_seg_at(struct mi_kx_image *im, uint64_t mem);
/*
 * A loader's first steps: IM emptied and its usable RAM read, then the
 * kernel file into *BUF (gunzipped when GUNZIP and it is gzip). 0, or
 * -errno after one line.
 */
int mi_kx_image_begin(struct mi_kx_image *im, const char *kernel, bool gunzip,
		      unsigned char **buf, size_t *len);
/*
 * INITRD (NULL: none, *ADDR and *LEN 0) read and added as a segment between
 * MIN and MAX. 0, or -errno after one line.
 */
int mi_kx_add_initrd(struct mi_kx_image *im, const char *initrd, uint64_t min, uint64_t max,
		     uint64_t *addr, size_t *len);
/*
 * What the kernel checks of the segments before it takes them (kexec_core.c
 * sanity_check_segment_list()): each starts and ends on the page size
 * (-EADDRNOTAVAIL), holds its buffer and overlaps no other (-EINVAL).
 * 0, or -errno and the first segment at fault in *BAD (quiet).
 */
int mi_kx_segments_check(const struct mi_kx_image *im, int *bad);
/*
 * kexec_load(2) the segments with ENTRY, once mi_kx_segments_check passes.
 * 0 or -errno (quiet: the caller says).
 */
int mi_kx_image_load(const struct mi_kx_image *im);
void mi_kx_image_free(struct mi_kx_image *im);

/*
 * arm64's Image header (Documentation/arch/arm64/booting.rst): the offset
 * of the Image above its 2 MiB aligned base, the memory it needs from its
 * start, and the page size that Image was built for (its flags; 0 when it
 * does not say, as before 3.17's header).
 */
struct mi_kx_arm64_hdr {
	uint64_t text_offset, image_size;
	unsigned int page_size;
};
/* 0, or -ENOEXEC for what is not an arm64 Image with an image_size (quiet). */
int mi_kx_arm64_header(const unsigned char *img, size_t len, struct mi_kx_arm64_hdr *h);
/*
 * The Image IMG (ownership passes) as the kernel segment: text_offset above a
 * 2 MiB aligned base, with image_size from its start. The base, or 0 after
 * one line.
 */
uint64_t mi_kx_arm64_add_kernel(struct mi_kx_image *im, unsigned char *img, size_t len,
				const struct mi_kx_arm64_hdr *h);
/*
 * Where the initrd may go: a 1 GiB aligned window of 32 GiB that covers the
 * kernel at KADDR (booting.rst).
 */
void mi_kx_arm64_initrd_window(uint64_t kaddr, uint64_t *min, uint64_t *max);
/*
 * The device tree FDT (ownership passes) on a 2 MiB boundary, so that it
 * crosses none, as arm64's own kexec_file_load places it; at most 2 MiB
 * (booting.rst). The address, or 0 after one line.
 */
uint64_t mi_kx_arm64_add_fdt(struct mi_kx_image *im, void *fdt, size_t len);

/*
 * This architecture's loader (kexec_load_x86.c, kexec_load_arm64.c): the
 * kernel file, initrd and command line to segments and entry. 0, or -errno
 * after one line; -ENOTSUP (one line) where meminit has no loader for this
 * architecture or this boot (x86 booted through EFI).
 */
int mi_kx_image_build(struct mi_kx_image *im, const char *kernel, const char *initrd,
		      const char *cmdline);
/* NULL when mi_kx_image_build can serve this boot, else why not (a sentence). */
const char *mi_kx_image_unsupported(void);

/* The purgatory (kexec_purgatory.c): code and the slots the loader fills. */
extern const unsigned char mi_purgatory_start[], mi_purgatory_end[];
extern const unsigned char mi_purgatory_arg[], mi_purgatory_entry[];

/*
 * Where SYM (one of the four above) lies in the purgatory, in bytes: the
 * symbols are the assembler's, in one object, so their addresses are
 * compared as integers rather than subtracted as pointers.
 */
size_t mi_kx_purgatory_offset(const unsigned char *sym);
/* A copy of the purgatory with its two slots set, in a buffer of SIZE. */
void *mi_kx_purgatory(uint64_t arg, uint64_t entry, size_t *size);

#endif

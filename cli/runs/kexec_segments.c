// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <linux/kexec.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kexec_segments.h"
#include "util.h"

#define MiB		(1ULL << 20)
#define GiB		(1ULL << 30)
/* The smallest base page of a kernel; the running one's is im->page_size. */
#define MIN_PAGE	4096ULL

static uint64_t align_up(uint64_t x, uint64_t a)
{
	return (x + a - 1) & ~(a - 1);
}

/* Take [a, b) out of the RAM list, splitting a range when needed. */
static int ram_remove(struct mi_kx_image *im, uint64_t a, uint64_t b)
{
	int i;

	for (i = 0; i < im->nr_ram; i++) {
		struct mi_kx_range *r = &im->ram[i];

		if (b <= r->start || a >= r->end)
			continue;
		if (a > r->start && b < r->end) {
			if (im->nr_ram == MI_KX_MAX_RAM)
				return -E2BIG;
			memmove(r + 2, r + 1, (im->nr_ram - i - 1) * sizeof(*r));
			r[1].start = b;
			r[1].end = r->end;
			r->end = a;
			im->nr_ram++;
			i++;
		} else if (a <= r->start && b >= r->end) {
			memmove(r, r + 1, (im->nr_ram - i - 1) * sizeof(*r));
			im->nr_ram--;
			i--;
		} else if (a <= r->start) {
			r->start = b;
		} else {
			r->end = a;
		}
	}
	return 0;
}

int mi_kx_ram_parse(struct mi_kx_image *im, const char *iomem)
{
	const char *line;
	int pass, err;

	im->nr_ram = 0;
	/* Pass 0: the RAM; pass 1: what the kernel keeps inside it. */
	for (pass = 0; pass < 2; pass++) {
		for (line = iomem; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
			unsigned long long a, b;
			char name[64];
			int indent = strspn(line, " ");

			if (sscanf(line + indent, "%llx-%llx : %63[^\n]", &a, &b, name) != 3 || b < a)
				continue;
			if (pass == 0 && !indent && !strcmp(name, "System RAM")) {
				if (im->nr_ram == MI_KX_MAX_RAM) {
					mi_err("/proc/iomem lists more than %d System RAM ranges", MI_KX_MAX_RAM);
					return -E2BIG;
				}
				im->ram[im->nr_ram].start = a;
				im->ram[im->nr_ram].end = b + 1;
				im->nr_ram++;
			} else if (pass == 1 && (!strcmp(name, "reserved") || !strcmp(name, "Crash kernel"))) {
				err = ram_remove(im, a, b + 1);
				if (err) {
					mi_err("/proc/iomem: too many reserved ranges inside System RAM");
					return err;
				}
			}
		}
	}
	/* Without CAP_SYS_ADMIN every address reads as 0. */
	for (err = 0; err < im->nr_ram; err++)
		if (im->ram[err].end > MIN_PAGE)
			return 0;
	mi_err("no usable System RAM in /proc/iomem (its addresses read as 0 without root)");
	return -ENOENT;
}

int mi_kx_ram_read(struct mi_kx_image *im)
{
	char *buf = NULL;
	size_t len;
	int err;

	err = mi_read_file("/proc/iomem", &buf, &len);
	if (err) {
		mi_err("cannot read /proc/iomem: %s", strerror(-err));
		return err;
	}
	err = mi_kx_ram_parse(im, buf);
	free(buf);
	return err;
}

static bool seg_overlaps(const struct mi_kx_image *im, uint64_t a, uint64_t b, uint64_t *past)
{
	int i;

	for (i = 0; i < im->nr_seg; i++) {
		const struct mi_kx_seg *s = &im->seg[i];

		if (a < s->mem + s->memsz && b > s->mem) {
			*past = s->mem + s->memsz;
			return true;
		}
	}
	return false;
}

uint64_t mi_kx_seg_add(struct mi_kx_image *im, const char *what, void *buf, size_t bufsz,
		       uint64_t memsz, uint64_t align, uint64_t min, uint64_t max)
{
	uint64_t at, past, page = im->page_size;
	int i;

	if (page < MIN_PAGE || (page & (page - 1))) {
		mi_err("kexec: cannot place the %s on pages of %" PRIu64 " bytes (not a power of "
		       "two of at least 4 KiB)", what, page);
		free(buf);
		return 0;
	}
	if (align < page)
		align = page;
	memsz = align_up(memsz > bufsz ? memsz : bufsz, page);
	if (im->nr_seg == MI_KX_MAX_SEGS) {
		mi_err("kexec: more than %d segments", MI_KX_MAX_SEGS);
		free(buf);
		return 0;
	}
	for (i = 0; i < im->nr_ram; i++) {
		const struct mi_kx_range *r = &im->ram[i];

		at = align_up(r->start > min ? r->start : min, align);
		while (at + memsz <= r->end && at + memsz <= max) {
			if (!seg_overlaps(im, at, at + memsz, &past)) {
				struct mi_kx_seg *s = &im->seg[im->nr_seg++];

				s->buf = buf;
				s->bufsz = bufsz;
				s->mem = at;
				s->memsz = memsz;
				return at;
			}
			at = align_up(past, align);
		}
	}
	mi_err("kexec: no room in usable RAM for the %s (%" PRIu64 " KiB, between %#" PRIx64
	       " and %#" PRIx64 ")", what, memsz >> 10, min, max);
	free(buf);
	return 0;
}

struct mi_kx_seg *mi_kx_seg_at(struct mi_kx_image *im, uint64_t mem)
{
	int i;

	for (i = 0; i < im->nr_seg; i++)
		if (im->seg[i].mem == mem)
			return &im->seg[i];
	return NULL;
}

int mi_kx_image_begin(struct mi_kx_image *im, const char *kernel, bool gunzip,
		      unsigned char **buf, size_t *len)
{
	long page = sysconf(_SC_PAGESIZE);
	int err;

	memset(im, 0, sizeof(*im));
	if (page <= 0) {
		err = -errno;
		mi_err("kexec: this kernel's page size: %s", strerror(-err));
		return err;
	}
	im->page_size = (uint64_t)page;
	err = mi_kx_ram_read(im);
	if (err)
		return err;
	err = gunzip ? mi_read_gz_file(kernel, (char **)buf, len) :
		       mi_read_file(kernel, (char **)buf, len);
	if (err)
		mi_err("kernel image %s: %s", kernel, strerror(-err));
	return err;
}

int mi_kx_add_initrd(struct mi_kx_image *im, const char *initrd, uint64_t min, uint64_t max,
		     uint64_t *addr, size_t *len)
{
	char *rd;
	int err;

	*addr = 0;
	*len = 0;
	if (!initrd)
		return 0;
	err = mi_read_file(initrd, &rd, len);
	if (err) {
		mi_err("initrd %s: %s", initrd, strerror(-err));
		return err;
	}
	*addr = mi_kx_seg_add(im, "initrd", rd, *len, *len, 0, min, max);
	return *addr ? 0 : -ENOMEM;
}

int mi_kx_segments_check(const struct mi_kx_image *im, int *bad)
{
	uint64_t mask = im->page_size - 1;
	int i, j;

	for (i = 0; i < im->nr_seg; i++) {
		const struct mi_kx_seg *s = &im->seg[i];

		*bad = i;
		if (!im->page_size || (s->mem & mask) || ((s->mem + s->memsz) & mask))
			return -EADDRNOTAVAIL;
		if (s->bufsz > s->memsz)
			return -EINVAL;
		for (j = 0; j < i; j++)
			if (s->mem < im->seg[j].mem + im->seg[j].memsz &&
			    im->seg[j].mem < s->mem + s->memsz)
				return -EINVAL;
	}
	return 0;
}

int mi_kx_image_load(const struct mi_kx_image *im)
{
	struct kexec_segment ks[MI_KX_MAX_SEGS];
	int i, err;

	err = mi_kx_segments_check(im, &i);
	if (err)
		return err;
	for (i = 0; i < im->nr_seg; i++) {
		ks[i].buf = im->seg[i].buf;
		ks[i].bufsz = im->seg[i].bufsz;
		ks[i].mem = (void *)(uintptr_t)im->seg[i].mem;
		ks[i].memsz = im->seg[i].memsz;
	}
	if (syscall(SYS_kexec_load, (unsigned long)im->entry, (unsigned long)im->nr_seg, ks,
		    (unsigned long)KEXEC_ARCH_DEFAULT))
		return -errno;
	return 0;
}

void mi_kx_image_free(struct mi_kx_image *im)
{
	int i;

	for (i = 0; i < im->nr_seg; i++)
		free(im->seg[i].buf);
	im->nr_seg = 0;
}

static uint64_t le64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* The Image header's flags: bits 1-2 the page size, 0 unspecified. */
#define ARM64_HDR_FLAGS		24
#define ARM64_HDR_MAGIC		56

int mi_kx_arm64_header(const unsigned char *img, size_t len, struct mi_kx_arm64_hdr *h)
{
	static const unsigned int page_sizes[] = { 0, 4096, 16384, 65536 };

	memset(h, 0, sizeof(*h));
	if (len < 64 || memcmp(img + ARM64_HDR_MAGIC, "ARM\x64", 4))
		return -ENOEXEC;
	h->text_offset = le64(img + 8);
	h->image_size = le64(img + 16);
	h->page_size = page_sizes[(le64(img + ARM64_HDR_FLAGS) >> 1) & 3];
	if (!h->image_size || h->image_size < len || h->text_offset >= 2 * MiB)
		return -ENOEXEC;
	return 0;
}

uint64_t mi_kx_arm64_add_kernel(struct mi_kx_image *im, unsigned char *img, size_t len,
				const struct mi_kx_arm64_hdr *h)
{
	unsigned char *buf = calloc(1, h->text_offset + len);

	if (!buf) {
		mi_err("out of memory");
		free(img);
		return 0;
	}
	memcpy(buf + h->text_offset, img, len);
	free(img);
	return mi_kx_seg_add(im, "kernel", buf, h->text_offset + len,
			     h->text_offset + h->image_size, 2 * MiB, 0, UINT64_MAX);
}

void mi_kx_arm64_initrd_window(uint64_t kaddr, uint64_t *min, uint64_t *max)
{
	*min = kaddr & ~(GiB - 1);
	*max = *min + 32 * GiB;
}

uint64_t mi_kx_arm64_add_fdt(struct mi_kx_image *im, void *fdt, size_t len)
{
	if (len > 2 * MiB) {
		mi_err("kexec: the device tree (%zu bytes) is over the 2 MiB arm64 allows", len);
		free(fdt);
		return 0;
	}
	return mi_kx_seg_add(im, "device tree", fdt, len, len, 2 * MiB, 0, UINT64_MAX);
}

size_t mi_kx_purgatory_offset(const unsigned char *sym)
{
	return (uintptr_t)sym - (uintptr_t)mi_purgatory_start;
}

void *mi_kx_purgatory(uint64_t arg, uint64_t entry, size_t *size)
{
	size_t n = mi_kx_purgatory_offset(mi_purgatory_end);
	unsigned char *p = calloc(1, n);

	if (!p)
		return NULL;
	memcpy(p, mi_purgatory_start, n);
	memcpy(p + mi_kx_purgatory_offset(mi_purgatory_arg), &arg, sizeof(arg));
	memcpy(p + mi_kx_purgatory_offset(mi_purgatory_entry), &entry, sizeof(entry));
	*size = n;
	return p;
}

#if !defined(__x86_64__) && !defined(__aarch64__)
const char *mi_kx_image_unsupported(void)
{
	return "meminit has no kexec_load loader for this architecture";
}

int mi_kx_image_build(struct mi_kx_image *im, const char *kernel, const char *initrd,
		      const char *cmdline)
{
	(void)kernel;
	(void)initrd;
	(void)cmdline;
	memset(im, 0, sizeof(*im));
	mi_err("kexec_load: %s", mi_kx_image_unsupported());
	return -ENOTSUP;
}
#endif

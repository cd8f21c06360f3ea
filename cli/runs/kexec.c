// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <linux/kexec.h>
#include <linux/reboot.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kexec.h"
#include "kexec_segments.h"
#include "util.h"

#ifndef KEXEC_FILE_UNLOAD
#define KEXEC_FILE_UNLOAD	0x00000001
#endif
#ifndef KEXEC_FILE_NO_INITRAMFS
#define KEXEC_FILE_NO_INITRAMFS	0x00000004
#endif

static int open_regular(const char *what, const char *path, int *fd, off_t *size)
{
	struct stat st;

	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0) {
		int err = -errno;

		mi_err("%s %s: %s", what, path, strerror(-err));
		return err;
	}
	if (fstat(*fd, &st) || !S_ISREG(st.st_mode)) {
		mi_err("%s %s is not a regular file", what, path);
		close(*fd);
		*fd = -1;
		return -EINVAL;
	}
	*size = st.st_size;
	return 0;
}

int mi_kexec_check_image(const char *path)
{
	unsigned char hdr[0x240];
	off_t size;
	ssize_t n;
	int fd, err;

	err = open_regular("kernel image", path, &fd, &size);
	if (err)
		return err;
	n = pread(fd, hdr, sizeof(hdr), 0);
	close(fd);
	if (n < 0) {
		err = -errno;
		mi_err("kernel image %s: %s", path, strerror(-err));
		return err;
	}
#if defined(__x86_64__)
	/* Documentation/arch/x86/boot.rst: "HdrS" at 0x202, xloadflags at 0x236. */
	if (n < (ssize_t)sizeof(hdr) || memcmp(hdr + 0x202, "HdrS", 4)) {
		mi_err("%s is not a kernel image (no x86 boot header \"HdrS\" at 0x202: "
		       "give a bzImage/vmlinuz, not vmlinux or an initrd)", path);
		return -ENOEXEC;
	}
	if (!(hdr[0x236] & 0x1)) {	/* XLF_KERNEL_64 */
		mi_err("%s is a kernel without a 64-bit entry point: kexec_file_load "
		       "cannot run it", path);
		return -ENOEXEC;
	}
	if (!(hdr[0x236] & 0x2)) {	/* XLF_CAN_BE_LOADED_ABOVE_4G, bzImage64_probe() */
		mi_err("%s cannot be loaded above 4 GiB (built without CONFIG_RELOCATABLE): "
		       "kexec_file_load refuses it", path);
		return -ENOEXEC;
	}
#elif defined(__aarch64__)
	/* Documentation/arch/arm64/booting.rst: "ARM\x64" at 0x38; or gzip, which
	 * meminit's kexec_load loader takes (Debian's vmlinuz). */
	if (n >= 2 && hdr[0] == 0x1f && hdr[1] == 0x8b)
		return 0;
	if (n < 0x40 || memcmp(hdr + 0x38, "ARM\x64", 4)) {
		mi_err("%s is not an arm64 kernel Image (no \"ARM\\x64\" magic)", path);
		return -ENOEXEC;
	}
#else
	(void)n;
	(void)hdr;
#endif
	(void)size;
	return 0;
}

int mi_kexec_check_initrd(const char *path)
{
	off_t size = 0;
	int fd, err;

	err = open_regular("initrd", path, &fd, &size);
	if (err)
		return err;
	close(fd);
	if (!size) {
		mi_err("initrd %s is empty", path);
		return -EINVAL;
	}
	return 0;
}

const char *mi_kexec_unsupported(void)
{
	char *buf = NULL;
	size_t len;
	bool disabled = false;

	if (access("/sys/kernel/kexec_loaded", F_OK))
		return "this kernel has no kexec (/sys/kernel/kexec_loaded is missing: "
		       "CONFIG_KEXEC_CORE is off)";
	if (!mi_read_file("/proc/sys/kernel/kexec_load_disabled", &buf, &len)) {
		disabled = buf[0] == '1';
		free(buf);
	}
	if (disabled)
		return "kexec is disabled on this kernel (kernel.kexec_load_disabled = 1 "
		       "until the next boot)";
	if (geteuid())
		return "kexec needs root (CAP_SYS_BOOT)";
	return NULL;
}

static const char *load_hint(int err)
{
	switch (err) {
	case ENOSYS:
		return " (this kernel has no kexec_file_load: CONFIG_KEXEC_FILE is off)";
	case ENOEXEC:
		return " (the kernel refused the image: not a kernel it can load)";
	case EPERM:
		return " (needs root with CAP_SYS_BOOT; also refused under lockdown or "
		       "with kernel.kexec_load_disabled = 1)";
	case EKEYREJECTED:
	case EBADMSG:
		return " (the image's signature was rejected: CONFIG_KEXEC_SIG_FORCE or lockdown)";
	case EBUSY:
		return " (another kexec load is in progress)";
	default:
		return "";
	}
}

static int file_load(const char *kernel, const char *initrd, const char *cmdline)
{
	unsigned long flags = 0;
	int kfd = -1, ifd = -1, err;
	off_t size;
	long ret;

	err = open_regular("kernel image", kernel, &kfd, &size);
	if (err)
		return err;
	if (initrd && *initrd) {
		err = open_regular("initrd", initrd, &ifd, &size);
		if (err) {
			close(kfd);
			return err;
		}
	} else {
		flags |= KEXEC_FILE_NO_INITRAMFS;
	}
	/* cmdline_len counts the terminating NUL. */
	ret = syscall(SYS_kexec_file_load, kfd, ifd, strlen(cmdline) + 1, cmdline, flags);
	err = ret ? -errno : 0;
	close(kfd);
	if (ifd >= 0)
		close(ifd);
	if (err)
		mi_err("kexec_file_load of %s failed: %s%s", kernel, strerror(-err), load_hint(-err));
	return err;
}

static const char *segments_hint(int err)
{
	switch (err) {
	case ENOSYS:
		return " (this kernel has no kexec_load: CONFIG_KEXEC is off)";
	case EPERM:
		return " (needs root with CAP_SYS_BOOT; refused under lockdown, which allows "
		       "only signed images through kexec_file_load, or with "
		       "kernel.kexec_load_disabled = 1)";
	case EADDRNOTAVAIL:
		return " (a segment does not start or end on this kernel's page size)";
	case EINVAL:
		return " (the kernel refused the segments' placement)";
	default:
		return "";
	}
}

/* kexec_load with meminit's loader; QUIET: leave the failure to a fallback. */
static int segments_load(const char *kernel, const char *initrd, const char *cmdline, bool quiet)
{
	struct mi_kx_image im;
	int err;

	err = mi_kx_image_build(&im, kernel, initrd && *initrd ? initrd : NULL, cmdline);
	if (err)
		return err == -ENOMEM ? -ENOMEM : -ENOEXEC;
	err = mi_kx_image_load(&im);
	mi_kx_image_free(&im);
	if (err && !(quiet && (err == -ENOSYS || err == -EPERM)))
		mi_err("kexec_load of %s failed: %s%s", kernel, strerror(-err), segments_hint(-err));
	return err;
}

const char *mi_kx_syscall_name(enum mi_kx_syscall how)
{
	return how == MI_KX_SYSCALL_FILE ? "kexec_file_load" :
	       how == MI_KX_SYSCALL_LOAD ? "kexec_load" : "auto";
}

int mi_kx_syscall_parse(const char *s, enum mi_kx_syscall *how)
{
	enum mi_kx_syscall h;

	if (!s)		/* a JSON null or a missing string */
		return -EINVAL;
	for (h = MI_KX_SYSCALL_AUTO; h <= MI_KX_SYSCALL_LOAD; h++)
		if (!strcmp(s, mi_kx_syscall_name(h))) {
			*how = h;
			return 0;
		}
	return -EINVAL;
}

int mi_kexec_load(const char *kernel, const char *initrd, const char *cmdline,
		  enum mi_kx_syscall how, enum mi_kx_syscall *used)
{
	int err;

	if (how == MI_KX_SYSCALL_AUTO && mi_kx_image_unsupported())
		how = MI_KX_SYSCALL_FILE;
	if (how != MI_KX_SYSCALL_FILE) {
		err = segments_load(kernel, initrd, cmdline, how == MI_KX_SYSCALL_AUTO);
		if (!err || how == MI_KX_SYSCALL_LOAD || (err != -ENOSYS && err != -EPERM)) {
			if (used)
				*used = MI_KX_SYSCALL_LOAD;
			return err;
		}
	}
	if (used)
		*used = MI_KX_SYSCALL_FILE;
	return file_load(kernel, initrd, cmdline);
}

int mi_kexec_unload(void)
{
	/* kexec_load with no segments unloads whichever call loaded. */
	if (!syscall(SYS_kexec_load, 0UL, 0UL, NULL, 0UL))
		return 0;
	if (syscall(SYS_kexec_file_load, -1, -1, 0UL, NULL, (unsigned long)KEXEC_FILE_UNLOAD))
		return -errno;
	return 0;
}

/*
 * Under systemd, let it stop the services and unmount first, so that this
 * boot's journal is kept and no unit is cut off; systemd-shutdown then
 * kexecs into the kernel loaded here (systemctl kexec only loads one when
 * none is). --no-block: kexec.target stops the hook's own unit.
 */
static int systemd_kexec(void)
{
	char *const argv[] = { "systemctl", "--no-block", "kexec", NULL };
	int status, err;
	pid_t pid;

	err = posix_spawnp(&pid, "systemctl", NULL, NULL, argv, environ);
	if (err) {
		mi_err("cannot run systemctl kexec: %s", strerror(err));
		return -err;
	}
	if (waitpid(pid, &status, 0) < 0) {
		err = -errno;
		mi_err("systemctl kexec: %s", strerror(-err));
		return err;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		mi_err("systemctl kexec failed (status %d)", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return -EIO;
	}
	return 0;
}

int mi_kexec_reboot(void)
{
	int err;

	sync();
	if (!access("/run/systemd/system", F_OK))
		return systemd_kexec();
	if (reboot(LINUX_REBOOT_CMD_KEXEC)) {
		err = -errno;
		mi_err("reboot into the loaded kernel failed: %s", strerror(-err));
		return err;
	}
	return -EIO;	/* not reached */
}

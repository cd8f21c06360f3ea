/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loading the next kernel, with kexec_file_load(2) called directly or with
 * kexec_load(2) and segments prepared here (kexec_segments.h), and the
 * reboot into it. No kexec-tools needed; 'kexec -e' would run an image
 * loaded here just the same.
 */
#ifndef MEMINIT_KEXEC_H
#define MEMINIT_KEXEC_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Does PATH look like a kernel that kexec_file_load takes on this
 * architecture (x86: a bzImage with the "HdrS" setup header and a 64-bit
 * entry)? Returns 0, or -errno after one error line naming PATH.
 */
int mi_kexec_check_image(const char *path);
/* Same for an initramfs: a readable regular file. */
int mi_kexec_check_initrd(const char *path);
/*
 * Can this kernel kexec_file_load at all? Returns NULL when it can, else a
 * sentence saying why not (no KEXEC_FILE, kexec_load_disabled, not root).
 */
const char *mi_kexec_unsupported(void);
/* Which system call loads the next kernel. */
enum mi_kx_syscall {
	MI_KX_SYSCALL_AUTO,	/* kexec_load where meminit's loader serves this boot, else file */
	MI_KX_SYSCALL_FILE,	/* kexec_file_load(2) */
	MI_KX_SYSCALL_LOAD,	/* kexec_load(2) */
};
const char *mi_kx_syscall_name(enum mi_kx_syscall how);
/* "auto", "kexec_file_load" or "kexec_load": 0, or -EINVAL (quiet; also for NULL). */
int mi_kx_syscall_parse(const char *s, enum mi_kx_syscall *how);
/*
 * Load KERNEL (+ INITRD, may be NULL) with CMDLINE through HOW; USED (may
 * be NULL) gets the call that did it. AUTO falls back to kexec_file_load
 * where kexec_load is not built in (ENOSYS) or refused (EPERM, lockdown).
 * 0 or -errno after one line.
 */
int mi_kexec_load(const char *kernel, const char *initrd, const char *cmdline,
		  enum mi_kx_syscall how, enum mi_kx_syscall *used);
/* Unload whatever is loaded; 0 or -errno (quiet). */
int mi_kexec_unload(void);
/*
 * sync(), then reboot(LINUX_REBOOT_CMD_KEXEC); under systemd, systemctl
 * --no-block kexec instead, which returns 0 with the shutdown under way.
 * Otherwise returns only on failure (-errno, one line).
 */
int mi_kexec_reboot(void);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kexec_file_load(2) called directly, and the reboot into the loaded kernel.
 * No kexec-tools needed; an image loaded by kexec-tools' 'kexec -s -l' is the
 * same kernel object and 'kexec -e' would run it just the same.
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
/* Load KERNEL (+ INITRD, may be NULL) with CMDLINE. 0 or -errno after one line. */
int mi_kexec_load(const char *kernel, const char *initrd, const char *cmdline);
/* Unload whatever is loaded; 0 or -errno (quiet). */
int mi_kexec_unload(void);
/*
 * sync(), then reboot(LINUX_REBOOT_CMD_KEXEC); under systemd, systemctl
 * --no-block kexec instead, which returns 0 with the shutdown under way.
 * Otherwise returns only on failure (-errno, one line).
 */
int mi_kexec_reboot(void);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/* The kexec loop's boot hook: one boot's collection, then the next kexec. */
#ifndef MEMINIT_KEXEC_BOOT_H
#define MEMINIT_KEXEC_BOOT_H

/* The file naming the active loop, for meminit-kexec.service (MEMINIT_KEXEC_ACTIVE overrides). */
#define MI_KX_ACTIVE_DEFAULT	"/var/lib/meminit/kexec-active"

/*
 * Everything one boot of the loop in DIR does: collect the run this boot
 * is (or record a failed attempt), then kexec into the next run. Returns
 * only when there is no next kexec (0: the loop ended) or on an error
 * (-errno after one line). TEST_PANIC: crash once collecting that run.
 */
int mi_kx_boot_step(const char *dir, int test_panic);
/* Name DIR as the active loop; 0 or -errno after one line. */
int mi_kx_active_write(const char *dir);
/* Forget DIR as the active loop, if it is the one named. */
void mi_kx_active_remove(const char *dir);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/* 'meminit kexec --status DIR': runs done, failures, cycle time, ETA, state. */
#ifndef MEMINIT_KEXEC_STATUS_H
#define MEMINIT_KEXEC_STATUS_H

/* On stdout; 0, or -errno after one line (not a kexec directory...). */
int mi_kx_status_print(const char *dir);

#endif

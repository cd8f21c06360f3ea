/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Files meminit writes as root: results, exports, kexec state. Each is
 * written to a temporary created with O_EXCL | O_NOFOLLOW in the target's
 * directory, fsync'ed, renamed over the target and the directory fsync'ed:
 * a reader sees the old file or the whole new one, a crash or a reboot
 * (kexec) loses neither, and nothing is ever written through a symbolic
 * link or into a file some other user planted. Modes are exact (umask does
 * not widen nor narrow them); results default to 0600.
 */
#ifndef MEMINIT_SAFE_FILE_H
#define MEMINIT_SAFE_FILE_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#define MI_RESULT_MODE	0600	/* results: owner only */
#define MI_STATE_DIR_MODE 0700	/* state directories */

struct mi_safe_file {
	FILE *f;		/* write here between open and commit */
	int dirfd;
	char tmp[272];		/* ".NAME.XXXXXX" in the target's directory */
	char name[256];		/* the target's last component */
	char path[4096];	/* the target as given, for messages */
};

/*
 * Start writing PATH: refuses (-ELOOP) when PATH is a symbolic link, and
 * (-EINVAL) when it exists and is not a regular file. Returns 0 or -errno
 * after one error line naming PATH.
 */
int mi_safe_open(struct mi_safe_file *sf, const char *path, mode_t mode);
/* Flush, fsync, rename over the target, fsync the directory; always closes. */
int mi_safe_commit(struct mi_safe_file *sf);
/* Drop the temporary; the target is left as it was. */
void mi_safe_abort(struct mi_safe_file *sf);
/* open + write LEN bytes + commit. */
int mi_safe_write_file(const char *path, const void *buf, size_t len, mode_t mode);
/*
 * A state directory: created with MI_STATE_DIR_MODE, or an existing one
 * checked: a directory (not a symbolic link) owned by the effective user;
 * group and other access is removed. Returns 0 or -errno after one line.
 */
int mi_safe_mkdir(const char *path);

#endif

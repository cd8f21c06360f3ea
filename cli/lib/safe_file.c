// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "safe_file.h"
#include "util.h"

static int split_path(struct mi_safe_file *sf, const char *path)
{
	char copy[sizeof(sf->path)], *base, *dir;
	size_t n = strlen(path);

	if (!n || n >= sizeof(sf->path) || path[n - 1] == '/') {
		mi_err("%s: not a file name", path);
		return -EINVAL;
	}
	memcpy(sf->path, path, n + 1);
	memcpy(copy, path, n + 1);
	base = basename(copy);
	if (strlen(base) >= sizeof(sf->name) || !strcmp(base, ".") || !strcmp(base, "..")) {
		mi_err("%s: not a file name", path);
		return -EINVAL;
	}
	mi_strlcpy(sf->name, base, sizeof(sf->name));
	memcpy(copy, path, n + 1);
	dir = dirname(copy);
	/* The directory may be reached through links (/tmp, /var/run); the file may not. */
	sf->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sf->dirfd < 0) {
		int err = -errno;

		mi_err("cannot open the directory of %s: %s", path, strerror(-err));
		return err;
	}
	return 0;
}

int mi_safe_open(struct mi_safe_file *sf, const char *path, mode_t mode)
{
	struct stat st;
	int fd = -1, err, i;

	memset(sf, 0, sizeof(*sf));
	sf->dirfd = -1;
	err = split_path(sf, path);
	if (err)
		return err;
	if (!fstatat(sf->dirfd, sf->name, &st, AT_SYMLINK_NOFOLLOW)) {
		if (S_ISLNK(st.st_mode)) {
			mi_err("%s is a symbolic link: refusing to write through it", path);
			err = -ELOOP;
			goto fail;
		}
		if (!S_ISREG(st.st_mode)) {
			mi_err("%s exists and is not a regular file", path);
			err = -EINVAL;
			goto fail;
		}
	} else if (errno != ENOENT) {
		err = -errno;
		mi_err("cannot stat %s: %s", path, strerror(-err));
		goto fail;
	}
	for (i = 0; i < 100 && fd < 0; i++) {
		unsigned char rnd[6];
		static const char set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
		char sfx[7];
		int k;

		if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd)) {
			err = -errno;
			mi_err("cannot make a temporary name for %s: %s", path, strerror(-err));
			goto fail;
		}
		for (k = 0; k < 6; k++)
			sfx[k] = set[rnd[k] % (sizeof(set) - 1)];
		sfx[6] = '\0';
		snprintf(sf->tmp, sizeof(sf->tmp), ".%s.%s", sf->name, sfx);
		fd = openat(sf->dirfd, sf->tmp,
			    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode & 0777);
		if (fd < 0 && errno != EEXIST) {
			err = -errno;
			mi_err("cannot create a temporary file next to %s: %s", path, strerror(-err));
			sf->tmp[0] = '\0';
			goto fail;
		}
	}
	if (fd < 0) {
		mi_err("cannot create a temporary file next to %s: %s", path, strerror(EEXIST));
		sf->tmp[0] = '\0';
		err = -EEXIST;
		goto fail;
	}
	/* Exact mode, whatever the umask. */
	if (fchmod(fd, mode & 0777)) {
		err = -errno;
		mi_err("cannot set the mode of %s: %s", path, strerror(-err));
		close(fd);
		goto fail;
	}
	sf->f = fdopen(fd, "w");
	if (!sf->f) {
		err = -errno;
		mi_err("cannot write %s: %s", path, strerror(-err));
		close(fd);
		goto fail;
	}
	return 0;
fail:
	mi_safe_abort(sf);
	return err;
}

void mi_safe_abort(struct mi_safe_file *sf)
{
	if (sf->f)
		fclose(sf->f);
	sf->f = NULL;
	if (sf->dirfd >= 0 && sf->tmp[0])
		unlinkat(sf->dirfd, sf->tmp, 0);
	sf->tmp[0] = '\0';
	if (sf->dirfd >= 0)
		close(sf->dirfd);
	sf->dirfd = -1;
}

int mi_safe_commit(struct mi_safe_file *sf)
{
	const char *what = "write";
	int err = 0;

	/* A stream error may leave errno 0: it is still an error. */
	if (fflush(sf->f) || ferror(sf->f))
		err = errno ? -errno : -EIO;
	else if (fsync(fileno(sf->f)))
		err = -errno, what = "fsync";
	if (fclose(sf->f) && !err)
		err = errno ? -errno : -EIO, what = "close";
	sf->f = NULL;
	if (!err && renameat(sf->dirfd, sf->tmp, sf->dirfd, sf->name))
		err = -errno, what = "rename the temporary over";
	if (err) {
		mi_err("cannot %s %s: %s", what, sf->path, strerror(-err));
		mi_safe_abort(sf);
		return err;
	}
	sf->tmp[0] = '\0';
	/* The rename is durable once the directory is. */
	if (fsync(sf->dirfd)) {
		err = -errno;
		mi_err("cannot fsync the directory of %s: %s", sf->path, strerror(-err));
	}
	mi_safe_abort(sf);
	return err;
}

int mi_safe_write_file(const char *path, const void *buf, size_t len, mode_t mode)
{
	struct mi_safe_file sf;
	int err = mi_safe_open(&sf, path, mode);

	if (err)
		return err;
	if (len && fwrite(buf, 1, len, sf.f) != len) {
		err = errno ? -errno : -EIO;
		mi_err("cannot write %s: %s", path, strerror(-err));
		mi_safe_abort(&sf);
		return err;
	}
	return mi_safe_commit(&sf);
}

/* mkdir(2) where an existing directory is no error: 0 or -errno. */
static int make_dir(const char *path, mode_t mode)
{
	return mkdir(path, mode) && errno != EEXIST ? -errno : 0;
}

/*
 * mkdir -p for the folders above a state directory (0755, like /var/lib):
 * a fresh install has no /var/lib/meminit above /var/lib/meminit/boots.
 */
static int make_parents(const char *path)
{
	char parent[PATH_MAX];
	char *slash;
	int err;

	if (snprintf(parent, sizeof(parent), "%s", path) >= (int)sizeof(parent))
		return -ENAMETOOLONG;
	slash = strrchr(parent, '/');
	if (!slash || slash == parent)
		return 0;
	*slash = '\0';
	err = make_dir(parent, 0755);
	if (err != -ENOENT)
		return err;
	err = make_parents(parent);
	return err ? err : make_dir(parent, 0755);
}

int mi_safe_mkdir(const char *path)
{
	struct stat st;
	int fd, err;

	err = make_dir(path, MI_STATE_DIR_MODE);
	if (err == -ENOENT) {
		err = make_parents(path);
		if (!err)
			err = make_dir(path, MI_STATE_DIR_MODE);
	}
	if (err) {
		mi_err("cannot create the state directory %s: %s", path, strerror(-err));
		return err;
	}
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		/* O_DIRECTORY makes a link to a directory ENOTDIR: tell them apart. */
		if (!lstat(path, &st) && S_ISLNK(st.st_mode)) {
			mi_err("state directory %s is a symbolic link: refusing it", path);
			err = -ELOOP;
		} else if (err == -ENOTDIR) {
			mi_err("state directory %s is not a directory", path);
		} else {
			mi_err("cannot open the state directory %s: %s", path, strerror(-err));
		}
		return err;
	}
	if (fstat(fd, &st)) {
		err = -errno;
		mi_err("cannot stat %s: %s", path, strerror(-err));
	} else if (st.st_uid != geteuid()) {
		mi_err("state directory %s belongs to uid %u, not to this user (uid %u): refusing it",
		       path, (unsigned int)st.st_uid, (unsigned int)geteuid());
		err = -EPERM;
	} else if ((st.st_mode & 07777) != MI_STATE_DIR_MODE &&
		   fchmod(fd, MI_STATE_DIR_MODE)) {
		err = -errno;
		mi_err("cannot make %s private (chmod 700): %s", path, strerror(-err));
	}
	close(fd);
	return err;
}

// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/types.h>
#include <zlib.h>

#include "util.h"

bool mi_verbose;

static void vreport(const char *prefix, const char *fmt, va_list ap)
{
	fprintf(stderr, "meminit: %s", prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void mi_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("", fmt, ap);
	va_end(ap);
}

void mi_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("warning: ", fmt, ap);
	va_end(ap);
}

void mi_debug(const char *fmt, ...)
{
	va_list ap;

	if (!mi_verbose)
		return;
	va_start(ap, fmt);
	vreport("debug: ", fmt, ap);
	va_end(ap);
}

int mi_grow(void **arr, size_t *cap, size_t n, size_t elem)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	if (ncap > SIZE_MAX / elem)
		return -ENOMEM;
	p = realloc(*arr, ncap * elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

/* One read of up to @len bytes: bytes read, 0 at the end, or -errno. */
typedef ssize_t (*read_fn)(void *src, char *buf, size_t len);

/*
 * Read a source to its end into a NUL-terminated buffer. /proc and /sys
 * files report size 0, so the size is never taken from stat.
 */
static int read_to_end(read_fn fn, void *src, char **buf, size_t *len)
{
	size_t cap = 0, n = 0;
	char *data = NULL;

	for (;;) {
		ssize_t r;

		if (cap - n < 4096) {
			size_t ncap = cap ? cap * 2 : 65536;
			char *p = realloc(data, ncap + 1);

			if (!p) {
				free(data);
				return -ENOMEM;
			}
			data = p;
			cap = ncap;
		}
		r = fn(src, data + n, cap - n);
		if (r < 0) {
			free(data);
			return (int)r;
		}
		if (r == 0)
			break;
		n += r;
	}
	data[n] = '\0';
	*buf = data;
	if (len)
		*len = n;
	return 0;
}

static ssize_t read_fd(void *src, char *buf, size_t len)
{
	ssize_t r;

	do
		r = read(*(int *)src, buf, len);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

static ssize_t read_gz(void *src, char *buf, size_t len)
{
	int r = gzread(src, buf, len > INT_MAX ? INT_MAX : (unsigned int)len);

	return r < 0 ? -EIO : r;
}

int mi_read_file(const char *path, char **buf, size_t *len)
{
	int fd, err;

	*buf = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = read_to_end(read_fd, &fd, buf, len);
	close(fd);
	return err;
}

int mi_read_gz_file(const char *path, char **buf, size_t *len)
{
	gzFile gz;
	int err;

	*buf = NULL;
	errno = 0;
	gz = gzopen(path, "rb");
	if (!gz)
		return errno ? -errno : -ENOMEM;
	err = read_to_end(read_gz, gz, buf, len);
	gzclose(gz);
	return err;
}

int mi_parse_long(const char *opt, const char *arg, long min, long max,
		  const char *what, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (!*arg || *end || errno || v < min || v > max) {
		mi_err("%s: '%s' is not %s", opt, arg, what);
		return -1;
	}
	*out = v;
	return 0;
}

int mi_parse_double(const char *opt, const char *arg, double min, double max,
		    const char *what, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (!*arg || *end || errno || !(v >= min && v <= max)) {
		mi_err("%s: '%s' is not %s (%g..%g)", opt, arg, what, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

void mi_strlcpy(char *dst, const char *src, size_t size)
{
	size_t n;

	if (!size)
		return;
	n = strnlen(src, size - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

ssize_t mi_next_line(const char *buf, size_t *pos, const char **line)
{
	const char *start = buf + *pos, *nl;

	if (!*start)
		return -1;
	nl = strchr(start, '\n');
	*line = start;
	if (!nl) {
		size_t n = strlen(start);

		*pos += n;
		return n;
	}
	*pos += nl - start + 1;
	return nl - start;
}

bool mi_starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int mi_read_line(const char *path, char *dst, size_t size)
{
	size_t len;
	char *buf;
	int err;

	dst[0] = '\0';
	err = mi_read_file(path, &buf, &len);
	if (err || !buf)
		return err ?: -EIO;
	buf[strcspn(buf, "\n")] = '\0';
	len = strlen(buf);
	while (len && buf[len - 1] == ' ')
		buf[--len] = '\0';
	mi_strlcpy(dst, buf, size);
	free(buf);
	return 0;
}

bool mi_abs_path(const char *in, char *out, size_t size)
{
	char buf[PATH_MAX];

	if (!realpath(in, buf) || strlen(buf) >= size)
		return false;
	mi_strlcpy(out, buf, size);
	return true;
}

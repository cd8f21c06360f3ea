// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
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

/* /proc and /sys files report size 0: read until EOF whatever stat says. */
int mi_read_file(const char *path, char **buf, size_t *len)
{
	size_t cap = 0, n = 0;
	char *data = NULL;
	int fd, err = 0;

	*buf = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t r;

		if (cap - n < 4096) {
			char *p;

			cap = cap ? cap * 2 : 65536;
			p = realloc(data, cap + 1);
			if (!p) {
				err = -ENOMEM;
				break;
			}
			data = p;
		}
		r = read(fd, data + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		if (r == 0)
			break;
		n += r;
	}
	close(fd);
	if (err) {
		free(data);
		return err;
	}
	if (!data) {
		data = malloc(1);
		if (!data)
			return -ENOMEM;
	}
	data[n] = '\0';
	*buf = data;
	if (len)
		*len = n;
	return 0;
}

int mi_read_gz_file(const char *path, char **buf, size_t *len)
{
	size_t cap = 0, n = 0;
	char *data = NULL;
	gzFile gz;
	int err = 0;

	*buf = NULL;
	gz = gzopen(path, "rb");
	if (!gz)
		return errno ? -errno : -ENOMEM;
	for (;;) {
		int r;

		if (cap - n < 4096) {
			char *p;

			cap = cap ? cap * 2 : 65536;
			p = realloc(data, cap + 1);
			if (!p) {
				err = -ENOMEM;
				break;
			}
			data = p;
		}
		r = gzread(gz, data + n, (unsigned int)(cap - n));
		if (r < 0) {
			err = -EIO;
			break;
		}
		if (r == 0)
			break;
		n += r;
	}
	gzclose(gz);
	if (err) {
		free(data);
		return err;
	}
	data[n] = '\0';
	*buf = data;
	if (len)
		*len = n;
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

// SPDX-License-Identifier: GPL-2.0
/*
 * online-timer: the guest side of bench/hotplug-peers.sh, built static so it
 * runs in the busybox initramfs.
 *
 *   online-timer NODE online_movable|online|offline
 *	Writes the action to the state file of every memory block of NODE
 *	that is in the opposite state (offline blocks for an online; online
 *	blocks of ZONE_MOVABLE for an offline), one block at a time, and
 *	times each write() with CLOCK_MONOTONIC. Under QEMU -icount the guest
 *	clock counts instructions, so the time is deterministic. Prints one
 *	line of key=value: blocks done and failed, pages, the summed write
 *	time, the node's MemTotal and zoneinfo present pages before and after
 *	(the kernel's own count of what was onlined), the first write's
 *	errno (0 when all worked) and each block's ns (-1 for a failed one).
 *	Exits 1 when a block failed.
 *
 *   online-timer launch OUTFILE READY [--mark TEXT] -- CMD [ARG...]
 *	Starts CMD with stdout and stderr into a pipe, copies what it writes
 *	to OUTFILE, and returns once READY appears in it, printing
 *	"pid=P ready_ns=N [mark_ns=M]": the time from just before the exec
 *	to the arrival of READY (and of TEXT). A child process keeps copying
 *	until CMD closes its output, then creates OUTFILE.done. Each line
 *	also goes to OUTFILE.times with the ns since the exec at which it
 *	arrived. Exits 1 if CMD ends or 1200 s pass before READY.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SYS_MEM "/sys/devices/system/memory"
#define MAX_BLOCKS 4096
#define READY_TIMEOUT_MS (1200 * 1000)

static const char *prog = "online-timer";

static void die(const char *fmt, const char *arg, int err)
{
	fprintf(stderr, "%s: ", prog);
	fprintf(stderr, fmt, arg);
	if (err)
		fprintf(stderr, ": %s", strerror(err));
	fputc('\n', stderr);
	exit(1);
}

static long long now_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		die("clock_gettime%s", "", errno);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* A small sysfs or proc file into buf, trailing newline removed; -errno. */
static int read_small(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return (int)n;
	}
	close(fd);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

/* MemTotal of NODE in kB from its meminfo, or -1. */
static long long node_memtotal_kb(int node)
{
	char path[96], buf[4096], *p;

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/meminfo", node);
	if (read_small(path, buf, sizeof(buf)))
		return -1;
	p = strstr(buf, "MemTotal:");
	return p ? strtoll(p + strlen("MemTotal:"), NULL, 10) : -1;
}

/* Present pages of NODE summed over its zones in /proc/zoneinfo, or -1. */
static long long node_present_pages(int node)
{
	char line[512];
	long long sum = 0, v;
	int cur = -1, n;
	FILE *f;

	f = fopen("/proc/zoneinfo", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Node %d,", &n) == 1)
			cur = n;
		else if (cur == node && sscanf(line, " present %lld", &v) == 1)
			sum += v;
	}
	fclose(f);
	return sum;
}

static int cmp_uint(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

	return x < y ? -1 : x > y;
}

/* The memory block ids of NODE, ascending; returns their number. */
static size_t node_blocks(int node, unsigned int *ids, size_t max)
{
	char path[96];
	struct dirent *de;
	size_t n = 0;
	unsigned int id;
	char tail;
	DIR *d;

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d", node);
	d = opendir(path);
	if (!d)
		die("cannot open %s", path, errno);
	while ((de = readdir(d))) {
		if (sscanf(de->d_name, "memory%u%c", &id, &tail) != 1)
			continue;
		if (n == max)
			die("more than %s memory blocks", "4096", 0);
		ids[n++] = id;
	}
	closedir(d);
	qsort(ids, n, sizeof(*ids), cmp_uint);
	return n;
}

static int write_state(unsigned int id, const char *action, long long *ns)
{
	char path[96];
	long long t0, t1;
	ssize_t w;
	int fd, err = 0;

	snprintf(path, sizeof(path), SYS_MEM "/memory%u/state", id);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	t0 = now_ns();
	w = write(fd, action, strlen(action));
	t1 = now_ns();
	if (w < 0)
		err = -errno;
	else if ((size_t)w != strlen(action))
		err = -EIO;
	if (close(fd) && !err)
		err = -errno;
	*ns = t1 - t0;
	return err;
}

static int cmd_state(int node, const char *action)
{
	static unsigned int ids[MAX_BLOCKS];
	static long long ns[MAX_BLOCKS];
	char path[96], state[64], zones[128], bytes[64];
	long long mb, ma, pb, pa, total = 0;
	unsigned long long block_bytes;
	size_t n, i, done = 0, failed = 0;
	int offline = !strcmp(action, "offline"), err, tries, first_err = 0;
	long page = sysconf(_SC_PAGESIZE);

	if (!offline && strcmp(action, "online") && strcmp(action, "online_movable"))
		die("unknown action '%s' (online_movable, online or offline)", action, 0);
	if (read_small(SYS_MEM "/block_size_bytes", bytes, sizeof(bytes)))
		die("cannot read %s", SYS_MEM "/block_size_bytes", errno);
	block_bytes = strtoull(bytes, NULL, 16);
	if (!block_bytes || page <= 0)
		die("bad block size '%s'", bytes, 0);
	n = node_blocks(node, ids, MAX_BLOCKS);
	mb = node_memtotal_kb(node);
	pb = node_present_pages(node);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), SYS_MEM "/memory%u/state", ids[i]);
		if (read_small(path, state, sizeof(state)))
			continue;
		if (offline) {
			/* Only ZONE_MOVABLE blocks: boot memory may hold kernel data. */
			snprintf(path, sizeof(path), SYS_MEM "/memory%u/valid_zones", ids[i]);
			if (strcmp(state, "online") || read_small(path, zones, sizeof(zones)) ||
			    strcmp(zones, "Movable"))
				continue;
		} else if (strcmp(state, "offline")) {
			continue;
		}
		/* Offlining migrates pages and may say EBUSY/EAGAIN for a moment. */
		for (tries = 0;; tries++) {
			err = write_state(ids[i], action, &ns[done + failed]);
			if (!err || !offline || tries == 20 || (err != -EBUSY && err != -EAGAIN))
				break;
			usleep(10000);
		}
		if (err) {
			if (!first_err)
				first_err = err;
			ns[done + failed] = -1;
			failed++;
			continue;
		}
		total += ns[done + failed];
		done++;
	}
	ma = node_memtotal_kb(node);
	pa = node_present_pages(node);
	printf("node=%d action=%s blocks=%zu failed=%zu block_bytes=%llu page_size=%ld "
	       "pages=%llu ns=%lld memtotal_kb_before=%lld memtotal_kb_after=%lld "
	       "present_before=%lld present_after=%lld errno=%d block_ns=",
	       node, action, done, failed, block_bytes, page,
	       (unsigned long long)done * (block_bytes / (unsigned long long)page), total,
	       mb, ma, pb, pa, -first_err);
	for (i = 0; i < done + failed; i++)
		printf("%s%lld", i ? "," : "", ns[i]);
	printf("\n");
	if (fflush(stdout) || ferror(stdout))
		die("cannot write the result%s", "", errno);
	return failed ? 1 : 0;
}

/*
 * FILE.times gets each complete line with the ns since the launch at which
 * it arrived: where a tool's start-up time goes (meminit -v, bpftrace -v).
 */
static FILE *times;
static char line[4096];
static size_t nline;
static long long launch_t0;

static void stamp_lines(const char *buf, size_t n)
{
	long long t = now_ns() - launch_t0;
	size_t i;

	for (i = 0; i < n && times; i++) {
		if (buf[i] != '\n' && nline < sizeof(line) - 1) {
			line[nline++] = buf[i];
			continue;
		}
		if (buf[i] != '\n')
			continue;	/* an overlong line is cut */
		line[nline] = '\0';
		fprintf(times, "%lld %s\n", t, line);
		nline = 0;
	}
}

/* Copy the pipe to the file until EOF, then create FILE.done. */
static void copy_rest(int in, int out, const char *file)
{
	char buf[65536], done[4096];
	ssize_t n;
	int fd;

	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (write(out, buf, n) != n)
			break;
		stamp_lines(buf, n);
	}
	close(out);
	if (times)
		fclose(times);
	snprintf(done, sizeof(done), "%s.done", file);
	fd = open(done, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0)
		close(fd);
}

static int cmd_launch(int argc, char **argv)
{
	const char *file, *ready, *mark = NULL;
	static char seen[1 << 20];
	size_t nseen = 0;
	long long t0, ready_ns = -1, mark_ns = -1;
	int p[2], out, i, devnull, status;
	pid_t pid, copier;

	if (argc < 5)
		die("usage: launch OUTFILE READY [--mark TEXT] -- CMD [ARG...]%s", "", 0);
	file = argv[2];
	ready = argv[3];
	i = 4;
	if (!strcmp(argv[i], "--mark")) {
		if (i + 1 >= argc)
			die("--mark needs TEXT%s", "", 0);
		mark = argv[i + 1];
		i += 2;
	}
	if (i >= argc || strcmp(argv[i], "--") || i + 1 >= argc)
		die("usage: launch OUTFILE READY [--mark TEXT] -- CMD [ARG...]%s", "", 0);
	i++;
	out = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out < 0)
		die("cannot create %s", file, errno);
	snprintf(line, sizeof(line), "%s.times", file);
	times = fopen(line, "w");
	if (!times)
		die("cannot create %s", line, errno);
	devnull = open("/dev/null", O_RDWR);
	if (devnull < 0 || pipe(p))
		die("cannot open /dev/null or a pipe%s", "", errno);
	t0 = now_ns();
	launch_t0 = t0;
	pid = fork();
	if (pid < 0)
		die("fork%s", "", errno);
	if (!pid) {
		dup2(devnull, 0);
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		close(p[1]);
		close(out);
		execvp(argv[i], argv + i);
		fprintf(stderr, "%s: cannot run %s: %s\n", prog, argv[i], strerror(errno));
		_exit(127);
	}
	close(p[1]);
	while (ready_ns < 0) {
		struct pollfd pfd = { .fd = p[0], .events = POLLIN };
		ssize_t n;
		int r;

		r = poll(&pfd, 1, (int)((t0 + READY_TIMEOUT_MS * 1000000LL - now_ns()) / 1000000));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			kill(pid, SIGKILL);
			die("'%s' did not appear in time", ready, 0);
		}
		n = read(p[0], seen + nseen, sizeof(seen) - 1 - nseen);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			waitpid(pid, &status, 0);
			die("%s ended before it was ready (see the output file)", argv[i], 0);
		}
		if (write(out, seen + nseen, n) != n)
			die("cannot write %s", file, errno);
		stamp_lines(seen + nseen, n);
		nseen += n;
		seen[nseen] = '\0';
		if (mark && mark_ns < 0 && strstr(seen, mark))
			mark_ns = now_ns() - t0;
		if (strstr(seen, ready))
			ready_ns = now_ns() - t0;
		if (nseen == sizeof(seen) - 1)
			die("%s wrote 1 MiB without the ready text", argv[i], 0);
	}
	fflush(times);
	copier = fork();
	if (copier < 0)
		die("fork%s", "", errno);
	if (!copier) {
		/* Off the caller's stdout, or a $(...) around us would wait for it. */
		dup2(devnull, 0);
		dup2(devnull, 1);
		dup2(devnull, 2);
		copy_rest(p[0], out, file);
		_exit(0);
	}
	fclose(times);
	printf("pid=%d ready_ns=%lld", (int)pid, ready_ns);
	if (mark)
		printf(" mark_ns=%lld", mark_ns);
	printf("\n");
	return fflush(stdout) ? 1 : 0;
}

int main(int argc, char **argv)
{
	char *end;
	long node;

	if (argc >= 2 && !strcmp(argv[1], "launch"))
		return cmd_launch(argc, argv);
	if (argc != 3) {
		fprintf(stderr, "usage: %s NODE online_movable|online|offline\n"
			"       %s launch OUTFILE READY [--mark TEXT] -- CMD [ARG...]\n",
			prog, prog);
		return 2;
	}
	errno = 0;
	node = strtol(argv[1], &end, 10);
	if (errno || *end || end == argv[1] || node < 0 || node > 65535) {
		fprintf(stderr, "%s: '%s' is not a node number\n", prog, argv[1]);
		return 2;
	}
	return cmd_state((int)node, argv[2]);
}

// SPDX-License-Identifier: GPL-2.0
/* cli/lib/safe_file.c: atomic writes that never follow a symbolic link, private state dirs. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "safe_file.h"
#include "unit.h"
#include "util.h"

static char dir[] = "/tmp/meminit-safe-XXXXXX";

static char *p(const char *name)
{
	static char path[2][512];
	static int k;

	k ^= 1;
	snprintf(path[k], sizeof(path[k]), "%s/%s", dir, name);
	return path[k];
}

static mode_t mode_of(const char *path)
{
	struct stat st;

	return lstat(path, &st) ? (mode_t)-1 : st.st_mode & 07777;
}

static char *slurp(const char *path)
{
	char *buf;

	return mi_read_file(path, &buf, NULL) ? NULL : buf;
}

/* No ".NAME.XXXXXX" temporary may be left behind. */
static int temporaries(void)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (de->d_name[0] == '.' && strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void test_write(void)
{
	struct mi_safe_file sf;
	char *s;

	umask(0);
	EXPECT("safe_write: new file", !mi_safe_write_file(p("a"), "one\n", 4, MI_RESULT_MODE));
	EXPECT("safe_write: mode 0600 whatever the umask", mode_of(p("a")) == 0600);
	s = slurp(p("a"));
	EXPECT("safe_write: content", s && !strcmp(s, "one\n"));
	free(s);
	umask(022);
	if (chmod(p("a"), 0644))
		perror("chmod");
	EXPECT("safe_write: replaces a file", !mi_safe_write_file(p("a"), "two\n", 4, 0600));
	EXPECT("safe_write: replaced file gets the new mode", mode_of(p("a")) == 0600);
	s = slurp(p("a"));
	EXPECT("safe_write: replaced content", s && !strcmp(s, "two\n"));
	free(s);

	/* An aborted write leaves the old file whole, and no temporary. */
	EXPECT("safe_open: opens", !mi_safe_open(&sf, p("a"), 0600));
	fputs("partial", sf.f);
	mi_safe_abort(&sf);
	s = slurp(p("a"));
	EXPECT("safe_abort: old content kept", s && !strcmp(s, "two\n"));
	free(s);
	EXPECT("safe_write: no temporary left", temporaries() == 0);
}

static void test_refusals(void)
{
	char *s;

	/* A symbolic link planted where the output goes: refused, target untouched. */
	if (mi_safe_write_file(p("victim"), "secret\n", 7, 0644) ||
	    symlink(p("victim"), p("link")) || symlink(p("nowhere"), p("dangling"))) {
		EXPECT("safe_write: set up links", 0);
		return;
	}
	EXPECT("safe_write: symlink refused with -ELOOP",
	       mi_safe_write_file(p("link"), "x", 1, 0600) == -ELOOP);
	s = slurp(p("victim"));
	EXPECT("safe_write: nothing written through the symlink", s && !strcmp(s, "secret\n"));
	free(s);
	EXPECT("safe_write: link still a link", (mode_of(p("link")) != (mode_t)-1) &&
	       access(p("victim"), F_OK) == 0);
	EXPECT("safe_write: dangling symlink refused",
	       mi_safe_write_file(p("dangling"), "x", 1, 0600) == -ELOOP);
	EXPECT("safe_write: dangling target not created", access(p("nowhere"), F_OK) != 0);
	EXPECT("safe_write: directory refused",
	       mkdir(p("d"), 0700) == 0 && mi_safe_write_file(p("d"), "x", 1, 0600) == -EINVAL);
	EXPECT("safe_write: fifo refused (no hang)",
	       mkfifo(p("fifo"), 0600) == 0 && mi_safe_write_file(p("fifo"), "x", 1, 0600) == -EINVAL);
	EXPECT("safe_write: missing directory", mi_safe_write_file(p("no/such"), "x", 1, 0600) == -ENOENT);
	EXPECT("safe_write: trailing slash", mi_safe_write_file(p("a/"), "x", 1, 0600) == -EINVAL);
	EXPECT("safe_write: no temporary left after refusals", temporaries() == 0);
}

static void test_state_dir(void)
{
	EXPECT("safe_mkdir: creates", !mi_safe_mkdir(p("state")));
	EXPECT("safe_mkdir: mode 0700", mode_of(p("state")) == 0700);
	EXPECT("safe_mkdir: existing one accepted", !mi_safe_mkdir(p("state")));
	if (chmod(p("state"), 0777))
		perror("chmod");
	EXPECT("safe_mkdir: a world-writable one is made private",
	       !mi_safe_mkdir(p("state")) && mode_of(p("state")) == 0700);
	EXPECT("safe_mkdir: symlink refused",
	       !symlink(p("state"), p("statelink")) && mi_safe_mkdir(p("statelink")) == -ELOOP);
	EXPECT("safe_mkdir: a file refused", mi_safe_mkdir(p("a")) == -ENOTDIR);
	/* A fresh install: /var/lib/meminit does not exist above .../boots. */
	EXPECT("safe_mkdir: missing parents made, 0755, the directory 0700",
	       !mi_safe_mkdir(p("lib/meminit/boots")) && mode_of(p("lib")) == 0755 &&
	       mode_of(p("lib/meminit")) == 0755 && mode_of(p("lib/meminit/boots")) == 0700);
	EXPECT("safe_mkdir: a file in the way of a parent refused",
	       mi_safe_mkdir(p("a/meminit/boots")) == -ENOTDIR);
	if (geteuid() == 0) {
		EXPECT("safe_mkdir: another user's directory refused",
		       !mkdir(p("other"), 0700) && !chown(p("other"), 65534, 65534) &&
		       mi_safe_mkdir(p("other")) == -EPERM);
	} else {
		printf("SKIP safe_mkdir: another user's directory: needs root to chown [missing: root]\n");
	}
}

int main(int argc, char **argv)
{
	unit_init(argc, argv);
	if (!mkdtemp(dir)) {
		printf("FAIL safe_file: mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	test_write();
	test_refusals();
	test_state_dir();
	if (!unit_failed) {
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd))
			printf("FAIL safe_file: cannot remove %s\n", dir);
	}
	return unit_failed;
}

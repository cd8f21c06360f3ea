/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal unit-test harness: each check prints PASS/FAIL lines that
 * tests/run-all.sh counts. argv[1] is the fixtures directory.
 */
#ifndef MEMINIT_UNIT_H
#define MEMINIT_UNIT_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int unit_failed;
static const char *unit_fixtures = "tests/fixtures";

#define EXPECT(name, cond) do {						\
	if (cond) {							\
		printf("PASS %s\n", name);				\
	} else {							\
		printf("FAIL %s: %s (%s:%d)\n", name, #cond, __FILE__, __LINE__); \
		unit_failed = 1;					\
	}								\
} while (0)

#define EXPECT_EQ_U64(name, got, want) do {				\
	unsigned long long __g = (got), __w = (want);			\
	if (__g == __w) {						\
		printf("PASS %s\n", name);				\
	} else {							\
		printf("FAIL %s: got %llu, want %llu (%s:%d)\n", name,	\
		       __g, __w, __FILE__, __LINE__);			\
		unit_failed = 1;					\
	}								\
} while (0)

static inline void unit_init(int argc, char **argv)
{
	if (argc > 1)
		unit_fixtures = argv[1];
}

static inline char *unit_fixture_path(const char *name)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/%s", unit_fixtures, name);
	return path;
}

#endif

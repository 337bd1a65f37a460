/*
 * A child's cgroup directory is its start name escaped into one path
 * component below core's own directory (linux/cgroup.c child_dir): since
 * issue 25 a start name may be anything but empty ("..", "/bin/bash",
 * "a/../../b"), and none may leave core's directory or meet another's.
 * child_dir is file-local, so the file is included here; the test's own
 * copy of cgroup.c's functions stands in for libcore's (nothing else here
 * needs that member of the archive).
 */
#include "../../core-services/linux/cgroup.c"
#include "harness.h"

/* dir is base + "/" + one component that is not "." or ".." and holds no '/'. */
static int
one_component_below_base(const char *dir)
{
	size_t n = strlen(base);
	const char *c = dir + n + 1;

	return !strncmp(dir, base, n) && dir[n] == '/' && *c && !strchr(c, '/') && strcmp(c, ".") &&
	    strcmp(c, "..");
}

TEST(cgroup_child_dirs_stay_below_cores_own_and_apart)
{
	static const char *const names[] = {
		"..", ".", "/bin/bash", "a/../../b", "my app", "init", "-v", "%2E%2E", "a b", "a_b", "a-b", "A",
		"..%", "x -> y",
	};
	char dirs[sizeof names / sizeof names[0]][256];

	snprintf(base, sizeof base, "/sys/fs/cgroup/mkx-42");
	for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++) {
		child_dir(dirs[i], sizeof dirs[i], names[i]);
		if (!one_component_below_base(dirs[i]))
			harness_fail(__FILE__, __LINE__, "\"%s\" gives \"%s\"", names[i], dirs[i]);
		for (unsigned j = 0; j < i; j++)
			if (!strcmp(dirs[i], dirs[j]))
				harness_fail(__FILE__, __LINE__, "\"%s\" and \"%s\" share \"%s\"", names[i], names[j],
				    dirs[i]);
	}
	child_dir(dirs[0], sizeof dirs[0], "hello_server");
	CHECK(!strcmp(dirs[0], "/sys/fs/cgroup/mkx-42/hello_server"));	/* plain names stay readable */
	child_dir(dirs[0], sizeof dirs[0], "..");
	CHECK(!strcmp(dirs[0], "/sys/fs/cgroup/mkx-42/%2E%2E"));
}

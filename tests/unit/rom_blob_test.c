/* rom_blob.c: one shared version per content, read-only to clients, revoked with the last holder. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "../../core-services/rom_blob.h"

TEST(rom_blob_same_content_shared_other_content_not)
{
	int err = 0;
	struct rom_blob *a = rom_blob_get("x", "hello", 5, &err);
	struct rom_blob *b = rom_blob_get("x", "hello", 5, &err);
	struct rom_blob *c = rom_blob_get("x", "hellp", 5, &err);
	struct rom_blob *d = rom_blob_get("y", "hello", 5, &err);

	CHECK(a && a == b && c && c != a && d && d != a);
	CHECK_INT(a->refs, 2);
	CHECK_INT(rom_blob_count(), 3);
	CHECK_INT(rom_blob_charge(a), 4096);
	rom_blob_put(a);
	rom_blob_put(b);
	rom_blob_put(c);
	rom_blob_put(d);
	CHECK_INT(rom_blob_count(), 0);
}

TEST(rom_blob_client_fd_read_only_and_revoked_with_last_holder)
{
	static char data[3 * 4096];
	struct stat st;
	int err = 0, fd;
	struct rom_blob *a;
	char *va;

	memset(data, 'r', sizeof data);
	a = rom_blob_get("rom", data, sizeof data, &err);
	CHECK(a);
	fd = rom_blob_client_fd(a);
	CHECK(fd >= 0);
	CHECK_INT(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDONLY);
	CHECK(ftruncate(fd, 0) != 0);					/* cannot shrink it for others */
	CHECK(mmap(NULL, sizeof data, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED);
	va = mmap(NULL, sizeof data, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(va != MAP_FAILED && va[4096] == 'r');
	munmap(va, sizeof data);
	rom_blob_put(a);
	CHECK(!fstat(fd, &st));
	CHECK_INT(st.st_size, 0);	/* the kept fd pins nothing any more */
	close(fd);
}

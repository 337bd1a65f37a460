/*
 * Does any process but core still hold a DMA buffer's memfd: open in an
 * fd, mapped, or in flight in a socket (SCM_RIGHTS sent, not received)?
 * The kernel knows, in O(1): a write lease (F_SETLEASE F_WRLCK) is
 * granted only while the file's inode has no open file description but
 * the caller's own (fs/locks.c, check_conflicting_open: its write count
 * must be 1 for an O_RDWR file, its read count 0). A file in flight or
 * behind a mapping is still open, so it counts; a /proc look sees neither
 * the one nor a holder moving its fd behind the look.
 *
 * So core's copy must be exactly one open file description, counted the
 * ordinary way: the memfd memfd_create returns is not counted in the
 * inode's write count (the kernel makes it without an open), so core
 * reopens it O_RDWR through /proc/self/fd, closes the original, and maps
 * through the reopened file (a mapping shares its file, it does not open
 * another). What a client gets is another reopen of it (dma_lease_share),
 * which core closes once sent.
 *
 * The lease is dropped at once. Its side effect: an open of the inode
 * racing the short lease makes the kernel signal the lease's owner
 * (SIGIO unless F_SETSIG), whose default action is to terminate: core
 * ignores SIGIO (dma_lease_init, at core's start; children get it back at
 * the default, children.c).
 *
 * Not seen: an O_PATH file of the inode (the kernel does not count it as
 * an open): a client can keep one (open("/proc/self/fd/N", O_PATH))
 * after it closed its file, and a released buffer's inode and pages live
 * on with it. What makes that harmless: an O_PATH file can neither be
 * mapped nor read nor written, and a new open through it is checked
 * against the inode's mode, which a memfd has at 0777: core makes it 0600
 * (owner core, root), so a component (another uid, no capabilities)
 * cannot turn it into an open file again; and at the release core
 * punches the pages out of the inode (dma_lease_punch), so none stay
 * allocated behind an O_PATH file either.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../dma_backend.h"

void
dma_lease_init(void)
{
	signal(SIGIO, SIG_IGN);
}

/*
 * core's /proc/self/fd, opened once: a reopen then walks one name
 * instead of four (procfs revalidates each; two reopens per buffer).
 * core is one process of one thread, so "self" stays core; a fork
 * (a test's child) forgets it. Negative if it cannot be opened (then
 * the full path, as before).
 */
static int dir = -1;

/* A forked process has its own fds: the directory it inherited is its parent's. */
static void
fd_dir_forget(void)
{
	if (dir >= 0)
		close(dir);
	dir = -1;
}

static int
fd_dir(void)
{
	static int registered;

	if (!registered)
		registered = !pthread_atfork(NULL, NULL, fd_dir_forget);
	if (dir < 0 && registered)
		dir = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return dir < 0 ? -ENOENT : dir;
}

/* Another open file description of fd's inode, read-write; the new fd or -errno. */
int
dma_lease_share(int fd)
{
	char path[40];
	int dir = fd_dir(), nfd;

	if (dir >= 0) {
		snprintf(path, sizeof path, "%d", fd);
		nfd = openat(dir, path, O_RDWR | O_CLOEXEC);
	} else {
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
		nfd = open(path, O_RDWR | O_CLOEXEC);
	}
	return nfd < 0 ? -errno : nfd;
}

/*
 * memfd made core's only (mode 0600) and replaced by a counted reopen of
 * it (core's one copy): that fd, or -errno (memfd closed either way).
 */
int
dma_lease_own(int memfd)
{
	int fd = fchmod(memfd, 0600) ? -errno : dma_lease_share(memfd);

	close(memfd);
	return fd;
}

/*
 * At a buffer's release, when nobody else holds it: its pages back to the
 * pool now, even if an O_PATH file (uncounted, and unable to reopen it)
 * keeps the inode alive. The seals allow it (no F_SEAL_WRITE). 0 or -errno.
 */
int
dma_lease_punch(int fd, size_t size)
{
	return fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, (off_t)size) ? -errno : 0;
}

/*
 * As dma_lease_held, but a lease granted stays core's (0), for a buffer
 * core releases at once: closing fd ends the lease, one call fewer per
 * buffer, and no open can come between the check and the release.
 */
int
dma_lease_held_keep(int fd)
{
	if (!fcntl(fd, F_SETLEASE, F_WRLCK))
		return 0;
	return errno == EAGAIN ? 1 : -errno;
}

int
dma_lease_held(int fd)
{
	if (!fcntl(fd, F_SETLEASE, F_WRLCK)) {
		fcntl(fd, F_SETLEASE, F_UNLCK);
		return 0;
	}
	return errno == EAGAIN ? 1 : -errno;
}

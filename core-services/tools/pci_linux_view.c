/*
 * The oracle for the platform driver's scenarios: Linux's own view of
 * PCI, recorded in the same boot. It runs first as PID 1 (kernel argument
 * rdinit=/bin/pci_linux_view), as root, prints what Linux knows, then
 * execs core as /init (still PID 1). Sections on the console:
 *   --- linux config ---    every function in `lspci -xxxx`'s text format
 *                           (4096 bytes where Linux reaches the extended space;
 *                           all-zero rows above 0x100 left out, the last row kept)
 *   --- linux resource ---  "SSSS:BB:DD.F INDEX START END FLAGS": sysfs resource lines
 *                           0-6 with a size
 *   --- linux irq ---       "BB:DD.F INTx irq N" after enabling the function
 *                           (Linux then evaluates _PRT and swizzles)
 *   --- linux lspci -n ---  and --- linux lspci -vvv ---, if /bin/lspci is in the image (scenario roms="/usr/bin/lspci")
 * Linux-specific, so in core-services/tools; it checks the platform driver only.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SYSPCI "/sys/bus/pci/devices"

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Function directory names ("0000:00:1f.2"), sorted (hex of fixed width sorts as numbers). */
static unsigned
functions(char names[][16], unsigned max)
{
	DIR *d = opendir(SYSPCI);
	struct dirent *e;
	char *p[512];
	unsigned n = 0;
	static char store[512][16];

	if (!d)
		return 0;
	while ((e = readdir(d)) && n < max && n < 512)
		if (strlen(e->d_name) == 12)
			snprintf(store[n], 16, "%s", e->d_name), p[n] = store[n], n++;
	closedir(d);
	qsort(p, n, sizeof p[0], name_cmp);
	for (unsigned i = 0; i < n; i++)
		memcpy(names[i], p[i], 16);
	return n;
}

static void
config(const char *fn)
{
	char path[128];
	unsigned char buf[4096];
	int fd;
	ssize_t n;

	snprintf(path, sizeof path, SYSPCI "/%.15s/config", fn);
	if ((fd = open(path, O_RDONLY)) < 0)
		return;
	n = pread(fd, buf, sizeof buf, 0);
	close(fd);
	if (n <= 0)
		return;
	printf("%s\n", fn);
	for (ssize_t off = 0; off < n; off += 16) {
		int zero = 1;

		for (int i = 0; i < 16 && off + i < n; i++)
			zero &= buf[off + i] == 0;
		if (off >= 256 && zero && off + 16 < n)
			continue;
		printf("%02zx:", off);
		for (int i = 0; i < 16 && off + i < n; i++)
			printf(" %02x", buf[off + i]);
		printf("\n");
	}
}

static void
resource(const char *fn)
{
	char path[128], line[256];
	FILE *f;

	snprintf(path, sizeof path, SYSPCI "/%.15s/resource", fn);
	if (!(f = fopen(path, "r")))
		return;
	for (unsigned idx = 0; fgets(line, sizeof line, f) && idx <= 6; idx++) {
		unsigned long long s, e, fl;

		if (sscanf(line, "%llx %llx %llx", &s, &e, &fl) == 3 && e > s)
			printf("%s %u 0x%016llx 0x%016llx 0x%016llx\n", fn, idx, s, e, fl);
	}
	fclose(f);
}

static void
irq(const char *fn)
{
	char path[128];
	unsigned char pin = 0;
	unsigned n = 0;
	FILE *f;
	int fd;

	snprintf(path, sizeof path, SYSPCI "/%.15s/config", fn);
	if ((fd = open(path, O_RDONLY)) < 0)
		return;
	if (pread(fd, &pin, 1, 0x3d) != 1)
		pin = 0;
	close(fd);
	if (!pin || pin > 4)
		return;
	/* Enabling makes Linux route the pin (_PRT, swizzle) and write the GSI to `irq`. */
	snprintf(path, sizeof path, SYSPCI "/%.15s/enable", fn);
	if ((f = fopen(path, "w"))) {
		fputs("1", f);
		fclose(f);
	}
	snprintf(path, sizeof path, SYSPCI "/%.15s/irq", fn);
	if ((f = fopen(path, "r"))) {
		if (fscanf(f, "%u", &n) != 1)
			n = 0;
		fclose(f);
	}
	snprintf(path, sizeof path, SYSPCI "/%.15s/enable", fn);
	if ((f = fopen(path, "w"))) {
		fputs("0", f);
		fclose(f);
	}
	printf("%s INT%c irq %u\n", strncmp(fn, "0000:", 5) ? fn : fn + 5, 'A' + pin - 1, n);
}

static void
run(const char *title, char *const argv[])
{
	pid_t pid;
	int st;

	if (access(argv[0], X_OK))
		return;
	printf("--- %s ---\n", title);
	fflush(stdout);
	if ((pid = fork()) == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, &st, 0);
	printf("--- end ---\n");
}

/*
 * Run argv with stdout on /dev/null, n times; the mean time in ms, or -1.
 * Nothing has mounted /dev yet: without a null device the output went to
 * the serial console, whose cost under TCG was timed with it (lspci's 15
 * lines against pci_walk's one). So a null node of our own (char 1:3).
 */
#define TIMED_NULL "/timed_null"
static double
timed(char *const argv[], unsigned n)
{
	struct timespec a, b;
	int own = access("/dev/null", W_OK) != 0;
	const char *sink = own ? TIMED_NULL : "/dev/null";

	if (access(argv[0], X_OK))
		return -1;
	if (own && access(sink, W_OK) && mknod(sink, S_IFCHR | 0600, makedev(1, 3)))
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (unsigned i = 0; i < n; i++) {
		pid_t pid = fork();
		int st;

		if (pid == 0) {
			int null = open(sink, O_WRONLY);

			if (null < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
				_exit(126);	/* never onto the console: that would be timed too */
			execv(argv[0], argv);
			_exit(127);
		}
		if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
			return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	return ((b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6) / n;
}

int
main(void)
{
	static char fns[512][16];
	unsigned n;

	mkdir("/proc", 0555);
	mkdir("/sys", 0555);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	n = functions(fns, 512);
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	printf("--- linux config ---\n");
	for (unsigned i = 0; i < n; i++)
		config(fns[i]);
	printf("--- end ---\n--- linux resource ---\n");
	for (unsigned i = 0; i < n; i++)
		resource(fns[i]);
	printf("--- end ---\n");
	run("linux lspci -n", (char *[]){ "/bin/lspci", "-n", NULL });
	run("linux lspci -vvv", (char *[]){ "/bin/lspci", "-vvv", "-n", NULL });
	/* Reference times for the platform driver's walk (docs/platform.md): lspci's own enumeration. */
	printf("--- linux timing ---\n");
	printf("lspci -A linux-sysfs %.1f ms\n", timed((char *[]){ "/bin/lspci", "-A", "linux-sysfs", "-n", NULL }, 3));
	printf("lspci -A intel-conf1 %.1f ms\n", timed((char *[]){ "/bin/lspci", "-A", "intel-conf1", "-n", NULL }, 3));
	/* make bench: the platform driver's walk as a whole process too (bench/platform.scn adds it), timed alike. */
	if (!access("/bin/pci_walk", X_OK)) {
		run("linux pci_walk", (char *[]){ "/bin/pci_walk", NULL });
		printf("pci_walk %.1f ms\n", timed((char *[]){ "/bin/pci_walk", NULL }, 3));
	}
	unlink(TIMED_NULL);
	printf("--- end ---\n");
	printf("--- linux irq ---\n");
	for (unsigned i = 0; i < n; i++)
		irq(fns[i]);
	printf("--- end ---\n");
	fflush(stdout);
	umount("/sys");
	umount("/proc");
	execv("/init", (char *[]){ "/init", NULL });
	printf("pci_linux_view: exec /init: %s\n", strerror(errno));
	return 1;
}

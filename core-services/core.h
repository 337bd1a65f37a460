/*
 * core's internal model: the parsed config, the children, the sessions
 * core serves itself, and session requests routed to child servers.
 * core is single-threaded: one poll loop (loop.c) drives everything, so
 * nothing here needs locks, and no client can block core.
 */
#ifndef CORE_H
#define CORE_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <sys/types.h>

#include <mkx/rpc.h>
#include <mkx/server.h>
#include <mkx/xml.h>

#define CHILDREN_MAX		32
#define CONFIG_NOTES_MAX	32
#define PROVIDES_MAX		8
#define ROUTES_MAX		32
#define SESSIONS_PER_CHILD	32
#define CORE_SESSIONS_MAX	(CHILDREN_MAX * SESSIONS_PER_CHILD)
#define PENDING_MAX		64
#define NAME_MAX_LEN		64

/*
 * Where a route rule sends a session (Genode init's targets, tried in
 * order: the first that serves the service takes it): core, a named
 * child, or the one other child that provides the service.
 */
enum route_target_kind { ROUTE_PARENT, ROUTE_CHILD, ROUTE_ANY_CHILD };

struct route_target {
	enum route_target_kind kind;
	char	child[NAME_MAX_LEN];	/* ROUTE_CHILD */
	char	label[128];		/* label=: the session label the server sees instead */
	int	has_label;
	int	line;
};

#define ROUTE_TARGETS_MAX 3		/* <parent/>, <any-child/>, <child/>: Genode's schema allows 3 */

/* Selectors of a route rule (all given ones must match the session label). */
enum {
	SEL_LABEL = 1, SEL_PREFIX = 2, SEL_SUFFIX = 4, SEL_LAST = 8, SEL_UNSCOPED = 16,
};

/* One <service>/<any-service> rule of a <route> or <default-route>. */
struct route_rule {
	char	service[NAME_MAX_LEN];	/* "" = any-service */
	unsigned selectors;		/* SEL_*: which of the following are given */
	char	label[128];		/* the whole session label ("client -> x") */
	char	label_prefix[128];
	char	label_suffix[128];
	char	label_last[128];	/* its last element ("x") */
	char	unscoped_label[128];	/* as the child gave it, without "client -> " */
	struct route_target targets[ROUTE_TARGETS_MAX];
	unsigned ntargets;
	int	line;
};

/* An IO_PORT policy: which session labels may have which ports (io_port.c). */
struct io_port_policy {
	char		label_prefix[128];
	char		label[128];
	unsigned	base, size;
	int		direct;		/* grant by ioperm at spawn */
	int		line;
};

#define IO_PORT_POLICIES_MAX 16

/*
 * An IO_MEM policy (service_io_mem.c): a PCI device's BARs, a snapshot range, a trusted live
 * range, or ECAM: the MCFG windows of the machine, live, for the platform driver (ecam="yes"),
 * or a live range (live="yes": no mapping, core does each register access; io_mem_live.c).
 */
enum io_mem_kind { IO_MEM_PCI, IO_MEM_SNAPSHOT, IO_MEM_TRUSTED, IO_MEM_ECAM, IO_MEM_LIVE };

struct io_mem_policy {
	char		label_prefix[128];
	char		label[128];
	enum io_mem_kind kind;
	int		bdf;		/* IO_MEM_PCI: -1 = by vendor/device */
	unsigned	vendor, device;
	int		bar;		/* -1 = every memory BAR */
	uint64_t	base, size;	/* SNAPSHOT, TRUSTED, LIVE */
	int		line;
};

#define IO_MEM_POLICIES_MAX 32

/* An IRQ policy (service_irq.c): which labels may have which function's interrupt. */
struct irq_policy {
	char		label_prefix[128];
	char		label[128];
	int		bdf;		/* -1: by vendor/device */
	unsigned	vendor, device;
	char		backend[16];	/* "" (the <irq backend=>), "auto", "linux-uio", "linux-vfio" */
	int		line;
};

#define IRQ_POLICIES_MAX 16

/*
 * A DMA policy (service_dma.c, docs/dma.md): which labels may have DMA
 * buffers for which function, and the function's DMA limit (address bits
 * its bus addresses may use: QEMU's edu has 28).
 */
struct dma_policy {
	char		label_prefix[128];
	char		label[128];
	int		bdf;		/* -1: by vendor/device; DMA_POLICY_ALL: every function */
	unsigned	vendor, device;
	unsigned	mask_bits;	/* 32..64 or fewer; default 64 */
	int		line;
};

#define DMA_POLICIES_MAX 16
#define DMA_POLICY_ALL	(-2)

/*
 * A <report_rom> policy (service_rom.c): the reader's ROM session label
 * (label or label_prefix, Genode's policy matching) gets the report of
 * that session label ("acpi -> acpi": reporter "acpi", label "acpi").
 */
struct report_rom_policy {
	char		label_prefix[128];
	char		label[128];
	char		report[192];
	int		line;
};

#define REPORT_ROM_POLICIES_MAX 32

/*
 * A config-space policy (<pci_config>, pci_config_policy.c): which PCI
 * functions a label may reach through config access, read-only or
 * read-write. One predicate for every access path: the CF8/CFC emulation
 * today, ECAM grants later.
 */
enum pci_config_match { PCI_CONFIG_ALL, PCI_CONFIG_BDF, PCI_CONFIG_CLASS, PCI_CONFIG_ID };

struct pci_config_policy {
	char		label_prefix[128];
	char		label[128];
	enum pci_config_match match;
	unsigned	bdf;			/* PCI_CONFIG_BDF */
	uint32_t	class, class_mask;	/* PCI_CONFIG_CLASS: 24-bit class code, bits compared */
	unsigned	vendor, device;		/* PCI_CONFIG_ID */
	int		write;			/* access="write" (reads included) */
	int		unbind;			/* unbind="yes": these functions are the label's, not Linux's */
	int		line;
};

#define PCI_CONFIG_POLICIES_MAX 32

struct start_cfg {
	char		name[NAME_MAX_LEN];
	char		binary[NAME_MAX_LEN];
	char		path[512];		/* resolved binary */
	char		*config;		/* serialized <config>, malloc'd; "<config/>" if none */
	size_t		config_len;
	unsigned long	ram_quota;		/* ram=, <resource name="RAM" quantum=>, <default ram=> */
	const char	*ram_from;		/* which of them gave it (core --check says) */
	char		provides[PROVIDES_MAX][NAME_MAX_LEN];
	unsigned	nprovides;
	struct route_rule routes[ROUTES_MAX];
	unsigned	nroutes;
	int		finish;			/* finish="yes": the composition ends with it */
	int		privileged;		/* privileged="yes": keeps core's uid and capabilities */
	int		line;
};

struct core_config {
	struct start_cfg	start[CHILDREN_MAX];
	unsigned		nstart;
	struct route_rule	default_routes[ROUTES_MAX];
	unsigned		ndefault_routes;
	struct io_port_policy	io_port[IO_PORT_POLICIES_MAX];
	unsigned		nio_port;
	char			io_port_backend[32];	/* "auto", "linux-ioperm", "sim" */
	int			io_port_line;
	struct io_mem_policy	io_mem[IO_MEM_POLICIES_MAX];
	unsigned		nio_mem;
	char			io_mem_backend[32];	/* "auto", "linux-sysfs", "sim" */
	struct irq_policy	irq[IRQ_POLICIES_MAX];
	unsigned		nirq;
	struct report_rom_policy report_rom[REPORT_ROM_POLICIES_MAX];
	unsigned		nreport_rom;
	char			irq_backend[32];	/* "auto", "linux-uio", "linux-vfio", "sim" */
	struct pci_config_policy pci_config[PCI_CONFIG_POLICIES_MAX];
	struct dma_policy	dma[DMA_POLICIES_MAX];		/* <dma> */
	unsigned		ndma;
	char			dma_backend[32];	/* "auto", "linux", "sim" */
	unsigned long		dma_huge_pages;		/* <dma huge_pages=>: reserved at start */
	unsigned		npci_config;
	int			verbose;
	unsigned long		default_ram;		/* <default ram=>, else 16M */
	struct config_alias {				/* <alias name= child=> */
		char		name[NAME_MAX_LEN], child[NAME_MAX_LEN];
		int		line;
	}			alias[CHILDREN_MAX];
	unsigned		nalias;
	struct report_files_cfg {			/* <report_files> (report_files.h) */
		char		dir[128];		/* "": reports are not stored as files */
		char		device[80];		/* LABEL=name or UUID=XXXX-XXXX, mounted on dir */
		char		log[64];		/* file in dir for core's log */
		char		screen[64];		/* a terminal that gets the log too */
		unsigned	wait_s;			/* for device to appear */
	}			report_files;
	/* What the config says that mkx does not act on (yet), each named once (config_notes.c). */
	struct config_note {
		char		what[64];		/* "caps=", "<affinity-space>" */
		char		why[128];
		int		lines[6];
		unsigned	count;
	}			notes[CONFIG_NOTES_MAX];
	unsigned		nnotes;
};

/* config_notes.c: record that the config's what (at line) is accepted but not acted on, and why. */
void	config_note(struct core_config *, const char *what, int line, const char *why);
/* config_notes.c: core --check's report: what core honours, what it ignores. */
void	config_report(const struct core_config *, const char *file, FILE *f);

/* A config file larger than this is refused before it is parsed (SIGHUP too). */
#define CONFIG_SIZE_MAX		(1u << 20)

/*
 * Parse and check a config file. Returns 0, or -EINVAL with
 * "FILE:LINE: what is wrong" in err. bin_dir is where binaries are looked
 * up. cfg must be freed with config_free().
 */
int	config_load(struct core_config *cfg, const char *file, const char *bin_dir,
	    char *err, size_t errlen);
int	config_load_buf(struct core_config *cfg, const char *buf, size_t len,
	    const char *file, const char *bin_dir, char *err, size_t errlen);
void	config_free(struct core_config *cfg);

/* "BB:DD.F" -> bus << 8 | dev << 3 | fn. 0 or -EINVAL. */
int	config_parse_bdf(const char *s, unsigned *bdf);

enum child_state { CHILD_RUNNING, CHILD_EXITED };

struct child {
	struct start_cfg	*cfg;
	pid_t			pid;
	int			sock;		/* core end of the parent channel */
	enum child_state	state;
	int			status;	/* waitpid status once exited */
	unsigned long		ram_left;
	unsigned long		ram_debt;	/* what it owes after a withdrawal (ram_withdraw) */
	char			announced[PROVIDES_MAX][NAME_MAX_LEN];
	unsigned		nannounced;
	unsigned		nsessions;	/* sessions it holds at core */
	int			killed_by_core;
	int			send_failed;	/* logged once that it does not read */
	/*
	 * Bit j: it asked child_table[j] for a session (routed there), since it
	 * started. core tells a server whether such a client still runs
	 * (IO_MEM op RUNNING), about no other child.
	 */
	uint32_t		asked;
};
_Static_assert(CHILDREN_MAX <= 32, "struct child's asked bits");

extern struct child child_table[CHILDREN_MAX];
extern unsigned nchildren;

/* children.c */
int	child_start(struct child *c, struct start_cfg *cfg, const struct core_config *all);
void	child_reap(void);			/* waitpid all; calls loop_child_exited */
void	child_kill_all(void);
struct child *child_by_name(const char *name);
const char *child_describe_exit(int status, char *buf, size_t len);

/*
 * route.c: where a session of child s goes: the first matching rule, then
 * its first target that serves the service (<parent/>: core serves it;
 * <child name=X/>: X <provides> it; <any-child/>: exactly one other child
 * does). *server is NULL for core, *label_out the label the server sees
 * (rewritten by the target's label=). 0, or -errno with why.
 */
int	route_resolve(const struct core_config *, const struct start_cfg *s, const char *service,
	    const char *label, const struct start_cfg **server, char *label_out, size_t label_len,
	    char *why, size_t whylen);

/* Services every Linux process has by nature: Genode's PD, CPU, RM (1), or that core serves (2); else 0. */
int	service_from_parent(const char *name);

/* A service core implements itself. */
struct core_service {
	const char *name;
	/* label is the full session label ("client -> x"). */
	int	(*open)(struct child *client, const char *label, const char *args,
		    void **state, char *why, size_t whylen);
	int	(*call)(void *state, struct mkx_msg *req, struct mkx_reply *r);
	void	(*close)(void *state);
};

extern const struct core_service service_log, service_rom, service_io_port, service_io_mem, service_report,
	service_irq, service_dma;

/* service_report.c: the newest document of the report with that session label ("acpi -> acpi"), or NULL. */
struct rom_blob;
struct rom_blob *report_blob(const char *report_label);
const struct core_service *core_service_find(const char *name);

/* service_rom.c: the config ROM changed; signal the child's ROM sessions. */
void	rom_config_changed(struct child *c);
/* service_rom.c: a report has a new document; signal the ROM sessions routed to it. */
void	rom_report_changed(const char *report_label);

/*
 * fd_check.c: what a child-supplied fd or a file core reads really is.
 * fd_is_eventfd: 1 if fd is an eventfd, else 0 (check every signal fd a
 * child hands over: anything else could block core's writes).
 * fd_open_regular: open read-only without blocking (a FIFO does not wait
 * for a writer), O_NOFOLLOW if nofollow; the fd, -EINVAL if not a regular
 * file, -ELOOP for a link with nofollow, or -errno. fd_open_strerror says which.
 */
int	fd_is_eventfd(int fd);
/* Write 1 to a child's eventfd, never blocking (sets O_NONBLOCK on it: see fd_check.c). 0 or -errno. */
int	fd_signal_eventfd(int fd);
/* Close an fd a child handed core, never waiting on it (a lingering socket: see fd_check.c). */
void	fd_close_foreign(int fd);
int	fd_open_regular(const char *path, int nofollow);
const char *fd_open_strerror(int err);

/* service_io_port.c */
int	io_port_select(const struct core_config *);	/* pick the backend; 0 or -errno */
/* In the child before exec: ioperm for its direct policies. 0 or -errno. */
int	io_port_grant_direct(const struct core_config *, const char *child_name);
/*
 * In core before the fork: record c's direct grants as held by c, or
 * -EBUSY (logged) if another child holds any of those ports. Released at
 * c's exit (or when it could not be started).
 */
int	io_port_direct_reserve(const struct core_config *, const struct child *c);
void	io_port_direct_release(const struct child *c);

/* pci_config_policy.c: the <pci_config> policy as one predicate for every config access path. */
struct pci_fn_ident {
	unsigned	vendor, device;
	uint32_t	class;			/* 24-bit class code */
};
/* How an access path reads a function's identity: 0, or -errno (-ENOENT: no such function). */
typedef int (*pci_ident_fn)(unsigned bdf, struct pci_fn_ident *);
enum pci_config_access { PCI_CONFIG_NONE, PCI_CONFIG_READ, PCI_CONFIG_WRITE };
/* What the policies for label grant on function bdf (ident is called only if a policy needs it). */
enum pci_config_access pci_config_access(const struct core_config *, const char *label, unsigned bdf,
	    pci_ident_fn ident);
/*
 * May client (session label) write bdf's config space? 0, or -EPERM with
 * why: the policy grants less, or another component holds a BAR or the IRQ
 * of that function (a config write could move or disable what it holds).
 */
int	pci_config_may_write(const struct core_config *, const struct child *client, const char *label,
	    unsigned bdf, pci_ident_fn ident, char *why, size_t whylen);
/* The first <pci_config> policy with unbind="yes" that names bdf, or NULL. */
const struct pci_config_policy *pci_config_unbind_policy(const struct core_config *, unsigned bdf,
	    pci_ident_fn ident);
/*
 * linux/pci_unbind.c: before any child starts, take the functions of
 * unbind="yes" policies from Linux's drivers (bridges excepted) and keep
 * Linux from binding them later (driver_override). Logs what it did.
 */
void	pci_unbind_managed(const struct core_config *);
/* "0x0300", "0x030000", "0x03" or a Genode class alias ("VGA"): 0 or -EINVAL. */
int	pci_class_parse(const char *s, uint32_t *class, uint32_t *mask);

/* service_io_mem.c */
int	io_mem_select(const struct core_config *);
/* The label of a session of another child than except that holds a BAR of bdf, or NULL. */
const char *io_mem_function_holder(unsigned bdf, const struct child *except);
/* A grant of another client than except reaching any of [base, base+size): its label, or NULL. */
const char *io_mem_range_held_by_other(uint64_t base, uint64_t size, const struct child *except);
/* The size of memory BAR bar (0-5) of bdf as core's backend knows it; 0: unknown. */
uint64_t io_mem_bar_size(unsigned bdf, unsigned bar);
/* 1 if c holds IO_MEM grants that cover [base, base+size) (whole pages of its BARs), else 0. */
int	io_mem_client_holds(const struct child *c, uint64_t base, uint64_t size);
/* service_io_mem.c: the child is gone: the live dataspaces it kept past their sessions are free now. */
void	io_mem_child_exited(const struct child *c);
/* The "pci_devices" ROM: every PCI function with its BARs, as XML (malloc'd). */
char	*io_mem_devices_xml(size_t *len);

/* service_dma.c: reserve the huge pages <dma> asks for and pick the mechanism; 0 or -errno. */
int	dma_select(const struct core_config *);
/*
 * service_dma.c: freed DMA buffers a process still holds (fd, mapping, or
 * in flight) stay charged to their payer until none does. How many are
 * kept; check them again (a lease check each, linux/dma_lease.c; without
 * leases a step of a look at /proc, bounded in time: a freed one is
 * uncharged and released when a complete look saw nobody hold it);
 * whether a look at /proc is under way (the loop steps it on each turn
 * then); c exited (its own kept buffers are uncharged from nobody then,
 * and all are checked). dma_kept_unbounded: tests set it to take each
 * look whole; dma_kept_leases: 1 while leases work (tests set 0 to check
 * the look at /proc).
 */
unsigned dma_kept_count(void);
void	dma_kept_poll(void);
int	dma_kept_busy(void);
void	dma_child_exited(const struct child *c);
extern int dma_kept_unbounded, dma_kept_leases;

/* service_dma.c: the label of another child's DMA session for bdf, or NULL. */
const char *dma_function_holder(unsigned bdf, const struct child *except);
/* service_irq.c: the label of another child's IRQ session for bdf, or NULL. */
const char *irq_function_holder(unsigned bdf, const struct child *except);
/*
 * service_irq.c: may this config write go to bdf, whose MSI an IRQ
 * session holds? 0, or -EPERM with why (it would change the MSI message
 * or clear an enable bit: docs/irq.md, the native MSI path).
 */
int	irq_config_write_check(unsigned bdf, unsigned reg, unsigned width, uint32_t value, char *why,
	    size_t whylen);

/* linux/platform_info.c: the platform_info ROM (malloc'd XML). */
char	*platform_info_xml(size_t *len);

/* route.c: Genode's label/label_prefix policy matching (exact wins over prefix). */
int	label_matches(const char *exact, const char *prefix, const char *label);
/*
 * A policy's prefix field holding a label_suffix or label_last selector
 * starts with one of these bytes (config.c policy_label); never in a label.
 */
#define LABEL_SEL_SUFFIX	'\x01'
#define LABEL_SEL_LAST		'\x02'

/* log.c of core: "[init] ..." lines on stdout. */
void	core_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* loop.c */
extern struct core_config *core_cfg;	/* the running config */
/* Services watch fds of their own (e.g. interrupts): fn(arg) when fd is readable. */
int	loop_watch(int fd, void (*fn)(void *), void *arg);
void	loop_unwatch(int fd);
int	loop_run(struct core_config *cfg, const char *config_file, const char *bin_dir);
void	loop_child_exited(struct child *c);

/* sessions.c: the sessions core serves itself; the only way core sends to a child */
/* 0, or -errno when the message could not be delivered (logged once per child). */
int	sessions_send(struct child *, uint16_t op, uint32_t seq, int32_t status, const void *p, size_t len,
	    const int *fds, unsigned nfds);
void	open_deny(struct child *, uint32_t seq, int err, const char *why);
void	open_grant(struct child *, uint32_t seq, int fd);
void	open_core_session(struct child *, uint32_t seq, const struct core_service *,
	    const char *label, const char *args, unsigned long ram);
void	handle_session_call(unsigned i);
unsigned sessions_count(void);
int	sessions_fd(unsigned i);
void	sessions_drop_client(struct child *);
void	sessions_drop_all(void);
/*
 * Memory core keeps for a client beyond its sessions' ram_quota (ROM
 * versions, IO_MEM snapshots: dataspaces it can keep mapped) is charged
 * to its RAM quantum (ram_left). 0, or -EDQUOT with why naming what and
 * the quantum. ram_uncharge gives back what ram_charge took.
 */
int	ram_charge(struct child *, size_t bytes, const char *what, char *why, size_t whylen);
void	ram_uncharge(struct child *, size_t bytes);
/*
 * Session quota donation (broker.c): a session's ram_quota moves from the
 * client to the server (ram_uncharge of the server: it pays a debt
 * first) and is withdrawn again when the client goes. A withdrawal may
 * leave the server in debt (ram_debt; ram_left 0): every charge is then
 * refused until what it frees has paid the debt. Returns the debt after it.
 */
unsigned long ram_withdraw(struct child *, size_t bytes);

/* broker.c: sessions of services children provide */
void	open_child_session(struct child *, uint32_t seq, struct child *server,
	    const char *service, const char *label, const char *args, unsigned long ram);
void	handle_response(struct child *, struct mkx_msg *);
void	broker_announced(struct child *, const char *service);
void	broker_child_exited(struct child *, const char *how);
void	broker_drop_all(void);
/*
 * The granted sessions with a donation, for the loop: grant i's watch fd
 * (-1: none), to poll with events 0; broker_grant_closed(i) when poll
 * reports anything on it (the session closed: the donation goes back).
 */
/*
 * At most GRANTS_PER_CLIENT donating sessions per client, and room for
 * that many of every child: no client can take another's record.
 */
#define GRANTS_PER_CLIENT	32
#define GRANTS_MAX	(CHILDREN_MAX * GRANTS_PER_CLIENT)
int	broker_grant_watch(unsigned i);
void	broker_grant_closed(unsigned i);

/* parent.c: requests on the parent channel */
void	handle_parent_msg(struct child *);

#endif

/*
 * core's IO_PORT service: policy by label, exclusive ranges, range checks
 * on every access, the CF8/CFC emulation, and the direct (ioperm) grant.
 * The mechanism is behind io_port_backend.h; this file knows none of it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mkx/args.h>
#include <mkx/io_port.h>
#include <mkx/io_port_cfg.h>
#include "core.h"
#include "io_port_backend.h"

#define CF8		0xcf8
#define CFC		0xcfc
#define CONF1_END	0xd00
#define ERRORS_LOGGED	8	/* per session; a noisy client cannot flood the log */

struct io_port_session {
	unsigned	base, size;
	int		direct, emulate_conf1;
	uint32_t	cf8;
	/* The <pci_config> access for the function CF8 selects, found when CF8 is written. */
	enum pci_config_access cf8_access;
	const struct child *client;
	unsigned	errors;
	char		label[192];
};

static const struct io_port_backend *backend;

/* 1 if [port, port+len) touches the conf1 ports 0xCF8-0xCFF. */
static int
touches_conf1(unsigned port, unsigned len)
{
	return port < CONF1_END && port + len > CF8;
}
static struct io_port_session *granted[CORE_SESSIONS_MAX];
static unsigned ngranted;
static const struct core_config *config;

int
io_port_select(const struct core_config *cfg)
{
	char why[256] = "";

	config = cfg;
	if (!strcmp(cfg->io_port_backend, "sim"))
		backend = &io_port_sim;
	else if (io_port_linux.probe(why, sizeof why) == 0)
		backend = &io_port_linux;
	else if (!strcmp(cfg->io_port_backend, "linux-ioperm")) {
		core_log("IO_PORT: backend linux-ioperm unusable: %s", why);
		return -EPERM;
	} else {
		backend = NULL;
		if (cfg->nio_port)
			core_log("IO_PORT: no backend (%s); IO_PORT sessions will be denied", why);
		return 0;
	}
	if (cfg->nio_port)
		core_log("IO_PORT: backend %s", backend->name);
	return 0;
}

static int
policy_matches(const struct io_port_policy *p, const char *label)
{
	return label_matches(p->label, p->label_prefix, label);
}

/*
 * Direct grants: ioperm set in the child at spawn reaches the policy's
 * whole range for the child's life, whatever sessions it opens. core
 * records each as held by that child from spawn to exit, so no other
 * child gets those ports, by RPC session or by a direct grant of its own.
 */
struct direct_grant {
	const struct child	*holder;
	unsigned		base, size;
};

static struct direct_grant direct[CHILDREN_MAX * 4];
static unsigned ndirect;

/* Who else holds ports overlapping [base, base+size): a label, or NULL. */
static const char *
held_elsewhere(const struct child *self, const struct io_port_session *except, unsigned base, unsigned size,
    unsigned *hb, unsigned *hs)
{
	for (unsigned i = 0; i < ndirect; i++)
		if (direct[i].holder != self && base < direct[i].base + direct[i].size &&
		    direct[i].base < base + size) {
			*hb = direct[i].base;
			*hs = direct[i].size;
			return direct[i].holder->cfg->name;
		}
	for (unsigned i = 0; i < ngranted; i++)
		if (granted[i] != except && base < granted[i]->base + granted[i]->size &&
		    granted[i]->base < base + size) {
			*hb = granted[i]->base;
			*hs = granted[i]->size;
			return granted[i]->label;
		}
	return NULL;
}

int
io_port_direct_reserve(const struct core_config *cfg, const struct child *c)
{
	const char *name = c->cfg->name, *other;
	unsigned first = ndirect, hb, hs;

	for (unsigned i = 0; i < cfg->nio_port; i++) {
		const struct io_port_policy *p = &cfg->io_port[i];

		if (!p->direct || !policy_matches(p, name))
			continue;
		if (touches_conf1(p->base, p->size))
			other = "core (0xCF8-0xCFF is only ever emulated)", hb = CF8, hs = 8;
		else
			other = held_elsewhere(c, NULL, p->base, p->size, &hb, &hs);
		if (!other && ndirect == sizeof direct / sizeof direct[0])
			other = "nobody, but core's table of direct grants is full", hb = hs = 0;
		if (other) {
			core_log("IO_PORT: \"%s\" not started: its direct grant 0x%x-0x%x (line %d) overlaps "
			    "0x%x-0x%x held by \"%s\"", name, p->base, p->base + p->size - 1, p->line, hb,
			    hb + hs - 1, other);
			ndirect = first;
			return -EBUSY;
		}
		direct[ndirect++] = (struct direct_grant){ c, p->base, p->size };
	}
	return 0;
}

void
io_port_direct_release(const struct child *c)
{
	for (unsigned i = 0; i < ndirect; )
		if (direct[i].holder == c)
			direct[i] = direct[--ndirect];
		else
			i++;
}

int
io_port_grant_direct(const struct core_config *cfg, const char *child_name)
{
	if (backend != &io_port_linux)
		return 0;
	for (unsigned i = 0; i < cfg->nio_port; i++) {
		const struct io_port_policy *p = &cfg->io_port[i];

		if (p->direct && policy_matches(p, child_name) && touches_conf1(p->base, p->size)) {
			fprintf(stderr, "[init] \"%s\": no direct grant reaches 0xCF8-0xCFF\n", child_name);
			return -EPERM;
		}
		if (p->direct && policy_matches(p, child_name) &&
		    backend->grant_direct(p->base, p->size)) {
			fprintf(stderr, "[init] \"%s\": ioperm 0x%x+0x%x failed\n", child_name,
			    p->base, p->size);
			return -EPERM;
		}
	}
	return 0;
}

/* Describe the policies for a label, for denial messages. */
static void
describe_policies(const char *label, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = 0;
	for (unsigned i = 0; i < config->nio_port && used < len; i++) {
		const struct io_port_policy *p = &config->io_port[i];

		if (!policy_matches(p, label))
			continue;
		used += snprintf(buf + used, len - used, "%s%s=\"%s\" 0x%x-0x%x (line %d)",
		    used ? ", " : "", p->label[0] ? "label" : "label_prefix",
		    p->label[0] ? p->label : p->label_prefix, p->base, p->base + p->size - 1, p->line);
	}
	if (!buf[0])
		snprintf(buf, len, "no IO_PORT policy matches this label");
}

/*
 * core's own ioperm for a session: never the conf1 ports, which core only
 * reaches through the backend's config access (an in/out there by mistake
 * then faults in core instead of racing the kernel's conf1 users).
 */
static int
enable_outside_conf1(unsigned base, unsigned size)
{
	unsigned end = base + size;
	int err = 0;

	if (!touches_conf1(base, size))
		return backend->enable(base, size);
	if (base < CF8)
		err = backend->enable(base, CF8 - base);
	if (!err && end > CONF1_END)
		err = backend->enable(CONF1_END, end - CONF1_END);
	return err;
}

static int
io_port_open(struct child *client, const char *label, const char *args, void **state,
    char *why, size_t whylen)
{
	unsigned long base, size;
	const struct io_port_policy *pol = NULL;
	struct io_port_session *s;
	char pols[512];

	if (!backend) {
		snprintf(why, whylen, "core has no port I/O here (not root?)");
		return -EPERM;
	}
	if (mkx_arg_ulong(args, "io_port_base", &base) || mkx_arg_ulong(args, "io_port_size", &size) ||
	    size == 0 || base > 0xffff || size > 0x10000 || base + size > 0x10000) {
		snprintf(why, whylen, "bad io_port_base/io_port_size in \"%.100s\"", args);
		return -EINVAL;
	}
	for (unsigned i = 0; i < config->nio_port && !pol; i++) {
		const struct io_port_policy *p = &config->io_port[i];

		if (policy_matches(p, label) && base >= p->base && base + size <= p->base + p->size)
			pol = p;
	}
	if (!pol) {
		describe_policies(label, pols, sizeof pols);
		snprintf(why, whylen, "ports 0x%lx-0x%lx are outside the policy (%s)",
		    base, base + size - 1, pols);
		return -EPERM;
	}
	{
		unsigned hb, hs;
		const char *other = held_elsewhere(client, NULL, (unsigned)base, (unsigned)size, &hb, &hs);

		if (other) {
			snprintf(why, whylen, "ports 0x%lx-0x%lx overlap 0x%x-0x%x held by \"%s\"",
			    base, base + size - 1, hb, hb + hs - 1, other);
			return -EBUSY;
		}
	}
	s = calloc(1, sizeof *s);
	if (!s)
		return -ENOMEM;
	s->base = (unsigned)base;
	s->size = (unsigned)size;
	s->client = client;
	s->emulate_conf1 = touches_conf1((unsigned)base, (unsigned)size);
	s->direct = pol->direct && !s->emulate_conf1 && backend->grant_direct == io_port_linux.grant_direct;
	snprintf(s->label, sizeof s->label, "%s", label);
	/*
	 * Core enables the range for itself even on the direct path: the
	 * client may still send RPCs (it is free to), and an in/out core has
	 * no permission for would kill core with a general protection fault.
	 */
	if (enable_outside_conf1(s->base, s->size)) {
		snprintf(why, whylen, "core cannot enable ports 0x%lx-0x%lx for itself", base, base + size - 1);
		free(s);
		return -EPERM;
	}
	granted[ngranted++] = s;
	core_log("IO_PORT \"%s\": ports 0x%x-0x%x granted (%s%s)", label, s->base,
	    s->base + s->size - 1, s->direct ? "direct" : "rpc",
	    s->emulate_conf1 ? ", 0xCF8-0xCFF emulated" : "");
	*state = s;
	return 0;
}

static int
refuse(struct io_port_session *s, const char *what, unsigned port, unsigned width, const char *reason)
{
	if (s->errors++ < ERRORS_LOGGED)
		core_log("IO_PORT \"%s\": %s port 0x%x width %u: %s; refused%s", s->label, what, port,
		    width, reason, s->errors == ERRORS_LOGGED ? " (further errors not logged)" : "");
	return -ERANGE;
}

/* A function's identity for class and vendor/device policies, read through the backend. */
static int
conf1_ident(unsigned bdf, struct pci_fn_ident *id)
{
	uint32_t ids, cls;

	if (backend->cfg_read(bdf, 0, 4, &ids) || backend->cfg_read(bdf, 8, 4, &cls) ||
	    (ids & 0xffff) == 0xffff)
		return -ENOENT;
	id->vendor = ids & 0xffff;
	id->device = ids >> 16;
	id->class = cls >> 8;
	return 0;
}

/*
 * A config write that moves a memory BAR moves what it decodes: the
 * holder checks of pci_config_may_write() look at the function written
 * only, so a write may not make any function's BAR decode a range another
 * client holds as IO_MEM (docs/architecture.md). Writing a whole dword of
 * all ones (a sizing probe, pci/bar.c) or the current value stays
 * allowed; a probe's restore is checked like any write. d is the dword
 * written, nv what it becomes.
 */
static int
bar_move_check(struct io_port_session *s, unsigned bdf, unsigned end, unsigned d, uint32_t nv, char *why,
    size_t whylen)
{
	uint32_t lo, hi = 0;
	uint64_t base, size;
	const char *holder;

	for (unsigned at = 0x10; at < end; at += 4) {
		if (backend->cfg_read(bdf, at, 4, &lo))
			return 0;
		if (lo & 1)
			continue;	/* an I/O BAR: ports, not IO_MEM */
		if (((lo >> 1) & 3) == 2 && at + 4 < end) {
			if (d != at && d != at + 4) {
				at += 4;
				continue;
			}
			if (backend->cfg_read(bdf, at + 4, 4, &hi))
				return 0;
			if (d == at)
				lo = nv;
			else
				hi = nv;
		} else if (d == at) {
			lo = nv;
		} else {
			continue;
		}
		base = ((uint64_t)hi << 32 | lo) & ~0xfull;
		size = io_mem_bar_size(bdf, (at - 0x10) / 4);
		if (size && !(size & (size - 1)))
			base &= ~(size - 1);	/* the device ignores address bits below its size */
		else {
			base &= ~0xfffull;	/* size unknown: at least the page it lands in */
			size = 0x1000;
		}
		holder = io_mem_range_held_by_other(base, size, s->client);
		if (holder) {
			snprintf(why, whylen, "BAR%u would decode 0x%llx-0x%llx, which \"%s\" holds as IO_MEM",
			    (at - 0x10) / 4, (unsigned long long)base, (unsigned long long)(base + size - 1), holder);
			return -EPERM;
		}
		return 0;
	}
	return 0;
}

/*
 * A bridge's bus numbers (0x18-0x1a) and memory windows (0x20-0x2f) route
 * the memory of every function below it: no change while another client
 * holds a BAR of a function on a bus below (before or after the write).
 */
static int
bridge_move_check(struct io_port_session *s, unsigned bdf, unsigned reg, unsigned width, uint32_t v, char *why,
    size_t whylen)
{
	uint32_t buses, nb, cur;
	unsigned changed = 0, lo[2], hi[2];
	const char *holder;

	for (unsigned i = 0; i < width; i++) {
		unsigned r = reg + i;

		if (!((r >= 0x18 && r <= 0x1a) || (r >= 0x20 && r <= 0x2f)))
			continue;
		if (backend->cfg_read(bdf, r, 1, &cur))
			return 0;
		changed |= cur != ((v >> (8 * i)) & 0xff);
	}
	if (!changed || backend->cfg_read(bdf, 0x18, 4, &buses))
		return 0;
	nb = buses;
	for (unsigned i = 0; i < width; i++)
		if (reg + i >= 0x18 && reg + i < 0x1c)
			nb = (nb & ~(0xffu << (8 * (reg + i - 0x18)))) | ((v >> (8 * i)) & 0xff) << (8 * (reg + i - 0x18));
	lo[0] = (buses >> 8) & 0xff, hi[0] = (buses >> 16) & 0xff;
	lo[1] = (nb >> 8) & 0xff, hi[1] = (nb >> 16) & 0xff;
	for (unsigned k = 0; k < 2; k++)
		for (unsigned f = lo[k] << 8; lo[k] <= hi[k] && f < ((hi[k] + 1) << 8); f++)
			if ((holder = io_mem_function_holder(f, s->client))) {
				snprintf(why, whylen, "the bridge routes bus %02x, where \"%s\" holds a BAR of %02x:%02x.%u",
				    f >> 8, holder, f >> 8, (f >> 3) & 0x1f, f & 7);
				return -EPERM;
			}
	return 0;
}

/* Which of the two above a write to reg of bdf needs, by its header type. */
static int
decode_move_check(struct io_port_session *s, unsigned bdf, unsigned reg, unsigned width, uint32_t v, char *why,
    size_t whylen)
{
	uint32_t hdr, cur, mask, nv;
	unsigned type, end, sh = 8 * (reg & 3);

	if (reg + width <= 0x10 || reg >= 0x30 || backend->cfg_read(bdf, 0x0c, 4, &hdr))
		return 0;
	type = (hdr >> 16) & 0x7f;
	if (type == 1 && reg >= 0x18)
		return bridge_move_check(s, bdf, reg, width, v, why, whylen);
	end = type == 0 ? 0x28 : type == 1 ? 0x18 : 0x10;
	if (reg >= end || backend->cfg_read(bdf, reg & ~3u, 4, &cur))
		return 0;
	mask = width == 4 ? 0xffffffffu : ((1u << (8 * width)) - 1) << sh;
	nv = (cur & ~mask) | ((v << sh) & mask);
	if (nv == cur || nv == 0xffffffffu)
		return 0;	/* the current value again, or a sizing probe's all ones */
	return bar_move_check(s, bdf, end, reg & ~3u, nv, why, whylen);
}

/*
 * A config write from a session, by CF8/CFC or by request: the
 * <pci_config> policy and the function's holders (pci_config_policy.c),
 * then the MSI message core's IRQ session set up (issue 12, docs/irq.md),
 * then where a BAR or bridge window would decode (decode_move_check).
 */
static int
cfg_write_checked(struct io_port_session *s, unsigned bdf, unsigned reg, unsigned width, uint32_t v, unsigned port)
{
	char why[160], what[48];

	snprintf(what, sizeof what, "config write %02x:%02x.%u reg 0x%02x,", bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7,
	    reg);
	if (pci_config_may_write(config, s->client, s->label, bdf, conf1_ident, why, sizeof why) ||
	    irq_config_write_check(bdf, reg, width, v, why, sizeof why) ||
	    decode_move_check(s, bdf, reg, width, v, why, sizeof why)) {
		refuse(s, what, port, width, why);
		return -EPERM;
	}
	return backend->cfg_write(bdf, reg, width, v);
}

/* The conf1 mechanism (PCI LB 3.0 3.2.2.3.2) on top of the backend's config access. */
static int
conf1(struct io_port_session *s, int write, unsigned port, unsigned width, uint32_t *v)
{
	unsigned bdf = (s->cf8 >> 8) & 0xffff, reg = (s->cf8 & 0xfc) | (port & 3);

	if (port == CF8 && width == 4) {
		if (!write) {
			*v = s->cf8;
			return 0;
		}
		s->cf8 = *v;
		s->cf8_access = s->cf8 & 0x80000000u ? pci_config_access(config, s->label,
		    (s->cf8 >> 8) & 0xffff, conf1_ident) : PCI_CONFIG_NONE;
		return 0;
	}
	if (port < CFC) {
		/* 0xCF9 is the reset control register on PC chipsets. */
		return refuse(s, write ? "write" : "read", port, width,
		    "only 32-bit 0xCF8 and 0xCFC-0xCFF are emulated");
	}
	/* Disabled, or a function the <pci_config> policy does not name: nothing answers. */
	if (!(s->cf8 & 0x80000000u) || s->cf8_access == PCI_CONFIG_NONE) {
		if (!write) {
			*v = 0xffffffffu >> (32 - 8 * width);
			return 0;
		}
		if (!(s->cf8 & 0x80000000u))
			return 0;
	}
	if (!write)
		return backend->cfg_read(bdf, reg, width, v);
	return cfg_write_checked(s, bdf, reg, width, *v, port);
}

/* refuse() for a config request: names the function and register instead of a port. */
static int
refuse_cfg(struct io_port_session *s, int write, unsigned bdf, unsigned off, unsigned n, const char *reason)
{
	if (s->errors++ < ERRORS_LOGGED)
		core_log("IO_PORT \"%s\": config %s %02x:%02x.%u reg 0x%02x (%u bytes): %s; refused%s", s->label,
		    write ? "write" : "read", bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7, off, n, reason,
		    s->errors == ERRORS_LOGGED ? " (further errors not logged)" : "");
	return -ERANGE;
}

/*
 * One BAR's sizing probe for cfg_probe_each, whose policy and holder
 * check covers its writes: core serves one request at a time, so the
 * <pci_config> policy and the function's holders are the same for each
 * of them. The MSI check stays per write. Where a BAR would decode
 * (decode_move_check) needs no asking: a whole dword of all ones is the
 * sizing probe that check allows, and the restore writes the value core
 * read from the register at the start of this probe, putting the
 * decoding back where it was before the request.
 */
static int
probe_one(unsigned bdf, unsigned reg, uint32_t *mask, char *why, size_t whylen)
{
	uint32_t orig;
	int err, restore;

	if ((err = backend->cfg_read(bdf, reg, 4, &orig)))
		return err;
	if ((err = irq_config_write_check(bdf, reg, 4, 0xffffffffu, why, whylen)) ||
	    (err = backend->cfg_write(bdf, reg, 4, 0xffffffffu)))
		return err;
	/*
	 * Once all ones is written the register goes back to what core read
	 * before, whatever happens in between: a BAR left at all ones would
	 * decode wherever the device puts it. Writing back the value it had
	 * moves nothing, so no check can refuse it.
	 */
	err = backend->cfg_read(bdf, reg, 4, mask);
	restore = backend->cfg_write(bdf, reg, 4, orig);
	if (err)
		snprintf(why, whylen, "reading the BAR back after the probe failed: %s", strerror(-err));
	return err ? err : restore;
}

/*
 * CFG_READ with MKX_IO_PORT_CFG_PROBE_EACH: the BAR sizing probes of one
 * function in one request, its writes allowed exactly where CF8/CFC
 * writes would be (policy, holders, MSI, decode moves: probe_one), each
 * BAR restored to what core read before probing it. The header type
 * bounds the range: a bridge's bus numbers and windows are never written
 * with all ones.
 */
static int
cfg_probe_each(struct io_port_session *s, const struct mkx_io_port_cfg_req *rq, struct mkx_reply *r)
{
	unsigned bdf = rq->bdf, off = rq->off, type, end;
	uint32_t hdr, mask;
	char why[160];
	int err;

	if (pci_config_may_write(config, s->client, s->label, bdf, conf1_ident, why, sizeof why)) {
		refuse_cfg(s, 1, bdf, off, rq->len, why);
		return -EPERM;				/* as each of its writes would be */
	}
	if ((err = backend->cfg_read(bdf, 0x0c, 4, &hdr)))
		return err;
	type = (hdr >> 16) & 0x7f;
	end = type == 0 ? 0x28 : type == 1 ? 0x18 : 0x10;
	if (off < 0x10 || off % 4 || rq->len % 4 || !rq->len || off + rq->len > end)
		return refuse_cfg(s, 1, bdf, off, rq->len, "BAR probes: the BAR registers of the function's header type only");
	for (unsigned o = 0; o < rq->len; o += 4) {
		if ((err = probe_one(bdf, off + o, &mask, why, sizeof why))) {
			if (err == -EPERM)
				refuse_cfg(s, 1, bdf, off + o, 4, why);
			return err;
		}
		memcpy(r->payload + o, &mask, 4);
	}
	r->len = rq->len;
	return 0;
}

/*
 * A bus scan's reply (EACH_DEVICE, EACH_BUS): the dword at off of function
 * 0 of n devices from first on (past device 31 the next bus's device 0).
 */
static int
scan_ids(struct io_port_session *s, unsigned first, unsigned off, unsigned n, struct mkx_reply *r)
{
	uint32_t v;
	int err;

	for (unsigned i = 0; i < n; i++) {
		unsigned f = first + 8 * i;

		v = 0xffffffffu;	/* each function by its own policy, as one access each would be */
		if (pci_config_access(config, s->label, f, conf1_ident) != PCI_CONFIG_NONE &&
		    (err = backend->cfg_read(f, off, 4, &v)))
			return err;
		memcpy(r->payload + 4 * i, &v, 4);
	}
	r->len = 4 * n;
	return 0;
}

/* The config-space requests (mkx/io_port_cfg.h): one per access, or a header range per read. */
static int
cfg_request(struct io_port_session *s, int write, const struct mkx_io_port_cfg_req *rq, struct mkx_reply *r)
{
	unsigned bdf = rq->bdf, off = rq->off;
	uint32_t v;
	int err;

	/* Only a session that holds the whole conf1 pair: the same grant as CF8/CFC accesses. */
	if (!s->emulate_conf1 || s->base > CF8 || s->base + s->size < CONF1_END)
		return refuse_cfg(s, write, bdf, off, write ? rq->width : rq->len,
		    "the session does not hold the conf1 pair 0xCF8-0xCFF");
	if (!write && rq->flags == MKX_IO_PORT_CFG_PROBE_EACH)
		return cfg_probe_each(s, rq, r);
	if (!write && rq->flags == MKX_IO_PORT_CFG_EACH_DEVICE) {
		unsigned n = rq->len / 4u;

		if (off % 4 || off >= 256 || rq->len % 4 || !n || ((bdf >> 3) & 0x1f) + n > 32)
			return refuse_cfg(s, 0, bdf, off, rq->len, "one dword of function 0 of devices on one bus only");
		return scan_ids(s, bdf & ~7u, off, n, r);
	}
	if (!write && rq->flags == MKX_IO_PORT_CFG_EACH_BUS) {
		unsigned nbus = rq->len / 128u;

		if ((bdf & 0xff) || off % 4 || off >= 256 || rq->len % 128 || !nbus ||
		    nbus > MKX_IO_PORT_CFG_BUSES_MAX || (bdf >> 8) + nbus > 256)
			return refuse_cfg(s, 0, bdf, off, rq->len, "one dword of function 0 of all devices of up to 8 "
			    "whole buses only");
		return scan_ids(s, bdf, off, 32 * nbus, r);
	}
	if (!write) {
		enum pci_config_access a;

		if (rq->flags)
			return refuse_cfg(s, 0, bdf, off, rq->len, "unknown flags");
		if (off % 4 || rq->len % 4 || !rq->len || off + rq->len > 256)
			return refuse_cfg(s, 0, bdf, off, rq->len, "a range of whole dwords below 0x100 only");
		a = pci_config_access(config, s->label, bdf, conf1_ident);
		for (unsigned o = 0; o < rq->len; o += 4) {
			v = 0xffffffffu;	/* a function the policy does not name: nothing answers */
			if (a != PCI_CONFIG_NONE && (err = backend->cfg_read(bdf, off + o, 4, &v)))
				return err;
			memcpy(r->payload + o, &v, 4);
		}
		r->len = rq->len;
		return 0;
	}
	if ((rq->width != 1 && rq->width != 2 && rq->width != 4) || off % rq->width || off + rq->width > 256)
		return refuse_cfg(s, 1, bdf, off, rq->width, "width 1, 2 or 4, aligned, below 0x100 only");
	if (rq->flags & ~MKX_IO_PORT_CFG_PROBE)
		return refuse_cfg(s, 1, bdf, off, rq->width, "unknown flags");
	if ((err = cfg_write_checked(s, bdf, off, rq->width, rq->value, CFC + (off & 3))) ||
	    (err = backend->cfg_read(bdf, off & ~3u, 4, &v)))
		return err;
	/* A sizing probe's second write, checked as any write (the holders may not have changed, the MSI check may). */
	if ((rq->flags & MKX_IO_PORT_CFG_PROBE) &&
	    (err = cfg_write_checked(s, bdf, off, rq->width, rq->restore, CFC + (off & 3))))
		return err;
	memcpy(r->payload, &v, 4);
	r->len = 4;
	return 0;
}

static int
io_port_call(void *state, struct mkx_msg *req, struct mkx_reply *r)
{
	struct io_port_session *s = state;
	struct mkx_io_port_req rq;
	struct mkx_io_port_info info;
	uint32_t v;
	int write, err;

	switch (req->hdr.op) {
	case MKX_IO_PORT_INFO:
		memset(&info, 0, sizeof info);
		info.base = s->base;
		info.size = s->size;
		info.direct = (uint8_t)s->direct;
		memcpy(r->payload, &info, sizeof info);
		r->len = sizeof info;
		return 0;
	case MKX_IO_PORT_IN:
	case MKX_IO_PORT_OUT:
		break;
	case MKX_IO_PORT_CFG_READ:
	case MKX_IO_PORT_CFG_WRITE: {
		struct mkx_io_port_cfg_req cq;

		if (req->hdr.len != sizeof cq)
			return refuse(s, "malformed", 0, 0, "config request has the wrong size");
		memcpy(&cq, req->payload, sizeof cq);
		return cfg_request(s, req->hdr.op == MKX_IO_PORT_CFG_WRITE, &cq, r);
	}
	default:
		return -ENOSYS;
	}
	write = req->hdr.op == MKX_IO_PORT_OUT;
	if (req->hdr.len != sizeof rq)
		return refuse(s, "malformed", 0, 0, "request has the wrong size");
	memcpy(&rq, req->payload, sizeof rq);
	if (rq.width != 1 && rq.width != 2 && rq.width != 4)
		return refuse(s, write ? "write" : "read", rq.port, rq.width, "width must be 1, 2 or 4");
	if (rq.port < s->base || rq.port + rq.width > s->base + s->size) {
		char why[64];

		snprintf(why, sizeof why, "outside the granted 0x%x-0x%x", s->base, s->base + s->size - 1);
		return refuse(s, write ? "write" : "read", rq.port, rq.width, why);
	}
	v = rq.value;
	/*
	 * Any access that touches 0xCF8-0xCFF is the emulation's or nobody's:
	 * one that starts below (a dword at 0xCF5-0xCF7) would otherwise reach
	 * the real conf1 pair and 0xCF9, the reset control.
	 */
	if (touches_conf1(rq.port, rq.width)) {
		if (rq.port < CF8 || (rq.port & ~3u) != ((rq.port + rq.width - 1) & ~3u))
			return refuse(s, write ? "write" : "read", rq.port, rq.width,
			    rq.port < CF8 ? "runs into 0xCF8-0xCFF" : "crosses a dword");
		err = conf1(s, write, rq.port, rq.width, &v);
		if (err)
			return err;
	} else if (write)
		backend->out(rq.port, rq.width, v);
	else
		v = backend->in(rq.port, rq.width);
	if (!write) {
		memcpy(r->payload, &v, sizeof v);
		r->len = sizeof v;
	}
	return 0;
}

static void
io_port_close(void *state)
{
	struct io_port_session *s = state;

	for (unsigned i = 0; i < ngranted; i++)
		if (granted[i] == s)
			granted[i] = granted[--ngranted];
	/* Core keeps its own ioperm bits: they are harmless to core and cheap to keep. */
	free(s);
}

const struct core_service service_io_port = {
	.name = "IO_PORT", .open = io_port_open, .call = io_port_call, .close = io_port_close,
};

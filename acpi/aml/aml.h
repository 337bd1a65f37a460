/*
 * Our AML interpreter: loads definition blocks (DSDT, SSDTs) into a
 * namespace and evaluates objects in it, written for what PCI routing
 * needs (ACPI 6.4, chapter 20 "ACPI Machine Language Specification").
 * Everything it allocates comes from one arena with a hard cap (an
 * evaluation's scratch memory comes back when it ends), errors abort the
 * evaluation with a message naming the opcode and the method, and loops,
 * nesting (one stack budget in bytes) and opcodes are bounded, so bad AML
 * is meant to end in an error, not a crash or a hang (docs/acpi.md, the
 * limits). Operation-region accesses go through a table of callbacks
 * (struct aml_region_ops): hardware through core's sessions, or null.
 */
#ifndef AML_H
#define AML_H

#include <stddef.h>
#include <stdint.h>

/* Object types, numbered as ObjectType() reports them (ACPI 6.4 19.6.97). */
enum aml_type {
	AML_UNINIT = 0, AML_INT = 1, AML_STR = 2, AML_BUF = 3, AML_PKG = 4, AML_FIELD_UNIT = 5,
	AML_DEVICE = 6, AML_EVENT = 7, AML_METHOD = 8, AML_MUTEX = 9, AML_REGION = 10,
	AML_POWER = 11, AML_PROCESSOR = 12, AML_THERMAL = 13, AML_BUFFER_FIELD = 14,
	AML_DEBUG = 16,
	/* internal */
	AML_REF = 0x80,		/* RefOf / Index result */
	AML_NAMEREF = 0x81,	/* a NameString inside a package */
};

struct aml_node;
struct aml_obj;

enum aml_ref_kind { REF_NODE, REF_SLOT, REF_PKG_ELEM, REF_BUF_BYTE };

struct aml_obj {
	uint8_t	type;
	uint8_t	kept;		/* internal: in the namespace's memory, not an evaluation's scratch */
	union {
		uint64_t	i;
		struct { char *p; uint32_t len; } s;		/* NUL-terminated too */
		struct { uint8_t *p; uint32_t len; } b;
		struct { struct aml_obj **e; uint32_t n; } pkg;
		struct {
			enum aml_ref_kind kind;
			struct aml_node	*node;		/* REF_NODE */
			struct aml_obj	**slot;		/* REF_SLOT: a Local/Arg */
			struct aml_obj	*container;	/* REF_PKG_ELEM, REF_BUF_BYTE */
			uint32_t	index;
		} ref;
		struct {		/* resolved late: the name may be defined after the package */
			struct aml_node	*node;
			struct aml_node	*scope;
			char		*path;
			void		*np;	/* struct name_path, internal */
		} nref;
	};
};

/*
 * Operation-region backends. width in bits: 8, 16, 32, 64. space is the
 * region's address space (0 SystemMemory, 1 SystemIO, 2 PCI_Config, ...).
 * For PCI_Config, addr is (bus << 8 | dev << 3 | fn) << 16 | register
 * (up to 0xFFFF; a backend refuses what it cannot reach), the function
 * derived as ACPICA does: _BBN of the root bridge, _ADR of each device down
 * to the region's, the secondary bus of each bridge on the way (read from
 * config space through the backend).
 * A backend returns 0, or -errno to refuse: the evaluation then fails with
 * a message naming the space and address.
 */
struct aml_region_ops {
	const char *name;
	int	(*read)(void *ctx, uint8_t space, uint64_t addr, unsigned width, uint64_t *v);
	int	(*write)(void *ctx, uint8_t space, uint64_t addr, unsigned width, uint64_t v);
	void	*ctx;
};
extern const struct aml_region_ops aml_region_null;	/* reads 0, drops writes */

struct aml_ns;

/* A fresh namespace with the predefined scopes and \_OSI, \_OS, \_REV; NULL without memory. */
struct aml_ns *aml_ns_new(const struct aml_region_ops *regions, size_t arena_cap);
void	aml_ns_free(struct aml_ns *);

/* Opcodes per evaluation (0: keep the default of 50 M) and where messages go (NULL: nowhere). */
void	aml_set_limits(struct aml_ns *, uint64_t ops_per_eval, void (*log)(const char *));

/*
 * A wall-clock bound for everything this namespace still runs: from ms
 * milliseconds on, every evaluation (and table load) fails at once with a
 * clear error (0: no bound, the default). For callers that must answer in
 * time whatever the tables do (the fuzzer bounds each input with it).
 */
void	aml_set_time_limit(struct aml_ns *, unsigned ms);

/*
 * Load one definition block (a whole table with its 36-byte header).
 * The buffer must outlive the namespace (method bodies point into it).
 * Returns 0, or -errno (-EINVAL: a bad term or header, -ENOMEM) with the
 * first error in err; what loaded before the error stays loaded (as ACPICA
 * does, loading goes on after a bad term).
 */
int	aml_load_table(struct aml_ns *, const uint8_t *table, size_t len, const char *label,
	    char *err, size_t errlen);

/* Run _STA/_INI of \_SB and every present device (ACPICA's order). Errors are logged, not fatal. */
void	aml_initialize(struct aml_ns *, void (*log)(const char *msg));

/* Find a node by absolute path ("\_SB.PCI0"), NULL if absent. */
struct aml_node *aml_lookup(struct aml_ns *, const char *path);

/*
 * Evaluate a node: call a method with args, or take a named object's
 * value. Result (may be NULL for no return value) lives until
 * aml_ns_free. Returns 0, or -errno (-EINVAL: the evaluation failed,
 * -ENOMEM: no interpreter memory left) with a message in err.
 */
int	aml_eval(struct aml_ns *, struct aml_node *, struct aml_obj **args, unsigned nargs,
	    struct aml_obj **result, char *err, size_t errlen);

/* Convenience: evaluate "path" relative to node (e.g. node, "_ADR"). -ENOENT if absent. */
int	aml_eval_path(struct aml_ns *, struct aml_node *scope, const char *name,
	    struct aml_obj **result, char *err, size_t errlen);

struct aml_obj *aml_int(struct aml_ns *, uint64_t v);

/* Resolve a name inside a package (NULL if it does not exist, now). */
struct aml_node *aml_nameref_node(struct aml_obj *nameref);

/* Absolute path of a node as ACPICA prints it: "\_SB.PCI0.LNKA" (trailing '_' dropped). */
const char *aml_path(const struct aml_node *, char *buf, size_t len);

/* Walk every node depth-first (children in definition order). */
void	aml_walk(struct aml_ns *, void (*fn)(struct aml_node *, void *), void *arg);

/* Node accessors. */
uint32_t aml_node_name(const struct aml_node *);		/* 4 chars packed, little-endian */
enum aml_type aml_node_type(const struct aml_node *);
struct aml_node *aml_node_parent(const struct aml_node *);
struct aml_node *aml_node_child(const struct aml_node *, const char *seg);

#endif

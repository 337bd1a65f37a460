/* Internals of the AML interpreter shared by its files (not a public contract). */
#ifndef AML_INTERNAL_H
#define AML_INTERNAL_H

#include <setjmp.h>
#include <stdarg.h>
#include "aml.h"

#define AML_MAX_ARGS		7
#define AML_MAX_LOCALS		8
#define AML_CALL_DEPTH		255	/* nested calls (ACPICA's limit per method: AE_AML_METHOD_LIMIT) */
/*
 * The C stack one evaluation or table load may use, in bytes, measured
 * from where it started: terms, method calls and scopes nest by recursion,
 * and this one budget bounds all of them together (whatever the build's
 * frame sizes are, ASan's included). A quarter of the stack limit if that
 * is less; the rest is headroom for the deepest frame after a check.
 */
#define AML_STACK_BUDGET	(2u << 20)
#define AML_LOOP_MAX		0x10000	/* iterations of one While */
#define AML_OPS_MAX		50000000ull	/* opcodes per top-level evaluation */

enum node_kind {
	N_SCOPE, N_DEVICE, N_METHOD, N_NAME, N_REGION, N_FIELD, N_BUFFER_FIELD,
	N_MUTEX, N_EVENT, N_PROCESSOR, N_POWER, N_THERMAL, N_ALIAS, N_BUILTIN,
};

enum field_kind { FIELD_REGION, FIELD_INDEX, FIELD_BANK };

struct aml_node {
	uint32_t		name;
	uint8_t			kind;
	uint8_t			kept;		/* created outside an evaluation's scratch memory */
	struct aml_node		*parent, *child, *next, *last_child;
	struct aml_obj		*obj;		/* N_NAME: the value */
	union {
		struct {			/* N_METHOD */
			const uint8_t	*code;
			uint32_t	len;
			uint8_t		nargs, flags;
			const char	*table;		/* for messages: label and start */
			const uint8_t	*table_start;
		} m;
		struct {			/* N_REGION */
			uint8_t		space;
			uint8_t		bdf_known;	/* PCI_Config: bdf derived (pci.c) */
			uint16_t	bdf;
			uint64_t	offset, length;
		} r;
		struct {			/* N_FIELD */
			enum field_kind	fk;
			struct aml_node	*region;	/* FIELD_REGION, FIELD_BANK */
			struct aml_node	*index, *data;	/* FIELD_INDEX */
			struct aml_node	*bank;		/* FIELD_BANK: bank register field */
			uint64_t	bank_value;
			uint32_t	bit_offset, bit_len;
			uint8_t		flags;		/* AccessType, LockRule, UpdateRule */
		} f;
		struct {			/* N_BUFFER_FIELD */
			struct aml_obj	*buf;
			uint32_t	bit_offset, bit_len;
		} bf;
		struct aml_node		*target;	/* N_ALIAS */
		int			builtin;	/* N_BUILTIN */
	};
};

struct arena_chunk;

struct aml_ns {
	struct aml_node		*root;
	const struct aml_region_ops *regions;
	struct arena_chunk	*arena;		/* the namespace's memory */
	struct arena_chunk	*scratch_chunks;	/* the running evaluation's */
	int			scratch;	/* allocations go to scratch memory */
	struct frame		*top;		/* innermost method activation */
	size_t			arena_used, arena_cap;
	int			int64;		/* DSDT revision >= 2: 64-bit integers */
	uint64_t		ones;
	/* the running evaluation */
	jmp_buf			*fail;
	char			*err;
	size_t			errlen;
	uint64_t		ops;
	int			depth;		/* method calls */
	void			(*log)(const char *msg);
	unsigned		load_errors;
	uint64_t		ops_max;	/* per evaluation; AML_OPS_MAX unless set */
	uint64_t		deadline;	/* CLOCK_MONOTONIC ns, 0: none (aml_set_time_limit) */
	unsigned		time_limit_ms;
	uintptr_t		stack_base;	/* frame address where the running evaluation began */
	size_t			stack_budget;	/* AML_STACK_BUDGET, or less with a small stack limit */
};

/* One method activation. */
struct frame {
	struct aml_ns		*ns;
	struct aml_node		*scope;		/* where names resolve and are created */
	struct aml_node		*method;	/* NULL at table-load level */
	const uint8_t		*code, *end;	/* whole method body (for offsets in messages) */
	const uint8_t		*pc;
	const char		*table;		/* label of the table, for messages */
	const uint8_t		*table_start;
	struct aml_obj		*args[AML_MAX_ARGS];
	struct aml_obj		*locals[AML_MAX_LOCALS];
	struct aml_obj		*ret;
	int			returning, breaking, continuing;
	int			lenient;	/* unknown names read as 0 (finding a term's end) */
	struct aml_node		*created[64];	/* names created by this activation */
	unsigned		ncreated;
	struct frame		*up;		/* the activation that called this one */
};

/* object.c */
void	*aml_arena_alloc(struct aml_ns *, size_t);
void	aml_arena_free_all(struct aml_ns *);
void	aml_arena_scratch_begin(struct aml_ns *);
void	aml_arena_scratch_end(struct aml_ns *);	/* every scratch allocation is gone */
/* A deep copy in the namespace's memory, references made safe (for values that outlive scratch). */
struct aml_obj *aml_obj_keep_result(struct frame *, struct aml_obj *);	/* v itself if kept already */
/* Copy of v for a slot that is kept (a named object, a kept package) or not. */
struct aml_obj *aml_obj_store_value(struct frame *, int kept, struct aml_obj *v);
struct aml_obj *aml_obj_new(struct aml_ns *, enum aml_type);
struct aml_obj *aml_obj_str(struct aml_ns *, const char *p, size_t len);
struct aml_obj *aml_obj_buf(struct aml_ns *, const uint8_t *p, size_t len);
struct aml_obj *aml_obj_pkg(struct aml_ns *, uint32_t n);
struct aml_obj *aml_obj_copy(struct aml_ns *, const struct aml_obj *);	/* deep */
uint64_t aml_to_int(struct frame *, struct aml_obj *);
struct aml_obj *aml_to_buffer(struct frame *, struct aml_obj *);
struct aml_obj *aml_to_string(struct frame *, struct aml_obj *);		/* implicit: hex for ints */
struct aml_obj *aml_deref(struct frame *, struct aml_obj *);		/* follow REF to a value */
const char *aml_type_name(uint8_t type);

/* namespace.c */
struct aml_node *aml_node_new(struct aml_ns *, struct aml_node *parent, uint32_t name, enum node_kind);
struct aml_node *aml_node_child_name(struct aml_node *, uint32_t name);
void	aml_node_unlink(struct aml_node *);

struct name_path {
	int		root, up;
	unsigned	nseg;
	uint32_t	seg[255];
};
struct aml_node *aml_path_lookup(struct aml_node *scope, const struct name_path *);
/* Parent scope and last segment for creating the object a path names. NULL if the scope is missing. */
struct aml_node *aml_path_parent(struct aml_node *scope, const struct name_path *, uint32_t *last);
void	aml_path_format(const struct name_path *, char *buf, size_t len);

/* exec.c */
/* Start the stack budget here (top-level entries: table load, evaluation). */
#define AML_STACK_START(ns)	((ns)->stack_base = (uintptr_t)__builtin_frame_address(0))
int	aml_past_deadline(struct aml_ns *);	/* aml_set_time_limit's bound is spent */
void	aml_fail(struct frame *, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));
void	aml_unwind(struct aml_ns *);	/* an evaluation ended: its names and scratch memory go */
struct aml_obj *aml_call_method(struct frame *caller, struct aml_node *m, struct aml_obj **args, unsigned nargs);
void	aml_exec_termlist(struct frame *, const uint8_t *end);

/* fields.c */
struct aml_obj *aml_field_read(struct frame *, struct aml_node *);
void	aml_field_write(struct frame *, struct aml_node *, struct aml_obj *);
struct aml_obj *aml_buffer_field_read(struct frame *, struct aml_node *);
void	aml_buffer_field_write(struct frame *, struct aml_node *, struct aml_obj *);

/* pci.c: a PCI_Config region's address for the backend: (bus << 8 | devfn) << 16 | offset */
uint64_t aml_pci_config_address(struct frame *, struct aml_node *region, uint64_t off);

/* builtins (init.c) */
struct aml_obj *aml_builtin_call(struct frame *, struct aml_node *, struct aml_obj **args, unsigned nargs);

/* ---- the executor's parts (exec.c, stream.c, target.c, data.c, defs.c, ops.c) ---- */

#define EXT	0x5b	/* ExtOpPrefix */

enum tkind { T_NONE, T_LOCAL, T_ARG, T_NODE, T_DEBUG, T_REF };

struct target {
	enum tkind	k;
	int		idx;
	struct aml_node	*node;
	struct aml_obj	*ref;
};

/* stream.c */
uint8_t	aml_peek(struct frame *);
uint8_t	aml_next(struct frame *);
uint64_t aml_next_n(struct frame *, unsigned n);
uint32_t aml_pkg_value(struct frame *);
const uint8_t *aml_pkg_end(struct frame *);
int	aml_name_start(uint8_t c);
uint32_t aml_name_seg(struct frame *);
void	aml_name_string(struct frame *, struct name_path *);
struct aml_node *aml_resolve(struct frame *, const struct name_path *);
void	aml_header_within(struct frame *, const uint8_t *end);

/* exec.c */
struct aml_obj *aml_eval_arg(struct frame *);
uint64_t aml_eval_int(struct frame *);

/* target.c */
void	aml_super_name(struct frame *, struct target *, int lenient);
struct aml_obj *aml_read_target(struct frame *, const struct target *);
void	aml_store(struct frame *, const struct target *, struct aml_obj *);
struct aml_obj *aml_result(struct frame *, struct aml_obj *);
struct aml_obj *aml_int_result(struct frame *, uint64_t);
struct aml_obj *aml_ref_of(struct frame *, struct target *);
uint64_t aml_object_type(struct frame *, struct target *);

/* data.c */
struct aml_obj *aml_buffer_op(struct frame *);
struct aml_obj *aml_package_op(struct frame *, int var);
struct aml_obj *aml_package_element(struct frame *, struct aml_obj *nameref);
struct aml_obj *aml_string_op(struct frame *);

/* defs.c */
struct aml_node *aml_create(struct frame *, const struct name_path *, enum node_kind, int reuse);
void	aml_field_list(struct frame *, const uint8_t *end, uint8_t flags, struct aml_node *region,
	    struct aml_node *index, struct aml_node *data, struct aml_node *bank, uint64_t bank_value,
	    enum field_kind);
struct aml_node *aml_resolve_kind(struct frame *, enum node_kind, const char *what);
void	aml_create_field(struct frame *, unsigned op);
void	aml_scope_body(struct frame *, const uint8_t *end, struct aml_node *);
void	aml_named_scope(struct frame *, enum node_kind, unsigned skip);

/* ops.c */
int	aml_compare(struct frame *, struct aml_obj *a, struct aml_obj *b);
struct aml_obj *aml_concat(struct frame *, struct aml_obj *a, struct aml_obj *b);
int	aml_match_one(struct frame *, unsigned op, struct aml_obj *e, struct aml_obj *o);
struct aml_obj *aml_index_op(struct frame *);
struct aml_obj *aml_mid(struct frame *);
struct aml_obj *aml_to_hex_or_dec(struct frame *, int hex);
struct aml_obj *aml_to_integer_op(struct frame *);
uint64_t aml_bcd(struct frame *, uint64_t v, int from);

#endif

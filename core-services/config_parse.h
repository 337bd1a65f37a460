/*
 * What the config reader's files share (config.c and config_*.c): the
 * state of one config being read and the checks each part uses. Private
 * to core's config reader; the rest of core sees core.h only.
 */
#ifndef CONFIG_PARSE_H
#define CONFIG_PARSE_H

#include <stddef.h>

#include <mkx/xml.h>
#include "core.h"

struct config_ctx {
	struct core_config	*cfg;
	const char		*file;
	const char		*bin_dir;
	char			*err;
	size_t			errlen;
	const struct mkx_xml	*parent_provides;	/* the config's <parent-provides>, while checking */
};

/*
 * route_target.has_label: 0 the session's label goes on as it is;
 * TARGET_LABEL: label= replaces it whole; TARGET_IDENTITY: identity=
 * (Genode's sandbox) replaces all but its last element, held in label.
 */
enum { TARGET_LABEL = 1, TARGET_IDENTITY = 2 };

/* config_notes.c: a warning (a note core logs at start too); fmt begins "line[:col]: warning: ". */
void	config_warn(struct core_config *cfg, const char *what, int line, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));

/* config_attrs.c: attribute checks. Each error is "file:line: what" in x->err, and -EINVAL. */
int	config_bad(struct config_ctx *x, int line, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
int	config_get_name(struct config_ctx *x, const struct mkx_xml *n, const char *attr, char *dst, size_t len);
int	config_check_only(struct config_ctx *x, const struct mkx_xml *parent, const char *const *allowed);
int	config_known(const struct mkx_xml *c, const char *const *allowed);
void	config_warn_unknown_elements(struct config_ctx *x, const struct mkx_xml *parent, const char *const *allowed);
int	config_check_attrs(struct config_ctx *x, const struct mkx_xml *n, const char *const *known);
void	config_note_unknown(struct config_ctx *x, const struct mkx_xml *n, const char *const *known);
int	config_copy_label(struct config_ctx *x, const struct mkx_xml *n, const char *attr, char *dst, size_t len);
int	config_check_number(struct config_ctx *x, const struct mkx_xml *n, const char *attr);
int	config_ignored_number(struct config_ctx *x, const struct mkx_xml *n, const char *attr, const char *why);
int	config_ignored_bool(struct config_ctx *x, const struct mkx_xml *n, const char *attr, const char *why);
int	config_ignored_text(struct config_ctx *x, const struct mkx_xml *n, const char *attr, const char *why);
int	config_ram_attr(struct config_ctx *x, const struct mkx_xml *n, unsigned long *ram);

/* config_init.c: init's vocabulary: <start>, <default>, <parent-provides>, <alias>, and what only notes. */
int	config_parse_start(struct config_ctx *x, const struct mkx_xml *n, struct start_cfg *s);
int	config_parse_default(struct config_ctx *x, const struct mkx_xml *n);
int	config_parse_parent_provides(struct config_ctx *x, const struct mkx_xml *n);
int	config_parse_alias(struct config_ctx *x, const struct mkx_xml *n);
int	config_parse_init_only(struct config_ctx *x, const struct mkx_xml *n);

/* config_routes.c: <route>/<default-route> rules, and their checks against the whole config. */
int	config_parse_rules(struct config_ctx *x, const struct mkx_xml *n, struct route_rule *rules, unsigned *count);
int	config_genode_core_only(const char *name);
void	config_resolve_aliases(struct core_config *cfg, struct route_rule *rules, unsigned n);
int	config_check_rules(struct config_ctx *x, const struct route_rule *rules, unsigned n, const char *owner);
int	config_check_default_not_self(struct config_ctx *x);

/* config_hw.c: core's hardware policies (<io_port>, <io_mem>, <irq>, <dma>, <pci_config>). */
int	config_policy_label(struct config_ctx *x, const struct mkx_xml *p, const char *service, char *label,
	    char *prefix);
int	config_parse_io_port(struct config_ctx *x, const struct mkx_xml *n);
int	config_parse_pci_config(struct config_ctx *x, const struct mkx_xml *n);
int	config_parse_io_mem(struct config_ctx *x, const struct mkx_xml *n);
int	config_parse_irq(struct config_ctx *x, const struct mkx_xml *n);
int	config_parse_dma(struct config_ctx *x, const struct mkx_xml *n);

/* config_reports.c: <report_rom> policies and <report_files>. */
int	config_parse_report_rom(struct config_ctx *x, const struct mkx_xml *n);
int	config_parse_report_files(struct config_ctx *x, const struct mkx_xml *n);

#endif

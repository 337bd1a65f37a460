/*
 * core's config: Genode init's <start>/<route>/<provides> vocabulary,
 * parsed into struct core_config and checked as a whole before anything
 * starts. Every error names the file and line; core refuses to start
 * rather than guess what a broken config meant. This file reads the file
 * and walks its top-level elements; each kind is read by its own file
 * (config_init.c, config_routes.c, config_hw.c, config_reports.c, with
 * the attribute checks of config_attrs.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mkx/hid.h>
#include <mkx/xml.h>
#include "config_parse.h"

/* What <config> may hold: anything else is ignored with a warning, as Genode's init ignores it. */
static const char *const config_elements[] = {
	"parent-provides", "default-route", "start", "io_port", "io_mem", "irq", "dma", "report_rom", "pci_config",
	"default", "alias", "affinity-space", "report", "heartbeat", "resource", "service", "report_files", NULL
};

/* The root element: <config>, its attributes, which elements it may hold, and <default ram> first. */
static int
config_root(struct config_ctx *x, const struct mkx_xml *root)
{
	static const char *const root_attrs[] = { "verbose", "prio_levels", "ld_verbose", NULL };
	struct core_config *cfg = x->cfg;
	struct mkx_xml *n;
	int rc = 0, v;

	if (strcmp(root->name, "config"))
		return config_bad(x, root->line, "root element is <%s>, expected <config>", root->name);
	config_note_unknown(x, root, root_attrs);
	config_warn_unknown_elements(x, root, config_elements);
	if ((rc = config_ignored_number(x, root, "prio_levels", "CPU priorities: children run at Linux's default")) ||
	    (rc = config_ignored_bool(x, root, "ld_verbose", "binaries are linked statically")))
		return rc;
	/* <default ram> first: it applies to every <start>, wherever it stands. */
	cfg->default_ram = 16ul << 20;	/* enough for a static component */
	for (n = mkx_xml_child(root, "default"); n && !rc; n = mkx_xml_next(n, "default"))
		rc = config_parse_default(x, n);
	if (rc)
		return rc;
	v = mkx_xml_attr_bool(root, "verbose", 0);
	if (v < 0)
		return config_bad(x, root->line, "verbose=\"%s\": use yes or no", mkx_xml_attr(root, "verbose"));
	cfg->verbose = v;
	return 0;
}

/* A <start> among the top-level elements: parsed into the next slot, its name unique. */
static int
config_start(struct config_ctx *x, const struct mkx_xml *n)
{
	struct core_config *cfg = x->cfg;
	int rc;

	if (cfg->nstart == CHILDREN_MAX)
		return config_bad(x, n->line, "more than %d <start> nodes", CHILDREN_MAX);
	rc = config_parse_start(x, n, &cfg->start[cfg->nstart]);
	cfg->nstart++;	/* counted even on error so config_free frees it */
	if (rc)
		return rc;
	for (unsigned i = 0; i + 1 < cfg->nstart; i++)
		if (!strcmp(cfg->start[i].name, cfg->start[cfg->nstart - 1].name))
			rc = config_bad(x, n->line, "duplicate <start name=\"%s\"> (first at line %d)",
			    cfg->start[i].name, cfg->start[i].line);
	return rc;
}

/* One top-level element of <config>, by its name (<default> was read first, by config_root). */
static int
config_element(struct config_ctx *x, struct mkx_xml *n)
{
	struct core_config *cfg = x->cfg;
	int rc = 0;

	if (!strcmp(n->name, "start"))
		rc = config_start(x, n);
	else if (!strcmp(n->name, "default-route"))
		rc = config_parse_rules(x, n, cfg->default_routes, &cfg->ndefault_routes);
	else if (!strcmp(n->name, "io_port"))
		rc = config_parse_io_port(x, n);
	else if (!strcmp(n->name, "io_mem"))
		rc = config_parse_io_mem(x, n);
	else if (!strcmp(n->name, "irq"))
		rc = config_parse_irq(x, n);
	else if (!strcmp(n->name, "dma"))
		rc = config_parse_dma(x, n);
	else if (!strcmp(n->name, "report_rom"))
		rc = config_parse_report_rom(x, n);
	else if (!strcmp(n->name, "pci_config"))
		rc = config_parse_pci_config(x, n);
	else if (!strcmp(n->name, "parent-provides")) {
		x->parent_provides = n;
		rc = config_parse_parent_provides(x, n);
	}
	else if (!strcmp(n->name, "alias"))
		rc = config_parse_alias(x, n);
	else if (!strcmp(n->name, "report_files"))
		rc = config_parse_report_files(x, n);
	else if (strcmp(n->name, "default"))
		rc = config_parse_init_only(x, n);
	return rc;
}

/*
 * What holds only of the whole config: routes that lead somewhere (each
 * one that cannot is a warning). A config without <start> is fine, as
 * for Genode's init (Sculpt's runtime before anything is deployed).
 */
static int
config_check(struct config_ctx *x, const struct mkx_xml *root)
{
	struct core_config *cfg = x->cfg;
	int rc = 0;

	if (cfg->nstart == 0)
		config_note(cfg, "a config without <start>", root->line, "core starts no child and waits "
		    "for a new config (SIGHUP), as Genode's init does");
	if (!rc)
		rc = config_check_rules(x, cfg->default_routes, cfg->ndefault_routes, "default-route");
	if (!rc)
		rc = config_check_default_not_self(x);
	for (unsigned i = 0; !rc && i < cfg->nstart; i++)
		rc = config_check_rules(x, cfg->start[i].routes, cfg->start[i].nroutes, cfg->start[i].name);
	return rc;
}

/* HID text Genode's parser reads although doc/hid.txt forbids it: a warning with line and column. */
static void
hid_warning(void *ctx, unsigned long line, size_t col, const char *what)
{
	struct config_ctx *x = ctx;
	char key[64];

	/* one note per kind: what up to its "(doc/hid.txt ...)" */
	snprintf(key, sizeof key, "HID: %.*s", (int)(strcspn(what, "(") > 50 ? 50 : strcspn(what, "(")), what);
	config_warn(x->cfg, key, (int)line, "%lu:%zu: warning: %s", line, col, what);
}

int
config_load_buf(struct core_config *cfg, const char *buf, size_t len,
    const char *file, const char *bin_dir, char *err, size_t errlen)
{
	struct config_ctx x = { cfg, file, bin_dir, err, errlen, NULL };
	char perr[256];
	struct mkx_xml *root, *n;
	int rc;

	memset(cfg, 0, sizeof *cfg);
	strcpy(cfg->io_port_backend, "auto");
	strcpy(cfg->io_mem_backend, "auto");
	strcpy(cfg->irq_backend, "auto");
	strcpy(cfg->dma_backend, "auto");
	if (len > CONFIG_SIZE_MAX) {
		snprintf(err, errlen, "%s: %zu bytes, more than a config may have (%u bytes, CONFIG_SIZE_MAX)",
		    file, len, CONFIG_SIZE_MAX);
		return -EINVAL;
	}
	root = mkx_doc_is_hid(buf, len) ? mkx_hid_parse_warn(buf, len, perr, sizeof perr, hid_warning, &x)
	    : mkx_xml_parse(buf, len, perr, sizeof perr);
	if (!root) {
		snprintf(err, errlen, "%s:%s", file, perr + 5);	/* "line N: .." -> "file:N: .." */
		return -EINVAL;
	}
	if ((rc = config_root(&x, root)))
		goto out;
	for (n = root->child; n && !rc; n = n->next)
		if (config_known(n, config_elements))
			rc = config_element(&x, n);
	config_resolve_aliases(cfg, cfg->default_routes, cfg->ndefault_routes);
	for (unsigned i = 0; i < cfg->nstart; i++)
		config_resolve_aliases(cfg, cfg->start[i].routes, cfg->start[i].nroutes);
	if (!rc)
		rc = config_check(&x, root);
out:
	mkx_xml_free(root);
	if (rc)
		config_free(cfg);
	return rc;
}

int
config_load(struct core_config *cfg, const char *file, const char *bin_dir,
    char *err, size_t errlen)
{
	/* Not fopen: a FIFO put in the config's place would block core (at SIGHUP) for good. */
	int fd = fd_open_regular(file, 0);
	FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
	char *buf;
	long len;
	int rc;

	memset(cfg, 0, sizeof *cfg);
	if (!f) {
		rc = fd < 0 ? fd : -errno;
		snprintf(err, errlen, "%s: cannot open: %s", file, fd_open_strerror(rc));
		if (fd >= 0)
			close(fd);
		return rc;
	}
	if (fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		snprintf(err, errlen, "%s: cannot read", file);
		fclose(f);
		return -EIO;
	}
	if ((unsigned long)len > CONFIG_SIZE_MAX) {
		snprintf(err, errlen, "%s: %ld bytes, more than a config may have (%u bytes, CONFIG_SIZE_MAX)",
		    file, len, CONFIG_SIZE_MAX);
		fclose(f);
		return -EFBIG;
	}
	buf = malloc((size_t)len + 1);
	if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len) {
		snprintf(err, errlen, "%s: cannot read", file);
		free(buf);
		fclose(f);
		return -EIO;
	}
	fclose(f);
	rc = config_load_buf(cfg, buf, (size_t)len, file, bin_dir, err, errlen);
	free(buf);
	return rc;
}

void
config_free(struct core_config *cfg)
{
	for (unsigned i = 0; i < cfg->nstart; i++) {
		free(cfg->start[i].config);
		cfg->start[i].config = NULL;
	}
	cfg->nstart = 0;
}

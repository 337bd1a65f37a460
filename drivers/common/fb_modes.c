/* The fb_modes report and log lines (see fb_modes.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <mkx/log.h>
#include <mkx/report.h>
#include "fb_modes.h"

int
fb_modes_begin(struct fb_modes_doc *d, const char *attrs)
{
	memset(d, 0, sizeof *d);
	d->f = open_memstream(&d->buf, &d->len);
	if (!d->f)
		return -ENOMEM;
	fprintf(d->f, "<fb_modes%s%s>\n", attrs[0] ? " " : "", attrs);
	return 0;
}

void
fb_modes_add(struct fb_modes_doc *d, const struct fb_mode_entry *m)
{
	char nr[16], lfb[64];

	if (m->current)
		snprintf(nr, sizeof nr, "current");
	else
		snprintf(nr, sizeof nr, "0x%03x", m->number);
	if (m->linear)
		snprintf(lfb, sizeof lfb, "linear framebuffer at 0x%" PRIx64, m->phys);
	else
		snprintf(lfb, sizeof lfb, "no linear framebuffer");
	mkx_log("mode %s: %ux%ux%u, pitch %u, %s, %s%s", nr, m->width, m->height, m->bpp, m->pitch, m->model,
	    lfb, m->supported ? "" : ", not supported by this display");
	d->nmodes++;
	if (!d->f)
		return;
	fprintf(d->f, "  <mode");
	if (m->current)
		fprintf(d->f, " current=\"yes\"");
	else
		fprintf(d->f, " number=\"0x%03x\"", m->number);
	fprintf(d->f, " width=\"%u\" height=\"%u\" bpp=\"%u\" pitch=\"%u\" linear=\"%s\"", m->width, m->height,
	    m->bpp, m->pitch, m->linear ? "yes" : "no");
	if (m->linear)
		fprintf(d->f, " phys=\"0x%" PRIx64 "\"", m->phys);
	fprintf(d->f, " model=\"%s\" supported=\"%s\"/>\n", m->model, m->supported ? "yes" : "no");
}

int
fb_modes_end(struct fb_modes_doc *d)
{
	struct mkx_report rep;
	char why[256];
	int err;

	if (!d->f)
		return -ENOMEM;
	fprintf(d->f, "</fb_modes>\n");
	if (fclose(d->f)) {
		free(d->buf);
		return -ENOMEM;
	}
	d->f = NULL;
	if ((err = mkx_report_open(&rep, "fb_modes", why, sizeof why)))
		mkx_error("report \"fb_modes\": %s", why);
	else if ((err = mkx_report_submit(&rep, d->buf, d->len)))
		mkx_error("report \"fb_modes\" not accepted: %s", strerror(-err));
	else
		mkx_report_close(&rep);
	free(d->buf);
	d->buf = NULL;
	return err;
}

void
fb_modes_escape(const char *s, char *out, size_t outlen)
{
	size_t o = 0;

	for (; *s && o + 7 < outlen; s++) {
		const char *rep = NULL;

		switch (*s) {
		case '"': rep = "&quot;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '&': rep = "&amp;"; break;
		}
		if (rep) {
			memcpy(out + o, rep, strlen(rep));
			o += strlen(rep);
		} else
			out[o++] = *s >= 0x20 && *s < 0x7f ? *s : '?';
	}
	out[o] = 0;
}

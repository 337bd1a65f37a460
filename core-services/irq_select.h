/* Which IRQ mechanism serves a request (linux/irq_select.c: the choice is Linux knowledge). */
#ifndef IRQ_SELECT_H
#define IRQ_SELECT_H

#include <stddef.h>

#include "irq_backend.h"

/*
 * The backend for rq under config_backend (auto|linux-uio|linux-vfio|sim:
 * the function's IRQ policy's backend=, else <irq backend=>),
 * the choice logged once per function with its reason; NULL with why (a
 * refusal the client sees) when nothing here can serve it.
 */
const struct irq_backend *irq_select(const char *config_backend, const struct irq_request *rq,
	    char *why, size_t whylen);

#endif

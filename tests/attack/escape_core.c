/*
 * Attacks through core's own sessions (issue 10, findings 2-8): asking core
 * for more than the policy grants, or handing it things that could stall
 * or fool it. Each returns 0 if core refused, -1 if it got through.
 */
#include "attack.h"

const struct attack escape_core[] = {
	{ 0, 0 }
};

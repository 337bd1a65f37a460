/*
 * The hostile component (tests/attack/): attacks, each one function that
 * returns 0 if it was refused and -1 if it got through, with a short
 * account of what happened in how.
 */
#ifndef ATTACK_H
#define ATTACK_H

#include <stddef.h>

struct attack {
	const char	*name;
	int		(*run)(char *how, size_t len);
};

/* escape_kernel.c: what a component could try with Linux itself (finding 1). */
extern const struct attack escape_kernel[];
void	escape_find_sibling(void);

/* escape_core.c: what it could try through core's sessions (findings 2-8). */
extern const struct attack escape_core[];

#endif

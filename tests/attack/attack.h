/*
 * The hostile component (tests/attack/): attacks, each one function that
 * returns what happened, with a short account of it in how:
 *   ATTACK_REFUSED (0)       the kernel or core said no (EPERM, EACCES, EROFS,
 *                            a policy refusal): the fence held;
 *   ATTACK_HOLE (-1)         it got through;
 *   ATTACK_INCONCLUSIVE (1)  it could not be tried (its target is missing, a
 *                            set-up step failed, an error that is no refusal):
 *                            nothing was shown either way, and that counts as
 *                            a failure, never as refused.
 * 0 and -1 are the values the attacks returned before the third one existed.
 */
#ifndef ATTACK_H
#define ATTACK_H

#include <stddef.h>

#define ATTACK_REFUSED		0
#define ATTACK_HOLE		(-1)
#define ATTACK_INCONCLUSIVE	1

struct attack {
	const char	*name;
	int		(*run)(char *how, size_t len);
};

/* The directory whose device nodes the kernel attacks open (<config dev="..."/>, default /dev). */
extern const char *attack_dev_dir;

/* verdict.c: 1 if errno value e is the kernel refusing (a permission check, a read-only file). */
int	attack_refused_errno(int e);
/* verdict.c: a call that must fail (rc -1, errno set): REFUSED, HOLE or INCONCLUSIVE, said in how. */
int	attack_verdict(int rc, char *how, size_t len);
/* verdict.c: open(path, flags) must fail with a refusal; an fd is closed at once (a HOLE). */
int	attack_open(const char *path, int flags, char *how, size_t len);
/*
 * verdict.c: the character device major:minor at attack_dev_dir/name must
 * be there in our own view (else INCONCLUSIVE: nothing was attempted) and
 * open(flags) on it must be refused.
 */
int	attack_open_device(const char *name, unsigned maj, unsigned min, int flags, char *how, size_t len);

/* escape_kernel.c: what a component could try with Linux itself (finding 1). */
extern const struct attack escape_kernel[];
void	escape_find_sibling(void);

/* escape_console.c: forging core's lines on the consoles (issue 21). */
extern const struct attack escape_console[];

/* escape_core.c: what it could try through core's sessions (findings 2-8). */
extern const struct attack escape_core[];

#endif

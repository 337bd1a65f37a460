/* Memory blocks above an address taken offline for a moment (image mode). See mem_offline.c. */
#ifndef LINUX_MEM_OFFLINE_H
#define LINUX_MEM_OFFLINE_H

#include <stdint.h>

struct mem_offline {
	unsigned long	*blocks;	/* the blocks this call took offline, to bring back */
	unsigned char	*movable;	/* each one's zone was Movable (else a kernel zone) */
	unsigned	 n;
	uint64_t	 block_size;
};

/* Take every online memory block at or above base offline that the kernel lets go: how many, or -errno. */
int	mem_offline_above(uint64_t base, struct mem_offline *o);

/* Bring those blocks back online, each into its zone: how many did not (0: all did). */
unsigned	mem_online_again(struct mem_offline *o);

#endif

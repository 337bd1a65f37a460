/* block_tester's mode="bench": throughput and IOPS through the Block session (bench.c). */
#ifndef BLOCK_TESTER_BENCH_H
#define BLOCK_TESTER_BENCH_H

#include <mkx/block.h>

/* The four patterns of core-services/tools/raw_block.c, rounds of ms each: 0, or -errno (logged). */
int	block_bench(struct mkx_block *b, double ms, unsigned rounds);

#endif

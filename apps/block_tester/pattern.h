/*
 * The per-block pattern and the random sequence of block_tester, defined
 * so that a host check can regenerate both independently (docs/block.md):
 *
 *   mix(z): z = (z ^ z >> 30) * 0xbf58476d1ce4e5b9; z = (z ^ z >> 27) * 0x94d049bb133111eb; z ^ z >> 31
 *   block b under seed s, as little-endian u64 words w[0..bs/8):
 *     w[0] = b, w[1] = s, w[i] = mix(s ^ b * 0x9e3779b97f4a7c15) + i * 0xd1b54a32d192ed03 (i >= 2)
 *   random sequence (splitmix64): state = seed; next = mix(state += 0x9e3779b97f4a7c15)
 * All arithmetic modulo 2^64.
 */
#ifndef BLOCK_TESTER_PATTERN_H
#define BLOCK_TESTER_PATTERN_H

#include <stddef.h>
#include <stdint.h>

uint64_t pattern_next(uint64_t *state);
/* Fill bs bytes with block b's pattern under seed. */
void	pattern_fill(uint8_t *out, size_t bs, uint64_t b, uint64_t seed);
/* 0 if bs bytes at p are block b's pattern under seed, else the offset of the first wrong word + 1. */
size_t	pattern_check(const uint8_t *p, size_t bs, uint64_t b, uint64_t seed);

#endif

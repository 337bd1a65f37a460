/* block_tester's pattern and random sequence (see pattern.h). */
#include <string.h>

#include "pattern.h"

#define GOLDEN	0x9e3779b97f4a7c15ull
#define STEP	0xd1b54a32d192ed03ull

static uint64_t
pattern_mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

uint64_t
pattern_next(uint64_t *state)
{
	*state += GOLDEN;
	return pattern_mix(*state);
}

void
pattern_fill(uint8_t *out, size_t bs, uint64_t b, uint64_t seed)
{
	uint64_t k = pattern_mix(seed ^ b * GOLDEN), w;

	memcpy(out, &b, 8);
	memcpy(out + 8, &seed, 8);
	for (size_t i = 2; i < bs / 8; i++) {
		w = k + i * STEP;
		memcpy(out + 8 * i, &w, 8);
	}
}

size_t
pattern_check(const uint8_t *p, size_t bs, uint64_t b, uint64_t seed)
{
	uint64_t k = pattern_mix(seed ^ b * GOLDEN), w;

	for (size_t i = 0; i < bs / 8; i++) {
		memcpy(&w, p + 8 * i, 8);
		if (w != (i == 0 ? b : i == 1 ? seed : k + i * STEP))
			return 8 * i + 1;
	}
	return 0;
}

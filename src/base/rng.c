/* xoshiro256** with splitmix64 seeding; named sub-streams keep purposes independent. */
#include "base.h"

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void rng_seed(struct rng *r, uint64_t seed)
{
	uint64_t x = seed;
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

void rng_split(struct rng *child, const struct rng *parent, const char *purpose)
{
	/* Derived from the parent's state without advancing it. */
	uint64_t x = parent->s[0] ^ (parent->s[1] << 1) ^ (parent->s[2] << 2) ^ parent->s[3];
	rng_seed(child, x ^ fnv1a(purpose));
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

double rng_double(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

uint64_t rng_below(struct rng *r, uint64_t bound)
{
	/* Rejection sampling: no modulo bias. */
	uint64_t threshold = -bound % bound;
	for (;;) {
		uint64_t x = rng_next(r);
		if (x >= threshold)
			return x % bound;
	}
}

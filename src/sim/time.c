/* Timestamps (Wait's Timestamp, the context object, Lambda headers) and seeded UUIDs. */
#include "internal.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* https://docs.aws.amazon.com/step-functions/latest/dg/state-wait.html: RFC 3339, uppercase T,
 * a zone is required (aws-facts b.3). */
bool sim_parse_timestamp(const char *s, int64_t *epoch_ms)
{
	struct instant t;
	if (!time_parse(s, TIME_STRICT, &t))
		return false;
	*epoch_ms = instant_ms(t);
	return true;
}

void sim_format_timestamp(int64_t epoch_ms, char *buf, size_t size)
{
	int64_t secs = epoch_ms >= 0 ? epoch_ms / 1000 : (epoch_ms - 999) / 1000;
	int ms = (int)(epoch_ms - secs * 1000);
	time_t t = (time_t)secs;
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
}

/* Two hex digits of `bits`'s byte at `shift` at p; returns p + 2. */
static char *hex_byte(char *p, uint64_t bits, int shift)
{
	static const char hex[] = "0123456789abcdef";
	unsigned v = (unsigned)(bits >> shift) & 0xffu;
	p[0] = hex[v >> 4];
	p[1] = hex[v & 0xf];
	return p + 2;
}

void sim_uuid(struct rng *rng, char *buf)
{
	uint64_t a = rng_next(rng), b = rng_next(rng);
	a = (a & ~0xf000ULL) | 0x4000ULL;			 /* version 4 */
	b = (b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL; /* variant 10 */
	/* "%08x-%04x-%04x-%04x-%012llx" of a then b, a byte at a time: one per Lambda call. */
	char *p = buf;
	for (int s = 56; s >= 0; s -= 8) {
		p = hex_byte(p, a, s);
		if (s == 32 || s == 16 || s == 0)
			*p++ = '-';
	}
	for (int s = 56; s >= 0; s -= 8) {
		p = hex_byte(p, b, s);
		if (s == 48)
			*p++ = '-';
	}
	*p = '\0';
}

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

/* v's 8 bytes, most significant first: one byte swap where the compiler has it (one per Lambda
 * call; the loop of shifts took about 100 instructions a uuid). */
static void put_be64(unsigned char *out, uint64_t v)
{
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap64(v);
	memcpy(out, &v, 8);
#else
	for (int i = 0; i < 8; i++)
		out[i] = (unsigned char)(v >> (56 - 8 * i));
#endif
}

void sim_uuid_bytes(struct rng *rng, unsigned char out[16])
{
	uint64_t a = rng_next(rng), b = rng_next(rng);
	a = (a & ~0xf000ULL) | 0x4000ULL;			 /* version 4 */
	b = (b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL; /* variant 10 */
	put_be64(out, a);
	put_be64(out + 8, b);
}

void sim_uuid_text(const unsigned char b[16], char *buf)
{
	/* "%08x-%04x-%04x-%04x-%012llx", a byte at a time: one per Lambda call. */
	static const char hex[] = "0123456789abcdef";
	char *p = buf;
	for (int i = 0; i < 16; i++) {
		*p++ = hex[b[i] >> 4];
		*p++ = hex[b[i] & 0xf];
		if (i == 3 || i == 5 || i == 7 || i == 9)
			*p++ = '-';
	}
	*p = '\0';
}

void sim_uuid(struct rng *rng, char *buf)
{
	unsigned char b[16];
	sim_uuid_bytes(rng, b);
	sim_uuid_text(b, buf);
}

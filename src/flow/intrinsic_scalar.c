/*
 * Intrinsic functions on strings and numbers: Base64Encode / Base64Decode and Hash (OpenSSL
 * libcrypto), MathRandom and UUID (the simulation's seeded generator), MathAdd, StringSplit.
 * https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html
 */
#include "flow/intrinsic.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

/* Base64Encode, Base64Decode and Hash accept at most this many characters. */
#define MAX_TEXT_CHARS 10000

/* ---- encoding, hashing ---- */
static bool want_text(struct call *k, size_t i)
{
	if (!icall_string(k, i))
		return false;
	size_t chars = icall_chars(json_string_value(k->args[i]));
	if (chars <= MAX_TEXT_CHARS)
		return true;
	icall_fail(k, i, "the string has %zu characters, more than %d", chars, MAX_TEXT_CHARS);
	return false;
}

json_t *intrinsic_base64_encode(struct call *k)
{
	if (!want_text(k, 0))
		return NULL;
	const char *s = json_string_value(k->args[0]);
	size_t n = json_string_length(k->args[0]);
	unsigned char *buf = xmalloc(4 * ((n + 2) / 3) + 1);
	EVP_EncodeBlock(buf, (const unsigned char *)s, (int)n);
	json_t *out = json_string((char *)buf);
	free(buf);
	return out;
}

json_t *intrinsic_base64_decode(struct call *k)
{
	if (!want_text(k, 0))
		return NULL;
	const char *s = json_string_value(k->args[0]);
	size_t n = json_string_length(k->args[0]);
	if (n % 4 != 0)
		return icall_fail(k, 0, "not valid Base64 (its length is not a multiple of 4)");
	unsigned char *buf = xmalloc(n / 4 * 3 + 1);
	int len = EVP_DecodeBlock(buf, (const unsigned char *)s, (int)n);
	json_t *out = NULL;
	if (len < 0) {
		icall_fail(k, 0, "not valid Base64");
	} else {
		/* EVP_DecodeBlock counts the padding as zero bytes; drop them. */
		for (size_t p = n; p > 0 && s[p - 1] == '=' && len > 0; p--)
			len--;
		out = json_stringn((char *)buf, (size_t)len);
		if (!out)
			icall_fail(k, 0, "the decoded data is not valid UTF-8 text");
	}
	free(buf);
	return out;
}

static const struct {
	const char *name, *openssl;
} hash_algos[] = {{"MD5", "MD5"},
		  {"SHA-1", "SHA1"},
		  {"SHA-256", "SHA256"},
		  {"SHA-384", "SHA384"},
		  {"SHA-512", "SHA512"}};

json_t *intrinsic_hash(struct call *k)
{
	if (!want_text(k, 0) || !icall_string(k, 1))
		return NULL;
	const char *algo = json_string_value(k->args[1]);
	const EVP_MD *md = NULL;
	for (size_t i = 0; i < ARRAY_LEN(hash_algos); i++)
		if (strcmp(algo, hash_algos[i].name) == 0)
			md = EVP_get_digestbyname(hash_algos[i].openssl);
	if (!md)
		return icall_fail(k, 1,
				  "unknown algorithm '%s' (use MD5, SHA-1, SHA-256, SHA-384 or "
				  "SHA-512)",
				  algo);
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	if (!EVP_Digest(json_string_value(k->args[0]), json_string_length(k->args[0]), digest, &len,
			md, NULL))
		return icall_fail(k, 1, "the digest could not be computed");
	char hex[2 * EVP_MAX_MD_SIZE + 1];
	for (unsigned int i = 0; i < len; i++)
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
	hex[2 * len] = '\0';
	return json_string(hex);
}

/* ---- math, strings, ids ---- */
json_t *intrinsic_math_random(struct call *k)
{
	long long from, to, seed = 0;
	if (!icall_int(k, 0, &from) || !icall_int(k, 1, &to))
		return NULL;
	if (k->n == 3 && !icall_int(k, 2, &seed))
		return NULL;
	if (from >= to)
		return icall_fail(k, 1, "the end (%lld) must be greater than the start (%lld)", to,
				  from);
	struct rng local;
	struct rng *r = k->env ? k->env->rng : NULL;
	/* The same seed gives the same number; without one, the simulation's stream. */
	if (k->n == 3 || !r) {
		rng_seed(&local, (uint64_t)seed);
		r = &local;
	}
	/* Unsigned: the span of two 64-bit integers may not fit in a signed one. */
	uint64_t span = (uint64_t)to - (uint64_t)from;
	return json_integer((json_int_t)((uint64_t)from + rng_below(r, span)));
}

json_t *intrinsic_math_add(struct call *k)
{
	long long a, b;
	if (!icall_int(k, 0, &a) || !icall_int(k, 1, &b))
		return NULL;
	for (size_t i = 0; i < 2; i++) {
		long long v = i ? b : a;
		if (v < -2147483648LL || v > 2147483647LL)
			return icall_fail(k, i, "%lld is outside -2147483648..2147483647", v);
	}
	return json_integer(a + b);
}

json_t *intrinsic_string_split(struct call *k)
{
	if (!icall_string(k, 0) || !icall_string(k, 1))
		return NULL;
	const char *s = json_string_value(k->args[0]);
	const char *delims = json_string_value(k->args[1]);
	json_t *out = json_array();
	/* Each character of the second argument is a delimiter; empty pieces are dropped. */
	while (*s) {
		size_t n = *delims ? strcspn(s, delims) : strlen(s);
		if (n > 0)
			json_array_append_new(out, json_stringn(s, n));
		s += n;
		if (*s)
			s++;
	}
	return out;
}

json_t *intrinsic_uuid(struct call *k)
{
	struct rng local;
	struct rng *r = k->env ? k->env->rng : NULL;
	if (!r) {
		rng_seed(&local, 0);
		r = &local;
	}
	unsigned char b[16];
	for (int i = 0; i < 2; i++) {
		uint64_t x = rng_next(r);
		for (int j = 0; j < 8; j++)
			b[i * 8 + j] = (unsigned char)(x >> (8 * j));
	}
	b[6] = (unsigned char)((b[6] & 0x0F) | 0x40); /* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3F) | 0x80); /* RFC 4122 variant */
	char s[37];
	snprintf(s, sizeof(s),
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
		 b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
		 b[15]);
	return json_string(s);
}

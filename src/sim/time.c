/* Timestamps (Wait's Timestamp, the context object, Lambda headers) and seeded UUIDs. */
#include "internal.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static bool digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

static bool valid_date(int y, int mo, int d)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (mo < 1 || mo > 12 || d < 1)
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= days[mo - 1] + (mo == 2 && leap);
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* https://docs.aws.amazon.com/step-functions/latest/dg/state-wait.html: RFC 3339, uppercase T,
 * a zone is required (aws-facts b.3). */
bool sim_parse_timestamp(const char *s, int64_t *epoch_ms)
{
	int y, mo, d, h, mi, sec;
	if (strlen(s) < 20 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) ||
	    s[7] != '-' || !digits(s + 8, 2, &d) || s[10] != 'T' || !digits(s + 11, 2, &h) ||
	    s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' || !digits(s + 17, 2, &sec))
		return false;
	if (!valid_date(y, mo, d) || h > 23 || mi > 59 || sec > 60)
		return false;
	const char *p = s + 19;
	int64_t ms = 0;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return false;
		int scale = 100;
		for (; isdigit((unsigned char)*p); p++) {
			ms += (*p - '0') * scale;
			scale /= 10;
		}
	}
	int64_t offset_min = 0;
	if (*p == 'Z' && p[1] == '\0') {
		offset_min = 0;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
		int oh, om;
		if (!digits(p + 1, 2, &oh) || !digits(p + 4, 2, &om) || oh > 23 || om > 59)
			return false;
		offset_min = (oh * 60 + om) * (*p == '-' ? -1 : 1);
	} else {
		return false;
	}
	int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	*epoch_ms = (secs - offset_min * 60) * 1000 + ms;
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

void sim_uuid(struct rng *rng, char *buf)
{
	uint64_t a = rng_next(rng), b = rng_next(rng);
	a = (a & ~0xf000ULL) | 0x4000ULL;			 /* version 4 */
	b = (b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL; /* variant 10 */
	snprintf(buf, 37, "%08x-%04x-%04x-%04x-%012llx", (unsigned)(a >> 32),
		 (unsigned)((a >> 16) & 0xffff), (unsigned)(a & 0xffff), (unsigned)(b >> 48),
		 (unsigned long long)(b & 0xffffffffffffULL));
}

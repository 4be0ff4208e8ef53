/*
 * RFC 3339 date-times: one parser for every place stepscope reads a timestamp (Wait and Choice
 * values, config, recorded histories), with flags for how lenient each place must be.
 */
#include "base.h"

#include <string.h>
#include <time.h>

int64_t time_days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void time_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

int64_t instant_ms(struct instant t)
{
	return t.sec * 1000 + t.nsec / 1000000;
}

/* Reads exactly n digits at *p and advances; false when they are not all digits. */
static bool digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (c - '0');
	}
	*p += n;
	*out = v;
	return true;
}

static bool valid_date(int y, int m, int d)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m < 1 || m > 12 || d < 1)
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= days[m - 1] + (m == 2 && leap);
}

static bool is_char(char c, char upper, unsigned flags)
{
	return c == upper || ((flags & (TIME_LOWERCASE | TIME_LENIENT)) && c == upper - 'A' + 'a');
}

/* Z, +HH:MM or -HH:MM (lenient: also +HHMM, +HH, or nothing) up to the end of the string. */
static bool parse_zone(const char *p, unsigned flags, int *offset_min)
{
	*offset_min = 0;
	if (is_char(*p, 'Z', flags))
		return p[1] == '\0';
	if (*p == '\0')
		return flags & TIME_LENIENT;
	if (*p != '+' && *p != '-')
		return false;
	int sign = *p++ == '-' ? -1 : 1, hh, mm = 0;
	if (!digits(&p, 2, &hh))
		return false;
	if (*p == ':')
		p++;
	else if (!(flags & TIME_LENIENT))
		return false;
	if ((*p || !(flags & TIME_LENIENT)) && !digits(&p, 2, &mm))
		return false;
	if (*p || hh > 23 || mm > 59)
		return false;
	*offset_min = sign * (hh * 60 + mm);
	return true;
}

bool time_parse(const char *s, unsigned flags, struct instant *out)
{
	const char *p = s;
	int y, mo, d, h, mi, sec;
	if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) || *p++ != '-' ||
	    !digits(&p, 2, &d))
		return false;
	if (!is_char(*p, 'T', flags) && !((flags & TIME_LENIENT) && *p == ' '))
		return false;
	p++;
	if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi) || *p++ != ':' ||
	    !digits(&p, 2, &sec))
		return false;
	int max_sec = flags & TIME_LENIENT ? 60 : 59;
	if (!valid_date(y, mo, d) || h > 23 || mi > 59 || sec > max_sec)
		return false;
	int32_t nsec = 0;
	if (*p == '.' || ((flags & TIME_LENIENT) && *p == ',')) {
		p++;
		int n = 0;
		for (; *p >= '0' && *p <= '9'; p++, n++)
			if (n < 9)
				nsec = nsec * 10 + (*p - '0');
		if (n == 0)
			return false;
		for (; n < 9; n++)
			nsec *= 10;
	}
	int offset_min;
	if (!parse_zone(p, flags, &offset_min))
		return false;
	out->sec = time_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
		   (int64_t)offset_min * 60;
	out->nsec = nsec;
	return true;
}

double mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* timefmt.c - time formatting and parsing without locale dependence. */
#include <stdio.h>
#include <string.h>
#include "timefmt.h"

static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
				     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void
to_tm(int64_t ms, struct tm *tm)
{
	time_t t = (time_t)(ms / 1000);

	gmtime_r(&t, tm);
}

void
fmt_iso8601(int64_t ms, char *out)
{
	struct tm tm;
	char tmp[64];

	to_tm(ms, &tm);
	snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
	memcpy(out, tmp, 25);
	out[24] = '\0';
}

void
fmt_http_date(int64_t ms, char *out)
{
	struct tm tm;
	char tmp[64];

	to_tm(ms, &tm);
	snprintf(tmp, sizeof tmp, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday], tm.tm_mday,
		 months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	memcpy(out, tmp, 30);
	out[29] = '\0';
}

void
fmt_amz_date(int64_t ms, char *out)
{
	struct tm tm;
	char tmp[64];

	to_tm(ms, &tm);
	snprintf(tmp, sizeof tmp, "%04d%02d%02dT%02d%02d%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	memcpy(out, tmp, 17);
	out[16] = '\0';
}

static int
month_index(const char *s)
{
	int i;

	for (i = 0; i < 12; i++)
		if (strncmp(s, months[i], 3) == 0)
			return i;
	return -1;
}

static bool
valid_tm(const struct tm *tm)
{
	return tm->tm_mon >= 0 && tm->tm_mon < 12 && tm->tm_mday >= 1 && tm->tm_mday <= 31 &&
	       tm->tm_hour >= 0 && tm->tm_hour < 24 && tm->tm_min >= 0 && tm->tm_min < 60 &&
	       tm->tm_sec >= 0 && tm->tm_sec <= 60 && tm->tm_year >= 0;
}

bool
parse_http_date(const char *s, time_t *out)
{
	struct tm tm;
	char mon[4] = {0}, wd[16] = {0}, tz[4] = {0};
	int n = 0;

	memset(&tm, 0, sizeof tm);
	/* RFC 1123: Sun, 06 Nov 1994 08:49:37 GMT */
	if (sscanf(s, "%3s, %2d %3s %4d %2d:%2d:%2d %3s%n", wd, &tm.tm_mday, mon, &tm.tm_year,
		   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, tz, &n) == 8 && strcmp(tz, "GMT") == 0) {
		tm.tm_year -= 1900;
	} else if (memset(&tm, 0, sizeof tm),
		   /* RFC 850: Sunday, 06-Nov-94 08:49:37 GMT */
		   sscanf(s, "%15[A-Za-z], %2d-%3s-%2d %2d:%2d:%2d GMT%n", wd, &tm.tm_mday, mon,
			  &tm.tm_year, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) == 7) {
		if (tm.tm_year < 70)
			tm.tm_year += 100;
	} else if (memset(&tm, 0, sizeof tm),
		   /* asctime: Sun Nov  6 08:49:37 1994 */
		   sscanf(s, "%3s %3s %d %2d:%2d:%2d %4d%n", wd, mon, &tm.tm_mday, &tm.tm_hour,
			  &tm.tm_min, &tm.tm_sec, &tm.tm_year, &n) == 7) {
		tm.tm_year -= 1900;
	} else {
		return false;
	}
	tm.tm_mon = month_index(mon);
	if (!valid_tm(&tm))
		return false;
	*out = timegm(&tm);
	return true;
}

bool
parse_amz_date(const char *s, time_t *out)
{
	struct tm tm;
	int i;

	if (!s || strlen(s) != 16 || s[8] != 'T' || s[15] != 'Z')
		return false;
	for (i = 0; i < 15; i++)
		if (i != 8 && (s[i] < '0' || s[i] > '9'))
			return false;
	memset(&tm, 0, sizeof tm);
	sscanf(s, "%4d%2d%2dT%2d%2d%2dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
	       &tm.tm_min, &tm.tm_sec);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	if (!valid_tm(&tm))
		return false;
	*out = timegm(&tm);
	return true;
}

bool
parse_iso8601(const char *s, time_t *out)
{
	struct tm tm;
	int n = 0;

	memset(&tm, 0, sizeof tm);
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6)
		return false;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	if (!valid_tm(&tm))
		return false;
	*out = timegm(&tm);
	return true;
}

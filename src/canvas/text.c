/* UTF-8 decoding and display widths, without depending on the process locale. */
#include "canvas/internal.h"

#include <string.h>

#include "base/base.h"

struct range {
	uint32_t lo, hi;
};

/* East Asian Wide/Fullwidth blocks and emoji: two columns. */
static const struct range wide[] = {
    {0x1100, 0x115F},	{0x231A, 0x231B},   {0x2329, 0x232A},	{0x23E9, 0x23EC},
    {0x23F0, 0x23F0},	{0x23F3, 0x23F3},   {0x25FD, 0x25FE},	{0x2614, 0x2615},
    {0x2648, 0x2653},	{0x267F, 0x267F},   {0x2693, 0x2693},	{0x26A1, 0x26A1},
    {0x26AA, 0x26AB},	{0x26BD, 0x26BE},   {0x26C4, 0x26C5},	{0x26CE, 0x26CE},
    {0x26D4, 0x26D4},	{0x26EA, 0x26EA},   {0x26F2, 0x26F3},	{0x26F5, 0x26F5},
    {0x26FA, 0x26FA},	{0x26FD, 0x26FD},   {0x2705, 0x2705},	{0x270A, 0x270B},
    {0x2728, 0x2728},	{0x274C, 0x274C},   {0x274E, 0x274E},	{0x2753, 0x2755},
    {0x2757, 0x2757},	{0x2795, 0x2797},   {0x27B0, 0x27B0},	{0x27BF, 0x27BF},
    {0x2B1B, 0x2B1C},	{0x2B50, 0x2B50},   {0x2B55, 0x2B55},	{0x2E80, 0x303E},
    {0x3041, 0x33FF},	{0x3400, 0x4DBF},   {0x4E00, 0x9FFF},	{0xA000, 0xA4CF},
    {0xA960, 0xA97F},	{0xAC00, 0xD7A3},   {0xF900, 0xFAFF},	{0xFE10, 0xFE19},
    {0xFE30, 0xFE6F},	{0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},	{0x1F004, 0x1F004},
    {0x1F0CF, 0x1F0CF}, {0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A}, {0x1F200, 0x1F2FF},
    {0x1F300, 0x1F64F}, {0x1F680, 0x1F6FF}, {0x1F7E0, 0x1F7EB}, {0x1F90C, 0x1F9FF},
    {0x1FA70, 0x1FAFF}, {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
};

/* Combining marks and invisible format characters: zero columns. */
static const struct range zero[] = {
    {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x0610, 0x061A},
    {0x064B, 0x065F}, {0x200B, 0x200F}, {0x2028, 0x202E}, {0x2060, 0x2064},
    {0x20D0, 0x20FF}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF},
};

static bool in(const struct range *r, size_t n, uint32_t cp)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (cp < r[mid].lo)
			hi = mid;
		else if (cp > r[mid].hi)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

int canvas_glyph_width(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
		return 0;
	if (cp < 0x300)
		return 1;
	if (in(zero, ARRAY_LEN(zero), cp))
		return 0;
	return in(wide, ARRAY_LEN(wide), cp) ? 2 : 1;
}

uint32_t canvas_utf8_next(const char **sp)
{
	const unsigned char *s = (const unsigned char *)*sp;
	if (s[0] == 0)
		return 0;
	if (s[0] < 0x80) {
		*sp += 1;
		return s[0];
	}
	int n = s[0] >= 0xF0 && s[0] < 0xF5 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
	if (s[0] >= 0xF5)
		n = 0;
	uint32_t cp = n == 4 ? s[0] & 7u : n == 3 ? s[0] & 15u : s[0] & 31u;
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			n = 0;
			break;
		}
		cp = (cp << 6) | (s[i] & 0x3Fu);
	}
	/* Overlong forms, surrogates and values past U+10FFFF are malformed. */
	if (n == 0 || (n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF)) {
		*sp += 1;
		return 0xFFFD;
	}
	*sp += n;
	return cp;
}

int canvas_str_width(const char *s)
{
	int w = 0;
	uint32_t cp;
	while ((cp = canvas_utf8_next(&s)) != 0)
		w += canvas_glyph_width(cp);
	return w;
}

char *canvas_str_fit(const char *s, int max, bool ascii)
{
	if (max <= 0)
		return xstrdup("");
	if (canvas_str_width(s) <= max)
		return xstrdup(s);
	/* Keep whole glyphs within max - 1 columns, then the one-column ellipsis. */
	const char *p = s, *end = s;
	int w = 0;
	uint32_t cp;
	while ((cp = canvas_utf8_next(&p)) != 0) {
		int gw = canvas_glyph_width(cp);
		if (w + gw > max - 1)
			break;
		w += gw;
		end = p;
	}
	struct strbuf sb;
	sb_init(&sb);
	sb_addn(&sb, s, (size_t)(end - s));
	sb_add(&sb, ascii ? "~" : "\u2026");
	return sb_take(&sb);
}

/* printf, fprintf, snprintf and their v- forms for the static CLI, in place
 * of the C library's (as cli/bump_alloc.c replaces malloc): the musl builds
 * (make static, make tiny) and the nolibc one link it. musl's printf core
 * links its float formatting whole (~9 KB with the rest); this is ~2.5 KB,
 * with the conversions minibpf uses: flags - 0 + space #, width and
 * precision (also *), hh h l ll z t j, d i u o x X c s p %, and g (BTF
 * floats, not in a build without typed dumps), whose digits are exact
 * (rounded half-even, as glibc's). No %n, no %f/%e, no locale. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "mb_config.h"

/* Where the bytes go: BUF (CAP bytes, LEN used), which is flushed to F
 * when full and at the end, or only kept (vsnprintf: F is NULL, the rest is
 * counted and dropped). N counts every byte, the return value. */
struct sink {
	FILE *f;
	char *buf;
	size_t cap, len, n;
};

static void emit(struct sink *s, const char *p, size_t n)
{
	s->n += n;
	while (n && s->len < s->cap) {
		size_t k = s->cap - s->len < n ? s->cap - s->len : n;

		memcpy(s->buf + s->len, p, k);
		s->len += k, p += k, n -= k;
		if (s->f && s->len == s->cap) {
			fwrite(s->buf, 1, s->len, s->f);
			s->len = 0;
		}
	}
}

static void pad(struct sink *s, char c, int n)
{
	while (n-- > 0)
		emit(s, &c, 1);
}

#if MB_BTF_DUMP     /* %g: only the typed dumps print floats (include/mb_config.h) */
/* The exact decimal digits of v > 0, rounded half-even to prec, and its
 * decimal exponent. A double is m * 2^e2: one big integer, m * 2^e2 or
 * m * 5^-e2 (then k = -e2 digits are after the point). */
static int exact_digits(double v, char *dig, int prec)
{
	uint32_t w[90];
	char all[810], *p = all + sizeof(all);
	uint64_t bits, m;
	int e2, n = 2, k = 0, nd, up, i;

	memcpy(&bits, &v, sizeof(bits));
	e2 = (int)(bits >> 52 & 0x7ff);
	m = bits & ((1ull << 52) - 1);
	if (e2)
		m |= 1ull << 52;
	else
		e2 = 1;
	e2 -= 1075;
	w[0] = (uint32_t)m;
	w[1] = (uint32_t)(m >> 32);
	while (e2) {
		int sh = e2 > 0 ? (e2 > 31 ? 31 : e2) : (-e2 > 13 ? 13 : -e2);
		uint32_t f = 1;
		uint64_t c = 0;

		for (i = 0; i < sh; i++)
			f *= e2 > 0 ? 2 : 5;
		if (e2 < 0)
			k += sh;
		e2 += e2 > 0 ? -sh : sh;
		for (i = 0; i < n; i++) {
			c += (uint64_t)w[i] * f;
			w[i] = (uint32_t)c;
			c >>= 32;
		}
		if (c)
			w[n++] = (uint32_t)c;
	}
	while (n && !w[n - 1])
		n--;
	while (n) {		/* nine digits at a time, the lowest first */
		uint64_t r = 0;

		for (i = n - 1; i >= 0; i--) {
			r = r << 32 | w[i];
			w[i] = (uint32_t)(r / 1000000000);
			r %= 1000000000;
		}
		while (n && !w[n - 1])
			n--;
		for (i = 0; i < 9; i++, r /= 10)
			*--p = (char)('0' + r % 10);
	}
	while (*p == '0')
		p++;
	nd = (int)(all + sizeof(all) - p);
	if (nd > prec) {
		up = p[prec] > '5';
		for (i = prec + 1; !up && p[prec] == '5' && i < nd; i++)
			up = p[i] != '0';
		if (!up && p[prec] == '5')
			up = (p[prec - 1] - '0') & 1;
		nd = prec;
		if (up) {
			for (i = prec - 1; i >= 0 && p[i] == '9'; i--)
				p[i] = '0';
			if (i < 0)
				p[0] = '1', k--;
			else
				p[i]++;
		}
	}
	memset(dig, '0', (size_t)prec);
	memcpy(dig, p, (size_t)nd);
	return (int)(all + sizeof(all) - p) - 1 - k;
}

/* %g with prec significant digits, as printf prints a double. */
static int fmt_g(char *out, double v, int prec)
{
	char dig[40], *o = out;
	int e = 0, nd, i, point;

	if (v != v)
		return memcpy(out, "nan", 3), 3;
	if (v < 0 || (v == 0 && 1 / v < 0))
		*o++ = '-', v = -v;
	if (v > 1.7976931348623157e308)
		return memcpy(o, "inf", 3), (int)(o - out) + 3;
	if (prec < 1)
		prec = 1;
	if (prec > (int)sizeof(dig))
		prec = (int)sizeof(dig);
	if (v != 0)
		e = exact_digits(v, dig, prec);
	else
		memset(dig, '0', (size_t)prec);
	for (nd = prec; nd > 1 && dig[nd - 1] == '0'; nd--)
		;
	if (e < -4 || e >= prec) {
		*o++ = dig[0];
		if (nd > 1) {
			*o++ = '.';
			memcpy(o, dig + 1, (size_t)nd - 1);
			o += nd - 1;
		}
		*o++ = 'e';
		*o++ = e < 0 ? '-' : '+';
		if (e < 0)
			e = -e;
		if (e >= 100)
			*o++ = (char)('0' + e / 100);
		*o++ = (char)('0' + e / 10 % 10);
		*o++ = (char)('0' + e % 10);
		return (int)(o - out);
	}
	point = e + 1;
	if (point <= 0) {
		*o++ = '0';
		*o++ = '.';
		for (i = point; i < 0; i++)
			*o++ = '0';
		point = 0;
	}
	for (i = 0; i < nd || i < point; i++) {
		if (i == point && i)
			*o++ = '.';
		*o++ = i < nd ? dig[i] : '0';
	}
	return (int)(o - out);
}
#endif /* MB_BTF_DUMP */

static int format(struct sink *s, const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		char tmp[72], *p = tmp + sizeof(tmp), *str = NULL;
		int left = 0, zero = 0, plus = 0, space = 0, alt = 0, width = 0, prec = -1;
		int lng = 0, base = 10, neg = 0, upper = 0;
		unsigned long long u = 0;
		size_t n;
		const char *pre = "";

		if (*fmt != '%') {
			const char *q = strchr(fmt, '%');

			n = q ? (size_t)(q - fmt) : strlen(fmt);
			emit(s, fmt, n);
			fmt += n - 1;
			continue;
		}
		for (;; fmt++) {
			char c = fmt[1];

			if (c == '-')
				left = 1;
			else if (c == '0')
				zero = 1;
			else if (c == '+')
				plus = 1;
			else if (c == ' ')
				space = 1;
			else if (c == '#')
				alt = 1;
			else
				break;
		}
		fmt++;
		if (*fmt == '*') {
			width = va_arg(ap, int);
			if (width < 0)
				left = 1, width = -width;
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + *fmt++ - '0';
		if (*fmt == '.') {
			prec = 0;
			if (*++fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			}
			while (*fmt >= '0' && *fmt <= '9')
				prec = prec * 10 + *fmt++ - '0';
		}
		for (;; fmt++) {
			if (*fmt == 'l')
				lng++;
			else if (*fmt == 'z' || *fmt == 't' || *fmt == 'j')
				lng = *fmt == 'j' ? 2 : sizeof(size_t) == sizeof(long);
			else if (*fmt != 'h')
				break;
		}
		switch (*fmt) {
		case 0:
			return (int)s->n;
		case '%':
			emit(s, "%", 1);
			continue;
		case 'c':
			*--p = (char)va_arg(ap, int);
			prec = -1;
			str = p;
			n = 1;
			zero = 0;
			goto out;
		case 's':
			str = va_arg(ap, char *);
			if (!str)
				str = "(null)";
			n = prec < 0 ? strlen(str) : strnlen(str, (size_t)prec);
			prec = -1;
			zero = 0;
			goto out;
#if MB_BTF_DUMP
		case 'g':
			str = tmp;
			n = (size_t)fmt_g(tmp, va_arg(ap, double), prec < 0 ? 6 : prec);
			prec = -1;
			goto out;
#endif
		case 'p':
			u = (uintptr_t)va_arg(ap, void *);
			if (!u) {
				str = "(nil)";
				n = 5;
				goto out;
			}
			base = 16;
			pre = "0x";
			goto digits;
		case 'd': case 'i': {
			long long v = lng >= 2 ? va_arg(ap, long long) :
				      lng ? va_arg(ap, long) : va_arg(ap, int);

			if (v < 0)
				neg = 1, u = 0 - (unsigned long long)v;
			else
				u = (unsigned long long)v;
			pre = neg ? "-" : plus ? "+" : space ? " " : "";
			goto digits;
		}
		case 'X':
			upper = 1;
			/* fall through */
		case 'x':
			base = 16;
			goto unsig;
		case 'o':
			base = 8;
			/* fall through */
		case 'u':
unsig:
			u = lng >= 2 ? va_arg(ap, unsigned long long) :
			    lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
			if (alt && u && base == 16)
				pre = upper ? "0X" : "0x";
			if (alt && base == 8 && u)
				pre = "0";
digits:
			do {
				unsigned d = (unsigned)(u % (unsigned)base);

				*--p = (char)(d < 10 ? '0' + d : (upper ? 'A' : 'a') + d - 10);
				u /= (unsigned)base;
			} while (u);
			str = p;
			n = (size_t)(tmp + sizeof(tmp) - p);
			if (!prec && str[0] == '0' && n == 1 && !(alt && base == 8))
				n = 0;          /* "%.0d" of 0 prints no digit */
			break;
		default:
			emit(s, "%", 1);
			emit(s, fmt, 1);
			continue;
		}
out:
		{
			size_t lp = strlen(pre);
			int zeros = prec > (int)n ? prec - (int)n : 0;
			int fill = width - (int)(lp + n) - zeros;

			if (prec >= 0)
				zero = 0;
			if (!left && !zero)
				pad(s, ' ', fill);
			emit(s, pre, lp);
			if (!left && zero)
				pad(s, '0', fill);
			pad(s, '0', zeros);
			emit(s, str, n);
			if (left)
				pad(s, ' ', fill);
		}
	}
	return (int)s->n;
}

/* One fwrite per call when the text fits the line: on an unbuffered
 * stderr one write(2), as glibc does it. */
int vfprintf(FILE *f, const char *fmt, va_list ap)
{
	char line[512];
	struct sink s = { f, line, sizeof(line), 0, 0 };
	int r = format(&s, fmt, ap);

	if (s.len && fwrite(line, 1, s.len, f) != s.len)
		return -1;
	return r;
}

int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
	struct sink s = { NULL, buf, n ? n - 1 : 0, 0, 0 };
	int r = format(&s, fmt, ap);

	if (n)
		buf[s.len] = 0;
	return r;
}

int vprintf(const char *fmt, va_list ap) { return vfprintf(stdout, fmt, ap); }

#define VA(call) { va_list ap; int r; va_start(ap, fmt); r = call; va_end(ap); return r; }
int printf(const char *fmt, ...) VA(vfprintf(stdout, fmt, ap))
int fprintf(FILE *f, const char *fmt, ...) VA(vfprintf(f, fmt, ap))
int snprintf(char *buf, size_t n, const char *fmt, ...) VA(vsnprintf(buf, n, fmt, ap))

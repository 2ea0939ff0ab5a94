/* A minimal streaming JSON writer for -j / -p output. */
#include <inttypes.h>
#include <stdio.h>

#include "cli/cli.h"

#if MB_JSON      /* the whole file: without it, cli.h has no-op writers */

static int depth;
static unsigned long long first = 1;   /* bit d: nothing written yet at depth d */
static int after_key;

static void indent(void)
{
	putchar('\n');
	for (int i = 0; i < depth; i++)
		fputs("    ", stdout);
}

/* Separator before a value or key at the current depth. */
static void sep(void)
{
	if (after_key) {
		after_key = 0;
		return;
	}
	if (depth && !(first & (1ULL << depth)))
		putchar(',');
	first &= ~(1ULL << depth);
	if (opt.pretty && depth)
		indent();
}

static void jopen(char c)
{
	sep();
	putchar(c);
	if (depth < 63)
		depth++;
	first |= 1ULL << depth;
}

static void jclose(char c)
{
	int empty = !!(first & (1ULL << depth));

	if (depth)
		depth--;
	if (opt.pretty && !empty)
		indent();
	putchar(c);
}

void jw_obj(void) { jopen('{'); }
void jw_end_obj(void) { jclose('}'); }
void jw_arr(void) { jopen('['); }
void jw_end_arr(void) { jclose(']'); }

static void str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c == '\n')
			fputs("\\n", stdout);
		else if (c == '\t')
			fputs("\\t", stdout);
		else if (c < 0x20 || c == 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

void jw_key(const char *k)
{
	sep();
	str(k);
	fputs(opt.pretty ? ": " : ":", stdout);
	after_key = 1;
}

void jw_str(const char *s) { sep(); str(s ? s : ""); }
void jw_u64(uint64_t v) { sep(); printf("%" PRIu64, v); }
void jw_i64(int64_t v) { sep(); printf("%" PRId64, v); }
void jw_bool(int v) { sep(); fputs(v ? "true" : "false", stdout); }
void jw_null(void) { sep(); fputs("null", stdout); }
void jw_ks(const char *k, const char *s) { jw_key(k); jw_str(s); }
void jw_ku(const char *k, uint64_t v) { jw_key(k); jw_u64(v); }
void jw_ki(const char *k, int64_t v) { jw_key(k); jw_i64(v); }
void jw_kb(const char *k, int v) { jw_key(k); jw_bool(v); }

void jw_hexbytes(const void *p, uint32_t n)
{
	const unsigned char *b = p;
	char tmp[8];

	jw_arr();
	for (uint32_t i = 0; i < n; i++) {
		snprintf(tmp, sizeof(tmp), "0x%02x", b[i]);
		jw_str(tmp);
	}
	jw_end_arr();
}

int jw_depth(void)
{
	return depth;
}

void jw_done(void)
{
	putchar('\n');
	depth = 0;
	first = 1;
	after_key = 0;
}

/* Before a value the caller prints itself (already valid JSON). */
void jw_raw(void)
{
	sep();
	fflush(stdout);
}

#endif /* MB_JSON */

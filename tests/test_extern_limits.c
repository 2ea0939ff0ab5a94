// .kconfig externs in bulk: an object with many weak externs and references
// loads (the layout is computed once per load, not per reference), and one
// with more externs than minibpf takes is refused with a clear error.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "minibpf.h"

/* Write and compile an object with n weak .kconfig externs, all read by
 * one program. Returns 0 and the object path, or -1. */
static int build(const char *dir, int n, char *obj, size_t len)
{
	char src[256], cmd[1024];
	FILE *f;
	int i;

	snprintf(src, sizeof(src), "%s/kcfg%d.bpf.c", dir, n);
	snprintf(obj, len, "%s/kcfg%d.bpf.o", dir, n);
	f = fopen(src, "w");
	if (!f)
		return -1;
	fputs("#include <linux/bpf.h>\n#include <bpf/bpf_helpers.h>\n", f);
	for (i = 0; i < n; i++)
		fprintf(f, "extern int CONFIG_MB_NOT_THERE_%d __kconfig __weak;\n", i);
	fputs("SEC(\"socket\") int sum(void *ctx)\n{\n\tvolatile int s = 0;\n", f);
	for (i = 0; i < n; i++)
		fprintf(f, "\ts += CONFIG_MB_NOT_THERE_%d;\n", i);
	fputs("\treturn s;\n}\nchar LICENSE[] SEC(\"license\") = \"GPL\";\n", f);
	fclose(f);
	snprintf(cmd, sizeof(cmd),
		 "clang -target bpf -O2 -g -I/usr/include/$(gcc -print-multiarch) -c %s -o %s 2>/dev/null",
		 src, obj);
	return system(cmd) ? -1 : 0;
}

FIXTURE(kcfg) {
	char dir[64];
};

FIXTURE_SETUP(kcfg)
{
	snprintf(self->dir, sizeof(self->dir), "/tmp/mb_kcfg_XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	if (system("command -v clang >/dev/null 2>&1"))
		SKIP(return, "clang not installed");
}

FIXTURE_TEARDOWN(kcfg)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->dir);
	if (system(cmd))
		TH_LOG("could not remove %s", self->dir);
}

TEST_F(kcfg, many_weak_externs_load_as_zero)
{
	char obj[256];
	struct mb_object *o;

	ASSERT_EQ(0, build(self->dir, 1000, obj, sizeof(obj)));
	o = mb_object_open(obj, NULL);
	ASSERT_NE(NULL, o) TH_LOG("%s", mb_last_error());
	ASSERT_EQ(0, mb_object_load(o)) TH_LOG("%s", mb_last_error());
	EXPECT_GE(mb_prog_fd(mb_object_prog(o, 0)), 3);
	mb_object_close(o);
}

TEST_F(kcfg, too_many_externs_refused)
{
	char obj[256];
	struct mb_object *o;

	ASSERT_EQ(0, build(self->dir, 4100, obj, sizeof(obj)));
	o = mb_object_open(obj, NULL);
	ASSERT_NE(NULL, o) TH_LOG("%s", mb_last_error());
	EXPECT_EQ(-E2BIG, mb_object_load(o));
	EXPECT_NE(NULL, strstr(mb_last_error(), ".kconfig")) TH_LOG("%s", mb_last_error());
	mb_object_close(o);
}

TEST_HARNESS_MAIN

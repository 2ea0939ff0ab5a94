// make install: into a DESTDIR in the build directory, then a program built
// only with `pkg-config --cflags --libs minibpf` (the way applications find
// libbpf) opens an object through the installed library and header.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"

#define DEST MB_BUILD_DIR "/install-test"
/* make SAN=1 installs a sanitized library: its users link the runtimes too */
#ifdef __SANITIZE_ADDRESS__
#define APP_SAN " -fsanitize=address,undefined"
#else
#define APP_SAN ""
#endif
#define PC "PKG_CONFIG_PATH=" DEST "/opt/mb/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=" DEST

TEST(pkg_config_builds_a_program)
{
	char line[512] = "";
	FILE *f;

	if (system("pkg-config --version >/dev/null 2>&1"))
		SKIP(return, "no pkg-config (scripts/setup.sh installs pkgconf)");
	ASSERT_EQ(0, system("rm -rf " DEST));
	/* not the parent make's jobserver: this make installs what is built
	 * (SAN= : under make SAN=1 B is already build-san, not to be suffixed
	 * again) */
	ASSERT_EQ(0, system("env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C " MB_SRC_DIR
			    " SAN= B=" MB_BUILD_DIR " DESTDIR=" DEST " PREFIX=/opt/mb install >/dev/null"));
	ASSERT_EQ(0, access(DEST "/opt/mb/lib/pkgconfig/minibpf.pc", R_OK));
	f = popen(PC " pkg-config --cflags --libs minibpf", "r");
	ASSERT_TRUE(f != NULL);
	ASSERT_TRUE(fgets(line, sizeof(line), f) != NULL);
	pclose(f);
	EXPECT_TRUE(strstr(line, "-I" DEST "/opt/mb/include") != NULL) TH_LOG("%s", line);
	EXPECT_TRUE(strstr(line, "-lminibpf") != NULL) TH_LOG("%s", line);
	f = fopen(DEST "/app.c", "w");
	ASSERT_TRUE(f != NULL);
	fputs("#include <minibpf.h>\n"
	      "int main(int argc, char **argv)\n"
	      "{\n"
	      "\tstruct mb_object *o = mb_object_open(argv[1], NULL);\n"
	      "\tif (!o) { fprintf(stderr, \"%s\\n\", mb_last_error()); return 1; }\n"
	      "\tprintf(\"%d %s\\n\", mb_object_prog_count(o), mb_prog_name(mb_object_prog(o, 0)));\n"
	      "\tmb_object_close(o);\n"
	      "\treturn argc < 2;\n"
	      "}\n", f);
	ASSERT_EQ(0, fclose(f));
	ASSERT_EQ(0, system("cc" APP_SAN " -o " DEST "/app " DEST "/app.c $(" PC " pkg-config --cflags --libs minibpf)"));
	f = popen(DEST "/app " MB_BUILD_DIR "/progs/hello.bpf.o", "r");
	ASSERT_TRUE(f != NULL);
	ASSERT_TRUE(fgets(line, sizeof(line), f) != NULL);
	EXPECT_EQ(0, pclose(f));
	EXPECT_STREQ("1 bpf_prog\n", line);
	system("rm -rf " DEST);
}

TEST_HARNESS_MAIN

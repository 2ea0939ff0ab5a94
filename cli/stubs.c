/* Commands not written yet. */
#include "cli/cli.h"

int do_obj(int argc, char **argv) { (void)argc; (void)argv; return cli_err("not yet"); }

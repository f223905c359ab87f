#include "cli.h"
#include "capture_cli.h"
int cmd_watch(int argc, char **argv) { (void)argc; (void)argv; return 2; }

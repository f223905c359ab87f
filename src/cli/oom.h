/* The CLI's out-of-memory handler (hsnap/oom.h): installed first thing in
 * main(), before any library call. */
#ifndef HSNAP_CLI_OOM_H
#define HSNAP_CLI_OOM_H

/* Out of memory in any thread: exactly one line "hsnap: WHAT" on stderr
 * (after "\r\033[K" when stderr is a terminal, to clear a progress line),
 * then _exit(4). */
void cli_oom(const char *what);
void cli_oom_install(void);

#endif

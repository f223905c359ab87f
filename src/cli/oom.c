#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>
#include "hsnap/oom.h"
#include "oom.h"

/* Exactly one line from whichever thread gets here first, written with one
 * write(2) (stdio could interleave with another thread's message, and a
 * second thread that also runs out must not add its own line), then
 * _exit(4) at once (exit() would run the other threads' and sanitizers'
 * exit work while those threads go on). */
void cli_oom(const char *what)
{
	static atomic_int once;
	char msg[200];
	int n;

	if (atomic_exchange(&once, 1))
		for (;;)
			pause(); /* the first thread is exiting the process */
	n = snprintf(msg, sizeof(msg), "%shsnap: %s\n", isatty(2) ? "\r\033[K" : "", what);
	if (n > 0 && write(2, msg, (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1) < 0)
		_exit(4);
	_exit(4);
}

void cli_oom_install(void)
{
	hs_set_oom_handler(cli_oom);
}

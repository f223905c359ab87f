#define _DEFAULT_SOURCE 1
#include <stdatomic.h>
#include <stdio.h>
#include <stdint.h>
#include <unistd.h>
#include <sys/mman.h>
#include <stdlib.h>
#include "alloc.h"

/* Out of memory (or an impossible size): exactly one line from whichever
 * thread gets here first, written with one write(2) (stdio could interleave
 * with another thread's message, and a second thread that also runs out
 * must not add its own line), then _exit(4) at once (exit() would run the
 * other threads' and sanitizers' exit work while those threads go on). */
static void die4(const char *line)
{
	static atomic_int once;
	char msg[200];
	int n;

	if (atomic_exchange(&once, 1))
		for (;;)
			pause(); /* the first thread is exiting the process */
	n = snprintf(msg, sizeof(msg), "%shsnap: %s\n", isatty(2) ? "\r\033[K" : "", line);
	if (n > 0 && write(2, msg, (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1) < 0)
		_exit(4);
	_exit(4);
}

static void oom(size_t size)
{
	char m[80];
	snprintf(m, sizeof(m), "out of memory allocating %zu bytes", size);
	die4(m);
}

/* Prefaults a large array that is about to be written all over (the
 * dominator phase's work arrays, the retainer and dominated-node CSRs): one
 * call maps its pages instead of one fault per page.  Only for arrays whose
 * every page is touched anyway, so RSS is the same. */
void hs_populate(void *p, size_t size)
{
#ifdef MADV_POPULATE_WRITE
	if (p && size >= ((size_t)8 << 20)) {
		uintptr_t a = ((uintptr_t)p + 4095) & ~(uintptr_t)4095, e = ((uintptr_t)p + size) & ~(uintptr_t)4095;
		if (e > a)
			madvise((void *)a, e - a, MADV_POPULATE_WRITE);
	}
#else
	(void)p;
	(void)size;
#endif
}

size_t hs_xmul(size_t nmemb, size_t size)
{
	if (size && nmemb > SIZE_MAX / size) {
		char m[80];
		snprintf(m, sizeof(m), "allocation size overflow (%zu x %zu)", nmemb, size);
		die4(m);
	}
	return nmemb * size;
}

void *hs_xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (!p)
		oom(size);
	return p;
}

void *hs_xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		oom(hs_xmul(nmemb, size));
	return p;
}

void *hs_xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);
	if (!p)
		oom(size);
	return p;
}

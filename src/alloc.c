#define _DEFAULT_SOURCE 1
#include <stdatomic.h>
#include <stdio.h>
#include <stdint.h>
#include <sys/mman.h>
#include <stdlib.h>
#include <string.h>
#include "hsnap/oom.h"
#include "alloc.h"

static _Atomic(hs_oom_handler) oom_handler;

hs_oom_handler hs_set_oom_handler(hs_oom_handler fn)
{
	return atomic_exchange(&oom_handler, fn);
}

/* Out of memory (or an impossible size): the program's handler reports and
 * ends the process (hsnap/oom.h); without one, or if it returns, abort(). */
_Noreturn static void no_memory(const char *line)
{
	hs_oom_handler fn = atomic_load(&oom_handler);

	if (fn)
		fn(line);
	abort();
}

_Noreturn static void oom(size_t size)
{
	char m[80];
	snprintf(m, sizeof(m), "out of memory allocating %zu bytes", size);
	no_memory(m);
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
		no_memory(m);
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

void hs_free_zero(void *obj, size_t size, void *const *ptrs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(ptrs[i]);
	memset(obj, 0, size);
}

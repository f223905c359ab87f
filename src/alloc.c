#define _DEFAULT_SOURCE 1
#include <malloc.h>
#include <pthread.h>
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

/* ---- recycling of large blocks (alloc.h) --------------------------------- */

#define KEEP_MIN ((size_t)16 << 20)
#define KEEP_SLOTS 64

static pthread_mutex_t keep_lock = PTHREAD_MUTEX_INITIALIZER;
static struct kept {
	void *p;
	size_t size; /* malloc_usable_size */
} kept[KEEP_SLOTS];
static int nkept;
static atomic_int keeping, any_kept;

void hs_recycle_begin(void)
{
	atomic_store(&keeping, 1);
}

void hs_recycle_end(void)
{
	int i;

	pthread_mutex_lock(&keep_lock);
	atomic_store(&keeping, 0);
	for (i = 0; i < nkept; i++)
		free(kept[i].p);
	nkept = 0;
	atomic_store(&any_kept, 0);
	pthread_mutex_unlock(&keep_lock);
}

void hs_free(void *p)
{
	size_t size;

	if (p && atomic_load(&keeping) && (size = malloc_usable_size(p)) >= KEEP_MIN) {
		pthread_mutex_lock(&keep_lock);
		if (atomic_load(&keeping) && nkept < KEEP_SLOTS) {
			kept[nkept].p = p;
			kept[nkept++].size = size;
			atomic_store(&any_kept, 1);
			p = NULL;
		}
		pthread_mutex_unlock(&keep_lock);
	}
	free(p);
}

static void drop(int i)
{
	free(kept[i].p);
	kept[i] = kept[--nkept];
}

/* A kept block for size bytes, or NULL (then kept blocks of at least that
 * many bytes in all have been freed, the largest first). */
static void *take(size_t size)
{
	size_t freed = 0, got = 0;
	void *p = NULL;
	int i, best = -1;

	if (size < KEEP_MIN || !atomic_load(&any_kept))
		return NULL;
	pthread_mutex_lock(&keep_lock);
	for (i = 0; i < nkept; i++)
		if (kept[i].size >= size && kept[i].size - size <= size / 8 &&
		    (best < 0 || kept[i].size < kept[best].size))
			best = i;
	if (best >= 0) {
		p = kept[best].p;
		got = kept[best].size;
		kept[best] = kept[--nkept];
	} else {
		while (freed < size && nkept) {
			int big = 0;
			for (i = 1; i < nkept; i++)
				if (kept[i].size > kept[big].size)
					big = i;
			freed += kept[big].size;
			drop(big);
		}
	}
	if (!nkept)
		atomic_store(&any_kept, 0);
	pthread_mutex_unlock(&keep_lock);
	if (p) {
		/* the pages past what is asked for (up to 1/8 of it) go back:
		 * they would otherwise stay resident, unused */
		uintptr_t a = ((uintptr_t)p + size + 4095) & ~(uintptr_t)4095;
		uintptr_t e = ((uintptr_t)p + got) & ~(uintptr_t)4095;
		if (e > a)
			madvise((void *)a, e - a, MADV_DONTNEED);
	}
	return p;
}

void *hs_xmalloc(size_t size)
{
	void *p = take(size);

	if (!p)
		p = malloc(size ? size : 1);
	if (!p)
		oom(size);
	return p;
}

void *hs_xcalloc(size_t nmemb, size_t size)
{
	size_t bytes = nmemb && size && nmemb <= SIZE_MAX / size ? nmemb * size : 0;
	void *p = take(bytes);

	if (p)
		return memset(p, 0, bytes);
	p = calloc(nmemb ? nmemb : 1, size ? size : 1);
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
		hs_free(ptrs[i]);
	memset(obj, 0, size);
}

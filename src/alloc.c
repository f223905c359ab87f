#include <stdio.h>
#include <stdlib.h>
#include "vec.h"

static void oom(size_t size)
{
	fprintf(stderr, "hsnap: out of memory allocating %zu bytes\n", size);
	exit(4);
}

size_t hs_xmul(size_t nmemb, size_t size)
{
	if (size && nmemb > SIZE_MAX / size) {
		fprintf(stderr, "hsnap: allocation size overflow (%zu x %zu)\n", nmemb, size);
		exit(4);
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

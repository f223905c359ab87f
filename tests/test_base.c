/* The small shared pieces: interning into and searching a string table
 * (src/strtab.c), the shared comparators (src/sort.c, src/sort.h) and the default thread count
 * (src/platform.c).  Expected values are worked out by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "hsnap/strtab.h"
#include "alloc.h"
#include "json.h"
#include "platform.h"
#include "sort.h"

static void test_intern(void **state)
{
	struct hs_strtab t;
	struct hs_strset set = { NULL }, other = { NULL };
	(void)state;
	hs_strtab_init(&t);
	assert_int_equal(hs_strtab_intern(&t, &set, "Object", 6), 0);
	assert_int_equal(hs_strtab_intern(&t, &set, "Array", 5), 1);
	assert_int_equal(hs_strtab_intern(&t, &set, "Object", 6), 0);
	/* the length decides, not a NUL: "Obj" is another string */
	assert_int_equal(hs_strtab_intern(&t, &set, "Object", 3), 2);
	assert_int_equal(hs_strtab_intern(&t, &set, "", 0), 3);
	assert_int_equal(hs_strtab_intern(&t, &set, "", 0), 3);
	assert_int_equal(t.count, 4);
	assert_string_equal(hs_str(&t, 0), "Object");
	assert_string_equal(hs_str(&t, 2), "Obj");
	assert_int_equal(hs_strlen(&t, 3), 0);
	/* a plain add is not seen by the set; another set starts empty */
	assert_int_equal(hs_strtab_add(&t, "Map", 3), 4);
	assert_int_equal(hs_strtab_intern(&t, &set, "Map", 3), 5);
	assert_int_equal(hs_strtab_intern(&t, &other, "Object", 6), 6);
	hs_strset_release(&set);
	assert_null(set.map);
	assert_int_equal(hs_strtab_intern(&t, &set, "Array", 5), 7);
	hs_strset_release(&set);
	hs_strset_release(&other);
	hs_strtab_release(&t);
}

static void test_comparators(void **state)
{
	uint32_t a[] = { 7, 0, 0xffffffffu, 3, 3 };
	uint64_t b[] = { UINT64_MAX, 1, (uint64_t)1 << 40, 0 };
	const char *s[] = { "b", "", "ab", "a" };
	(void)state;
	hs_sort(a, 5, sizeof(*a), hs_cmp_u32);
	assert_int_equal(a[0], 0);
	assert_int_equal(a[1], 3);
	assert_int_equal(a[2], 3);
	assert_int_equal(a[3], 7);
	assert_int_equal(a[4], 0xffffffffu);
	hs_sort(b, 4, sizeof(*b), hs_cmp_u64);
	assert_true(b[0] == 0 && b[1] == 1 && b[2] == (uint64_t)1 << 40 && b[3] == UINT64_MAX);
	hs_sort(s, 4, sizeof(*s), hs_cmp_str);
	assert_string_equal(s[0], "");
	assert_string_equal(s[1], "a");
	assert_string_equal(s[2], "ab");
	assert_string_equal(s[3], "b");
	hs_sort(NULL, 0, sizeof(*a), hs_cmp_u32); /* empty: no qsort(NULL, ...) */
}

/* (key, hi) order of comparison sides' objects: the key decides, then the
 * high half of the id (Julia's ids beyond 32 bits). */
static void test_wide_keys(void **state)
{
	struct hs_wide_key k[] = { { 5, 0 }, { 2, 9 }, { 5, 1 }, { 2, 3 }, { UINT64_MAX, 0 }, { 0, 0xffffffffu } };
	(void)state;
	hs_sort(k, 6, sizeof(*k), hs_cmp_wide_key);
	assert_true(k[0].key == 0 && k[0].hi == 0xffffffffu);
	assert_true(k[1].key == 2 && k[1].hi == 3);
	assert_true(k[2].key == 2 && k[2].hi == 9);
	assert_true(k[3].key == 5 && k[3].hi == 0);
	assert_true(k[4].key == 5 && k[4].hi == 1);
	assert_true(k[5].key == UINT64_MAX);
	assert_int_equal(hs_cmp_wide_key(&k[3], &k[3]), 0);
}

/* hs_radix_sort_u64 against qsort (hs_cmp_u64) as the oracle: 200,000 keys
 * (above the qsort cut-off of 65,536), full 64-bit ones, then keys whose low
 * 32 bits are already in order (node << 32 | record, as the locations are
 * sorted), where only the high digits are sorted; and a short array. */
static void test_radix_sort(void **state)
{
	enum { N = 200000 };
	uint64_t *v = malloc(N * sizeof(*v)), *w = malloc(N * sizeof(*w)), x = 88172645463325252ull;
	size_t i;
	int pass;
	(void)state;
	for (pass = 0; pass < 3; pass++) {
		size_t n = pass == 2 ? 1000 : N;
		for (i = 0; i < n; i++) {
			x ^= x << 13; /* xorshift64 */
			x ^= x >> 7;
			x ^= x << 17;
			v[i] = pass == 1 ? (x % 7000u) << 32 | i : x;
			w[i] = v[i];
		}
		hs_radix_sort_u64(v, n, pass == 1 ? 32 : 0);
		hs_sort(w, n, sizeof(*w), hs_cmp_u64);
		assert_memory_equal(v, w, n * sizeof(*v));
	}
	free(v);
	free(w);
}

/* parseInt(text, 10) as contexts and filters read names: values by hand,
 * 2^53 = 9007199254740992 the last value within range. */
static void test_parse_int(void **state)
{
	int64_t v;
	(void)state;
	assert_int_equal(hs_js_parse_int("", &v), 0);
	assert_int_equal(hs_js_parse_int("abc", &v), 0);
	assert_int_equal(hs_js_parse_int(" -", &v), 0);
	assert_int_equal(hs_js_parse_int("12", &v), 1);
	assert_true(v == 12);
	assert_int_equal(hs_js_parse_int(" \t+007x9", &v), 1);
	assert_true(v == 7);
	assert_int_equal(hs_js_parse_int("-42", &v), 1);
	assert_true(v == -42);
	assert_int_equal(hs_js_parse_int("9007199254740992", &v), 1);
	assert_true(v == (int64_t)1 << 53);
	assert_int_equal(hs_js_parse_int("9007199254740993", &v), 2);
	assert_true(v == ((int64_t)1 << 53) + 1);
	/* accumulation stops at 2^53: the 17th digit is not added */
	assert_int_equal(hs_js_parse_int("90071992547409921", &v), 2);
	assert_true(v == (int64_t)1 << 53);
	assert_int_equal(hs_js_parse_int("-99999999999999999999", &v), 2);
	assert_true(v == -9999999999999999);
}

/* strings.indexOf: the first equal string, whole strings only. */
static void test_find(void **state)
{
	struct hs_strtab t;
	(void)state;
	hs_strtab_init(&t);
	assert_int_equal(hs_strtab_find(&t, "map"), UINT32_MAX); /* empty table */
	hs_strtab_add(&t, "mapping", 7);
	hs_strtab_add(&t, "", 0);
	hs_strtab_add(&t, "map", 3);
	hs_strtab_add(&t, "map", 3);
	assert_int_equal(hs_strtab_find(&t, "map"), 2);
	assert_int_equal(hs_strtab_find(&t, ""), 1);
	assert_int_equal(hs_strtab_find(&t, "mapping"), 0);
	assert_int_equal(hs_strtab_find(&t, "ma"), UINT32_MAX);
	hs_strtab_release(&t);
}

static void test_jobs(void **state)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int all = cores > 0 ? (int)cores : 1;
	(void)state;
	assert_int_equal(hs_jobs(3, 64), 3);        /* --jobs N as given */
	assert_int_equal(hs_jobs(100, 64), 64);     /* a module's limit */
	assert_int_equal(hs_jobs(0, 1 << 20), all); /* 0: all cores */
	assert_int_equal(hs_jobs(-1, 1 << 20), all);
	assert_int_equal(hs_jobs(0, 1), 1);
	assert_int_equal(hs_jobs(5, 0), 1);         /* a limit below 1 is 1 */
}

/* Large blocks kept between snapshots (src/alloc.c): while recycling, a
 * block of 16 MiB or more given to hs_free is taken by the next request it
 * fits (at most 1/8 larger) with its contents, or zeroed for hs_xcalloc; a
 * request it does not fit frees it first and gets fresh memory; smaller
 * requests never take it; hs_recycle_end frees what is kept.  Fresh blocks
 * of this size are new mappings, zero (checked deep inside: ASan fills the
 * first 4 KiB). */
static void test_recycle(void **state)
{
	const size_t mib = (size_t)1 << 20;
	unsigned char *a, *b, *c, *d;
	(void)state;
	hs_recycle_begin();
	a = hs_xmalloc(20 * mib);
	memset(a, 0xab, 20 * mib);
	hs_free(a);
	b = hs_xmalloc(19 * mib); /* 1 MiB larger: fits */
	assert_ptr_equal(b, a);
	assert_int_equal(b[15 * mib], 0xab);
	hs_free(b);
	c = hs_xcalloc(19 * mib, 1);
	assert_ptr_equal(c, a);
	assert_int_equal(c[0], 0);
	assert_int_equal(c[15 * mib], 0);
	assert_int_equal(c[19 * mib - 1], 0);
	memset(c, 0xcd, 19 * mib);
	hs_free(c);
	d = hs_xmalloc(8 * mib); /* under 16 MiB: never a kept block */
	assert_ptr_not_equal(d, a);
	free(d);
	d = hs_xmalloc(16 * mib); /* 20 MiB is more than 1/8 too big: freed, fresh */
	assert_int_equal(d[10 * mib], 0);
	b = hs_xmalloc(19 * mib); /* nothing kept now */
	assert_int_equal(b[10 * mib], 0);
	memset(b, 0xef, 19 * mib);
	hs_free(b);
	hs_free(d);
	hs_recycle_end();
	a = hs_xmalloc(19 * mib); /* not the kept one: it was freed */
	assert_int_equal(a[10 * mib], 0);
	hs_free(a); /* outside recycling: freed */
	a = hs_xmalloc(19 * mib);
	assert_int_equal(a[10 * mib], 0);
	hs_free(a);
}

static void test_now(void **state)
{
	double a = hs_now(), b;
	int64_t m = hs_now_ms(), n;
	struct timespec ts = { 0, 20000000 };
	(void)state;
	nanosleep(&ts, NULL); /* at least 20 ms */
	b = hs_now();
	n = hs_now_ms();
	assert_true(b >= a + 0.019);
	assert_true(n >= m + 19);
	/* the same clock in two units */
	assert_true(n >= (int64_t)(b * 1000) - 1000 && n <= (int64_t)(b * 1000) + 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intern),
		cmocka_unit_test(test_comparators),
		cmocka_unit_test(test_wide_keys),
		cmocka_unit_test(test_radix_sort),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_parse_int),
		cmocka_unit_test(test_jobs),
		cmocka_unit_test(test_now),
		cmocka_unit_test(test_recycle),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* The small shared pieces: interning into a string table (src/strtab.c),
 * the shared comparators (src/sort.c) and the default thread count
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
		cmocka_unit_test(test_jobs),
		cmocka_unit_test(test_now),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* hs_top_k (hsnap/topk.h): the k largest keys, largest first, ties by
 * lower index, with and without a filter; checked against hand-written
 * answers and a brute-force selection (sort all, take k). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "hsnap/topk.h"
#include "testutil.h"

static int even_only(const void *ctx, uint32_t i)
{
	(void)ctx;
	return i % 2 == 0;
}

static void by_hand(void **state)
{
	/*                    0  1  2  3  4  5  6 */
	const uint64_t key[] = { 5, 9, 5, 1, 9, 0, 7 };
	uint32_t out[7], m;
	(void)state;

	/* 9 (1), 9 (4), 7 (6), 5 (0), 5 (2) */
	m = hs_top_k(key, 7, NULL, NULL, 5, out);
	assert_int_equal(m, 5);
	assert_int_equal(out[0], 1);
	assert_int_equal(out[1], 4);
	assert_int_equal(out[2], 6);
	assert_int_equal(out[3], 0);
	assert_int_equal(out[4], 2);
	/* even indexes only: 9 (4), 7 (6), 5 (0) */
	m = hs_top_k(key, 7, even_only, NULL, 3, out);
	assert_int_equal(m, 3);
	assert_int_equal(out[0], 4);
	assert_int_equal(out[1], 6);
	assert_int_equal(out[2], 0);
	/* k beyond n: all of them; k = 0: none */
	assert_int_equal(hs_top_k(key, 7, NULL, NULL, 100, out), 7);
	assert_int_equal(out[6], 5);
	assert_int_equal(hs_top_k(key, 7, NULL, NULL, 0, out), 0);
	assert_int_equal(hs_top_k(key, 0, NULL, NULL, 3, out), 0);
}

static const uint64_t *g_key;
static int brute_cmp(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	if (g_key[a] != g_key[b])
		return g_key[a] > g_key[b] ? -1 : 1;
	return a < b ? -1 : a > b;
}

static void against_sorting(void **state)
{
	uint64_t seed = 42, key[300];
	uint32_t all[300], out[300], round, i, n, k, m;
	(void)state;

	for (round = 0; round < 200; round++) {
		n = rnd_below(&seed, 300) + 1;
		k = rnd_below(&seed, n + 5);
		for (i = 0; i < n; i++) {
			key[i] = rnd_below(&seed, 20); /* many ties */
			all[i] = i;
		}
		g_key = key;
		qsort(all, n, sizeof(*all), brute_cmp);
		m = hs_top_k(key, n, NULL, NULL, k, out);
		assert_int_equal(m, k < n ? k : n);
		assert_memory_equal(out, all, m * sizeof(*out));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(by_hand),
		cmocka_unit_test(against_sorting),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* The growable byte buffer (src/strbuf.h): contents and lengths after each
 * operation, worked out by hand; growth from empty, across many
 * reallocations and in place (hs_strbuf_avail + hs_strbuf_setlen); embedded
 * NUL bytes; formatted output longer than the first guess; detach and
 * release leaving an empty buffer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "strbuf.h"

static void test_empty(void **state)
{
	struct hs_strbuf b = HS_STRBUF_INIT;
	(void)state;
	assert_null(b.buf);
	assert_string_equal(hs_strbuf_str(&b), "");
	assert_int_equal(hs_strbuf_avail(&b), 0);
	hs_strbuf_reset(&b);           /* nothing allocated: stays empty */
	hs_strbuf_setlen(&b, 5);
	assert_int_equal(b.len, 0);
	assert_null(b.buf);
	hs_strbuf_release(&b);
	assert_null(b.buf);
}

static void test_add(void **state)
{
	struct hs_strbuf b = HS_STRBUF_INIT;
	(void)state;
	hs_strbuf_add(&b, "ab", 2);
	hs_strbuf_addch(&b, 'c');
	hs_strbuf_addstr(&b, "de");
	hs_strbuf_add(&b, NULL, 0);
	assert_int_equal(b.len, 5);
	assert_string_equal(b.buf, "abcde");
	assert_true(b.alloc >= 6);
	hs_strbuf_setlen(&b, 2);
	assert_string_equal(b.buf, "ab");
	hs_strbuf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.buf, "");
	/* an embedded NUL counts as a byte */
	hs_strbuf_add(&b, "x\0y", 3);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.buf, "x\0y", 4);
	hs_strbuf_release(&b);
	assert_null(b.buf);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.alloc, 0);
}

/* 100,000 single bytes: every byte where it was put, always terminated. */
static void test_many(void **state)
{
	struct hs_strbuf b = HS_STRBUF_INIT;
	size_t i;
	(void)state;
	for (i = 0; i < 100000; i++) {
		hs_strbuf_addch(&b, (char)('a' + i % 26));
		assert_int_equal(b.buf[b.len], '\0');
	}
	assert_int_equal(b.len, 100000);
	assert_true(b.alloc > b.len);
	for (i = 0; i < 100000; i++)
		if (b.buf[i] != (char)('a' + i % 26))
			fail_msg("byte %zu is %c", i, b.buf[i]);
	hs_strbuf_release(&b);
}

static void test_addf(void **state)
{
	struct hs_strbuf b = HS_STRBUF_INIT;
	char big[301];
	(void)state;
	hs_strbuf_addf(&b, "%d-%s", 42, "x");
	assert_string_equal(b.buf, "42-x");
	/* 300 bytes: more than the first vsnprintf's room (64 and what is left) */
	memset(big, 'z', 300);
	big[300] = '\0';
	hs_strbuf_addf(&b, "[%s]", big);
	assert_int_equal(b.len, 4 + 302);
	assert_int_equal(b.buf[4], '[');
	assert_int_equal(b.buf[5], 'z');
	assert_int_equal(b.buf[304], 'z');
	assert_int_equal(b.buf[305], ']');
	assert_int_equal(b.buf[306], '\0');
	hs_strbuf_addf(&b, "%s", "");
	assert_int_equal(b.len, 306);
	hs_strbuf_release(&b);
}

/* Writing into the room at buf + len, as a read(2) loop does. */
static void test_in_place(void **state)
{
	struct hs_strbuf b = HS_STRBUF_INIT;
	size_t room;
	(void)state;
	hs_strbuf_addstr(&b, "head:");
	hs_strbuf_grow(&b, 1000);
	room = hs_strbuf_avail(&b);
	assert_true(room >= 1000);
	memcpy(b.buf + b.len, "tail", 4);
	hs_strbuf_setlen(&b, b.len + 4);
	assert_string_equal(b.buf, "head:tail");
	/* setlen never goes past the allocation */
	hs_strbuf_setlen(&b, b.alloc + 10);
	assert_int_equal(b.len, b.alloc - 1);
	assert_int_equal(b.buf[b.len], '\0');
	hs_strbuf_release(&b);
}

static void test_detach(void **state)
{
	struct hs_strbuf b = HS_STRBUF_INIT;
	size_t len = 99;
	char *p;
	(void)state;
	p = hs_strbuf_detach(&b, &len);      /* empty: still a C string */
	assert_non_null(p);
	assert_string_equal(p, "");
	assert_int_equal(len, 0);
	free(p);
	hs_strbuf_addstr(&b, "kept");
	p = hs_strbuf_detach(&b, &len);
	assert_string_equal(p, "kept");
	assert_int_equal(len, 4);
	assert_null(b.buf);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.alloc, 0);
	free(p);
	hs_strbuf_addstr(&b, "again");       /* usable after detach */
	assert_string_equal(b.buf, "again");
	hs_strbuf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_addf),
		cmocka_unit_test(test_in_place),
		cmocka_unit_test(test_detach),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

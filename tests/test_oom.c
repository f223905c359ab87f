/* The library's out-of-memory hook (hsnap/oom.h, src/alloc.c): the handler
 * is called with the one line saying what could not be had, the library
 * itself neither prints nor exits, and without a handler (or when the
 * handler returns) it aborts.  Each case runs in a child process; the
 * expected texts are written out by hand (2^62 = 4611686018427387904,
 * SIZE_MAX = 18446744073709551615 on the 64-bit machines hsnap runs on).
 * The CLI's handler is tested by tests/robust (test_hostile's oom case and
 * cli_oom.sh). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>
#include <sys/wait.h>
#include <cmocka.h>
#include "hsnap/oom.h"
#include "alloc.h"

/* Under ASan an impossible malloc aborts the process unless the allocator
 * may return NULL (what glibc's malloc does); unused in other builds. */
const char *__asan_default_options(void);
const char *__asan_default_options(void) { return "allocator_may_return_null=1"; }

/* The handler's text goes to fd 2 (a file), then the process exits 7. */
static void exiting(const char *what)
{
	if (write(2, what, strlen(what)) < 0)
		_exit(8);
	_exit(7);
}

/* Returns: the library must then abort. */
static void returning(const char *what)
{
	if (write(2, what, strlen(what)) < 0)
		_exit(8);
}

enum how { BIG_MALLOC, BIG_CALLOC, BIG_REALLOC, OVERFLOW_MUL, OVERFLOW_GROW };

static void run_out(enum how how)
{
	void *p = NULL;
	uint32_t *g = NULL;
	uint8_t nr = 255, alloc = 255;

	switch (how) {
	case BIG_MALLOC: p = hs_xmalloc((size_t)1 << 62); break;
	case BIG_CALLOC: p = hs_xcalloc((size_t)1 << 31, (size_t)1 << 31); break;
	case BIG_REALLOC: p = hs_xrealloc(NULL, (size_t)1 << 62); break;
	case OVERFLOW_MUL: hs_xmul(SIZE_MAX, 2); break;
	case OVERFLOW_GROW: HS_GROW(g, nr, alloc); break; /* 255 slots cannot grow in a uint8_t */
	}
	free(p);
	free(g);
}

/* Runs run_out(how) in a child with handler fn; *status its wait status,
 * err what it wrote to stderr. */
static void child(hs_oom_handler fn, enum how how, int *status, char *err, size_t cap)
{
	char path[] = "/tmp/hsnap-test-oom-XXXXXX";
	int fd = mkstemp(path);
	ssize_t r;
	pid_t pid;

	assert_true(fd >= 0);
	unlink(path);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fd, 2);
		hs_set_oom_handler(fn);
		run_out(how);
		_exit(99); /* the allocation returned */
	}
	assert_int_equal(waitpid(pid, status, 0), pid);
	r = pread(fd, err, cap - 1, 0);
	close(fd);
	assert_true(r >= 0);
	err[r] = '\0';
}

/* hsnap's text, without the "==pid==" lines an ASan build may add. */
static const char *ours(char *err)
{
	char *line = err, *nl;
	while (!strncmp(line, "==", 2) && (nl = strchr(line, '\n')) != NULL)
		line = nl + 1;
	return line;
}

static void expect_handler(enum how how, const char *want)
{
	char err[4096];
	int status;

	child(exiting, how, &status, err, sizeof(err));
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 7);
	assert_string_equal(ours(err), want);
}

static void test_handler_text(void **state)
{
	(void)state;
	expect_handler(BIG_MALLOC, "out of memory allocating 4611686018427387904 bytes");
	expect_handler(BIG_REALLOC, "out of memory allocating 4611686018427387904 bytes");
	expect_handler(BIG_CALLOC, "out of memory allocating 4611686018427387904 bytes");
	expect_handler(OVERFLOW_MUL, "allocation size overflow (18446744073709551615 x 2)");
	expect_handler(OVERFLOW_GROW, "allocation size overflow (18446744073709551615 x 2)");
}

/* No handler: abort(), and nothing printed by the library. */
static void test_no_handler_aborts(void **state)
{
	char err[4096];
	int status;
	(void)state;

	child(NULL, BIG_MALLOC, &status, err, sizeof(err));
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
	assert_string_equal(ours(err), "");
	child(NULL, OVERFLOW_MUL, &status, err, sizeof(err));
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
	assert_string_equal(ours(err), "");
}

/* A handler that returns: abort() after it. */
static void test_returning_handler_aborts(void **state)
{
	char err[4096];
	int status;
	(void)state;

	child(returning, BIG_MALLOC, &status, err, sizeof(err));
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
	assert_string_equal(ours(err), "out of memory allocating 4611686018427387904 bytes");
}

static void test_set_returns_previous(void **state)
{
	(void)state;
	assert_null(hs_set_oom_handler(exiting));
	assert_ptr_equal(hs_set_oom_handler(returning), exiting);
	assert_ptr_equal(hs_set_oom_handler(NULL), returning);
	assert_null(hs_set_oom_handler(NULL));
}

int main(void)
{
	const struct CMUnitTest all[] = {
		cmocka_unit_test(test_handler_text),
		cmocka_unit_test(test_no_handler_aborts),
		cmocka_unit_test(test_returning_handler_aborts),
		cmocka_unit_test(test_set_returns_previous),
	};
	return cmocka_run_group_tests(all, NULL, NULL);
}

/* Hostile inputs and a hostile machine through the library (issue 14):
 *
 *   changed_*  a plain file rewritten between the parallel scanner's two
 *              passes (count, then decode), through the test hook
 *              hs_load_between_passes in src/load.c: one value fewer, one
 *              more, the file cut short, one record blanked out.  Each must fail with "the file
 *              changed while being read" (before: exit 0 with nodes made of
 *              memory never written, or another message);
 *   unchanged  the same file without a change loads (the hook does nothing);
 *   oom        eight threads running out of memory at once print exactly one
 *              line and exit 4 (a child process with the CLI's handler,
 *              src/cli/oom.c; the line comes from whichever thread is first).
 * Run one case: test_hostile <name>. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/wait.h>
#include <cmocka.h>
#include "hsnap/hsnap.h"
#include "hsnap/snapshot.h"
#include "oom.h"

/* src/load.c */
extern void (*hs_load_between_passes)(int fd);
/* src/alloc.h */
void *hs_xmalloc(size_t size);

#define NODES 20000 /* about 330 KB of "nodes": 2 pieces with --jobs 2 */

static char path[] = "/tmp/hsnap-hostile-XXXXXX";
static long change_at = -1;     /* offset to rewrite, -1: none */
static char change_to;          /* the byte written there */
static size_t change_len = 1;   /* that many times */
static long cut_at = -1;        /* truncate the file there, -1: none */

/* A root with NODES objects (no edges); node k: "3,1,<2k+1>,100,0,0,0". */
static char *snapshot(size_t *len)
{
	size_t cap = 64 + 40 * (size_t)NODES + 1024, n = 0;
	char *t = malloc(cap);
	unsigned k;

	assert_non_null(t);
	n += (size_t)snprintf(t + n, cap - n,
		"{\"snapshot\":{\"meta\":{\"node_fields\":[\"type\",\"name\",\"id\",\"self_size\",\"edge_count\","
		"\"trace_node_id\",\"detachedness\"],\"node_types\":[[\"hidden\",\"array\",\"string\",\"object\","
		"\"code\",\"closure\",\"regexp\",\"number\",\"native\",\"synthetic\"],\"string\",\"number\","
		"\"number\",\"number\",\"number\",\"number\"],\"edge_fields\":[\"type\",\"name_or_index\",\"to_node\"],"
		"\"edge_types\":[[\"context\",\"element\",\"property\",\"internal\",\"hidden\",\"shortcut\",\"weak\"],"
		"\"string_or_number\",\"node\"]},\"node_count\":%u,\"edge_count\":0},\n\"nodes\":[9,0,1,0,0,0,0",
		NODES + 1);
	for (k = 0; k < NODES; k++)
		n += (size_t)snprintf(t + n, cap - n, ",3,1,%u,100,0,0,0", 2 * k + 3);
	n += (size_t)snprintf(t + n, cap - n, "],\n\"edges\":[],\n\"strings\":[\"(GC roots)\",\"Foo\"]}\n");
	*len = n;
	return t;
}

/* Offset of the "100" of node k in text. */
static long self_of(const char *t, unsigned k)
{
	char pat[40];
	const char *p;
	snprintf(pat, sizeof(pat), ",3,1,%u,100,", 2 * k + 3);
	p = strstr(t, pat);
	assert_non_null(p);
	return (long)(p - t) + (long)strlen(pat) - 4;
}

/* The loader's descriptor is read-only: the change goes through another
 * one, as another program's would. */
static void between(int rfd)
{
	int fd = open(path, O_WRONLY);
	(void)rfd;
	assert_true(fd >= 0);
	if (change_at >= 0) {
		char b[64];
		assert_true(change_len <= sizeof(b));
		memset(b, change_to, change_len);
		assert_int_equal(pwrite(fd, b, change_len, change_at), (ssize_t)change_len);
	}
	if (cut_at >= 0)
		assert_int_equal(ftruncate(fd, cut_at), 0);
	close(fd);
}

static int setup(void **state)
{
	size_t len;
	char *t = snapshot(&len);
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, t, len), (ssize_t)len);
	close(fd);
	*state = t;
	hs_load_between_passes = between;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	unlink(path);
	hs_load_between_passes = NULL;
	return 0;
}

/* Loads the file with 2 threads (the hook changes it between the passes). */
static int load(struct hs_snapshot **s, struct hs_error *err)
{
	struct hs_load_opts o;

	memset(&o, 0, sizeof(o));
	o.jobs = 2;
	o.parallel_min = 1;
	memset(err, 0, sizeof(*err));
	return hs_snapshot_load(path, &o, s, err);
}

static void restore(const char *t)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(t, 1, strlen(t), f), strlen(t));
	fclose(f);
}

static void expect_changed(const char *t)
{
	struct hs_snapshot *s = NULL;
	struct hs_error err;
	int rc = load(&s, &err);

	if (rc != HS_ERR_FORMAT || !strstr(err.msg, "the file changed while being read")) {
		unsigned n = s ? s->node_count : 0;
		hs_snapshot_free(s);
		fail_msg("rc %d (%u nodes), message '%s'", rc, n, err.msg);
	}
	assert_null(s);
	change_at = cut_at = -1;
	change_len = 1;
	restore(t);
}

static void test_unchanged(void **state)
{
	struct hs_snapshot *s;
	struct hs_error err;
	uint32_t i;
	(void)state;

	change_at = cut_at = -1;
	assert_int_equal(load(&s, &err), 0);
	assert_int_equal(s->node_count, NODES + 1);
	for (i = 1; i <= NODES; i++) {
		assert_int_equal(s->node_id[i], 2 * i + 1);
		assert_int_equal(hs_self_size(s, i), 100);
	}
	hs_snapshot_free(s);
}

/* ",100,0," -> ",1000,0": one value fewer in the second piece */
static void test_changed_fewer(void **state)
{
	const char *t = *state;
	change_at = self_of(t, NODES * 3 / 4) + 3;
	change_to = '0';
	expect_changed(t);
	/* in the first piece too */
	change_at = self_of(t, NODES / 4) + 3;
	expect_changed(t);
}

/* ",100," -> ",1,0,": one value more */
static void test_changed_more(void **state)
{
	const char *t = *state;
	change_at = self_of(t, NODES * 3 / 4) + 1;
	change_to = ',';
	expect_changed(t);
	change_at = self_of(t, NODES / 4) + 1;
	expect_changed(t);
}

/* one whole record (",3,1,<id>,100,0,0,0") blanked with spaces: still valid
 * JSON with whole records, so before the fix the last node, never written,
 * was loaded from the allocation as it came (exit 0, issue 14 item 5) */
static void test_changed_record(void **state)
{
	const char *t = *state;
	unsigned k = NODES / 4;
	char rec[40];
	change_len = (size_t)snprintf(rec, sizeof(rec), ",3,1,%u,100,0,0,0", 2 * k + 3);
	change_at = self_of(t, k) - (long)change_len + 9;
	assert_memory_equal(t + change_at, rec, change_len);
	change_to = ' ';
	expect_changed(t);
}

/* cut inside the "nodes" array, and inside the last piece */
static void test_changed_cut(void **state)
{
	const char *t = *state;
	cut_at = self_of(t, NODES / 2);
	expect_changed(t);
	cut_at = self_of(t, NODES - 2);
	expect_changed(t);
}

/* ---- out of memory from many threads ------------------------------------ */

/* Under ASan an impossible malloc aborts the process unless the allocator
 * may return NULL (what glibc's malloc does); unused in other builds. */
const char *__asan_default_options(void);
const char *__asan_default_options(void) { return "allocator_may_return_null=1"; }

static pthread_barrier_t go;

static void *hog(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&go);
	hs_xmalloc((size_t)1 << 62); /* no machine has that: exits 4 */
	return NULL;
}

static void test_oom(void **state)
{
	int round;
	(void)state;

	for (round = 0; round < 20; round++) {
		char errpath[] = "/tmp/hsnap-oom-XXXXXX", buf[4096];
		int fd = mkstemp(errpath), status, lines = 0;
		pid_t pid;
		ssize_t r, i;

		assert_true(fd >= 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			pthread_t th[8];
			int k;
			dup2(fd, 2);
			cli_oom_install(); /* the CLI's handler (the library alone aborts) */
			pthread_barrier_init(&go, NULL, 8);
			for (k = 1; k < 8; k++)
				pthread_create(&th[k], NULL, hog, NULL);
			hog(NULL);
			_exit(99);
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 4);
		r = pread(fd, buf, sizeof(buf) - 1, 0);
		close(fd);
		unlink(errpath);
		assert_true(r > 0);
		buf[r] = '\0';
		/* hsnap's lines (an ASan build adds its own "==pid==WARNING" ones) */
		{
			char *line = buf, *hs = NULL;
			for (i = 0; i < r; i++)
				if (buf[i] == '\n') {
					if (strncmp(line, "==", 2)) {
						lines++;
						hs = hs ? hs : line;
					}
					line = buf + i + 1;
				}
			if (lines != 1 || buf[r - 1] != '\n' || !hs)
				fail_msg("round %d: %d lines: %s", round, lines, buf);
			assert_memory_equal(hs, "hsnap: out of memory allocating ", 32);
		}
	}
}

int main(int argc, char **argv)
{
	const struct CMUnitTest all[] = {
		cmocka_unit_test(test_unchanged),
		cmocka_unit_test(test_changed_fewer),
		cmocka_unit_test(test_changed_more),
		cmocka_unit_test(test_changed_cut),
		cmocka_unit_test(test_changed_record),
		cmocka_unit_test(test_oom),
	};
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests(all, setup, teardown);
}

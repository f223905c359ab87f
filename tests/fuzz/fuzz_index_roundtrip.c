/* libFuzzer round-trip target for the index (src/index.c): every snapshot the
 * loader accepts and the analysis handles is written as an index, reopened,
 * and must come back as HS_INDEX_OK and byte for byte what was written
 * (hs_index_compare).  Load and index must agree on every value range: a
 * value the loader or the analysis produces that the index check rejects
 * (issue 14: detachedness 3 gave dom_state 3, refused by the check, so every
 * run parsed and rewrote the index) aborts here.
 *
 * Seeds: the fuzz_load corpus (tests/fuzz/make_corpus.sh).  Build:
 * tests/fuzz/build.sh; run: tests/fuzz/run.sh SECONDS roundtrip.
 * Built with -DROUNDTRIP_MAIN (tests/robust/index_roundtrip.sh, a CTest), it
 * is a plain program that runs the same check on each file named on its
 * command line. */
#define _DEFAULT_SOURCE 1 /* mkdtemp */
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "hsnap/hsnap.h"
#include "hsnap/snapshot.h"
#include "hsnap/analysis.h"
#include "hsnap/index.h"
#include "scratch.h"

static char dir[4200], path[4300];

/* libFuzzer's fork mode starts a process per job: each removes its folder */
static void cleanup(void)
{
	unlink(path);
	rmdir(dir);
}

static void setup(void)
{
	if (dir[0])
		return;
	snprintf(dir, sizeof(dir), "%s/hsnap-fuzz-rt.XXXXXX", fuzz_scratch_dir());
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		abort();
	}
	snprintf(path, sizeof(path), "%s/x.hsnapidx", dir);
	atexit(cleanup);
}

static const char *name;

static void die(const char *what, const char *why)
{
	fprintf(stderr, "index round trip%s%s: %s: %s\n", name ? " of " : "", name ? name : "", what, why);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct hs_index_key key = { .size = 1000, .mtime_sec = 1, .mtime_nsec = 2,
						 .head_crc = 3, .tail_crc = 4, .ino = 5,
						 .ctime_sec = 6, .ctime_nsec = 7, .mode = 0100600 };
	struct hs_snapshot *s = NULL, *ix = NULL;
	struct hs_analysis a, ia;
	struct hs_analysis_opts o;
	struct hs_error err;
	enum hs_index_state st;

	setup();
	memset(&err, 0, sizeof err);
	if (hs_snapshot_load_mem("fuzz", data, size, 0, &s, &err) != 0 || !s)
		return 0;
	memset(&o, 0, sizeof o);
	o.parent_edges = 1; /* the analysis the CLI writes an index of */
	o.jobs = 1;
	if (hs_analysis_run(&a, s, &o, &err) != 0) {
		hs_analysis_release(&a);
		hs_snapshot_free(s);
		return 0;
	}
	if (hs_index_write(path, &key, s, &a, &err) != 0)
		die("write", err.msg);
	st = hs_index_open(path, &key, 1, "fuzz", &ix, &err);
	if (st != HS_INDEX_OK)
		die("reopen", err.msg);
	if (!hs_index_compare(ix, s, &a, &err))
		die("compare", err.msg);
	if (!hs_index_analysis(ix, &ia))
		die("analysis", "not from the index");
	if (ia.stats.total != a.stats.total || ia.classes.names.count != a.classes.names.count)
		die("analysis", "totals or class counts differ");
	hs_analysis_release(&ia);
	hs_snapshot_free(ix);
	hs_analysis_release(&a);
	hs_snapshot_free(s);
	unlink(path);
	return 0;
}

#ifdef ROUNDTRIP_MAIN
int main(int argc, char **argv)
{
	int i, n = 0;
	for (i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		unsigned char *buf;
		long len;
		if (!f || fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
			fprintf(stderr, "cannot read %s\n", argv[i]);
			return 2;
		}
		buf = malloc((size_t)len + 1);
		if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len) {
			fprintf(stderr, "cannot read %s\n", argv[i]);
			return 2;
		}
		fclose(f);
		name = argv[i];
		LLVMFuzzerTestOneInput(buf, (size_t)len);
		free(buf);
		n++;
	}
	rmdir(dir);
	printf("index round trip: %d inputs\n", n);
	return 0;
}
#endif

/* Times the analysis phases this side of loading, on one loaded snapshot:
 * hs_graph_build + hs_dominators_build REPEAT times, then one whole
 * hs_analysis_run, printing CPU (this thread) and wall seconds of each.
 * Built against a libhsnap (bench/README.md, "Phase timings"); used for A/B
 * comparisons of two builds on a shared machine, where the CPU times are
 * steadier than the wall times.
 *   bench/build/phases FILE [REPEAT] */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "hsnap/analysis.h"

static double now(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	struct hs_snapshot *s;
	struct hs_error err;
	struct hs_load_opts lo = { 0 };
	int rep = argc > 2 ? atoi(argv[2]) : 3, r;

	if (argc < 2 || hs_snapshot_load(argv[1], &lo, &s, &err)) {
		fprintf(stderr, "usage: phases FILE [REPEAT] (or the file failed to load)\n");
		return 2;
	}
	for (r = 0; r < rep; r++) {
		struct hs_graph g;
		struct hs_dominators d;
		double c0 = now(CLOCK_THREAD_CPUTIME_ID), w0 = now(CLOCK_MONOTONIC), c1, w1;
		hs_graph_build(&g, s);
		c1 = now(CLOCK_THREAD_CPUTIME_ID);
		w1 = now(CLOCK_MONOTONIC);
		hs_graph_release_counts(&g);
		hs_dominators_build(&d, &g, s->self_size);
		hs_graph_release_retainers(&g);
		printf("graph cpu %.3f wall %.3f  dominators cpu %.3f wall %.3f  (root retained %llu)\n",
		       c1 - c0, w1 - w0, now(CLOCK_THREAD_CPUTIME_ID) - c1, now(CLOCK_MONOTONIC) - w1,
		       (unsigned long long)d.retained[s->root]);
		hs_dominators_release(&d);
		hs_graph_release(&g);
	}
	{
		struct hs_analysis a;
		struct hs_analysis_opts o = { 0 };
		double w0 = now(CLOCK_MONOTONIC);
		o.jobs = 1;
		hs_analysis_run(&a, s, &o, &err);
		printf("analysis --jobs 1 wall %.3f\n", now(CLOCK_MONOTONIC) - w0);
		hs_analysis_release(&a);
	}
	hs_snapshot_free(s);
	return 0;
}

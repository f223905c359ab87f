/* bench/touch.c: what fresh memory costs on this machine.  Maps GB GiB of
 * anonymous memory, writes one byte in each 4 KiB page (the kernel faults
 * the page in and zeroes it), unmaps it, and repeats ROUNDS times in the same
 * process; prints the seconds and GB/s of each round.  hsnap's arrays are
 * fresh memory of this kind (peak RSS ~1.4x the snapshot), so the first
 * round's rate bounds what a summary of a large file can cost on top of the
 * parse, whatever the program does with the memory.
 *
 * Build: cc -O2 -o bench/build/touch bench/touch.c
 * Run:   bench/build/touch GB [ROUNDS]          (e.g. bench/build/touch 7 2) */
#define _DEFAULT_SOURCE 1
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double gib = argc > 1 ? atof(argv[1]) : 1.0;
	int rounds = argc > 2 ? atoi(argv[2]) : 1, r;
	size_t len = (size_t)(gib * (double)(1u << 30)), i;

	if (argc < 2 || gib <= 0 || rounds < 1) {
		fprintf(stderr, "usage: touch GB [ROUNDS]\n");
		return 2;
	}
	for (r = 1; r <= rounds; r++) {
		double t0 = now(), t1;
		volatile unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
		for (i = 0; i < len; i += 4096)
			p[i] = 1;
		t1 = now();
		printf("round %d: %.2f GiB touched in %.2f s = %.2f GB/s (%.2f us a page)\n", r, gib, t1 - t0,
		       (double)len / 1e9 / (t1 - t0), (t1 - t0) * 1e6 / ((double)len / 4096));
		munmap((void *)p, len);
	}
	return 0;
}

/* Time to answer and total wall time of one command.
 *
 *   cc -O2 -o bench/build/answer_time bench/answer_time.c
 *   bench/build/answer_time [-o OUT] -- CMD ARGS...
 *
 * Runs CMD with its standard output on a pipe (copied to OUT, default
 * /dev/null) and prints one line on stderr:
 *
 *   answer_s=A wall_s=W user_s=U sys_s=S rc=R
 *
 * A: seconds from the fork to the end of CMD's standard output (every copy of
 * the pipe's write end closed: what a reader of the answer waits for);
 * W: seconds to CMD's exit; U, S: CPU of CMD and its children (getrusage of
 * the waited processes); R: its exit status. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double tv(struct timeval t)
{
	return (double)t.tv_sec + (double)t.tv_usec * 1e-6;
}

int main(int argc, char **argv)
{
	const char *out = "/dev/null";
	char buf[1 << 16];
	int p[2], fd, status, i = 1;
	double t0, t_eof, t_exit;
	struct rusage ru;
	pid_t pid;

	if (i + 1 < argc && !strcmp(argv[i], "-o")) {
		out = argv[i + 1];
		i += 2;
	}
	if (i < argc && !strcmp(argv[i], "--"))
		i++;
	if (i >= argc) {
		fprintf(stderr, "usage: answer_time [-o OUT] -- CMD ARGS...\n");
		return 2;
	}
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || pipe(p)) {
		perror("answer_time");
		return 2;
	}
	t0 = now();
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 2;
	}
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		close(fd);
		execvp(argv[i], argv + i);
		perror(argv[i]);
		_exit(127);
	}
	close(p[1]);
	for (;;) {
		ssize_t n = read(p[0], buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (write(fd, buf, (size_t)n) != n) {
			perror("answer_time: write");
			return 2;
		}
	}
	t_eof = now();
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	t_exit = now();
	getrusage(RUSAGE_CHILDREN, &ru);
	close(fd);
	fprintf(stderr, "answer_s=%.3f wall_s=%.3f user_s=%.3f sys_s=%.3f rc=%d\n", t_eof - t0, t_exit - t0,
		tv(ru.ru_utime), tv(ru.ru_stime), WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return 0;
}

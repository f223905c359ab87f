/* Finding, opening and closing an inspector; the snapshot stream into a file. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include "inspector.h"
#include "alloc.h"
#include "platform.h"

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* Reads a small /proc file whole (NUL-terminated); returns bytes or -1. */
static long read_small(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t n = 0;
	if (fd < 0)
		return -1;
	while (n + 1 < cap) {
		ssize_t r = read(fd, buf + n, cap - 1 - n);
		if (r < 0 && errno == EINTR) continue;
		if (r <= 0) break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = 0;
	return (long)n;
}

int proc_catches_sigusr1(pid_t pid, int *caught, struct hs_error *err)
{
	char path[64], buf[8192], *p;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (read_small(path, buf, sizeof(buf)) < 0)
		return hs_error_set(err, HS_ERR_IO, "no process %d (%s)", (int)pid, strerror(errno));
	p = strstr(buf, "\nSigCgt:");
	if (!p)
		return hs_error_set(err, HS_ERR_IO, "%s has no SigCgt line", path);
	*caught = (int)((strtoull(p + 8, NULL, 16) >> (SIGUSR1 - 1)) & 1);
	return 0;
}

uint64_t proc_rss(pid_t pid)
{
	char path[64], buf[8192], *p;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (read_small(path, buf, sizeof(buf)) < 0 || !(p = strstr(buf, "\nVmRSS:")))
		return 0;
	return strtoull(p + 7, NULL, 10) * 1024;
}

uint64_t self_peak_rss(void)
{
	char buf[8192], *p;
	if (read_small("/proc/self/status", buf, sizeof(buf)) < 0 || !(p = strstr(buf, "\nVmHWM:")))
		return 0;
	return strtoull(p + 7, NULL, 10) * 1024;
}

int proc_alive(pid_t pid)
{
	char path[64], buf[512], *p;
	if (kill(pid, 0) != 0 && errno != EPERM)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (read_small(path, buf, sizeof(buf)) < 0)
		return 0;
	p = strrchr(buf, ')');           /* "pid (comm) S ..." */
	return !(p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X'));
}

/* "[host:]port" of an --inspect option's value */
static void inspect_value(const char *v, char *host, size_t hostlen, int *port)
{
	const char *colon = strrchr(v, ':');
	char *end;
	long p = strtol(colon ? colon + 1 : v, &end, 10);
	if (*end || p < 0 || p > 65535) {   /* a host alone: --inspect=127.0.0.1 */
		if (!colon && *v) snprintf(host, hostlen, "%s", v);
		return;
	}
	*port = (int)p;
	if (colon && colon > v)
		snprintf(host, hostlen, "%.*s", (int)(colon - v), v);
}

static void scan_options(char **args, int n, char *host, size_t hostlen, int *port)
{
	static const char *const with_value[] = { "-r", "--require", "-e", "--eval", "-p", "--print",
		"--import", "--loader", "--experimental-loader", "--title", "-C", "--conditions",
		"--env-file", "--max-old-space-size", NULL };
	int i, k;
	for (i = 0; i < n; i++) {
		const char *a = args[i];
		/* node's own options end at the script (or "--") */
		if (!strcmp(a, "--") || a[0] != '-')
			break;
		if (!strncmp(a, "--inspect-port=", 15) || !strncmp(a, "--debug-port=", 13))
			inspect_value(strchr(a, '=') + 1, host, hostlen, port);
		else if ((!strcmp(a, "--inspect-port") || !strcmp(a, "--debug-port")) && i + 1 < n)
			inspect_value(args[++i], host, hostlen, port);
		else if (!strncmp(a, "--inspect", 9) && strchr(a, '='))
			inspect_value(strchr(a, '=') + 1, host, hostlen, port);
		for (k = 0; with_value[k]; k++)
			if (!strcmp(a, with_value[k]) && i + 1 < n) { i++; break; }
	}
}

/* Splits NUL-separated text into words (args points into buf). */
static int split_nul(char *buf, long n, char **args, int max)
{
	int k = 0;
	long i = 0;
	while (i < n && k < max) {
		args[k++] = buf + i;
		i += (long)strlen(buf + i) + 1;
	}
	return k;
}

void proc_inspect_option(pid_t pid, char *host, size_t hostlen, int *port)
{
	static char buf[65536];
	char path[64], *args[512], *p;
	long n;
	int k;

	snprintf(host, hostlen, "127.0.0.1");
	*port = 9229;
	/* NODE_OPTIONS first: the command line wins over it */
	snprintf(path, sizeof(path), "/proc/%d/environ", (int)pid);
	if ((n = read_small(path, buf, sizeof(buf))) > 0) {
		for (k = split_nul(buf, n, args, 512); k-- > 0;)
			if (!strncmp(args[k], "NODE_OPTIONS=", 13)) {
				char *words[64], *save = NULL, *w;
				int m = 0;
				for (w = strtok_r(args[k] + 13, " \t", &save); w && m < 64; w = strtok_r(NULL, " \t", &save))
					words[m++] = w;
				scan_options(words, m, host, hostlen, port);
				break;
			}
	}
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	if ((n = read_small(path, buf, sizeof(buf))) > 0) {
		k = split_nul(buf, n, args, 512);
		if (k > 1)
			scan_options(args + 1, k - 1, host, hostlen, port);
	}
	if (!strcmp(host, "0.0.0.0") || !strcmp(host, "localhost"))
		snprintf(host, hostlen, "127.0.0.1");
	else if (!strcmp(host, "::") || !strcmp(host, "[::]"))
		snprintf(host, hostlen, "::1");
	p = host;
	if (*p == '[') {                 /* [::1] */
		memmove(p, p + 1, strlen(p));
		if ((p = strchr(host, ']'))) *p = 0;
	}
}

int proc_listen_ports(pid_t pid, int *ports, int max)
{
	char path[300], link[128], line[512];
	unsigned long *inodes = NULL;
	size_t ni = 0, ai = 0;
	struct dirent *de;
	DIR *d;
	int count = 0, v;
	static const char *const files[] = { "tcp", "tcp6" };

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	if (!(d = opendir(path)))
		return -1;
	while ((de = readdir(d))) {
		ssize_t l;
		char fp[600];
		if (de->d_name[0] == '.')
			continue;
		snprintf(fp, sizeof(fp), "%s/%s", path, de->d_name);
		l = readlink(fp, link, sizeof(link) - 1);
		if (l <= 0)
			continue;
		link[l] = 0;
		if (strncmp(link, "socket:[", 8))
			continue;
		HS_GROW(inodes, ni, ai);
		inodes[ni++] = strtoul(link + 8, NULL, 10);
	}
	closedir(d);
	for (v = 0; v < 2; v++) {
		FILE *f;
		snprintf(path, sizeof(path), "/proc/%d/net/%s", (int)pid, files[v]);
		if (!(f = fopen(path, "r")))
			continue;
		while (fgets(line, sizeof(line), f)) {
			char local[128], rem[128];
			unsigned st;
			unsigned long inode;
			size_t i;
			/* sl local rem st tx:rx tr:when retr uid timeout inode */
			if (sscanf(line, " %*s %127s %127s %x %*s %*s %*s %*s %*s %lu", local, rem, &st, &inode) != 4)
				continue;
			if (st != 0x0A)
				continue;
			for (i = 0; i < ni; i++)
				if (inodes[i] == inode) {
					const char *c = strrchr(local, ':');
					int port = c ? (int)strtol(c + 1, NULL, 16) : 0, j, dup = 0;
					for (j = 0; j < count; j++) dup |= ports[j] == port;
					if (port && !dup && count < max)
						ports[count++] = port;
					break;
				}
		}
		fclose(f);
	}
	free(inodes);
	return count;
}

static int has_port(const int *p, int n, int port)
{
	int i;
	for (i = 0; i < n; i++)
		if (p[i] == port)
			return 1;
	return 0;
}

/* GET /json/list from host:port and choose a target; fills in->addr. */
static int pick_target(struct insp *in, const struct capture_opts *o, struct hs_error *err)
{
	struct cdp_target *t = NULL;
	size_t n = 0, i, pick = (size_t)-1, pages = 0;
	char *body = NULL;
	int rc;

	rc = ws_http_get(in->host, in->port, "/json/list", o->allow_remote, 3000, &body, err);
	if (rc)
		return rc;
	rc = cdp_parse_list(body, &t, &n, err);
	free(body);
	if (rc)
		return rc;
	for (i = 0; i < n && pick == (size_t)-1; i++) {
		if (!t[i].ws[0])
			continue;
		if (o->target) {
			if (strstr(t[i].url, o->target) || strstr(t[i].title, o->target))
				pick = i;
		} else if (!strcmp(t[i].type, "node")) {
			pick = i;
		}
	}
	if (pick == (size_t)-1 && !o->target) {
		for (i = 0; i < n; i++)
			if (t[i].ws[0] && !strcmp(t[i].type, "page")) {
				if (!pages++) pick = i;
			}
		if (pages > 1) {
			hs_error_set(err, HS_ERR_USAGE, "%zu page targets on %s:%d (e.g. '%s'); choose one with --target "
				     "SUBSTRING of its URL or title", pages, in->host, in->port, t[pick].url);
			free(t);
			return HS_ERR_USAGE;
		}
	}
	if (pick == (size_t)-1) {
		if (o->target)
			hs_error_set(err, HS_ERR_USAGE, "no target on %s:%d has '%s' in its URL or title (%zu targets)",
				     in->host, in->port, o->target, n);
		else
			hs_error_set(err, HS_ERR_IO, "%s:%d lists no target with a WebSocket (another debugger attached?)",
				     in->host, in->port);
		free(t);
		return o->target ? HS_ERR_USAGE : HS_ERR_IO;
	}
	rc = ws_parse_url(t[pick].ws, &in->addr, err);
	free(t);
	return rc;
}

/* Is the inspector answering on in->host:port? */
static int answers(struct insp *in, const struct capture_opts *o, int port)
{
	struct hs_error e;
	char *body = NULL;
	int ok;
	memset(&e, 0, sizeof(e));
	ok = ws_http_get(in->host, port, "/json/version", o->allow_remote, 1000, &body, &e) == 0;
	free(body);
	return ok;
}

/* An inspector of process o->pid already listening: on its configured
 * port cfg, or (cfg 0: a random port) on one of its listening ports. */
static void find_open(struct insp *in, const struct capture_opts *o, int cfg, const int *before, int nb)
{
	int i;

	if (nb < 0 ? answers(in, o, cfg) : has_port(before, nb, cfg) && answers(in, o, cfg)) {
		in->state = INSP_WAS_OPEN;
		return;
	}
	for (i = 0; cfg == 0 && i < nb; i++)
		if (answers(in, o, before[i])) {
			in->port = before[i];
			in->state = INSP_WAS_OPEN;
			return;
		}
}

/* After SIGUSR1: waits up to 10 s for the inspector to listen (on cfg, or
 * on a port not among the `before` ones). */
static int wait_listening(struct insp *in, const struct capture_opts *o, int cfg, const int *before, int nb,
			  struct hs_error *err)
{
	double deadline = hs_now() + 10;
	int after[64], na, i;

	for (;;) {
		na = proc_listen_ports(o->pid, after, 64);
		if (na < 0) {
			if (answers(in, o, cfg)) return 0;
		} else if (cfg && has_port(after, na, cfg) && answers(in, o, cfg)) {
			return 0;
		} else if (!cfg) {
			for (i = 0; i < na; i++)
				if (!has_port(before, nb, after[i]) && answers(in, o, after[i])) {
					in->port = after[i];
					return 0;
				}
		}
		if (!proc_alive(o->pid))
			return hs_error_set(err, HS_ERR_IO, "process %d exited after SIGUSR1", (int)o->pid);
		if (hs_now() > deadline)
			return hs_error_set(err, HS_ERR_IO, "process %d caught SIGUSR1 but no inspector "
				"started listening on port %d within 10 s (a port in use? see the "
				"process' stderr)", (int)o->pid, cfg);
		sleep_ms(50);
	}
}

/* A PID without --port: the inspector the process has open, or one opened
 * with SIGUSR1 (only when the process handles it: else it would die). */
static int activate(struct insp *in, const struct capture_opts *o, struct hs_error *err)
{
	int before[64], nb, caught, cfg, rc;

	proc_inspect_option(o->pid, in->host, sizeof(in->host), &cfg);
	if (o->host)
		snprintf(in->host, sizeof(in->host), "%s", o->host);
	in->port = cfg;
	if ((rc = proc_catches_sigusr1(o->pid, &caught, err)))
		return rc;
	nb = proc_listen_ports(o->pid, before, 64);
	find_open(in, o, cfg, before, nb);
	if (in->state == INSP_WAS_OPEN)
		return 0;
	if (!caught)
		return hs_error_set(err, HS_ERR_USAGE,
			"process %d does not handle SIGUSR1, so it is not a Node process whose "
			"inspector can be activated (or it runs with --disable-sigusr1); the "
			"signal would kill it, so hsnap did not send it. Start it with "
			"--inspect, or give --port", (int)o->pid);
	if (kill(o->pid, SIGUSR1) != 0)
		return hs_error_set(err, HS_ERR_IO, "cannot signal process %d: %s", (int)o->pid, strerror(errno));
	in->state = INSP_OPENED;
	return wait_listening(in, o, cfg, before, nb, err);
}

/* The port may belong to another process (one that took 9229 first): asks
 * the target who it is. */
static int check_pid(struct insp *in, const struct capture_opts *o, struct hs_error *err)
{
	struct cdp_reply rep;
	int rc;

	rc = cdp_call(&in->cdp, "Runtime.evaluate", "{\"expression\":\"process.pid\"}", &rep, 10000, NULL, err);
	if (rc)
		return rc;
	if (!rep.error && !rep.exception && rep.value[0] && atol(rep.value) != (long)o->pid) {
		if (in->state == INSP_OPENED)
			in->state = INSP_WAS_OPEN;   /* not ours to close */
		return hs_error_set(err, HS_ERR_IO, "the inspector on port %d belongs to process %s, not %d",
				    in->port, rep.value, (int)o->pid);
	}
	return 0;
}

int insp_attach(const struct capture_opts *o, struct insp *in, struct hs_error *err)
{
	int rc;

	memset(in, 0, sizeof(*in));
	in->pid = o->pid;
	in->state = INSP_ATTACHED;
	if (o->ws_url) {
		if ((rc = ws_parse_url(o->ws_url, &in->addr, err)))
			return rc;
	} else {
		snprintf(in->host, sizeof(in->host), "%s", o->host ? o->host : "127.0.0.1");
		in->port = o->port ? o->port : 9229;
		if (o->pid && !o->port && (rc = activate(in, o, err)))
			return rc;
		if ((rc = pick_target(in, o, err)))
			return rc;
	}
	if ((rc = cdp_open(&in->cdp, &in->addr, o->allow_remote, err)))
		return rc;
	in->connected = 1;
	if (!in->port)
		in->port = in->addr.port;
	return o->pid ? check_pid(in, o, err) : 0;
}

/* --- the output file --- */
struct out {
	int fd, is_stdout, gz, failed;
	char tmp[4200], final[4096];
	z_stream z;
	unsigned char zbuf[1 << 16];
	uint64_t bytes, file_bytes;
	struct hs_error *err;
	volatile int *stop;
	int discard;
	const struct capture_opts *o;
	double last_report;
};

static int write_all(struct out *w, const void *p, size_t n)
{
	const char *b = p;
	while (n) {
		ssize_t r = write(w->fd, b, n);
		if (r < 0 && errno == EINTR) continue;
		if (r <= 0) {
			hs_error_set(w->err, HS_ERR_IO, "cannot write %s: %s", w->is_stdout ? "standard output" : w->tmp,
				     strerror(r < 0 ? errno : ENOSPC));
			w->failed = 1;
			return -1;
		}
		b += r;
		n -= (size_t)r;
		w->file_bytes += (uint64_t)r;
	}
	return 0;
}

static int deflate_out(struct out *w, const void *p, size_t n, int flush)
{
	w->z.next_in = (Bytef *)(uintptr_t)p;
	w->z.avail_in = (uInt)n;
	do {
		int zr;
		w->z.next_out = w->zbuf;
		w->z.avail_out = sizeof(w->zbuf);
		zr = deflate(&w->z, flush);
		if (zr == Z_STREAM_ERROR) {
			hs_error_set(w->err, HS_ERR_IO, "zlib deflate failed");
			return -1;
		}
		if (write_all(w, w->zbuf, sizeof(w->zbuf) - w->z.avail_out))
			return -1;
	} while (w->z.avail_out == 0 || (flush == Z_FINISH && w->z.avail_in));
	return 0;
}

static int on_chunk(void *user, const char *s, size_t n)
{
	struct out *w = user;
	if (w->stop && *w->stop && !w->discard)
		w->discard = 1;
	if (w->discard || w->failed)
		return 0;             /* keep reading: the target must finish */
	w->bytes += n;
	if (w->o->progress) {
		double t = hs_now();
		if (t - w->last_report > 0.2) {
			w->last_report = t;
			w->o->progress(w->o->user, 1, w->bytes, 0);
		}
	}
	while (n) {               /* zlib takes at most 4 GiB at a time */
		size_t k = n > (1u << 30) ? (1u << 30) : n;
		if (w->gz ? deflate_out(w, s, k, Z_NO_FLUSH) : write_all(w, s, k))
			return 0;  /* failed: the rest is read and dropped */
		s += k;
		n -= k;
	}
	return 0;
}

static void on_progress(void *user, uint64_t done, uint64_t total, int finished)
{
	struct out *w = user;
	(void)finished;
	if (w->o->progress)
		w->o->progress(w->o->user, 0, done, total);
}

static int out_open(struct out *w, const struct capture_opts *o, struct hs_error *err)
{
	size_t l;
	const char *slash;
	struct stat st;
	unsigned rnd;

	w->err = err;
	w->o = o;
	if (!strcmp(o->out, "-")) {
		w->fd = 1;
		w->is_stdout = 1;
		return 0;
	}
	l = strlen(o->out);
	if (l == 0 || l >= sizeof(w->final))
		return hs_error_set(err, HS_ERR_USAGE, "bad output file name");
	memcpy(w->final, o->out, l + 1);
	if (!o->force && lstat(w->final, &st) == 0)
		return hs_error_set(err, HS_ERR_USAGE, "%s exists; give another name or --force to replace it", w->final);
	w->gz = l > 3 && !strcmp(w->final + l - 3, ".gz");
	slash = strrchr(w->final, '/');
	rnd = (unsigned)getpid() ^ (unsigned)(hs_now() * 1e6);
	snprintf(w->tmp, sizeof(w->tmp), "%.*s.%s.hsnap-partial-%08x", slash ? (int)(slash - w->final + 1) : 0,
		 w->final, slash ? slash + 1 : w->final, rnd);
	w->fd = open(w->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (w->fd < 0)
		return hs_error_set(err, HS_ERR_IO, "cannot create %s: %s", w->tmp, strerror(errno));
	if (w->gz && deflateInit2(&w->z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		close(w->fd);
		unlink(w->tmp);
		return hs_error_set(err, HS_ERR_LIMIT, "zlib: cannot initialise gzip");
	}
	return 0;
}

static void out_abort(struct out *w)
{
	if (w->gz)
		deflateEnd(&w->z);
	if (!w->is_stdout) {
		close(w->fd);
		unlink(w->tmp);
	}
}

static int out_commit(struct out *w)
{
	if (w->gz) {
		int rc = deflate_out(w, "", 0, Z_FINISH);
		deflateEnd(&w->z);
		w->gz = 0;
		if (rc) { out_abort(w); return -1; }
	}
	if (w->is_stdout)
		return 0;
	if (fsync(w->fd) != 0 || close(w->fd) != 0) {
		hs_error_set(w->err, HS_ERR_IO, "cannot write %s: %s", w->tmp, strerror(errno));
		unlink(w->tmp);
		return -1;
	}
	if (w->o->force) {
		if (rename(w->tmp, w->final) == 0)
			return 0;
	} else if (link(w->tmp, w->final) == 0) {     /* never replaces a file */
		unlink(w->tmp);
		return 0;
	} else if (errno != EEXIST && errno != EPERM && errno != ENOSYS) {
		/* fall through to the error below */
	} else if (errno != EEXIST && access(w->final, F_OK) != 0 && rename(w->tmp, w->final) == 0) {
		return 0;          /* file systems without hard links */
	}
	hs_error_set(w->err, HS_ERR_IO, "cannot rename %s to %s: %s", w->tmp, w->final, strerror(errno));
	unlink(w->tmp);
	return -1;
}

int insp_snapshot(struct insp *in, const struct capture_opts *o, struct capture_result *r,
		  volatile int *stop, volatile int *abort_now, struct hs_error *err)
{
	struct cdp_reply rep;
	struct out *w;
	double t0, t1;
	int rc;

	memset(r, 0, sizeof(*r));
	if (o->gc) {
		rc = cdp_call(&in->cdp, "HeapProfiler.collectGarbage", NULL, &rep, 120000, stop, err);
		if (rc)
			return rc;
		if (rep.error)
			return hs_error_set(err, HS_ERR_IO, "HeapProfiler.collectGarbage: %s", rep.msg);
	}
	w = hs_xcalloc(1, sizeof(*w));
	if ((rc = out_open(w, o, err))) {
		free(w);
		return rc;
	}
	w->stop = stop;
	in->cdp.on_chunk = on_chunk;
	in->cdp.on_progress = on_progress;
	in->cdp.user = w;
	t0 = hs_now();
	rc = cdp_call(&in->cdp, "HeapProfiler.takeHeapSnapshot", "{\"reportProgress\":true}", &rep, 300000,
		      abort_now, err);
	t1 = hs_now();
	in->cdp.on_chunk = NULL;
	in->cdp.on_progress = NULL;
	r->chunks = in->cdp.chunks;
	if (rc == 0 && rep.error)
		rc = hs_error_set(err, HS_ERR_IO, "HeapProfiler.takeHeapSnapshot: %s", rep.msg);
	if (rc == 0 && w->failed)
		rc = err->status ? err->status : HS_ERR_IO;
	if (rc == 0 && (w->discard || (stop && *stop)))
		rc = CDP_STOPPED;
	if (rc == 0 && w->bytes == 0)
		rc = hs_error_set(err, HS_ERR_IO, "the inspector answered takeHeapSnapshot without sending a snapshot");
	if (rc) {
		if (rc == HS_ERR_IO && in->pid && !proc_alive(in->pid)) {
			char why[sizeof(err->msg)];
			memcpy(why, err->msg, sizeof(why));
			hs_error_set(err, HS_ERR_IO, "process %d exited during the capture (%s)", (int)in->pid, why);
		}
		out_abort(w);
		free(w);
		return rc == CDP_STOPPED || (abort_now && *abort_now) ? CDP_STOPPED : rc;
	}
	if (out_commit(w)) {
		free(w);
		return err->status ? err->status : HS_ERR_IO;
	}
	snprintf(r->file, sizeof(r->file), "%s", w->is_stdout ? "-" : w->final);
	r->bytes = w->bytes;
	r->file_bytes = w->file_bytes;
	r->pause = t1 - t0;
	r->seconds = hs_now() - t0;
	free(w);
	return 0;
}

int insp_heap_used(struct insp *in, uint64_t *used, struct hs_error *err)
{
	struct cdp_reply rep;
	int rc = cdp_call(&in->cdp, "Runtime.getHeapUsage", NULL, &rep, 10000, NULL, err);
	if (rc)
		return rc;
	if (rep.error)
		return hs_error_set(err, HS_ERR_IO, "Runtime.getHeapUsage: %s", rep.msg);
	*used = (uint64_t)rep.used_size;
	return 0;
}

int insp_detach(struct insp *in)
{
	struct cdp_reply rep;
	struct hs_error e;
	double deadline;
	int ports[64], n;

	if (!in->connected)
		return in->state != INSP_OPENED;
	memset(&e, 0, sizeof(e));
	if (in->state == INSP_OPENED) {
		/* process._debugEnd() stops the inspector's server (what
		 * inspector.close() calls).  Deferred until hsnap has gone: Node 20
		 * crashed (SIGSEGV) when it was called with hsnap's session still
		 * attached, on the second SIGUSR1 activation of a process. */
		cdp_call(&in->cdp, "Runtime.evaluate",
			 "{\"expression\":\"setTimeout(() => process._debugEnd(), 1000), 'closing'\"}", &rep, 5000, NULL, &e);
	}
	cdp_close(&in->cdp);
	in->connected = 0;
	if (in->state != INSP_OPENED)
		return 1;
	deadline = hs_now() + 15;
	while (hs_now() < deadline) {
		n = proc_listen_ports(in->pid, ports, 64);
		if (n >= 0) {
			if (!has_port(ports, n, in->port))
				return 1;
		} else {
			int fd = ws_tcp_connect(in->host, in->port, 0, 500, &e);
			if (fd < 0)
				return 1;
			close(fd);
		}
		if (!proc_alive(in->pid))
			return 1;
		sleep_ms(50);
	}
	return 0;
}

/* Option helpers, loading with progress, error lines. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include "cli.h"
#include "options.h"
#include "platform.h"
#include "alloc.h"
#include "hsnap/index.h"
#include "input.h"
#include "byfn.h"

int cli_jobs; /* --jobs N (0: all cores) */
int cli_no_index; /* --no-index */
int cli_verify_index; /* --verify-index */
uint64_t cli_max_input; /* --max-input SIZE (0: none) */

int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "hsnap %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see 'hsnap %s --help')\n", cmd);
	return EXIT_USAGE;
}

int parse_format(const char *cmd, const char *arg, enum fmt *out)
{
	if (!strcmp(arg, "text")) *out = FMT_TEXT;
	else if (!strcmp(arg, "json")) *out = FMT_JSON;
	else if (!strcmp(arg, "csv")) *out = FMT_CSV;
	else if (!strcmp(arg, "markdown") || !strcmp(arg, "md")) *out = FMT_MD;
	else if (!strcmp(arg, "html"))
		return usage_error(cmd, "--format html is for summary, diff, leaks, growth, contexts and realms");
	else return usage_error(cmd, "unknown format '%s' (text, json, csv or markdown)", arg);
	cli_json = *out == FMT_JSON;
	cli_fmt = *out;
	safe_stdout_json(*out == FMT_JSON);
	return 0;
}

int cli_json;

int file_error(const char *file, const char *msg, int exit_code)
{
	fprintf(stderr, "hsnap: %s: %s\n", file, msg);
	if (cli_json) {
		yajl_gen g = json_new(1);
		yajl_gen_map_open(g);
		json_key(g, "error");
		yajl_gen_map_open(g);
		json_kv_str(g, "file", file);
		json_kv_str(g, "message", msg);
		json_kv_u64(g, "exit_code", (uint64_t)exit_code);
		yajl_gen_map_close(g);
		json_finish(g);
		fflush(stdout);
	}
	return exit_code;
}

int parse_range(const char *cmd, const char *opt, const char *arg, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < lo || v > hi)
		return usage_error(cmd, "%s needs an integer from %ld to %ld, got '%s'", opt, lo, hi, arg);
	*out = v;
	return 0;
}

int parse_count(const char *cmd, const char *opt, const char *arg, long *out)
{
	return parse_range(cmd, opt, arg, 0, COUNT_MAX, out);
}

int parse_id(const char *cmd, const char *opt, const char *arg, uint64_t *out)
{
	const char *digits = arg[0] == '@' ? arg + 1 : arg; /* ids are printed as @123 */
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(digits, &end, 10);
	if (errno || end == digits || *end || !(*digits >= '0' && *digits <= '9'))
		return usage_error(cmd, "%s needs an object id (0 to %llu, as 123 or @123), got '%s'", opt,
				   (unsigned long long)UINT64_MAX, arg);
	*out = v;
	return 0;
}

int exit_code_for(int status)
{
	return status == HS_ERR_LIMIT ? EXIT_LIMIT : status == HS_ERR_USAGE ? EXIT_USAGE : EXIT_INPUT;
}

/* ---- progress on a terminal ------------------------------------------- */

struct progress {
	const char *file;
	double start;
	int shown;
};


static void on_load(void *ctx, uint64_t done, uint64_t total, uint64_t bytes)
{
	struct progress *p = ctx;
	char a[32], b[32], c[32];

	if (hs_now() - p->start < 1.0)
		return;
	if (bytes > done && total) /* gzip: the file's share, and what it expanded to */
		fprintf(stderr, "\rhsnap: loading %s: %.0f%% of %s compressed, %s of JSON   ", p->file,
			100.0 * (double)done / (double)total, human_size(total, b, sizeof(b)),
			human_size(bytes, c, sizeof(c)));
	else if (bytes > done)
		fprintf(stderr, "\rhsnap: loading %s: %s of JSON   ", p->file, human_size(bytes, c, sizeof(c)));
	else if (total)
		fprintf(stderr, "\rhsnap: loading %s: %s of %s (%.0f%%)   ", p->file,
			human_size(done, a, sizeof(a)), human_size(total, b, sizeof(b)),
			100.0 * (double)done / (double)total);
	else
		fprintf(stderr, "\rhsnap: loading %s: %s   ", p->file, human_size(done, a, sizeof(a)));
	p->shown = 1;
}

int env_flag(const char *name)
{
	const char *v = getenv(name);
	return v && *v && strcmp(v, "0");
}

/* HSNAP_TIMING=1: one stderr line per phase with the seconds since start
 * (for benchmarks; replaces the terminal progress). */
static double t_zero;
static int timing(void)
{
	if (!t_zero)
		t_zero = hs_now();
	return env_flag("HSNAP_TIMING");
}

void timing_start(void)
{
	(void)timing();
}

/* Resident and peak resident memory in MB (VmRSS, VmHWM), 0 when unknown. */
static void rss_mb(unsigned long *rss, unsigned long *hwm)
{
	char line[128];
	FILE *f = fopen("/proc/self/status", "r");

	*rss = *hwm = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "VmRSS:", 6))
			*rss = strtoul(line + 6, NULL, 10) / 1000;
		else if (!strncmp(line, "VmHWM:", 6))
			*hwm = strtoul(line + 6, NULL, 10) / 1000;
	}
	fclose(f);
}

static void timing_mark(const char *file, const char *what)
{
	unsigned long rss, hwm;

	if (!timing())
		return;
	rss_mb(&rss, &hwm);
	fprintf(stderr, "hsnap: timing: %7.3f s %s: %s (rss %lu MB, peak %lu MB)\n",
		hs_now() - t_zero, file, what, rss, hwm);
}

static void on_phase(void *ctx, const char *name)
{
	struct progress *p = ctx;

	if (timing()) {
		timing_mark(p->file, name);
		return;
	}
	if (hs_now() - p->start < 1.0)
		return;
	fprintf(stderr, "\r\033[Khsnap: %s: %s...", p->file, name);
	p->shown = 1;
}

static void progress_end(struct progress *p)
{
	if (p->shown)
		fprintf(stderr, "\r\033[K");
}

/* ---- the index beside each snapshot ------------------------------------ */

static void trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void trace(const char *fmt, ...)
{
	char line[2048];
	va_list ap;
	int n;

	if (!env_flag("HSNAP_TRACE_INDEX"))
		return;
	memcpy(line, "hsnap: index: ", 14);
	va_start(ap, fmt);
	n = vsnprintf(line + 14, sizeof(line) - 15, fmt, ap);
	va_end(ap);
	n = n < 0 ? 14 : n > (int)sizeof(line) - 16 ? (int)sizeof(line) - 2 : n + 14;
	line[n++] = '\n';
	/* one write: an index writer (a child process) traces too */
	if (write(2, line, (size_t)n) < 0)
		return;
}

/* 1 in the child that writes the index behind the answer: no progress line
 * on a terminal, where the parent is printing the answer. */
static int in_writer;

/* Writes the index of s (parsed from the regular file s->file, whose key was
 * taken before parsing) from its default analysis a. */
static void write_index(const struct hs_snapshot *s, const struct hs_index_key *key, const struct hs_analysis *a)
{
	struct hs_error err = { 0, "" };
	struct progress pr = { s->file, hs_now() - 1.0, 0 }; /* a big write: say so */
	char *ipath = hs_index_path(s->file);
	int rc, saved;

	if ((isatty(2) && s->file_bytes > (64u << 20) && !in_writer) || timing())
		on_phase(&pr, "writing the index");
	rc = hs_index_write(ipath, key, s, a, &err);
	saved = errno;
	progress_end(&pr);
	errno = saved;
	if (rc == 0) {
		trace("%s: wrote %s in %.2f s", s->file, ipath, hs_now() - pr.start - 1.0);
	} else if (errno == EACCES || errno == EROFS || errno == EPERM || errno == ENOSPC ||
		   errno == EDQUOT || errno == EFBIG || errno == EEXIST || errno == ENAMETOOLONG) {
		/* unwritable folder, a nearly full disk, a quota, a file size
		 * limit, something that is not an index at its path, a name too
		 * long: no index, no noise (docs/files.md) */
		trace("%s: not written (%s)", s->file, err.msg);
	} else {
		fprintf(stderr, "hsnap: warning: %s\n", err.msg);
	}
	free(ipath);
}

/* ---- answer first: the index is written behind the answer ---------------
 *
 * The first command on a snapshot forks right after its analysis: the child
 * (a copy-on-write image of the snapshot and its analysis, frozen at that
 * point) writes the index, with /dev/null as its standard output and at nice
 * +10 (the answer has the CPU first), and exits; the parent prints the
 * answer meanwhile.  At exit (cli_index_writers_wait,
 * an atexit handler that runs after standard output is flushed) the parent
 * closes its standard output, so that a reader sees the end of the answer,
 * then waits for its writers: the index is complete when hsnap exits, and
 * the child's trace or warning lines come before that.  The child's status
 * never changes the parent's exit code (as a failed write never did). */

#define MAX_WRITERS 4
static pid_t writers[MAX_WRITERS];
static int nwriters;

/* Waits for writer k (blocking or not); 1 when it is gone. */
static int reap(int k, int options)
{
	int status;
	pid_t r;

	while ((r = waitpid(writers[k], &status, options)) < 0 && errno == EINTR)
		;
	if (r == 0)
		return 0;
	writers[k] = writers[--nwriters];
	return 1;
}

void cli_index_writers_wait(void)
{
	int saved = errno;

	if (!nwriters)
		return;
	fflush(stdout);
	close(1); /* the answer is complete: the reader sees its end now */
	while (nwriters)
		reap(nwriters - 1, 0);
	errno = saved;
}

/* write_index(s, key, a) in a child process; in this one when fork fails or
 * HSNAP_INDEX_SYNC is set. */
static void write_index_behind(const struct hs_snapshot *s, const struct hs_index_key *key,
			       const struct hs_analysis *a)
{
	pid_t pid;
	int k, fd;

	for (k = nwriters - 1; k >= 0; k--) /* a long `watch`: no zombies */
		reap(k, WNOHANG);
	if (nwriters == MAX_WRITERS)
		reap(0, 0);
	if (env_flag("HSNAP_INDEX_SYNC") || (pid = fork()) < 0) {
		write_index(s, key, a);
		return;
	}
	if (pid == 0) {
		/* nothing of the parent's answer is ours: the child never writes
		 * or flushes stdout (it leaves with _exit) and holds no copy of
		 * the reader's end */
		nwriters = 0;
		in_writer = 1;
		/* the parent's answer first: the write takes what CPU is left */
		errno = 0;
		k = getpriority(PRIO_PROCESS, 0);
		if (errno == 0)
			setpriority(PRIO_PROCESS, 0, k + 10 > 19 ? 19 : k + 10);
		fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (fd >= 0 && fd != 1) {
			dup2(fd, 1);
			close(fd);
		}
		write_index(s, key, a);
		_exit(0);
	}
	writers[nwriters++] = pid;
}

/* A load failure after the index was mapped: frees it, returns the exit code. */
static int verify_failed(const char *path, struct hs_error *err, int rc, struct hs_snapshot *fresh,
			 struct loaded *ld)
{
	fprintf(stderr, "hsnap: %s: %s\n", path, err->msg);
	hs_snapshot_free(fresh);
	hs_snapshot_free(ld->s);
	ld->s = NULL;
	return exit_code_for(rc);
}

/* --verify-index: parses FILE as if there were no index, analyses it as for
 * writing one, and compares the index (ld->s) with that.  On a mismatch
 * ld->s becomes the parsed snapshot and the index is rewritten.  Returns an
 * exit code. */
static int verify_index(const char *path, const char *ipath, const struct hs_load_opts *lo, struct loaded *ld)
{
	struct hs_error err = { 0, "" };
	struct hs_snapshot *fresh;
	struct hs_analysis fa;
	struct hs_analysis_opts o;
	int rc;

	rc = hs_snapshot_load(path, lo, &fresh, &err);
	if (rc < 0)
		return verify_failed(path, &err, rc, NULL, ld);
	memset(&o, 0, sizeof(o));
	o.parent_edges = 1;
	o.jobs = cli_jobs;
	rc = hs_analysis_run(&fa, fresh, &o, &err);
	if (rc < 0)
		return verify_failed(path, &err, rc, fresh, ld);
	if (hs_index_compare(ld->s, fresh, &fa, &err)) {
		trace("%s: %s verified against the snapshot", path, ipath);
		hs_analysis_release(&fa);
		hs_snapshot_free(fresh);
		return EXIT_OK;
	}
	fprintf(stderr, "hsnap: warning: %s does not match %s (%s); rebuilding it\n", ipath, path, err.msg);
	ld->ist.state = HS_INDEX_STALE;
	snprintf(ld->ist.why, sizeof(ld->ist.why), "its content differs from the snapshot's (%.160s)", err.msg);
	hs_snapshot_free(ld->s);
	ld->s = fresh;
	write_index(fresh, &ld->key, &fa);
	hs_analysis_release(&fa);
	return EXIT_OK;
}

int open_input(const char *path, struct hs_input **in)
{
	struct hs_error err = { 0, "" };
	int rc;

	*in = NULL;
	if ((rc = hs_input_open(path, in, &err)) == 0)
		rc = hs_input_set_limit(*in, cli_max_input, &err);
	if (rc < 0) {
		hs_input_close(*in);
		*in = NULL;
		fprintf(stderr, "hsnap: %s: %s\n", strcmp(path, "-") ? path : "<stdin>", err.msg);
		return exit_code_for(rc);
	}
	return EXIT_OK;
}

static void load_opts_init(struct hs_load_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->jobs = cli_jobs;
	opts->max_input = cli_max_input;
	if (getenv("HSNAP_PARALLEL_MIN"))
		opts->parallel_min = strtoull(getenv("HSNAP_PARALLEL_MIN"), NULL, 10);
}

/* Tries the index of the regular file `path` (key in ld->key).  Returns 1
 * when ld->s is the index's snapshot (*rc: the exit code), 0 when the file
 * is to be parsed (ld->write_index: whether its index may be written). */
static int try_index(const char *path, const struct hs_load_opts *opts, struct loaded *ld, int *rc)
{
	struct hs_error err = { 0, "" };
	double start = hs_now();
	enum hs_index_state st;
	char *ipath = hs_index_path(path);

	if (isatty(2) && ld->key.size > (256u << 20)) {
		struct progress pr = { path, hs_now() - 1.0, 0 };
		on_phase(&pr, "checking the index");
		st = hs_index_open_lazy(ipath, &ld->key, cli_jobs, path, &ld->s, &err);
		progress_end(&pr);
	} else {
		st = hs_index_open_lazy(ipath, &ld->key, cli_jobs, path, &ld->s, &err);
	}
	ld->ist.state = (int)st;
	snprintf(ld->ist.path, sizeof(ld->ist.path), "%s", ipath);
	snprintf(ld->ist.why, sizeof(ld->ist.why), "%s", st == HS_INDEX_OK ? "" : err.msg);
	if (st == HS_INDEX_OK) {
		trace("%s: using %s (checked in %.2f s)", path, ipath, hs_now() - start);
		timing_mark(path, "index checked and mapped");
		*rc = cli_verify_index ? verify_index(path, ipath, opts, ld) : EXIT_OK;
		free(ipath);
		return 1;
	}
	if (st == HS_INDEX_ABSENT)
		trace("%s: no index yet", path);
	else
		trace("%s: ignoring %s: %s", path, ipath, err.msg);
	ld->write_index = st != HS_INDEX_BLOCKED; /* never replaced: do not try */
	free(ipath);
	return 0;
}

static int load_from(const char *path, struct hs_input *in, struct loaded *ld)
{
	struct hs_error err = { 0, "" };
	struct hs_load_opts opts;
	struct progress p = { path, hs_now(), 0 };
	int rc;

	memset(ld, 0, sizeof(*ld));
	ld->ist.state = -1;
	load_opts_init(&opts);
	/* only a regular file has an index (and is opened again for its key:
	 * a pipe must be read once) */
	if (!cli_no_index && !hs_input_is_stdin(in) && hs_input_disk_size(in) &&
	    hs_index_key(path, &ld->key, &err) == 0 && try_index(path, &opts, ld, &rc))
		return rc;
	if (isatty(2)) {
		opts.progress = on_load;
		opts.progress_ctx = &p;
	}
	timing_mark(path, "loading");
	rc = hs_snapshot_load_input(in, path, &opts, &ld->s, &err);
	progress_end(&p);
	timing_mark(path, "loaded");
	if (rc < 0) {
		ld->write_index = 0;
		return file_error(strcmp(path, "-") ? path : "<stdin>", err.msg, exit_code_for(rc));
	}
	return EXIT_OK;
}

int load_snapshot(const char *path, struct hs_input *in, struct loaded *ld)
{
	int rc;

	if (in)
		return load_from(path, in, ld);
	if ((rc = open_input(path, &in))) {
		memset(ld, 0, sizeof(*ld));
		ld->ist.state = -1;
		return rc;
	}
	rc = load_from(path, in, ld);
	hs_input_close(in);
	return rc;
}

void warn_overlap(const char *cmd, const char *na, const char *fa, const char *nb, const char *fb,
		  const struct hs_id_overlap *o, const char *consequence)
{
	int reversed = o->max_js_b < o->max_js_a;

	if (o->old >= 100 && o->matched * 10 < o->old * 9) {
		fprintf(stderr, "hsnap: %s: warning: only %.0f%% of the objects of %s that are older than %s "
			"match %s by id: %s and %s do not look like snapshots of one process, so %s\n", cmd,
			100.0 * (double)o->matched / (double)o->old, reversed ? na : nb, reversed ? nb : na,
			reversed ? nb : na, na, nb, consequence);
		return;
	}
	if (reversed)
		fprintf(stderr, "hsnap: %s: warning: %s looks older than %s: its largest object id is @%" PRIu64 ", "
			"%s's @%" PRIu64 " (V8 gives new objects larger ids); give the snapshots oldest first (%s: %s, %s: %s)\n",
			cmd, nb, na, o->max_js_b, na, o->max_js_a, na, fa, nb, fb);
}

void warn_pair(const char *cmd, const char *na, const struct hs_side *a, const char *nb,
	       const struct hs_side *b, const char *consequence)
{
	struct hs_id_overlap o;

	if (a->is_baseline || b->is_baseline)
		return;
	hs_id_overlap(a, b, &o);
	warn_overlap(cmd, na, a->file, nb, b->file, &o, consequence);
}

void warn_snapshot(const struct hs_snapshot *s)
{
	if (s->warning[0])
		fprintf(stderr, "hsnap: %s: warning: %s\n", s->file, s->warning);
}

/* ---- analysis ------------------------------------------------------------ */

/* What an analysis of a loaded snapshot is for. */
struct analysis_req {
	int raw, parents, no_distances;
	const struct hs_interfaces *given; /* interface definitions to apply (NULL: infer) */
	const char *name;                  /* the file, for an error line */
	int mark;                          /* HSNAP_TIMING: mark "analysed" */
	const struct beside *beside;       /* work beside the class aggregation, or NULL */
};

/* HSNAP_TRACE_INDEX: which of the analysis sections the index deferred were
 * decoded (hs_index_open_lazy), and which never were. */
static void trace_decoded(const struct hs_snapshot *s, const char *what, double secs)
{
	char done[512] = "", left[512] = "";
	uint64_t dec = hs_index_decoded(s), pend = hs_index_pending(s);
	uint32_t id;

	if (!env_flag("HSNAP_TRACE_INDEX"))
		return;
	for (id = 0; id < 64; id++) {
		const char *nm = hs_index_section_name(id);
		char *to = (pend >> id) & 1 ? left : (dec >> id) & 1 ? done : NULL;
		if (nm && to && strlen(to) + strlen(nm) + 2 < sizeof(done))
			snprintf(to + strlen(to), sizeof(done) - strlen(to), "%s%s", *to ? " " : "", nm);
	}
	trace("%s: %s in %.2f s; decoded: %s; not decoded: %s", s->file, what, secs, *done ? done : "none",
	      *left ? left : "none");
}

/* The analysis from ld->s's index, with its analysis sections decoded now
 * (only those rq needs: hs_index_open_lazy).  1: filled; 0: none; -1: a
 * section failed its checks (traced; a is empty). */
static int index_analysis(struct loaded *ld, const struct analysis_req *rq, struct hs_analysis *a)
{
	struct hs_error err = { 0, "" };
	unsigned need = (rq->no_distances ? 0 : HS_INDEX_NEED_DISTANCES) | (rq->parents ? HS_INDEX_NEED_PARENTS : 0);
	double start = hs_now();
	int rc = hs_index_analysis_for(ld->s, a, need, &err);

	if (rc < 0)
		trace("%s: ignoring the analysis in %s: %s", ld->s->file, ld->ist.path, err.msg);
	else if (rc > 0)
		trace_decoded(ld->s, "analysis from the index", hs_now() - start);
	return rc;
}

/* The analysis of ld->s: the index's (renamed with rq->given), or run; when
 * the index is due it is the default analysis (everything any command
 * needs), written to the index and then renamed.  Returns an exit code. */
static int analyze(struct loaded *ld, const struct analysis_req *rq, struct hs_analysis *a)
{
	struct hs_error err = { 0, "" };
	struct progress p = { ld->s->file, hs_now(), 0 };
	struct hs_analysis_opts o = { rq->raw, rq->given, rq->no_distances, rq->parents, NULL, NULL, 0, NULL, NULL };
	int rc, index = !rq->raw && ld->write_index;

	o.jobs = cli_jobs;
	if (rq->raw && ld->s->index)
		trace_decoded(ld->s, "raw sizes: analysing the index's model, not its analysis", 0.0);
	if (!rq->raw && ld->s->index) {
		rc = index_analysis(ld, rq, a);
		if (rc > 0) {
			if (rq->given)
				hs_analysis_rename(a, rq->given);
			return EXIT_OK;
		}
		index = rc < 0; /* a section failed: analyse the checked model, rebuild the index */
	}
	if (index) {
		o.interfaces = NULL;
		o.no_distances = 0;
		o.parent_edges = 1;
	}
	/* the beside work reads the class names: not when they are renamed
	 * after the analysis (the index holds the inferred ones) */
	if (rq->beside && !(index && rq->given)) {
		o.beside_aggregates = rq->beside->fn;
		o.beside_ctx = rq->beside->ctx;
	}
	if (isatty(2) || timing()) {
		o.phase = on_phase;
		o.phase_ctx = &p;
	}
	rc = hs_analysis_run(a, ld->s, &o, &err);
	progress_end(&p);
	if (rq->mark)
		timing_mark(ld->s->file, "analysed");
	if (rc < 0)
		return file_error(rq->name, err.msg, exit_code_for(rc));
	if (index) {
		ld->write_index = 0; /* once */
		write_index_behind(ld->s, &ld->key, a);
		if (rq->given)
			hs_analysis_rename(a, rq->given);
	}
	return EXIT_OK;
}

int analyze_snapshot(struct loaded *ld, int raw_sizes, int parents, struct hs_analysis *a)
{
	struct analysis_req rq = { raw_sizes, parents, 0, NULL, ld->s->file, 1, NULL };
	return analyze(ld, &rq, a);
}

/* load_snapshot, warn_snapshot, then analyze (rq->name NULL: the
 * snapshot's file); on a failure nothing is left to release. */
static int load_analyze(const char *path, struct hs_input *in, struct analysis_req *rq, struct loaded *ld,
			struct hs_analysis *a)
{
	int rc;

	if ((rc = load_snapshot(path, in, ld)))
		return rc;
	warn_snapshot(ld->s);
	if (!rq->name)
		rq->name = ld->s->file;
	if ((rc = analyze(ld, rq, a))) {
		hs_snapshot_free(ld->s);
		return rc;
	}
	return EXIT_OK;
}

int load_analyzed(const char *path, int raw_sizes, int parents, struct loaded *ld, struct hs_analysis *a)
{
	return load_analyzed_beside(path, raw_sizes, parents, NULL, ld, a);
}

int load_analyzed_beside(const char *path, int raw_sizes, int parents, const struct beside *beside,
			 struct loaded *ld, struct hs_analysis *a)
{
	struct analysis_req rq = { raw_sizes, parents, 0, NULL, NULL, 1, beside };
	return load_analyze(path, NULL, &rq, ld, a);
}

int parse_files(const struct cmd_doc *doc, const struct opt *opts, int argc, char **argv, int n,
		const char *expected)
{
	int rc = parse_options(doc, opts, argc, argv);

	if (rc)
		return rc;
	if (argc - optind != n)
		return usage_error(doc->name, "expected %s, got %d", expected, argc - optind);
	return 0;
}

int parse_one_file(const struct cmd_doc *doc, const struct opt *opts, int argc, char **argv, const char **file)
{
	int rc = parse_files(doc, opts, argc, argv, 1, "one FILE");

	if (rc)
		return rc;
	*file = argv[optind];
	return 0;
}

/* a side's object keys, found beside the class aggregation */
struct keys_job {
	struct hs_class_names *ns;
	struct hs_side keys;
	int ready;
};

static void keys_beside(void *ctx, const struct hs_analysis *a)
{
	struct keys_job *j = ctx;

	hs_side_objects_from_analysis(&j->keys, j->ns, a);
	j->ready = 1;
}

int load_side(struct hs_class_names *ns, const char *path, struct hs_input *in, struct hs_side *side,
	      const struct side_opts *so)
{
	struct keys_job kj = { ns, { 0 }, 0 };
	const struct beside kb = { keys_beside, &kj };
	struct analysis_req rq = { so->raw, 0, 1, so->given, path, 0, NULL };
	struct loaded ld;
	struct hs_analysis a, fa;
	int rc;

	/* --by function keys the objects by the function rows, found later */
	if (so->with_objects && !so->by_function)
		rq.beside = &kb;
	if ((rc = load_analyze(path, in, &rq, &ld, &a))) {
		hs_side_release(&kj.keys);
		return rc;
	}
	if (so->by_function)
		by_function_begin(&fa, &a);
	if (kj.ready) {
		hs_side_rows_from_analysis(side, ns, &a);
		hs_side_take_objects(side, &kj.keys);
	} else if (so->with_objects) {
		hs_side_from_analysis(side, ns, so->by_function ? &fa : &a);
	} else {
		hs_side_rows_from_analysis(side, ns, so->by_function ? &fa : &a);
	}
	if (so->keep)
		hs_interfaces_copy(so->keep, &a.classes.interfaces);
	if (so->hook)
		so->hook(so->hook_ctx, so->by_function ? &fa : &a);
	if (so->by_function)
		by_function_end(&fa, &a);
	/* the next side's arrays are about as large: they take these over
	 * (the command ends the recycling once its sides are loaded) */
	hs_recycle_begin();
	hs_analysis_release(&a);
	hs_snapshot_free(ld.s);
	return EXIT_OK;
}

int filter_option(const char *cmd, const char *arg, struct hs_filter *f, const char **name)
{
	struct hs_error err = { 0, "" };

	if (hs_filter_parse(arg, f, &err))
		return usage_error(cmd, "%s", err.msg);
	*name = arg;
	return 0;
}

int fail_on_option(const char *cmd, const char *arg, int scoped, int no_new, struct hs_rule **rules, int *n,
		   int *need_realms)
{
	struct hs_error err;
	struct hs_rule *r;

	HS_REALLOC_ARRAY(*rules, (size_t)*n + 1);
	r = &(*rules)[*n];
	if ((scoped ? hs_rule_parse_scoped(arg, r, &err) : hs_rule_parse(arg, r, &err)) < 0)
		return usage_error(cmd, "%s", err.msg);
	if (no_new && r->metric == HS_METRIC_NEW)
		return usage_error(cmd, "rule '%s': the metric 'new' is for diff; %s rules use count, self or retained",
				   arg, cmd);
	if (need_realms)
		*need_realms |= r->realm;
	++*n;
	return 0;
}

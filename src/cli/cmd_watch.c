/* hsnap watch: snapshots of a running process on a threshold, with growth
 * (and leaks) over the kept series after each one. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <yajl_tree.h>
#include "cli.h"
#include "options.h"
#include "capture_cli.h"
#include "alloc.h"
#include "platform.h"

static const struct cmd_doc help_doc = {
	.name = "watch",
	.usage = (const char *const[]){ "hsnap watch PID -d DIR [--rss-above SIZE] [--heap-above SIZE]\n"
					"                   [--every DURATION] [options]",
					NULL },
	.description =
		"Watches a running Node process from the outside and captures a heap\n"
		"snapshot (as hsnap capture does) into DIR whenever a condition holds and\n"
		"the cooldown has passed; keeps the last N snapshots; after each capture\n"
		"from the second on, compares the kept series: 'diff' of the two, then from\n"
		"the third on 'growth' over all kept snapshots and 'leaks' over the last\n"
		"three.  It prints the growing classes and writes the reports as JSON to\n"
		"DIR/PID-watch.json.  It stops after --count captures, on SIGINT/SIGTERM\n"
		"(a capture in progress is finished or removed) and when the process exits.\n"
		"One inspector session lasts from the first capture (from the start with\n"
		"--heap-above) to the end: V8 forgets its object ids when a session ends,\n"
		"and diff and leaks match objects by id.  An inspector hsnap opened with\n"
		"SIGUSR1 is closed when it stops.\n",
	.epilog =
		"\n"
		"Exit codes: 0 stopped (count reached, signal, process exited), 1 a --fail-on\n"
		"rule was violated, 2 usage, 3 a capture or an analysis failed.\n",
	.operands = "<pid>",
};

struct kept {
	char file[4096];
	char reason[128];
	time_t when;
	struct capture_result res;
};

struct wopts {
	pid_t pid;
	uint64_t rss_above, heap_above;
	double every, cooldown, interval;
	long keep, count;
	const char *dir;
	char **rules;
	int nrules, gz, quiet;
	struct capture_opts co;
};

static int parse_size(const char *s, uint64_t *out)
{
	static const struct { const char *u; uint64_t m; } units[] = {
		{ "", 1 }, { "B", 1 }, { "KB", 1000 }, { "MB", 1000000 }, { "GB", 1000000000 },
		{ "KiB", 1024 }, { "MiB", 1 << 20 }, { "GiB", 1 << 30 }, { "kB", 1000 }
	};
	char *end;
	double v = strtod(s, &end);
	size_t i;
	if (end == s || v < 0 || v > 1e18)
		return -1;
	while (*end == ' ') end++;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(end, units[i].u)) {
			*out = (uint64_t)(v * (double)units[i].m);
			return 0;
		}
	return -1;
}

static int parse_duration(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || v < 0 || v > 1e9)
		return -1;
	if (!*end || !strcmp(end, "s")) *out = v;
	else if (!strcmp(end, "ms")) *out = v / 1000;
	else if (!strcmp(end, "m")) *out = v * 60;
	else if (!strcmp(end, "h")) *out = v * 3600;
	else return -1;
	return 0;
}


/* Sleeps up to s seconds; a signal ends the sleep. */
static void nap(double s)
{
	struct timespec ts;
	if (s <= 0) return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);
}

static void remove_snapshot(const char *file)
{
	char idx[4200];
	unlink(file);
	snprintf(idx, sizeof(idx), "%s.hsnapidx", file);
	unlink(idx);
}

/* Runs `hsnap CMD --format json FILES...` into path; returns its exit code. */
static int run_json(const char *cmd, char **files, int n, char **rules, int nrules, const char *path)
{
	char **args;
	int i, k = 0, fd, rc;

	HS_ALLOC_ARRAY(args, (size_t)(5 + n + 2 * nrules));
	args[k++] = (char *)"hsnap";
	args[k++] = (char *)cmd;
	args[k++] = (char *)"--format";
	args[k++] = (char *)"json";
	for (i = 0; i < nrules; i++) {
		args[k++] = (char *)"--fail-on";
		args[k++] = rules[i];
	}
	for (i = 0; i < n; i++)
		args[k++] = files[i];
	args[k] = NULL;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		free(args);
		fprintf(stderr, "hsnap: watch: cannot create %s: %s\n", path, strerror(errno));
		return EXIT_INPUT;
	}
	rc = capture_run_self(args, fd);
	close(fd);
	free(args);
	return rc;
}

static yajl_val read_json(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL, err[128];
	size_t n = 0, cap = 0, r;
	yajl_val v;
	if (!f)
		return NULL;
	for (;;) {
		if (n + 65536 + 1 > cap) {
			cap = cap ? cap * 2 : 1 << 17;
			buf = hs_xrealloc(buf, cap);
		}
		r = fread(buf + n, 1, cap - n - 1, f);
		if (!r) break;
		n += r;
	}
	fclose(f);
	if (!buf)
		return NULL;
	buf[n] = 0;
	v = yajl_tree_parse(buf, err, sizeof(err));
	free(buf);
	return v;
}

/* Appends the file at path (a JSON document, or null when missing). */
static void append_file(FILE *out, const char *path)
{
	FILE *f = fopen(path, "r");
	char buf[65536];
	size_t r, total = 0;
	if (f) {
		while ((r = fread(buf, 1, sizeof(buf), f)) > 0) {
			fwrite(buf, 1, r, out);
			total += r;
		}
		fclose(f);
	}
	if (!total)
		fputs("null", out);
}

static const char *str_of(yajl_val o, const char *key)
{
	const char *path[] = { key, NULL };
	yajl_val v = yajl_tree_get(o, path, yajl_t_string);
	return v ? YAJL_GET_STRING(v) : "?";
}

static long long int_of(yajl_val o, const char *key)
{
	const char *path[] = { key, NULL };
	yajl_val v = yajl_tree_get(o, path, yajl_t_number);
	return v && YAJL_IS_INTEGER(v) ? YAJL_GET_INTEGER(v) : 0;
}

/* Prints the first `top` classes of a report: "name  +count  retained". */
static void print_classes(const char *title, yajl_val doc, const char *count_key, const char *size_key, int top)
{
	const char *path[] = { "classes", NULL };
	yajl_val arr = doc ? yajl_tree_get(doc, path, yajl_t_array) : NULL;
	size_t i, shown = 0;
	if (!arr) {
		printf("  %s: no report\n", title);
		return;
	}
	printf("  %s:", title);
	for (i = 0; i < arr->u.array.len && (int)shown < top; i++) {
		yajl_val c = arr->u.array.values[i];
		long long cnt = int_of(c, count_key);
		char b1[32], b2[32];
		if (cnt <= 0)
			continue;
		printf("%s %s %s (%s)", shown ? "," : "", str_of(c, "name"), signed_digits(cnt, b1, sizeof(b1)),
		       signed_size(int_of(c, size_key), b2, sizeof(b2)));
		shown++;
	}
	printf("%s\n", shown ? "" : " none");
}

static void kept_json(yajl_gen g, const struct kept *k)
{
	char ts[32];
	struct tm tm;
	gmtime_r(&k->when, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	yajl_gen_map_open(g);
	json_kv_str(g, "file", k->file);
	json_kv_str(g, "time", ts);
	json_kv_str(g, "reason", k->reason);
	json_kv_u64(g, "bytes", k->res.bytes);
	json_key(g, "pause_seconds");
	json_num(g, k->res.pause);
	yajl_gen_map_close(g);
}

/* The paths of one analysis round: the three reports and the watch file. */
struct report_paths {
	char grow[4200], leak[4200], dif[4200], rep[4200], tmp[4300];
};

/* Runs diff (two or more kept), growth and leaks (three or more) into
 * their files and prints their first classes; rd/rg/rl their exit codes,
 * -1 for those not run. */
static void run_reports(const struct wopts *w, const struct report_paths *p, char **files, int n,
			int *rd, int *rg, int *rl)
{
	yajl_val d;

	if (n >= 2) {
		*rd = run_json("diff", files + n - 2, 2, NULL, 0, p->dif);
		d = read_json(p->dif);
		print_classes("new since the previous snapshot (diff)", d, "count_delta", "retained_delta", 5);
		if (d) yajl_tree_free(d);
	}
	if (n >= 3) {
		*rg = run_json("growth", files, n, w->rules, w->nrules, p->grow);
		d = read_json(p->grow);
		print_classes("growing at every step (growth)", d, "count_growth", "retained_growth", 5);
		if (d) yajl_tree_free(d);
		*rl = run_json("leaks", files + n - 3, 3, NULL, 0, p->leak);
		d = read_json(p->leak);
		print_classes("allocated in the middle one, alive in the last (leaks)", d, "count", "retained_size", 5);
		if (d) yajl_tree_free(d);
	}
}

/* The report: {"pid", "snapshots": [...], "diff", "growth", "leaks"},
 * written to p->tmp and renamed to p->rep.  Returns an exit code, or -1
 * when p->tmp cannot be created. */
static int write_report(const struct wopts *w, const struct report_paths *p, const struct kept *series,
			int n, int rd, int rg, int rl)
{
	FILE *out = fopen(p->tmp, "w");
	const unsigned char *buf;
	size_t len;
	yajl_gen g;
	int i;

	if (!out) {
		fprintf(stderr, "hsnap: watch: cannot write %s: %s\n", p->tmp, strerror(errno));
		return -1;
	}
	g = json_new(0);
	yajl_gen_map_open(g);
	json_kv_u64(g, "pid", (uint64_t)w->pid);
	json_key(g, "snapshots");
	yajl_gen_array_open(g);
	for (i = 0; i < n; i++)
		kept_json(g, &series[i]);
	yajl_gen_array_close(g);
	yajl_gen_get_buf(g, &buf, &len);
	fwrite(buf, 1, len, out);
	yajl_gen_free(g);
	fputs(",\"diff\":", out);
	append_file(out, rd >= 0 ? p->dif : "");
	fputs(",\"growth\":", out);
	append_file(out, rg >= 0 ? p->grow : "");
	fputs(",\"leaks\":", out);
	append_file(out, rl >= 0 ? p->leak : "");
	fputs("}\n", out);
	if (fclose(out) != 0 || rename(p->tmp, p->rep) != 0) {
		fprintf(stderr, "hsnap: watch: cannot write %s: %s\n", p->rep, strerror(errno));
		return EXIT_INPUT;
	}
	return 0;
}

/* After a capture: reports over the kept series.  Returns an exit code (1:
 * a --fail-on rule was violated). */
static int analyse(const struct wopts *w, struct kept *series, int n)
{
	struct report_paths p;
	char **files;
	int i, rc, rg = -1, rl = -1, rd = -1;

	snprintf(p.grow, sizeof(p.grow), "%s/.%d-growth.json", w->dir, (int)w->pid);
	snprintf(p.leak, sizeof(p.leak), "%s/.%d-leaks.json", w->dir, (int)w->pid);
	snprintf(p.dif, sizeof(p.dif), "%s/.%d-diff.json", w->dir, (int)w->pid);
	snprintf(p.rep, sizeof(p.rep), "%s/%d-watch.json", w->dir, (int)w->pid);
	snprintf(p.tmp, sizeof(p.tmp), "%s.tmp", p.rep);
	HS_ALLOC_ARRAY(files, (size_t)n);
	for (i = 0; i < n; i++)
		files[i] = series[i].file;
	unlink(p.grow);
	unlink(p.leak);
	unlink(p.dif);
	run_reports(w, &p, files, n, &rd, &rg, &rl);
	free(files);
	if ((rc = write_report(w, &p, series, n, rd, rg, rl)) < 0)
		return EXIT_INPUT; /* not even created: the reports stay */
	unlink(p.grow);
	unlink(p.leak);
	unlink(p.dif);
	if ((rd > 0 && rd != EXIT_GATE) || (rg > 0 && rg != EXIT_GATE) || (rl > 0 && rl != EXIT_GATE)) {
		fprintf(stderr, "hsnap: watch: an analysis failed (exit %d)\n", rd > 1 ? rd : rg > 1 ? rg : rl);
		return EXIT_INPUT;
	}
	printf("  report: %s\n", p.rep);
	if (rg == EXIT_GATE)
		return EXIT_GATE;
	return rc;
}

/* The state of one watch. */
struct watch {
	struct wopts *w;
	struct kept *series;      /* [keep + 1], n of them in use, oldest first */
	int n, session;           /* session: the inspector is attached */
	struct insp in;
	double last, start;       /* times of the last capture and of the start */
	long captures;
	char label[64];           /* the progress line's */
	char fname[4096];         /* the snapshot being captured (w->co.out) */
};

/* What the loop does after a step: sleep, look again at once, or stop. */
enum step { STEP_NAP, STEP_AGAIN, STEP_STOP };

/* Attaches the inspector unless attached.  A process gone meanwhile is not
 * an error: STEP_AGAIN (the loop then sees it has exited). */
static enum step attach(struct watch *x, int *rc)
{
	struct hs_error err;
	int r;

	if (x->session)
		return STEP_NAP;
	memset(&err, 0, sizeof(err));
	if ((r = insp_attach(&x->w->co, &x->in, &err))) {
		insp_detach(&x->in);
		if (!proc_alive(x->w->pid))
			return STEP_AGAIN;
		fprintf(stderr, "hsnap: watch: %s\n", err.msg);
		*rc = capture_exit_code(r);
		return STEP_STOP;
	}
	return STEP_NAP;
}

/* --heap-above: the JS heap's used size through the (kept) session. */
static enum step heap_probe(struct watch *x, uint64_t *heap, int *rc)
{
	struct hs_error err;
	enum step st;

	if ((st = attach(x, rc)) != STEP_NAP)
		return st;
	x->session = 1;
	memset(&err, 0, sizeof(err));
	if (insp_heap_used(&x->in, heap, &err)) {
		insp_detach(&x->in);
		x->session = 0;
		if (!proc_alive(x->w->pid))
			return STEP_AGAIN;
		fprintf(stderr, "hsnap: watch: %s\n", err.msg);
		*rc = EXIT_INPUT;
		return STEP_STOP;
	}
	return STEP_NAP;
}

/* DIR/PID-TIME.heapsnapshot[.gz], with -SEQ before the suffix while the
 * name is taken. */
static void snapshot_name(const struct wopts *w, time_t when, char *fname, size_t cap)
{
	char ts[32];
	struct tm tm;
	struct stat st;
	int seq = 0;

	gmtime_r(&when, &tm);
	strftime(ts, sizeof(ts), "%Y%m%dT%H%M%SZ", &tm);
	do {
		if (seq)
			snprintf(fname, cap, "%s/%d-%s-%d.heapsnapshot%s", w->dir, (int)w->pid, ts,
				 seq, w->gz ? ".gz" : "");
		else
			snprintf(fname, cap, "%s/%d-%s.heapsnapshot%s", w->dir, (int)w->pid, ts,
				 w->gz ? ".gz" : "");
		seq++;
	} while (lstat(fname, &st) == 0 && seq < 1000);
}

/* A capture taken: kept (the oldest removed beyond --keep), reported,
 * the series analysed. */
static enum step keep_capture(struct watch *x, const char *reason, const struct capture_result *res, int *rc)
{
	struct wopts *w = x->w;
	struct kept *k = &x->series[x->n];
	char b1[32];
	int r;

	x->captures++;
	snprintf(k->file, sizeof(k->file), "%s", x->fname);
	snprintf(k->reason, sizeof(k->reason), "%s", reason);
	k->res = *res;
	printf("capture %ld (%s, after %.0f s): %s, %s, target paused %.2f s\n", x->captures, reason,
	       x->last - x->start, x->fname, human_size(res->bytes, b1, sizeof(b1)), res->pause);
	x->n++;
	if (x->n > w->keep) {
		remove_snapshot(x->series[0].file);
		memmove(x->series, x->series + 1, sizeof(*x->series) * (size_t)w->keep);
		x->n = (int)w->keep;
	}
	fflush(stdout);
	r = analyse(w, x->series, x->n);
	fflush(stdout);
	if (r) {
		*rc = r;
		if (r == EXIT_GATE)
			fprintf(stderr, "hsnap: watch: a --fail-on rule was violated; stopping\n");
		return STEP_STOP;
	}
	if (w->count && x->captures >= w->count)
		return STEP_STOP;
	return STEP_NAP;
}

/* One capture for `reason`. */
static enum step take(struct watch *x, const char *reason, int *rc)
{
	struct wopts *w = x->w;
	struct capture_result res;
	struct hs_error err;
	enum step st;
	int r;

	x->series[x->n].when = time(NULL);
	snapshot_name(w, x->series[x->n].when, x->fname, sizeof(x->fname));
	w->co.out = x->fname;
	if ((st = attach(x, rc)) != STEP_NAP)
		return st;
	memset(&err, 0, sizeof(err));
	r = insp_snapshot(&x->in, &w->co, &res, &capture_signals, &capture_abort, &err);
	capture_progress_clear();
	/* the session stays: V8 forgets its object ids when a session
	 * ends, and diff/leaks match objects across snapshots by id */
	x->session = 1;
	x->last = hs_now();
	if (r == CDP_STOPPED)
		return STEP_STOP;
	if (r) {
		if (!proc_alive(w->pid)) {
			printf("process %d exited during a capture (no file written); %ld captures\n",
			       (int)w->pid, x->captures);
			return STEP_STOP;
		}
		fprintf(stderr, "hsnap: watch: %s; no file written\n", err.msg);
		*rc = capture_exit_code(r);
		return STEP_STOP;
	}
	return keep_capture(x, reason, &res, rc);
}

/* One look at the process: a capture when a condition holds and the
 * cooldown has passed. */
static enum step watch_step(struct watch *x, int *rc)
{
	const struct wopts *w = x->w;
	char reason[128] = "";
	uint64_t rss, heap = 0;
	double t = hs_now();
	enum step st;

	if (!proc_alive(w->pid)) {
		printf("process %d exited; %ld captures\n", (int)w->pid, x->captures);
		return STEP_STOP;
	}
	rss = proc_rss(w->pid);
	if (w->heap_above && (st = heap_probe(x, &heap, rc)) != STEP_NAP)
		return st;
	if (w->rss_above && rss > w->rss_above)
		snprintf(reason, sizeof(reason), "RSS %" PRIu64 " > %" PRIu64, rss, w->rss_above);
	else if (w->heap_above && heap > w->heap_above)
		snprintf(reason, sizeof(reason), "JS heap %" PRIu64 " > %" PRIu64, heap, w->heap_above);
	else if (w->every > 0 && t - x->last >= w->every)
		snprintf(reason, sizeof(reason), "every %.3g s", w->every);
	if (reason[0] && t - x->last >= w->cooldown)
		return take(x, reason, rc);
	return STEP_NAP;
}

static int watch_loop(struct wopts *w)
{
	struct watch x;
	int rc = 0;

	memset(&x, 0, sizeof(x));
	x.w = w;
	x.last = -1e18;
	x.start = hs_now();
	HS_CALLOC_ARRAY(x.series, (size_t)w->keep + 1);
	snprintf(x.label, sizeof(x.label), "hsnap watch %d", (int)w->pid);
	if (!w->quiet && isatty(2)) {
		w->co.progress = capture_progress;
		w->co.user = x.label;
	}
	printf("watching process %d:", (int)w->pid);
	if (w->rss_above) printf(" RSS above %" PRIu64 " bytes;", w->rss_above);
	if (w->heap_above) printf(" JS heap above %" PRIu64 " bytes;", w->heap_above);
	if (w->every > 0) printf(" every %.3g s;", w->every);
	printf(" cooldown %.3g s; keeping %ld in %s\n", w->cooldown, w->keep, w->dir);
	fflush(stdout);
	while (!capture_signals) {
		enum step st = watch_step(&x, &rc);
		if (st == STEP_STOP)
			break;
		if (st == STEP_NAP)
			nap(w->interval);
	}
	if (capture_signals && rc == 0)
		printf("stopped by signal %d; %ld captures\n", capture_last_signal, x.captures);
	if (x.session || x.in.connected) {
		if (!insp_detach(&x.in) && proc_alive(w->pid))
			fprintf(stderr, "hsnap: watch: %s\n", capture_inspector_text(&x.in, 0));
	}
	free(x.series);
	return rc;
}

static int opt_rss_above(const struct opt_call *call, const char *arg)
{
	uint64_t *v = call->opt->value;
	if (parse_size(arg, v) || !*v)
		return usage_error("watch", "--rss-above needs a size such as 500MB, got '%s'", arg);
	return 0;
}

static int opt_heap_above(const struct opt_call *call, const char *arg)
{
	uint64_t *v = call->opt->value;
	if (parse_size(arg, v) || !*v)
		return usage_error("watch", "--heap-above needs a size such as 200MB, got '%s'", arg);
	return 0;
}

static int opt_every(const struct opt_call *call, const char *arg)
{
	double *v = call->opt->value;
	if (parse_duration(arg, v) || *v <= 0)
		return usage_error("watch", "--every needs a duration such as 5m, got '%s'", arg);
	return 0;
}

struct cooldown_ref {
	double *cooldown;
	int *given;
};

static int opt_cooldown(const struct opt_call *call, const char *arg)
{
	const struct cooldown_ref *r = call->opt->value;
	if (parse_duration(arg, r->cooldown))
		return usage_error("watch", "--cooldown needs a duration such as 60s, got '%s'", arg);
	*r->given = 1;
	return 0;
}

static int opt_interval(const struct opt_call *call, const char *arg)
{
	double *v = call->opt->value;
	if (parse_duration(arg, v) || *v < 0.01)
		return usage_error("watch", "--interval needs a duration of at least 10ms, got '%s'", arg);
	return 0;
}

static int opt_keep(const struct opt_call *call, const char *arg)
{
	long *v = call->opt->value;
	if (parse_count("watch", "--keep", arg, v))
		return EXIT_USAGE;
	if (*v < 1 || *v > 1000)
		return usage_error("watch", "--keep must be 1 to 1000");
	return 0;
}

static int opt_fail_on(const struct opt_call *call, const char *arg)
{
	struct wopts *w = call->opt->value;
	struct hs_rule r;
	struct hs_error e;

	if (hs_rule_parse(arg, &r, &e) < 0)
		return usage_error("watch", "%s", e.msg);
	if (r.metric == HS_METRIC_NEW)
		return usage_error("watch", "rule '%s': growth rules use count, self or retained", arg);
	HS_REALLOC_ARRAY(w->rules, (size_t)w->nrules + 1);
	w->rules[w->nrules++] = (char *)arg;
	return 0;
}

static int opt_port(const struct opt_call *call, const char *arg)
{
	char *end;
	long v = strtol(arg, &end, 10);
	if (end == arg || *end || v < 1 || v > 65535)
		return usage_error("watch", "--port must be 1 to 65535");
	*(int *)call->opt->value = (int)v;
	return 0;
}

int cmd_watch(int argc, char **argv)
{
	struct wopts w;
	int rc, cooldown_given = 0;
	long v;
	char *end;
	struct cooldown_ref cooldown = { &w.cooldown, &cooldown_given };
	const struct opt opts[] = {
		OPT_GROUP("Conditions (at least one; any of them triggers a capture):"),
		OPT_CALLBACK("rss-above", &w.rss_above, "SIZE", "the process' resident memory (/proc/PID/status)",
			     opt_rss_above, NULL),
		OPT_CALLBACK("heap-above", &w.heap_above, "SIZE", "the used JS heap (Runtime.getHeapUsage)",
			     opt_heap_above, NULL),
		OPT_CALLBACK("every", &w.every, "DURATION", "unconditionally, first at the start", opt_every, NULL),
		OPT_TEXT("SIZE: bytes, or with KB MB GB (1000^n) or KiB MiB GiB (1024^n).\n"
			 "DURATION: seconds, or with ms s m h (e.g. 500ms, 30s, 5m).\n"),
		OPT_GROUP("Options:"),
		OPT_STRING_S('d', "dir", &w.dir, "DIR", "where snapshots and the report go (created if needed)", "<dir>"),
		OPT_CALLBACK("cooldown", &cooldown, "DURATION", "least time between captures (default 60s; with only\n"
			     "--every: the --every interval)", opt_cooldown, NULL),
		OPT_CALLBACK("interval", &w.interval, "DURATION", "how often the conditions are polled (default 1s)",
			     opt_interval, NULL),
		OPT_CALLBACK("keep", &w.keep, "N", "snapshots kept in DIR, older ones deleted (default 3)", opt_keep, NULL),
		OPT_COUNT("count", &w.count, "N", "stop after N captures (default: no limit)"),
		OPT_CALLBACK("fail-on", &w, "RULE", "exit 1 (and stop) when the growth report violates\n"
			     "RULE, as for 'hsnap growth' (repeatable; canaries)", opt_fail_on, NULL),
		OPT_CALLBACK("port", &w.co.port, "N", "the inspector's port when it is already open", opt_port, NULL),
		OPT_BOOL("gc", &w.co.gc, "collect garbage before each snapshot"),
		OPT_BOOL("gzip", &w.gz, "write DIR/PID-<time>.heapsnapshot.gz"),
		OPT_BOOL_S('q', "quiet", &w.quiet, "no progress line"),
		OPT_END()
	};

	memset(&w, 0, sizeof(w));
	w.cooldown = 60;
	w.interval = 1;
	w.keep = 3;
	if ((rc = parse_options(&help_doc, opts, argc, argv))) {
		if (rc < 0)
			rc = EXIT_OK;
		goto out;
	}
	if (argc - optind != 1) { rc = usage_error("watch", "expected one PID"); goto out; }
	v = strtol(argv[optind], &end, 10);
	if (end == argv[optind] || *end || v < 1 || v > 0x3fffffff) {
		rc = usage_error("watch", "'%s' is not a process id", argv[optind]);
		goto out;
	}
	w.pid = w.co.pid = (pid_t)v;
	if (!w.dir) { rc = usage_error("watch", "-d DIR is required"); goto out; }
	if (!w.rss_above && !w.heap_above && w.every <= 0) {
		rc = usage_error("watch", "give --rss-above, --heap-above or --every");
		goto out;
	}
	if (!cooldown_given && !w.rss_above && !w.heap_above)
		w.cooldown = 0;
	if (mkdir(w.dir, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "hsnap: watch: cannot create %s: %s\n", w.dir, strerror(errno));
		rc = EXIT_INPUT;
		goto out;
	}
	if (!proc_alive(w.pid)) {
		fprintf(stderr, "hsnap: watch: no process %d\n", (int)w.pid);
		rc = EXIT_INPUT;
		goto out;
	}
	/* snapshots hold secrets: so do the indexes and reports beside them */
	umask(077);
	capture_install_signals();
	rc = watch_loop(&w);
out:
	free(w.rules);
	return rc;
}

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
#include "vec.h"
#include "platform.h"

static const char *const usage_lines[] = {
	"hsnap watch PID -d DIR [--rss-above SIZE] [--heap-above SIZE]\n"
	"                   [--every DURATION] [options]",
	NULL
};

static const char help_text[] =
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
	"SIGUSR1 is closed when it stops.\n";

static const char help_epilog[] =
	"\n"
	"Exit codes: 0 stopped (count reached, signal, process exited), 1 a --fail-on\n"
	"rule was violated, 2 usage, 3 a capture or an analysis failed.\n";

static const struct cmd_doc help_doc = { "watch", usage_lines, help_text, help_epilog, "<pid>" };

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

/* After a capture: reports over the kept series.  Returns an exit code (1:
 * a --fail-on rule was violated). */
static int analyse(const struct wopts *w, struct kept *series, int n)
{
	char grow[4200], leak[4200], dif[4200], rep[4200], tmp[4300];
	char **files;
	int i, rc = 0, rg = -1, rl = -1, rd = -1;
	FILE *out;
	yajl_gen g;
	const unsigned char *buf;
	size_t len;

	snprintf(grow, sizeof(grow), "%s/.%d-growth.json", w->dir, (int)w->pid);
	snprintf(leak, sizeof(leak), "%s/.%d-leaks.json", w->dir, (int)w->pid);
	snprintf(dif, sizeof(dif), "%s/.%d-diff.json", w->dir, (int)w->pid);
	snprintf(rep, sizeof(rep), "%s/%d-watch.json", w->dir, (int)w->pid);
	snprintf(tmp, sizeof(tmp), "%s.tmp", rep);
	HS_ALLOC_ARRAY(files, (size_t)n);
	for (i = 0; i < n; i++)
		files[i] = series[i].file;
	unlink(grow);
	unlink(leak);
	unlink(dif);
	if (n >= 2) {
		yajl_val d;
		rd = run_json("diff", files + n - 2, 2, NULL, 0, dif);
		d = read_json(dif);
		print_classes("new since the previous snapshot (diff)", d, "count_delta", "retained_delta", 5);
		if (d) yajl_tree_free(d);
	}
	if (n >= 3) {
		yajl_val d;
		rg = run_json("growth", files, n, w->rules, w->nrules, grow);
		d = read_json(grow);
		print_classes("growing at every step (growth)", d, "count_growth", "retained_growth", 5);
		if (d) yajl_tree_free(d);
		rl = run_json("leaks", files + n - 3, 3, NULL, 0, leak);
		d = read_json(leak);
		print_classes("allocated in the middle one, alive in the last (leaks)", d, "count", "retained_size", 5);
		if (d) yajl_tree_free(d);
	}
	/* the report: {"pid", "snapshots": [...], "diff", "growth", "leaks"} */
	out = fopen(tmp, "w");
	if (!out) {
		fprintf(stderr, "hsnap: watch: cannot write %s: %s\n", tmp, strerror(errno));
		free(files);
		return EXIT_INPUT;
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
	append_file(out, rd >= 0 ? dif : "");
	fputs(",\"growth\":", out);
	append_file(out, rg >= 0 ? grow : "");
	fputs(",\"leaks\":", out);
	append_file(out, rl >= 0 ? leak : "");
	fputs("}\n", out);
	if (fclose(out) != 0 || rename(tmp, rep) != 0) {
		fprintf(stderr, "hsnap: watch: cannot write %s: %s\n", rep, strerror(errno));
		rc = EXIT_INPUT;
	}
	unlink(grow);
	unlink(leak);
	unlink(dif);
	free(files);
	if ((rd > 0 && rd != EXIT_GATE) || (rg > 0 && rg != EXIT_GATE) || (rl > 0 && rl != EXIT_GATE)) {
		fprintf(stderr, "hsnap: watch: an analysis failed (exit %d)\n", rd > 1 ? rd : rg > 1 ? rg : rl);
		return EXIT_INPUT;
	}
	printf("  report: %s\n", rep);
	if (rg == EXIT_GATE)
		return EXIT_GATE;
	return rc;
}

static int watch_loop(struct wopts *w)
{
	struct kept *series;
	struct insp in;
	struct hs_error err;
	double last = -1e18, start = hs_now();
	long captures = 0;
	int n = 0, rc = 0, session = 0;
	char label[64];

	memset(&in, 0, sizeof(in));
	HS_CALLOC_ARRAY(series, (size_t)w->keep + 1);
	snprintf(label, sizeof(label), "hsnap watch %d", (int)w->pid);
	if (!w->quiet && isatty(2)) {
		w->co.progress = capture_progress;
		w->co.user = label;
	}
	printf("watching process %d:", (int)w->pid);
	if (w->rss_above) printf(" RSS above %" PRIu64 " bytes;", w->rss_above);
	if (w->heap_above) printf(" JS heap above %" PRIu64 " bytes;", w->heap_above);
	if (w->every > 0) printf(" every %.3g s;", w->every);
	printf(" cooldown %.3g s; keeping %ld in %s\n", w->cooldown, w->keep, w->dir);
	fflush(stdout);
	while (!capture_signals) {
		char reason[128] = "";
		uint64_t rss, heap = 0;
		double t = hs_now();
		if (!proc_alive(w->pid)) {
			printf("process %d exited; %ld captures\n", (int)w->pid, captures);
			break;
		}
		rss = proc_rss(w->pid);
		if (w->heap_above) {
			if (!session) {
				memset(&err, 0, sizeof(err));
				if ((rc = insp_attach(&w->co, &in, &err))) {
					insp_detach(&in);
					if (!proc_alive(w->pid)) { rc = 0; continue; }
					fprintf(stderr, "hsnap: watch: %s\n", err.msg);
					rc = capture_exit_code(rc);
					break;
				}
				session = 1;
			}
			memset(&err, 0, sizeof(err));
			if (insp_heap_used(&in, &heap, &err)) {
				insp_detach(&in);
				session = 0;
				if (!proc_alive(w->pid)) continue;
				fprintf(stderr, "hsnap: watch: %s\n", err.msg);
				rc = EXIT_INPUT;
				break;
			}
		}
		if (w->rss_above && rss > w->rss_above)
			snprintf(reason, sizeof(reason), "RSS %" PRIu64 " > %" PRIu64, rss, w->rss_above);
		else if (w->heap_above && heap > w->heap_above)
			snprintf(reason, sizeof(reason), "JS heap %" PRIu64 " > %" PRIu64, heap, w->heap_above);
		else if (w->every > 0 && t - last >= w->every)
			snprintf(reason, sizeof(reason), "every %.3g s", w->every);
		if (reason[0] && t - last >= w->cooldown) {
			struct kept *k = &series[n];
			struct capture_result res;
			char ts[32], fname[4096];
			struct tm tm;
			struct stat st;
			int r, seq = 0;
			k->when = time(NULL);
			gmtime_r(&k->when, &tm);
			strftime(ts, sizeof(ts), "%Y%m%dT%H%M%SZ", &tm);
			do {
				if (seq)
					snprintf(fname, sizeof(fname), "%s/%d-%s-%d.heapsnapshot%s", w->dir, (int)w->pid, ts,
						 seq, w->gz ? ".gz" : "");
				else
					snprintf(fname, sizeof(fname), "%s/%d-%s.heapsnapshot%s", w->dir, (int)w->pid, ts,
						 w->gz ? ".gz" : "");
				seq++;
			} while (lstat(fname, &st) == 0 && seq < 1000);
			w->co.out = fname;
			if (!session) {
				memset(&err, 0, sizeof(err));
				if ((r = insp_attach(&w->co, &in, &err))) {
					insp_detach(&in);
					if (!proc_alive(w->pid)) continue;
					fprintf(stderr, "hsnap: watch: %s\n", err.msg);
					rc = capture_exit_code(r);
					break;
				}
			}
			memset(&err, 0, sizeof(err));
			r = insp_snapshot(&in, &w->co, &res, &capture_signals, &capture_abort, &err);
			capture_progress_clear();
			/* the session stays: V8 forgets its object ids when a session
			 * ends, and diff/leaks match objects across snapshots by id */
			session = 1;
			last = hs_now();
			if (r == CDP_STOPPED)
				break;
			if (r) {
				if (!proc_alive(w->pid)) {
					printf("process %d exited during a capture (no file written); %ld captures\n",
					       (int)w->pid, captures);
					break;
				}
				fprintf(stderr, "hsnap: watch: %s; no file written\n", err.msg);
				rc = capture_exit_code(r);
				break;
			}
			captures++;
			snprintf(k->file, sizeof(k->file), "%s", fname);
			snprintf(k->reason, sizeof(k->reason), "%s", reason);
			k->res = res;
			{
				char b1[32];
				printf("capture %ld (%s, after %.0f s): %s, %s, target paused %.2f s\n", captures, reason,
				       last - start, fname, human_size(res.bytes, b1, sizeof(b1)), res.pause);
			}
			n++;
			if (n > w->keep) {
				remove_snapshot(series[0].file);
				memmove(series, series + 1, sizeof(*series) * (size_t)w->keep);
				n = (int)w->keep;
			}
			fflush(stdout);
			r = analyse(w, series, n);
			fflush(stdout);
			if (r) {
				rc = r;
				if (r == EXIT_GATE)
					fprintf(stderr, "hsnap: watch: a --fail-on rule was violated; stopping\n");
				break;
			}
			if (w->count && captures >= w->count)
				break;
		}
		nap(w->interval);
	}
	if (capture_signals && rc == 0)
		printf("stopped by signal %d; %ld captures\n", capture_last_signal, captures);
	if (session || in.connected) {
		if (!insp_detach(&in) && proc_alive(w->pid))
			fprintf(stderr, "hsnap: watch: %s\n", capture_inspector_text(&in, 0));
	}
	free(series);
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

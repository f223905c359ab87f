/* Option helpers, loading with progress, error lines. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"

int cli_jobs; /* --jobs N (0: all cores) */

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
	else return usage_error(cmd, "unknown format '%s' (text, json, csv or markdown)", arg);
	return 0;
}

int parse_count(const char *cmd, const char *opt, const char *arg, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < 0 || v > 100000000)
		return usage_error(cmd, "%s needs a non-negative integer, got '%s'", opt, arg);
	*out = v;
	return 0;
}

int parse_u32(const char *cmd, const char *opt, const char *arg, uint32_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || v > UINT32_MAX)
		return usage_error(cmd, "%s needs an object id (0 to %u), got '%s'", opt, UINT32_MAX, arg);
	*out = (uint32_t)v;
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

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void on_load(void *ctx, uint64_t done, uint64_t total)
{
	struct progress *p = ctx;
	char a[32], b[32];

	if (now() - p->start < 1.0)
		return;
	if (total)
		fprintf(stderr, "\rhsnap: loading %s: %s of %s (%.0f%%)   ", p->file,
			human_size(done, a, sizeof(a)), human_size(total, b, sizeof(b)),
			100.0 * (double)done / (double)total);
	else
		fprintf(stderr, "\rhsnap: loading %s: %s   ", p->file, human_size(done, a, sizeof(a)));
	p->shown = 1;
}

static void on_phase(void *ctx, const char *name)
{
	struct progress *p = ctx;

	if (now() - p->start < 1.0)
		return;
	fprintf(stderr, "\r\033[Khsnap: %s: %s...", p->file, name);
	p->shown = 1;
}

static void progress_end(struct progress *p)
{
	if (p->shown)
		fprintf(stderr, "\r\033[K");
}

int load_snapshot(const char *path, struct hs_snapshot **out)
{
	struct hs_error err = { 0, "" };
	struct hs_load_opts opts = { NULL, NULL, 0, 0 };
	struct progress p = { path, now(), 0 };
	int rc;

	opts.jobs = cli_jobs;
	if (getenv("HSNAP_PARALLEL_MIN"))
		opts.parallel_min = strtoull(getenv("HSNAP_PARALLEL_MIN"), NULL, 10);
	if (isatty(2)) {
		opts.progress = on_load;
		opts.progress_ctx = &p;
	}
	rc = hs_snapshot_load(path, &opts, out, &err);
	progress_end(&p);
	if (rc < 0) {
		fprintf(stderr, "hsnap: %s: %s\n", strcmp(path, "-") ? path : "<stdin>", err.msg);
		return exit_code_for(rc);
	}
	return EXIT_OK;
}

void warn_snapshot(const struct hs_snapshot *s)
{
	if (s->warning[0])
		fprintf(stderr, "hsnap: %s: warning: %s\n", s->file, s->warning);
}

int analyze_snapshot(const struct hs_snapshot *s, int raw_sizes, struct hs_analysis *a)
{
	return analyze_snapshot_ex(s, raw_sizes, 0, a);
}

int analyze_snapshot_ex(const struct hs_snapshot *s, int raw_sizes, int parents, struct hs_analysis *a)
{
	struct hs_error err = { 0, "" };
	struct progress p = { s->file, now(), 0 };
	struct hs_analysis_opts opts = { raw_sizes, NULL, 0, parents, NULL, NULL };
	int rc;

	if (isatty(2)) {
		opts.phase = on_phase;
		opts.phase_ctx = &p;
	}
	rc = hs_analysis_run(a, s, &opts, &err);
	progress_end(&p);
	if (rc < 0) {
		fprintf(stderr, "hsnap: %s: %s\n", s->file, err.msg);
		return exit_code_for(rc);
	}
	return EXIT_OK;
}

int load_side(struct hs_class_names *ns, const char *path, struct hs_side *side, int raw,
	      const struct hs_interfaces *given, struct hs_interfaces *keep, int with_objects)
{
	struct hs_snapshot *s;
	struct hs_analysis a;
	struct hs_error err = { 0, "" };
	struct hs_analysis_opts o = { raw, given, 1, 0, NULL, NULL };
	struct progress p;
	int rc;

	if ((rc = load_snapshot(path, &s)))
		return rc;
	warn_snapshot(s);
	p.file = s->file;
	p.start = now();
	p.shown = 0;
	if (isatty(2)) {
		o.phase = on_phase;
		o.phase_ctx = &p;
	}
	rc = hs_analysis_run(&a, s, &o, &err);
	progress_end(&p);
	if (rc < 0) {
		fprintf(stderr, "hsnap: %s: %s\n", path, err.msg);
		hs_snapshot_free(s);
		return exit_code_for(rc);
	}
	if (with_objects)
		hs_side_from_analysis(side, ns, &a);
	else
		hs_side_rows_from_analysis(side, ns, &a);
	if (keep)
		hs_interfaces_copy(keep, &a.classes.interfaces);
	hs_analysis_release(&a);
	hs_snapshot_free(s);
	return EXIT_OK;
}

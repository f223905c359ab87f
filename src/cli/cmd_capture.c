/* hsnap capture: a heap snapshot of a running process, streamed to a file. */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "options.h"
#include "capture_cli.h"

static const struct cmd_doc help_doc = {
	.name = "capture",
	.usage = (const char *const[]){
		"hsnap capture PID [options]",
		"hsnap capture --port N [--target SUBSTRING] [options]",
		"hsnap capture --ws ws://127.0.0.1:N/ID [options]",
		NULL },
	.description =
		"Takes a heap snapshot of a running Node (or Chrome/Chromium, Electron, Deno)\n"
		"process through its inspector and streams it to a file as it arrives: hsnap\n"
		"never holds the snapshot in memory, and neither does the target (no code in\n"
		"it gathers the chunks).  With a PID and no inspector listening, hsnap\n"
		"activates it with SIGUSR1 (Node's documented way), but only after checking\n"
		"in /proc/PID/status that the process catches SIGUSR1 (for any other\n"
		"process the signal would be fatal: hsnap refuses); the port is the one of\n"
		"the process' --inspect* options (or NODE_OPTIONS), else 9229.  An inspector\n"
		"hsnap opened is closed again afterwards; one already open is left open.\n"
		"\n"
		"The file is created with mode 0600 (snapshots hold the process' secrets)\n"
		"under a temporary name and renamed when complete: an interrupted or failed\n"
		"capture leaves no file under the final name.\n",
	.epilog =
		"\n"
		"The report goes to stdout (to stderr with -o -).  Exit codes: 0 captured,\n"
		"2 usage, 3 the capture failed (no inspector, refused, connection lost),\n"
		"130/143 interrupted by SIGINT/SIGTERM (no file written).\n",
	.operands = "<pid>",
};

volatile int capture_signals, capture_abort, capture_last_signal;

static void on_signal(int sig)
{
	static const char msg[] = "\nhsnap: interrupted; a capture in progress is discarded once the target "
				  "has finished it, so that its inspector can be closed (signal again to quit now)\n";
	capture_last_signal = sig;
	if (capture_signals++ == 1)
		capture_abort = 1;
	else if (capture_signals == 1 && write(2, msg, sizeof(msg) - 1) < 0)
		capture_abort = 1;
}

void capture_install_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;      /* no SA_RESTART: poll returns EINTR */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;        /* a closed stdout is a write error, not a death */
	sigaction(SIGPIPE, &sa, NULL);
}

static int progress_shown;

void capture_progress(void *user, int phase, uint64_t done, uint64_t total)
{
	static int last_pct = -1;
	const char *label = user;
	char b[32];
	if (phase == 0 && total) {
		int pct = (int)(done * 100 / total);
		if (pct == last_pct)
			return;
		last_pct = pct;
		fprintf(stderr, "\r%s: taking the snapshot %3d%%      ", label, pct);
	} else
		fprintf(stderr, "\r%s: writing %s         ", label, human_size(done, b, sizeof(b)));
	fflush(stderr);
	progress_shown = 1;
}

void capture_progress_clear(void)
{
	if (progress_shown)
		fprintf(stderr, "\r%60s\r", "");
	progress_shown = 0;
}

int capture_exit_code(int rc)
{
	if (rc == CDP_STOPPED)
		return 128 + (capture_last_signal ? capture_last_signal : SIGINT);
	if (rc == HS_ERR_LIMIT)
		return EXIT_LIMIT;
	return EXIT_INPUT;
}

const char *capture_inspector_word(const struct insp *in, int closed)
{
	if (in->state == INSP_OPENED)
		return closed ? "opened-and-closed" : "opened-still-open";
	return in->state == INSP_WAS_OPEN ? "was-open" : "attached";
}

const char *capture_inspector_text(const struct insp *in, int closed)
{
	if (in->state == INSP_OPENED)
		return closed ? "hsnap opened the inspector with SIGUSR1 and closed it again"
			      : "WARNING: hsnap opened the inspector with SIGUSR1 and could not close it: it stays open until the process exits";
	return in->state == INSP_WAS_OPEN ? "the inspector was already open; left open" : "attached to a listening inspector; left as it was";
}

void capture_json_line(FILE *f, const struct insp *in, const struct capture_result *r, int closed, int alive)
{
	yajl_gen g = json_new(0);
	const unsigned char *buf;
	size_t len;

	yajl_gen_map_open(g);
	json_kv_str(g, "file", r->file);
	if (in->pid) {
		json_key(g, "pid");
		json_u64(g, (uint64_t)in->pid);
	}
	json_kv_u64(g, "port", (uint64_t)(in->port > 0 ? in->port : in->addr.port));
	json_kv_u64(g, "bytes", r->bytes);
	json_kv_u64(g, "file_bytes", r->file_bytes);
	json_kv_u64(g, "chunks", r->chunks);
	json_key(g, "seconds"); json_num(g, r->seconds);
	json_key(g, "pause_seconds"); json_num(g, r->pause);
	json_kv_u64(g, "hsnap_peak_rss", self_peak_rss());
	json_kv_str(g, "inspector", capture_inspector_word(in, closed));
	if (in->pid) {
		json_key(g, "target_alive");
		yajl_gen_bool(g, alive);
	}
	yajl_gen_map_close(g);
	yajl_gen_get_buf(g, &buf, &len);
	fwrite(buf, 1, len, f);
	fputc('\n', f);
	fflush(f);
	yajl_gen_free(g);
}

int capture_run_self(char *const *args, int out_fd)
{
	pid_t child;
	int st;

	fflush(stdout);
	fflush(stderr);
	child = fork();
	if (child < 0)
		return EXIT_INPUT;
	if (child == 0) {
		if (out_fd >= 0 && dup2(out_fd, 1) < 0)
			_exit(EXIT_INPUT);
		execv("/proc/self/exe", args);
		fprintf(stderr, "hsnap: cannot run %s: %s\n", args[1], strerror(errno));
		_exit(EXIT_INPUT);
	}
	while (waitpid(child, &st, 0) < 0)
		if (errno != EINTR)
			return EXIT_INPUT;
	return WIFEXITED(st) ? WEXITSTATUS(st) : EXIT_INPUT;
}

static int parse_pid(const char *s, pid_t *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (end == s || *end || v < 1 || v > 0x3fffffff)
		return -1;
	*out = (pid_t)v;
	return 0;
}

static int opt_port(const struct opt_call *call, const char *arg)
{
	long port;

	if (parse_count("capture", "--port", arg, &port))
		return EXIT_USAGE;
	if (port < 1 || port > 65535)
		return usage_error("capture", "--port must be 1 to 65535, got '%s'", arg);
	*(int *)call->opt->value = (int)port;
	return 0;
}

static int opt_format(const struct opt_call *call, const char *arg)
{
	enum fmt *f = call->opt->value;

	if (parse_format("capture", arg, f))
		return EXIT_USAGE;
	if (*f != FMT_TEXT && *f != FMT_JSON)
		return usage_error("capture", "--format must be text or json");
	return 0;
}

/* The operands and the options that exclude each other. */
static int check_args(struct capture_opts *co, const char *then, int argc, char **argv)
{
	if (argc - optind > 1)
		return usage_error("capture", "expected one PID, got %d arguments", argc - optind);
	if (argc - optind == 1 && parse_pid(argv[optind], &co->pid))
		return usage_error("capture", "'%s' is not a process id", argv[optind]);
	if (!co->pid && !co->port && !co->ws_url)
		return usage_error("capture", "give a PID, --port N or --ws URL");
	if (co->ws_url && co->port)
		return usage_error("capture", "--ws and --port exclude each other");
	if (then && co->out && !strcmp(co->out, "-"))
		return usage_error("capture", "--then needs a file; with -o - pipe into 'hsnap CMD -' instead");
	return 0;
}

/* -o's default: PID-<UTC time>.heapsnapshot (capture-<time> without a PID). */
static void default_output(struct capture_opts *co, char *defname, size_t cap)
{
	time_t t = time(NULL);
	struct tm tm;
	char ts[32];

	gmtime_r(&t, &tm);
	strftime(ts, sizeof(ts), "%Y%m%dT%H%M%SZ", &tm);
	if (co->pid)
		snprintf(defname, cap, "%d-%s.heapsnapshot", (int)co->pid, ts);
	else
		snprintf(defname, cap, "capture-%s.heapsnapshot", ts);
	co->out = defname;
}

/* The text report: what was captured, its sizes and times, the inspector. */
static void print_text(FILE *rep, const struct capture_opts *co, const struct insp *in,
		       const struct capture_result *res, int closed)
{
	char b1[32], b2[32], b3[32];

	if (co->pid)
		fprintf(rep, "captured process %d", (int)co->pid);
	else
		fprintf(rep, "captured %s:%d", in->addr.host, in->addr.port);
	fprintf(rep, ": %s, %s", res->file, human_size(res->bytes, b1, sizeof(b1)));
	if (res->file_bytes != res->bytes && strcmp(res->file, "-"))
		fprintf(rep, " (%s gzipped)", human_size(res->file_bytes, b2, sizeof(b2)));
	fprintf(rep, " in %.2f s; the target was paused %.2f s; hsnap's peak RSS %s\n", res->seconds, res->pause,
		human_size(self_peak_rss(), b3, sizeof(b3)));
	fprintf(rep, "%s\n", capture_inspector_text(in, closed));
	fflush(rep);
}

/* Attaches, captures into co->out, detaches and reports (to stderr when the
 * snapshot goes to stdout); then runs --then on the file. */
static int capture(struct capture_opts *co, enum fmt f, const char *then)
{
	FILE *rep = !strcmp(co->out, "-") ? stderr : stdout;
	struct capture_result res;
	struct hs_error err;
	struct insp in;
	int rc, closed, alive;

	memset(&err, 0, sizeof(err));
	rc = insp_attach(co, &in, &err);
	if (rc) {
		closed = insp_detach(&in);
		fprintf(stderr, "hsnap: capture: %s\n", err.msg);
		if (!closed)
			fprintf(stderr, "hsnap: capture: %s\n", capture_inspector_text(&in, closed));
		return rc == HS_ERR_USAGE && !co->pid ? EXIT_USAGE : capture_exit_code(rc);
	}
	rc = insp_snapshot(&in, co, &res, &capture_signals, &capture_abort, &err);
	capture_progress_clear();
	closed = insp_detach(&in);
	alive = co->pid ? proc_alive(co->pid) : 1;
	if (rc) {
		if (rc == CDP_STOPPED)
			fprintf(stderr, "hsnap: capture: interrupted by signal %d; no file written\n", capture_last_signal);
		else
			fprintf(stderr, "hsnap: capture: %s; no file written\n", err.msg);
		if (in.state == INSP_OPENED && alive)
			fprintf(stderr, "hsnap: capture: %s\n", capture_inspector_text(&in, closed));
		return capture_exit_code(rc);
	}
	if (f == FMT_JSON)
		capture_json_line(rep, &in, &res, closed, alive);
	else
		print_text(rep, co, &in, &res, closed);
	if (!alive)
		fprintf(stderr, "hsnap: capture: WARNING: process %d is gone after the capture\n", (int)co->pid);
	if (then) {
		char *args[] = { (char *)"hsnap", (char *)then, res.file, NULL };
		return capture_run_self(args, -1);
	}
	return closed ? EXIT_OK : EXIT_INPUT;
}

int cmd_capture(int argc, char **argv)
{
	struct capture_opts co;
	enum fmt f = FMT_TEXT;
	const char *then = NULL;
	char defname[64], label[64];
	int quiet = 0, rc;
	const struct opt opts[] = {
		OPT_STRING_S('o', "output", &co.out, "FILE", "where to write (default PID-<UTC time>.heapsnapshot);\n"
			     "FILE.gz is gzipped on the fly; '-' writes to stdout", "<file>"),
		OPT_BOOL("force", &co.force, "replace FILE if it exists"),
		OPT_CALLBACK("port", &co.port, "N", "attach to an inspector already listening on port N\n"
			     "(node --inspect, chromium --remote-debugging-port)", opt_port, NULL),
		OPT_STRING("host", &co.host, "HOST", "the inspector's host (default 127.0.0.1)", NULL),
		OPT_STRING("ws", &co.ws_url, "URL", "attach to this WebSocket debugger URL", NULL),
		OPT_STRING("target", &co.target, "SUBSTR", "the target whose URL or title contains SUBSTR (pages\n"
			   "of a browser; default: the Node target, or the only page)", NULL),
		OPT_BOOL("allow-remote", &co.allow_remote, "allow a non-loopback host (the inspector protocol has\n"
			 "no authentication and no encryption)"),
		OPT_BOOL("gc", &co.gc, "collect garbage first (HeapProfiler.collectGarbage)"),
		OPT_STRING("then", &then, "CMD", "run 'hsnap CMD FILE' on the capture (e.g. summary)", "<command>"),
		OPT_CALLBACK("format", &f, "FMT", "text (default) or json: one JSON line with the file,\n"
			     "bytes, seconds, the target's pause and hsnap's peak RSS", opt_format, "text json"),
		OPT_BOOL_S('q', "quiet", &quiet, "no progress line"),
		OPT_END()
	};

	memset(&co, 0, sizeof(co));
	if ((rc = parse_options(&help_doc, opts, argc, argv)))
		return rc < 0 ? EXIT_OK : rc;
	if ((rc = check_args(&co, then, argc, argv)))
		return rc;
	if (!co.out)
		default_output(&co, defname, sizeof(defname));
	if (co.pid)
		snprintf(label, sizeof(label), "hsnap capture %d", (int)co.pid);
	else
		snprintf(label, sizeof(label), "hsnap capture");
	if (!quiet && isatty(2)) {
		co.progress = capture_progress;
		co.user = label;
	}
	capture_install_signals();
	return capture(&co, f, then);
}

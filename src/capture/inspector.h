/* hsnap capture's engine: find or open a process' inspector, stream a heap
 * snapshot from it into a file, close the inspector again.  Prints nothing:
 * errors come back in struct hs_error, progress through a callback. */
#ifndef HSNAP_CAPTURE_INSPECTOR_H
#define HSNAP_CAPTURE_INSPECTOR_H
#include <stdint.h>
#include <sys/types.h>
#include "cdp.h"

struct capture_opts {
	pid_t pid;              /* 0: none (--port / --ws) */
	int port;               /* 0: from the process (or 9229) */
	const char *host;       /* default 127.0.0.1 */
	const char *ws_url;     /* --ws */
	const char *target;     /* --target SUBSTRING of a target's url or title */
	int allow_remote, gc, force;
	const char *out;        /* FILE, FILE.gz or "-" */
	/* progress: phase 0 = taking (done/total), 1 = writing (bytes) */
	void (*progress)(void *user, int phase, uint64_t done, uint64_t total);
	void *user;
};

enum insp_state { INSP_ATTACHED, INSP_WAS_OPEN, INSP_OPENED };

struct insp {
	pid_t pid;
	int port;
	enum insp_state state;
	char host[256];
	struct ws_addr addr;
	struct cdp cdp;
	int connected;
};

struct capture_result {
	char file[4096];
	uint64_t bytes;          /* snapshot bytes (uncompressed) */
	uint64_t file_bytes;     /* bytes on disk */
	uint64_t chunks;
	double seconds;          /* whole capture, from the request to the file */
	double pause;            /* request sent -> answer: the target's JS thread is busy */
};

/* Attaches (activating the inspector with SIGUSR1 when o->pid and it is not
 * listening yet).  Returns 0 or an hs_status. */
int insp_attach(const struct capture_opts *o, struct insp *in, struct hs_error *err);
/* One snapshot into o->out (temporary name, renamed when complete).  *stop:
 * set by signal handlers; the first signal discards the capture but waits
 * for the target to finish (so the inspector can still be closed); *abort
 * set: give up at once.  Returns 0, CDP_STOPPED (interrupted, no file) or
 * an hs_status. */
int insp_snapshot(struct insp *in, const struct capture_opts *o, struct capture_result *r,
		  volatile int *stop, volatile int *abort_now, struct hs_error *err);
/* Runtime.getHeapUsage: used JS heap bytes. */
int insp_heap_used(struct insp *in, uint64_t *used, struct hs_error *err);
/* Detaches; when hsnap opened the inspector, closes it and checks that its
 * port stops listening.  Returns 1 if closed (or not ours), 0 if still open. */
int insp_detach(struct insp *in);

/* /proc helpers */
int proc_catches_sigusr1(pid_t pid, int *caught, struct hs_error *err);
/* Inspector host/port from the --inspect* options in cmdline (and
 * NODE_OPTIONS); 9229 / 127.0.0.1 when none. */
void proc_inspect_option(pid_t pid, char *host, size_t hostlen, int *port);
/* TCP ports the process listens on (from /proc/PID/fd and /proc/PID/net/tcp*);
 * returns how many were stored (at most max), -1 when unreadable. */
int proc_listen_ports(pid_t pid, int *ports, int max);
uint64_t proc_rss(pid_t pid);
int proc_alive(pid_t pid);
uint64_t self_peak_rss(void);

#endif

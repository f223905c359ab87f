/* Pieces shared by hsnap capture and hsnap watch (cmd_capture.c). */
#ifndef HSNAP_CLI_CAPTURE_H
#define HSNAP_CLI_CAPTURE_H
#include <stdio.h>
#include "../capture/inspector.h"

/* Set by SIGINT/SIGTERM/SIGHUP: the count of signals, and the last one. */
extern volatile int capture_signals;
extern volatile int capture_abort;    /* second signal: give up at once */
extern volatile int capture_last_signal;
void capture_install_signals(void);

/* Progress line on stderr (struct capture_opts.progress); user: the label. */
void capture_progress(void *user, int phase, uint64_t done, uint64_t total);
void capture_progress_clear(void);

/* Exit code for an insp_* status. */
int capture_exit_code(int rc);
/* "what hsnap did with the inspector" for the reports */
const char *capture_inspector_text(const struct insp *in, int closed);
const char *capture_inspector_word(const struct insp *in, int closed);
/* The one-line JSON record of a capture, written to f. */
void capture_json_line(FILE *f, const struct insp *in, const struct capture_result *r, int closed, int alive);
/* Runs `hsnap CMD FILE...` (this executable) with stdout to `out` (or
 * inherited when -1); returns its exit status (or 3 when it could not run). */
int capture_run_self(char *const *args, int out_fd);


#endif

/* Out of memory in libhsnap.  Every allocation of the library (yajl's
 * included) goes through hs_xmalloc & co, which never return NULL: when one
 * fails, or a size computation overflows, the library calls the handler set
 * here with one line (no newline) that says what it could not get:
 * "out of memory allocating N bytes" or "allocation size overflow (A x B)".
 * The handler must not return: it ends the process (the CLI prints
 * "hsnap: " and the line, and exits with status 4; src/cli/oom.c).  It may
 * be called from any of the library's threads, by several at once.
 *
 * Without a handler, or when the handler returns, the library calls
 * abort() and prints nothing: a library does not exit on its own terms,
 * and only a program knows how it wants to report. */
#ifndef HSNAP_OOM_H
#define HSNAP_OOM_H

typedef void (*hs_oom_handler)(const char *what);

/* Sets the handler (NULL: none); returns the previous one.  Set it once,
 * before the first call into the library. */
hs_oom_handler hs_set_oom_handler(hs_oom_handler fn);

#endif

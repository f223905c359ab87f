/* Status codes and the error record every libhsnap function can fill. */
#ifndef HSNAP_ERROR_H
#define HSNAP_ERROR_H

enum hs_status {
	HS_OK = 0,
	HS_ERR_IO = -1,     /* cannot open / read the input */
	HS_ERR_FORMAT = -2, /* not a heap snapshot, malformed or inconsistent */
	HS_ERR_LIMIT = -3,  /* a resource limit (size, memory) was exceeded */
	HS_ERR_USAGE = -4   /* bad arguments to a library call */
};

struct hs_error {
	int status;
	char msg[256];
};

/* Fills err (when not NULL) and returns status, so callers can write
 * `return hs_error_set(err, HS_ERR_FORMAT, "edge %u: ...", i);` */
int hs_error_set(struct hs_error *err, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif

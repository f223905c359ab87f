#include <stdarg.h>
#include <stdio.h>
#include "hsnap/error.h"

int hs_error_set(struct hs_error *err, int status, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return status;
	err->status = status;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return status;
}

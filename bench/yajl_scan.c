/* yajl_scan: baseline "how long does yajl take merely to tokenize this file".
 *
 * Reads FILE in 1 MiB chunks, feeds them to a yajl 2 parser whose callbacks only count
 * integers, doubles, strings, map keys and containers.  Single-threaded, no allocation of
 * values, no tree.  Prints one line of counts.
 *
 * Build (as bench/run.sh does):
 *   cc -O2 -o bench/build/yajl_scan bench/yajl_scan.c $(pkg-config --cflags --libs yajl)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <yajl/yajl_parse.h>

typedef struct {
    unsigned long long ints, doubles, strings, keys, maps, arrays, other;
} counts_t;

static int on_null(void *ctx) { ((counts_t *)ctx)->other++; return 1; }
static int on_bool(void *ctx, int b) { (void)b; ((counts_t *)ctx)->other++; return 1; }
static int on_int(void *ctx, long long v) { (void)v; ((counts_t *)ctx)->ints++; return 1; }
static int on_double(void *ctx, double v) { (void)v; ((counts_t *)ctx)->doubles++; return 1; }
static int on_string(void *ctx, const unsigned char *s, size_t n) { (void)s; (void)n; ((counts_t *)ctx)->strings++; return 1; }
static int on_start_map(void *ctx) { ((counts_t *)ctx)->maps++; return 1; }
static int on_key(void *ctx, const unsigned char *s, size_t n) { (void)s; (void)n; ((counts_t *)ctx)->keys++; return 1; }
static int on_end_map(void *ctx) { (void)ctx; return 1; }
static int on_start_array(void *ctx) { ((counts_t *)ctx)->arrays++; return 1; }
static int on_end_array(void *ctx) { (void)ctx; return 1; }

static const yajl_callbacks callbacks = {
    on_null, on_bool, on_int, on_double, NULL /* number: let yajl convert */, on_string,
    on_start_map, on_key, on_end_map, on_start_array, on_end_array
};

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE\n", argv[0]);
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        fprintf(stderr, "yajl_scan: %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    counts_t c;
    memset(&c, 0, sizeof c);
    yajl_handle h = yajl_alloc(&callbacks, NULL, &c);
    if (!h) { fprintf(stderr, "yajl_scan: yajl_alloc failed\n"); return 1; }

    enum { CHUNK = 1 << 20 };
    unsigned char *buf = malloc(CHUNK);
    if (!buf) { fprintf(stderr, "yajl_scan: out of memory\n"); return 1; }
    unsigned long long total = 0;
    int rc = 0;
    size_t n;
    while ((n = fread(buf, 1, CHUNK, f)) > 0) {
        total += n;
        yajl_status st = yajl_parse(h, buf, n);
        if (st != yajl_status_ok) {
            unsigned char *msg = yajl_get_error(h, 1, buf, n);
            fprintf(stderr, "yajl_scan: parse error: %s\n", (const char *)msg);
            yajl_free_error(h, msg);
            rc = 1;
            break;
        }
    }
    if (ferror(f)) { fprintf(stderr, "yajl_scan: read error\n"); rc = 1; }
    if (rc == 0 && yajl_complete_parse(h) != yajl_status_ok) {
        unsigned char *msg = yajl_get_error(h, 0, NULL, 0);
        fprintf(stderr, "yajl_scan: parse error at end: %s\n", (const char *)msg);
        yajl_free_error(h, msg);
        rc = 1;
    }
    yajl_free(h);
    free(buf);
    fclose(f);
    printf("bytes=%llu ints=%llu doubles=%llu strings=%llu keys=%llu maps=%llu arrays=%llu other=%llu\n",
           total, c.ints, c.doubles, c.strings, c.keys, c.maps, c.arrays, c.other);
    return rc;
}

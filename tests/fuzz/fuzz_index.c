/* libFuzzer target for opening an index (src/index.c): "never trusted".
 *
 * A mutated index almost never passes its CRC-32Cs, which would stop the
 * fuzzer at the header.  So each input is first made checksum-valid: magic,
 * version, byte order and the snapshot key are set, index_size is set to the
 * input's size, and the CRC-32C of every section that lies inside the input, of
 * the section table and of the header are recomputed.  What remains is a
 * hostile index with correct checksums: hs_index_open must reject it or give
 * a snapshot and analysis that every consumer below can walk without a crash,
 * a hang or a leak.  The last byte picks the open: hs_index_open, or the
 * CLI's hs_index_open_lazy with the analysis' sections asked for (and then
 * decoded and checked) by hs_index_analysis_for, in three mixes.
 *
 * Seeds: indexes of the tiny fixtures (tests/fuzz/make_corpus.sh index).
 * Build: tests/fuzz/build.sh; run: tests/fuzz/run.sh SECONDS index. */
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "crc32c.h"
#include "hsnap/index.h"
#include "hsnap/paths.h"
#include "index_format.h"
#include "alloc.h"
#include "scratch.h"

static char path[4200];

static void remove_scratch(void)
{
	unlink(path);
}

static void fix_up(unsigned char *b, size_t len)
{
	struct ix_header h;
	struct ix_section *tab;
	uint32_t i, ns;

	if (len < sizeof(h))
		return;
	memcpy(&h, b, sizeof(h));
	memcpy(h.magic, IX_MAGIC, 8);
	h.version = IX_VERSION;
	h.endian = IX_ENDIAN;
	h.file_size = 1000;
	h.mtime_sec = 1;
	h.mtime_nsec = 2;
	h.head_crc = 3;
	h.tail_crc = 4;
	h.ino = 5;
	h.ctime_sec = 6;
	h.ctime_nsec = 7;
	h.index_size = len;
	ns = h.nsections;
	if ((uint64_t)ns * sizeof(*tab) > len - sizeof(h))
		ns = (uint32_t)((len - sizeof(h)) / sizeof(*tab));
	tab = (struct ix_section *)(b + sizeof(h));
	for (i = 0; i < ns; i++) {
		struct ix_section x;
		memcpy(&x, &tab[i], sizeof(x));
		if (x.elem && x.offset <= len && x.count <= (len - x.offset) / x.elem) {
			x.crc = hs_crc32c(0, b + x.offset, (size_t)(x.count * x.elem));
			memcpy(&tab[i], &x, sizeof(x));
		}
	}
	if ((uint64_t)h.nsections * sizeof(*tab) <= len - sizeof(h))
		h.table_crc = hs_crc32c(0, b + sizeof(h), (size_t)h.nsections * sizeof(*tab));
	h.header_crc = 0;
	h.header_crc = hs_crc32c(0, (const unsigned char *)&h, sizeof(h));
	memcpy(b, &h, sizeof(h));
}

/* What the commands do with an analysis, in miniature. */
static void consume(const struct hs_snapshot *s, struct hs_analysis *a)
{
	uint64_t *members = hs_bits_new(s->node_count), *outer = hs_bits_new(s->node_count);
	volatile size_t sink = 0;
	uint32_t n, e;

	for (n = 0; n < s->node_count; n++) {
		sink += strlen(hs_node_name(s, n)) + strlen(hs_node_type_name(s, n));
		sink += strlen(hs_class_name(&a->classes, a->classes.class_of[n]));
		sink += a->dom.retained[a->dom.idom[n]];
		if (a->distance)
			sink += (size_t)a->distance[n];
		if (hs_snapshot_location(s, n))
			sink++;
		if (a->parent_edge && a->parent_edge[n] != HS_NO_EDGE)
			sink += hs_edge_source(s, a->parent_edge[n]);
		if (n % 3 == 0)
			hs_bit_set(members, n);
	}
	for (e = 0; e < s->edge_count; e++) {
		sink += strlen(hs_edge_type_name(s, e)) + s->edge_to[e];
		if (hs_edge_has_string_name(s, e))
			sink += strlen(hs_str(&s->strings, s->edge_name[e]));
	}
	hs_outermost_members(&a->dom, s->root, s->node_count, members, outer);
	hs_outermost_by_class(&a->dom, s->root, s->node_count, members, a->classes.class_of,
			      a->classes.names.count, outer);
	if (a->parent_edge) {
		uint32_t path_buf[64];
		int trunc;
		for (n = 0; n < s->node_count && n < 64; n++)
			sink += hs_path_shortest(s, a->parent_edge, n, 64, path_buf, &trunc);
	}
	free(members);
	free(outer);
	(void)sink;
	/* rename with its own definitions, as diff does for the older side */
	{
		struct hs_interfaces ifs;
		hs_interfaces_copy(&ifs, &a->classes.interfaces);
		hs_analysis_rename(a, &ifs);
		hs_interfaces_release(&ifs);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hs_index_key k = { .size = 1000, .mtime_sec = 1, .mtime_nsec = 2, .head_crc = 3,
				  .tail_crc = 4, .ino = 5, .ctime_sec = 6, .ctime_nsec = 7 };
	struct hs_snapshot *s = NULL;
	struct hs_analysis a;
	struct hs_error err = { 0, "" };
	unsigned char *b, mode;
	FILE *f;

	if (size > (8u << 20))
		return 0;
	/* the open to take: the last byte's low bits (0: hs_index_open; 1-3:
	 * hs_index_open_lazy asking for all, for no parents, or for neither
	 * first, on 1 or 2 threads) */
	mode = size ? data[size - 1] & 3u : 0u;
	if (!path[0]) {
		snprintf(path, sizeof(path), "%s/fuzz_index.%ld", fuzz_scratch_dir(), (long)getpid());
		atexit(remove_scratch); /* a process per job in fork mode */
	}
	b = malloc(size ? size : 1);
	memcpy(b, data, size);
	fix_up(b, size);
	f = fopen(path, "wb");
	if (!f)
		abort();
	if (size && fwrite(b, 1, size, f) != size)
		abort();
	fclose(f);
	free(b);
	if (mode == 0) { /* everything checked and decoded at open */
		if (hs_index_open(path, &k, 1, "fuzz", &s, &err) == HS_INDEX_OK) {
			if (!hs_index_analysis(s, &a))
				abort();
			consume(s, &a);
			hs_analysis_release(&a);
			hs_snapshot_free(s);
		}
	} else if (hs_index_open_lazy(path, &k, 1 + (mode == 3), "fuzz", &s, &err) == HS_INDEX_OK) {
		/* as the CLI opens it: the analysis decoded (and checked) when asked
		 * for, only what is asked for; asked twice, as diff's two uses do */
		static const unsigned need[4] = { 0, HS_INDEX_NEED_DISTANCES | HS_INDEX_NEED_PARENTS,
						  HS_INDEX_NEED_DISTANCES, 0 };
		int round, rc;
		for (round = 0; round < 2; round++) {
			rc = hs_index_analysis_for(s, &a, need[mode] | (round ? HS_INDEX_NEED_PARENTS : 0), &err);
			if (rc == 0)
				abort(); /* it came from an index */
			if (rc < 0) {
				if (!err.msg[0])
					abort(); /* a failed check says which */
				continue;
			}
			consume(s, &a);
			hs_analysis_release(&a);
		}
		hs_snapshot_free(s);
	}
	return 0;
}

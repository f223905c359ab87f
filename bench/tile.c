/* bench/tile IN K OUT: writes a heap snapshot made of K copies ("tiles") of
 * IN, to build multi-GB test snapshots from a real one.
 *
 * The root is kept once; each tile gets the other nodes with ids renumbered:
 * odd (JS) ids get t * SPAN added (SPAN even, larger than the largest odd id;
 * give the same SPAN to tile two snapshots of one process so that their ids
 * still match), even (embedder) ids, which V8 derives from pointers, become
 * 2 + 2 * (t * n + ordinal)
 * and edges pointing into the same tile; the root's edges are repeated for
 * every tile, so every tile's GC roots hang under the one root.  Strings are
 * shared.  Fields written: type, name, id, self_size, edge_count and, when
 * IN has it, detachedness.  Locations are not copied.
 *
 * Build: cc -O2 -I include -I src bench/tile.c -L build-rel -lhsnap \
 *           $(pkg-config --cflags --libs yajl) -lz -lpthread -lm -o bench/build/tile
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl_gen.h>
#include "hsnap/snapshot.h"

static char obuf[1 << 20];

static void put_u64(FILE *f, uint64_t v, char sep)
{
	char b[24];
	int i = 23;
	b[i--] = sep;
	do {
		b[i--] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	fwrite(b + i + 1, 1, (size_t)(23 - i), f);
}

static void put_names(FILE *f, char **names, uint32_t n)
{
	uint32_t i;
	fputc('[', f);
	for (i = 0; i < n; i++)
		fprintf(f, "%s\"%s\"", i ? "," : "", names[i]);
	fputc(']', f);
}

static void write_strings(FILE *f, const struct hs_strtab *t)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;
	uint32_t i;

	yajl_gen_array_open(g);
	for (i = 0; i < t->count; i++) {
		yajl_gen_string(g, (const unsigned char *)hs_str(t, i), hs_strlen(t, i));
		if (i % 4096 == 4095) {
			yajl_gen_get_buf(g, &buf, &len);
			fwrite(buf, 1, len, f);
			yajl_gen_clear(g);
		}
	}
	yajl_gen_array_close(g);
	yajl_gen_get_buf(g, &buf, &len);
	fwrite(buf, 1, len, f);
	yajl_gen_free(g);
}

int main(int argc, char **argv)
{
	struct hs_snapshot *s;
	struct hs_error err;
	FILE *f;
	uint32_t k, t, n, e, r, max_id = 0, nf;
	uint64_t span, nodes_out, edges_out, root_edges;
	int det;

	if ((argc != 4 && argc != 5) || (k = (uint32_t)strtoul(argv[2], NULL, 10)) < 1) {
		fprintf(stderr, "usage: tile IN K OUT [SPAN]\n");
		return 2;
	}
	if (hs_snapshot_load(argv[1], NULL, &s, &err) < 0) {
		fprintf(stderr, "tile: %s: %s\n", argv[1], err.msg);
		return 3;
	}
	if (!(f = fopen(argv[3], "w"))) {
		perror(argv[3]);
		return 3;
	}
	setvbuf(f, obuf, _IOFBF, sizeof(obuf));
	r = s->root;
	if (r != 0) {
		fprintf(stderr, "tile: the root must be node 0\n");
		return 3;
	}
	for (n = 0; n < s->node_count; n++)
		if ((s->node_id[n] & 1) && s->node_id[n] > max_id)
			max_id = s->node_id[n];
	span = argc == 5 ? strtoull(argv[4], NULL, 10) : ((uint64_t)max_id + 2) & ~(uint64_t)1;
	if (span & 1 || span <= max_id) {
		fprintf(stderr, "tile: SPAN must be even and above the largest odd id %u\n", max_id);
		return 2;
	}
	fprintf(stderr, "tile: span %" PRIu64 "\n", span);
	if ((uint64_t)max_id + span * (k - 1) > UINT32_MAX || 2 + 2 * ((uint64_t)k * s->node_count) > UINT32_MAX) {
		fprintf(stderr, "tile: ids would exceed 32 bits\n");
		return 3;
	}
	det = s->detachedness != NULL;
	nf = det ? 6 : 5;
	root_edges = hs_edge_end(s, r) - hs_edge_begin(s, r);
	nodes_out = 1 + (uint64_t)k * (s->node_count - 1);
	edges_out = (uint64_t)k * s->edge_count;
	fprintf(f, "{\"snapshot\":{\"meta\":{\"node_fields\":[\"type\",\"name\",\"id\",\"self_size\",\"edge_count\"%s],"
		   "\"node_types\":[", det ? ",\"detachedness\"" : "");
	put_names(f, s->node_type_names, s->n_node_types);
	fprintf(f, ",\"string\",\"number\",\"number\",\"number\"%s],\"edge_fields\":[\"type\",\"name_or_index\",\"to_node\"],"
		   "\"edge_types\":[", det ? ",\"number\"" : "");
	put_names(f, s->edge_type_names, s->n_edge_types);
	fprintf(f, ",\"string_or_number\",\"node\"]},\"node_count\":%" PRIu64 ",\"edge_count\":%" PRIu64
		   ",\"trace_function_count\":0},\n\"nodes\":[", nodes_out, edges_out);
	/* root, then the tiles */
	fprintf(f, "%u,%u,%u,%" PRIu64 ",", s->node_type[r], s->node_name[r], s->node_id[r], s->self_size[r]);
	put_u64(f, root_edges * k, det ? ',' : '\n');
	if (det)
		put_u64(f, s->detachedness[r], '\n');
	for (t = 0; t < k; t++)
		for (n = 1; n < s->node_count; n++) {
			fputc(',', f);
			put_u64(f, s->node_type[n], ',');
			put_u64(f, s->node_name[n], ',');
			put_u64(f, (s->node_id[n] & 1) ? s->node_id[n] + span * t
						      : 2 + 2 * ((uint64_t)t * s->node_count + n), ',');
			put_u64(f, s->self_size[n], ',');
			put_u64(f, hs_edge_end(s, n) - hs_edge_begin(s, n), det ? ',' : '\n');
			if (det)
				put_u64(f, s->detachedness[n], '\n');
		}
	fputs("],\n\"edges\":[", f);
	{
		int first = 1;
		/* ordinal o of tile t (o >= 1) is 1 + t*(n-1) + (o-1) */
		for (t = 0; t < k; t++)
			for (e = hs_edge_begin(s, r); e < hs_edge_end(s, r); e++) {
				uint64_t to = s->edge_to[e] == r ? 0 : 1 + (uint64_t)t * (s->node_count - 1) + s->edge_to[e] - 1;
				if (!first)
					fputc(',', f);
				first = 0;
				put_u64(f, s->edge_type[e], ',');
				put_u64(f, s->edge_name[e], ',');
				put_u64(f, to * nf, '\n');
			}
		for (t = 0; t < k; t++)
			for (n = 1; n < s->node_count; n++)
				for (e = hs_edge_begin(s, n); e < hs_edge_end(s, n); e++) {
					uint64_t to = s->edge_to[e] == r ? 0 : 1 + (uint64_t)t * (s->node_count - 1) + s->edge_to[e] - 1;
					if (!first)
						fputc(',', f);
					first = 0;
					put_u64(f, s->edge_type[e], ',');
					put_u64(f, s->edge_name[e], ',');
					put_u64(f, to * nf, '\n');
				}
	}
	fputs("],\n\"strings\":", f);
	write_strings(f, &s->strings);
	fputs("}\n", f);
	if (fclose(f)) {
		perror(argv[3]);
		return 3;
	}
	fprintf(stderr, "tile: %s x %u -> %s: %" PRIu64 " nodes, %" PRIu64 " edges\n", argv[1], k, argv[3],
		nodes_out, edges_out);
	hs_snapshot_free(s);
	return 0;
}

/* Layout of the index file (private to src/index.c and its tests).
 *
 *   struct ix_header                      128 bytes, at offset 0
 *   struct ix_section[nsections]          right after the header
 *   section data                          each at a 64-byte aligned offset
 *   (the header and the table are written last, in front of the data)
 *
 * All integers are little-endian host values (the endian field rejects a
 * file written on another byte order).  header_crc covers the header with
 * header_crc = 0; table_crc the section table; each section has the CRC-32C
 * of its bytes (src/crc32c.h; so do head_crc and tail_crc of the snapshot's
 * first and last 64 KiB).  Everything is checked before anything is used.
 * Version 2: CRC-32C instead of version 1's zlib crc32.  Version 3: the
 * snapshot's inode number and ctime in the header; locations carry their
 * script's node (scripts.c); class names of objects with repeated property
 * names changed (issue 10).  Version 4: most arrays packed as varints
 * (plain or of differences; elem 1, count in bytes: index_internal.h's
 * enum ix_enc), the dominator CSR (IX_DOM_FIRST, IX_DOM_CHILDREN) not stored
 * but rebuilt from idom.  Version 6: self and shallow sizes in 32 bits, their
 * high halves in optional sections (IX_SELF_HI, IX_A_SELF_HI) as node ids'.
 * Older indexes are rebuilt, not served. */
#ifndef HSNAP_INDEX_FORMAT_H
#define HSNAP_INDEX_FORMAT_H
#include <stdint.h>

#define IX_MAGIC "HSNAPIX"     /* 8 bytes with the NUL */
#define IX_VERSION 6u
#define IX_ENDIAN 0x01020304u
#define IX_ALIGN 64u

struct ix_header {
	char magic[8];
	uint32_t version, endian;
	/* the snapshot file it was built from */
	uint64_t file_size;
	int64_t mtime_sec, mtime_nsec;
	uint32_t head_crc, tail_crc;
	uint64_t index_size;       /* bytes of the whole index file */
	uint32_t node_count, edge_count, string_count, class_count;
	uint32_t location_count, nsections;
	uint32_t table_crc, header_crc;
	uint64_t ino;
	int64_t ctime_sec, ctime_nsec;
	uint8_t pad[128 - 112];
};

struct ix_section {
	uint32_t id, elem;         /* section id, bytes per element */
	uint64_t count, offset;    /* elements, byte offset in the file */
	uint32_t crc, pad;
};

enum ix_id {
	IX_META = 1,        /* blob: scalars and meta names */
	IX_NODE_TYPE,       /* u8  [n] */
	IX_NODE_NAME,       /* u32 [n] */
	IX_NODE_ID,         /* u32 [n] */
	IX_SELF,            /* u32 [n]: low halves (u64 before version 6) */
	IX_FIRST_EDGE,      /* u32 [n + 1] */
	IX_DETACHED,        /* u8  [n] or absent */
	IX_EDGE_TYPE,       /* u8  [e] */
	IX_EDGE_NAME,       /* u32 [e] */
	IX_EDGE_TO,         /* u32 [e] */
	IX_STR_ARENA,       /* u8  [len] */
	IX_STR_OFF,         /* u64 [strings + 1] */
	IX_LOCATIONS,       /* struct hs_location [location_count] */
	IX_A_META,          /* blob: analysis scalars */
	IX_DOM_STATE,       /* u8  [n] */
	IX_A_SELF,          /* u32 [n]: low halves (u64 before version 6) */
	IX_IDOM,            /* u32 [n] */
	IX_RETAINED,        /* u64 [n] */
	IX_DOM_FIRST,       /* u32 [n + 1], not stored since version 4 */
	IX_DOM_CHILDREN,    /* u32 [dom_first[n]], not stored since version 4 */
	IX_DISTANCE,        /* i32 [n] */
	IX_PARENT_EDGE,     /* u32 [n] */
	IX_CLASS_OF,        /* u32 [n] */
	IX_CLS_ARENA,       /* u8  class names */
	IX_CLS_OFF,         /* u64 [classes + 1] */
	IX_CLS,             /* struct hs_class [classes] */
	IX_INTERFACES,      /* blob */
	IX_NODE_ID_HI,      /* u32 [n] or absent: high halves of ids beyond 32 bits */
	IX_SELF_HI,         /* u32 [n] or absent: high halves of IX_SELF (version 6) */
	IX_A_SELF_HI,       /* u32 [n] or absent: high halves of IX_A_SELF (version 6) */
	IX_NIDS
};

#endif

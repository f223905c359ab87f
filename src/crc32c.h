/* CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of the
 * index file: with SSE 4.2's crc32 instruction where the CPU has it (about
 * five times zlib's crc32 on the project machine: three interleaved streams),
 * else a table. */
#ifndef HSNAP_CRC32C_H
#define HSNAP_CRC32C_H
#include <stddef.h>
#include <stdint.h>

/* Continues crc (0 to start) over p[0..n); the same value on every CPU. */
uint32_t hs_crc32c(uint32_t crc, const void *p, size_t n);
/* The table version alone (tests compare the two). */
uint32_t hs_crc32c_sw(uint32_t crc, const void *p, size_t n);

#endif

#ifndef TALLY_SCAN_KERNELS_H
#define TALLY_SCAN_KERNELS_H

#include <stdint.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#elif defined(__aarch64__) && defined(__ARM_NEON)
#define TALLY_SCAN_NEON 1
#include <arm_neon.h>
#endif

/// Byte classes of 64 bytes of CSV text, one bit per byte (bit i is byte i).
typedef struct {
    /// The delimiter, LF or CR.
    uint64_t structural;
    /// The quote character.
    uint64_t quotes;
} tally_csv_block;

#if defined(TALLY_SCAN_NEON)
/// One bit per byte of a NEON comparison result (0x00 or 0xFF bytes).
static inline __attribute__((always_inline)) uint64_t tally_neon_bits(uint8x16_t m) {
    static const uint8_t weights[16] = {1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128};
    uint8x16_t w = vandq_u8(m, vld1q_u8(weights));
    uint8_t lo = vaddv_u8(vget_low_u8(w)), hi = vaddv_u8(vget_high_u8(w));
    return (uint64_t)lo | ((uint64_t)hi << 8);
}
#endif

/// Classifies the 64 bytes at `p` (all 64 must be readable).
static inline __attribute__((always_inline))
tally_csv_block tally_csv_classify64(const uint8_t *p, uint8_t delimiter, uint8_t quote) {
    tally_csv_block block = {0, 0};
#if defined(__SSE2__)
    const __m128i d = _mm_set1_epi8((char)delimiter), q = _mm_set1_epi8((char)quote);
    const __m128i lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
    for (int i = 0; i < 4; i++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * i));
        __m128i s = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, d), _mm_cmpeq_epi8(v, lf)), _mm_cmpeq_epi8(v, cr));
        block.structural |= (uint64_t)(uint32_t)_mm_movemask_epi8(s) << (16 * i);
        block.quotes |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, q)) << (16 * i);
    }
#elif defined(TALLY_SCAN_NEON)
    const uint8x16_t d = vdupq_n_u8(delimiter), q = vdupq_n_u8(quote);
    const uint8x16_t lf = vdupq_n_u8('\n'), cr = vdupq_n_u8('\r');
    for (int i = 0; i < 4; i++) {
        uint8x16_t v = vld1q_u8(p + 16 * i);
        uint8x16_t s = vorrq_u8(vorrq_u8(vceqq_u8(v, d), vceqq_u8(v, lf)), vceqq_u8(v, cr));
        block.structural |= tally_neon_bits(s) << (16 * i);
        block.quotes |= tally_neon_bits(vceqq_u8(v, q)) << (16 * i);
    }
#else
    for (int i = 0; i < 64; i++) {
        uint8_t c = p[i];
        block.structural |= (uint64_t)(c == delimiter || c == '\n' || c == '\r') << i;
        block.quotes |= (uint64_t)(c == quote) << i;
    }
#endif
    return block;
}

#endif

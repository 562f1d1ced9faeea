/* String instructions over buffers of many sizes: REP MOVSB/MOVSD,
 * REP STOSB/STOSD, REPE CMPSB and REPNE SCASB, as memcpy, memset, memcmp
 * and memchr implementations use them. */
#include "bench.h"

const char bench_name[] = "string";

#define BUF 65536u
static uint8_t src[BUF] __attribute__((aligned(16)));
static uint8_t dst[BUF + 16] __attribute__((aligned(16)));

static void movsb(void* d, const void* s, size_t n) {
  __asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
}
static void movsd(void* d, const void* s, size_t dwords) {
  __asm__ volatile("rep movsl" : "+D"(d), "+S"(s), "+c"(dwords) : : "memory");
}
static void stosb(void* d, uint8_t v, size_t n) {
  __asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(v) : "memory");
}
static void stosd(void* d, uint32_t v, size_t dwords) {
  __asm__ volatile("rep stosl" : "+D"(d), "+c"(dwords) : "a"(v) : "memory");
}
/* How many bytes REPE CMPSB compared before it stopped (n when equal). */
static size_t cmpsb(const void* a, const void* b, size_t n) {
  size_t left = n;
  if (n == 0) return 0;
  __asm__ volatile("repe cmpsb" : "+D"(a), "+S"(b), "+c"(left) : : "memory", "cc");
  return n - left;
}
/* Bytes REPNE SCASB scanned to find v (n when absent). */
static size_t scasb(const void* p, uint8_t v, size_t n) {
  size_t left = n;
  if (n == 0) return 0;
  __asm__ volatile("repne scasb" : "+D"(p), "+c"(left) : "a"(v) : "memory", "cc");
  return n - left;
}

static uint32_t sample(const uint8_t* p, size_t n) {
  uint32_t h = (uint32_t)n;
  for (size_t i = 0; i < n; i += 61) h = h * 31u + p[i];
  return n > 0 ? h * 31u + p[n - 1] : h;
}

static const uint32_t kSizes[] = {1, 3, 7, 16, 31, 64, 100, 255, 1000, 4096, 16384, 65536};
#define NSIZES (sizeof kSizes / sizeof kSizes[0])

uint32_t bench_run(unsigned scale) {
  uint32_t r = 99;
  for (unsigned i = 0; i < BUF; ++i) src[i] = (uint8_t)bench_rand(&r);
  uint32_t sum = 0;
  for (unsigned unit = 0; unit < scale; ++unit) {
    for (unsigned rep = 0; rep < 40; ++rep) {
      for (unsigned k = 0; k < NSIZES; ++k) {
        const uint32_t n = kSizes[k];
        const uint32_t misalign = (unit + k + rep) & 3;
        /* Small copies many times, big ones a few, so each size counts. */
        const unsigned times = n >= 4096 ? 4 : n >= 256 ? 64 : 256;
        for (unsigned t = 0; t < times; ++t) {
          const uint8_t* from = src + t % (BUF - n + 1);
          const uint32_t len = n - (t & 1 && n > 1);
          movsb(dst + misalign, from, len);
          sum = bench_mix(sum, (uint32_t)cmpsb(dst + misalign, from, len));
          movsd(dst, src, n / 4);
          stosb(dst + misalign, (uint8_t)(t + k), n);
          stosd(dst, 0x01010101u * (uint8_t)unit, n / 4);
          sum = bench_mix(sum, (uint32_t)scasb(src, (uint8_t)(k * 37 + t), n));
        }
        /* One mismatch 7/8 of the way in: REPE CMPSB runs most of the way. */
        movsb(dst, src, n);
        dst[n - 1 - (n > 8 ? n / 8 : 0)] ^= 0x5A;
        sum = bench_mix(sum, (uint32_t)cmpsb(dst, src, n));
        sum = bench_mix(sum, sample(dst, n));
      }
    }
  }
  return sum;
}

/* Memory access with TLB pressure: a 64 MiB arena (mapped with 4 KiB pages
 * by the kernel, so 16384 of them) walked a page at a time, then read and
 * written at random. */
#include "bench.h"

const char bench_name[] = "memory";

#define ARENA_BYTES (64u << 20)
#define ARENA_WORDS (ARENA_BYTES / 4)
#define PAGE_WORDS 1024u
#define PAGES (ARENA_WORDS / PAGE_WORDS)

/* One word in every page, at an offset that moves between passes so that
 * the walk touches different cache lines each time. */
static uint32_t page_walk(uint32_t* a, uint32_t pass) {
  uint32_t sum = 0;
  const uint32_t offset = (pass * 67u) & (PAGE_WORDS - 1);
  for (uint32_t p = 0; p < PAGES; ++p) {
    uint32_t* w = &a[p * PAGE_WORDS + ((offset + p * 7u) & (PAGE_WORDS - 1))];
    *w += p ^ pass;
    sum += *w;
  }
  return sum;
}

/* Every page again, 1105 pages apart (odd, so the walk visits them all):
 * no locality left for a TLB or a prefetcher to find. */
static uint32_t page_stride(uint32_t* a, uint32_t pass) {
  uint32_t sum = 0;
  uint32_t p = pass & (PAGES - 1);
  for (uint32_t i = 0; i < PAGES; ++i) {
    p = (p + 17u * 64u + 17u) & (PAGES - 1);
    sum ^= a[p * PAGE_WORDS + (i & (PAGE_WORDS - 1))];
  }
  return sum;
}

static uint32_t random_access(uint32_t* a, uint32_t seed, unsigned n) {
  uint32_t r = seed | 1;
  uint32_t sum = 0;
  for (unsigned i = 0; i < n; ++i) {
    const uint32_t x = bench_rand(&r);
    const uint32_t idx = x & (ARENA_WORDS - 1);
    a[idx] ^= x;
    sum += a[(idx + 4099u * PAGE_WORDS) & (ARENA_WORDS - 1)];
  }
  return sum;
}

uint32_t bench_run(unsigned scale) {
  uint32_t* a = plat_arena(ARENA_BYTES);
  uint32_t sum = 0;
  for (unsigned unit = 0; unit < scale; ++unit) {
    for (unsigned k = 0; k < 4; ++k) {
      sum = bench_mix(sum, page_walk(a, unit * 4 + k));
      sum = bench_mix(sum, page_stride(a, unit * 4 + k));
    }
    sum = bench_mix(sum, random_access(a, unit + 7, 200000));
  }
  return sum;
}

/* What every benchmark does around its workload: read the scale, run, print
 * the checksum line. Shared by the kernels and the native programs. */
#include "bench.h"

static size_t length(const char* s) {
  size_t n = 0;
  while (s[n] != '\0') ++n;
  return n;
}

void out_str(const char* s) {
  plat_write(s, length(s));
}

void out_hex32(uint32_t v) {
  char buf[10] = {'0', 'x'};
  for (int i = 0; i < 8; ++i) buf[2 + i] = "0123456789abcdef"[(v >> (28 - 4 * i)) & 0xF];
  plat_write(buf, sizeof buf);
}

void out_dec(uint32_t v) {
  char buf[10];
  int n = 0;
  do {
    buf[sizeof buf - 1 - n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v != 0);
  plat_write(buf + sizeof buf - n, (size_t)n);
}

/* The value of the first "scale=N" word in args, or the default. */
static unsigned parse_scale(const char* args) {
  static const char kKey[] = "scale=";
  for (const char* p = args; *p != '\0'; ++p) {
    if (p != args && p[-1] != ' ') continue;
    size_t i = 0;
    while (kKey[i] != '\0' && p[i] == kKey[i]) ++i;
    if (kKey[i] != '\0') continue;
    unsigned v = 0;
    const char* d = p + i;
    while (*d >= '0' && *d <= '9' && v < 100000) v = v * 10 + (unsigned)(*d++ - '0');
    if (v > 0) return v;
  }
  return BENCH_DEFAULT_SCALE;
}

int bench_main(const char* args) {
  const unsigned scale = parse_scale(args);
  const uint32_t checksum = bench_run(scale);
  out_str("bench ");
  out_str(bench_name);
  out_str(": checksum ");
  out_hex32(checksum);
  out_str("\n");
  return 0;
}

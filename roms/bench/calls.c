/* Calls and indirect branches: recursion, tables of function pointers, a
 * switch compiled to a jump table, and virtual dispatch through vtables. */
#include "bench.h"

const char bench_name[] = "calls";

#define NOINLINE __attribute__((noinline))

/* --- Recursion. */
static NOINLINE uint32_t fib(uint32_t n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static NOINLINE uint32_t ackermann(uint32_t m, uint32_t n) {
  if (m == 0) return n + 1;
  if (n == 0) return ackermann(m - 1, 1);
  return ackermann(m - 1, ackermann(m, n - 1));
}

/* --- Function pointers. */
static NOINLINE uint32_t op_add(uint32_t a, uint32_t b) {
  return a + b;
}
static NOINLINE uint32_t op_sub(uint32_t a, uint32_t b) {
  return a - b;
}
static NOINLINE uint32_t op_xor(uint32_t a, uint32_t b) {
  return a ^ b;
}
static NOINLINE uint32_t op_rol(uint32_t a, uint32_t b) {
  return (a << (b & 31)) | (a >> ((32 - b) & 31));
}
static NOINLINE uint32_t op_mul(uint32_t a, uint32_t b) {
  return a * (b | 1);
}
static NOINLINE uint32_t op_min(uint32_t a, uint32_t b) {
  return a < b ? a : b;
}
static NOINLINE uint32_t op_max(uint32_t a, uint32_t b) {
  return a > b ? a : b;
}
static NOINLINE uint32_t op_avg(uint32_t a, uint32_t b) {
  return (a >> 1) + (b >> 1);
}

typedef uint32_t (*BinOp)(uint32_t, uint32_t);
static BinOp ops[8] = {op_add, op_sub, op_xor, op_rol, op_mul, op_min, op_max, op_avg};

static NOINLINE uint32_t pointer_calls(uint32_t seed, unsigned n) {
  uint32_t r = seed | 1;
  uint32_t acc = seed;
  for (unsigned i = 0; i < n; ++i) {
    const uint32_t x = bench_rand(&r);
    acc = ops[x & 7](acc, x >> 3);
  }
  return acc;
}

/* --- A dense switch: GCC turns it into a jump table. */
static NOINLINE uint32_t step(uint32_t state, uint32_t v) {
  switch (state & 15) {
    case 0: return v + 1;
    case 1: return v * 3;
    case 2: return v ^ 0x55AA55AAu;
    case 3: return v >> 3 | v << 29;
    case 4: return v - 7;
    case 5: return ~v;
    case 6: return v + (v >> 5);
    case 7: return v & 0xFFFF00FFu;
    case 8: return v | 0x10001u;
    case 9: return v * 5 + 3;
    case 10: return v ^ (v >> 11);
    case 11: return v + 0x1234567u;
    case 12: return v << 1;
    case 13: return v - (v >> 2);
    case 14: return v ^ 0xDEADBEEFu;
    default: return v + state;
  }
}

static NOINLINE uint32_t switch_loop(uint32_t seed, unsigned n) {
  uint32_t v = seed;
  uint32_t state = seed;
  for (unsigned i = 0; i < n; ++i) {
    v = step(state, v);
    state = state * 1103515245u + 12345u + (v >> 28);
  }
  return v;
}

/* --- Virtual dispatch: shapes with a vtable pointer. */
struct Shape;
struct ShapeVtbl {
  uint32_t (*area)(const struct Shape*);
  uint32_t (*perimeter)(const struct Shape*);
  void (*grow)(struct Shape*, uint32_t);
};
struct Shape {
  const struct ShapeVtbl* vt;
  uint32_t a, b;
};

static NOINLINE uint32_t rect_area(const struct Shape* s) {
  return s->a * s->b;
}
static NOINLINE uint32_t rect_perimeter(const struct Shape* s) {
  return 2 * (s->a + s->b);
}
static NOINLINE void rect_grow(struct Shape* s, uint32_t d) {
  s->a += d & 3;
}
static NOINLINE uint32_t square_area(const struct Shape* s) {
  return s->a * s->a;
}
static NOINLINE uint32_t square_perimeter(const struct Shape* s) {
  return 4 * s->a;
}
static NOINLINE void square_grow(struct Shape* s, uint32_t d) {
  s->a += d & 1;
}
static NOINLINE uint32_t tri_area(const struct Shape* s) {
  return s->a * s->b / 2;
}
static NOINLINE uint32_t tri_perimeter(const struct Shape* s) {
  return s->a + s->b + (s->a | s->b);
}
static NOINLINE void tri_grow(struct Shape* s, uint32_t d) {
  s->b += d & 7;
}
static NOINLINE uint32_t circle_area(const struct Shape* s) {
  return 3 * s->a * s->a;
}
static NOINLINE uint32_t circle_perimeter(const struct Shape* s) {
  return 6 * s->a;
}
static NOINLINE void circle_grow(struct Shape* s, uint32_t d) {
  s->a = (s->a + d) & 0xFFF;
}

static const struct ShapeVtbl kVtbls[4] = {
    {rect_area, rect_perimeter, rect_grow},
    {square_area, square_perimeter, square_grow},
    {tri_area, tri_perimeter, tri_grow},
    {circle_area, circle_perimeter, circle_grow},
};

#define NSHAPES 256
static struct Shape shapes[NSHAPES];

static NOINLINE uint32_t virtual_calls(uint32_t seed, unsigned rounds) {
  uint32_t r = seed | 1;
  for (unsigned i = 0; i < NSHAPES; ++i) {
    const uint32_t x = bench_rand(&r);
    shapes[i].vt = &kVtbls[x & 3];
    shapes[i].a = (x >> 8) & 0xFF;
    shapes[i].b = (x >> 16) & 0xFF;
  }
  uint32_t sum = 0;
  for (unsigned k = 0; k < rounds; ++k) {
    for (unsigned i = 0; i < NSHAPES; ++i) {
      struct Shape* s = &shapes[i];
      sum += s->vt->area(s) ^ s->vt->perimeter(s);
      s->vt->grow(s, sum);
    }
  }
  return sum;
}

uint32_t bench_run(unsigned scale) {
  uint32_t sum = 0;
  for (unsigned unit = 0; unit < scale; ++unit) {
    sum = bench_mix(sum, fib(23 + (unit & 1)));
    sum = bench_mix(sum, ackermann(2, 200 + (unit & 15)));
    sum = bench_mix(sum, pointer_calls(unit + 1, 400000));
    sum = bench_mix(sum, switch_loop(unit + 3, 400000));
    sum = bench_mix(sum, virtual_calls(unit + 5, 600));
  }
  return sum;
}

/* Integer and branch-heavy work: a bytecode interpreter, sorting, a bitwise
 * CRC-32 and an open-addressing hash table. */
#include "bench.h"

const char bench_name[] = "integer";

/* --- A stack machine running a small program: sum of the Collatz chain
 * lengths of 1..n. Dispatch is a switch, as in most interpreters. */
enum {
  OP_PUSH,
  OP_LOAD,
  OP_STORE,
  OP_ADD,
  OP_SUB,
  OP_AND,
  OP_SHR,
  OP_MUL3P1,
  OP_JZ,
  OP_JNZ,
  OP_JMP,
  OP_DUP,
  OP_POP,
  OP_LT,
  OP_HALT
};

enum { kNext = 48, kEnd = 57, kEven = 34, kStep = 37, kOuter = 4, kInner = 15 };

/* clang-format off */
static const int32_t code[] = {
    /*  0 */ OP_PUSH, 1, OP_STORE, 0,                      /* i = 1 */
    /*  4 */ OP_LOAD, 0, OP_LOAD, 2, OP_LT, OP_JZ, kEnd,   /* while i < n */
    /* 11 */ OP_LOAD, 0, OP_STORE, 1,                      /* x = i */
    /* 15 */ OP_LOAD, 1, OP_PUSH, 1, OP_SUB, OP_JZ, kNext, /* while x != 1 */
    /* 22 */ OP_LOAD, 1, OP_PUSH, 1, OP_AND, OP_JZ, kEven, /* odd: */
    /* 29 */ OP_LOAD, 1, OP_MUL3P1, OP_JMP, kStep,         /* x = 3x + 1 */
    /* 34 */ OP_LOAD, 1, OP_SHR,                           /* even: x /= 2 */
    /* 37 */ OP_STORE, 1, OP_LOAD, 3, OP_PUSH, 1, OP_ADD, OP_STORE, 3, /* steps++ */
    /* 46 */ OP_JMP, kInner,
    /* 48 */ OP_LOAD, 0, OP_PUSH, 1, OP_ADD, OP_STORE, 0, OP_JMP, kOuter, /* i++ */
    /* 57 */ OP_HALT,
};
/* clang-format on */

static int32_t run_vm(int32_t n) {
  int32_t stack[16];
  int32_t vars[4] = {0, 0, n, 0};
  int sp = 0;
  int32_t pc = 0;
  for (;;) {
    const int32_t op = code[pc++];
    switch (op) {
      case OP_PUSH: stack[sp++] = code[pc++]; break;
      case OP_LOAD: stack[sp++] = vars[code[pc++]]; break;
      case OP_STORE: vars[code[pc++]] = stack[--sp]; break;
      case OP_ADD:
        --sp;
        stack[sp - 1] += stack[sp];
        break;
      case OP_SUB:
        --sp;
        stack[sp - 1] -= stack[sp];
        break;
      case OP_AND:
        --sp;
        stack[sp - 1] &= stack[sp];
        break;
      case OP_SHR: stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] >> 1); break;
      case OP_MUL3P1: stack[sp - 1] = stack[sp - 1] * 3 + 1; break;
      case OP_JZ: {
        const int32_t t = code[pc++];
        if (stack[--sp] == 0) pc = t;
        break;
      }
      case OP_JNZ: {
        const int32_t t = code[pc++];
        if (stack[--sp] != 0) pc = t;
        break;
      }
      case OP_JMP: pc = code[pc]; break;
      case OP_DUP:
        stack[sp] = stack[sp - 1];
        ++sp;
        break;
      case OP_POP: --sp; break;
      case OP_LT:
        --sp;
        stack[sp - 1] = stack[sp - 1] < stack[sp];
        break;
      case OP_HALT: return vars[3];
      default: return -1;
    }
  }
}

/* --- Sorting: quicksort with an insertion sort for short runs. */
static void insertion_sort(uint32_t* a, int n) {
  for (int i = 1; i < n; ++i) {
    const uint32_t v = a[i];
    int j = i - 1;
    while (j >= 0 && a[j] > v) {
      a[j + 1] = a[j];
      --j;
    }
    a[j + 1] = v;
  }
}

static void quicksort(uint32_t* a, int n) {
  while (n > 16) {
    const uint32_t pivot = a[n / 2];
    int i = 0, j = n - 1;
    while (i <= j) {
      while (a[i] < pivot) ++i;
      while (a[j] > pivot) --j;
      if (i <= j) {
        const uint32_t t = a[i];
        a[i++] = a[j];
        a[j--] = t;
      }
    }
    if (j + 1 < n - i) {
      quicksort(a, j + 1);
      a += i;
      n -= i;
    } else {
      quicksort(a + i, n - i);
      n = j + 1;
    }
  }
  insertion_sort(a, n);
}

/* --- CRC-32 (IEEE), a bit at a time: one data-dependent branch per bit. */
static uint32_t crc32_bitwise(const uint8_t* p, size_t n) {
  uint32_t crc = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; ++i) {
    crc ^= p[i];
    for (int b = 0; b < 8; ++b) {
      if (crc & 1) {
        crc = (crc >> 1) ^ 0xEDB88320u;
      } else {
        crc >>= 1;
      }
    }
  }
  return ~crc;
}

/* --- An open-addressing hash table with linear probing. */
#define TABLE_BITS 12
#define TABLE_SIZE (1u << TABLE_BITS)
static uint32_t keys[TABLE_SIZE];
static uint32_t values[TABLE_SIZE];

static uint32_t hash_work(uint32_t seed, unsigned ops) {
  for (unsigned i = 0; i < TABLE_SIZE; ++i) keys[i] = 0;
  uint32_t r = seed | 1;
  uint32_t found = 0;
  unsigned used = 0;
  for (unsigned i = 0; i < ops; ++i) {
    const uint32_t key = (bench_rand(&r) & 0x1FFF) + 1;
    uint32_t slot = (key * 2654435761u) >> (32 - TABLE_BITS);
    while (keys[slot] != 0 && keys[slot] != key) slot = (slot + 1) & (TABLE_SIZE - 1);
    if (keys[slot] == key) {
      values[slot] += i;
      found += values[slot];
    } else if (used < TABLE_SIZE * 3 / 4) {
      keys[slot] = key;
      values[slot] = i;
      ++used;
    }
  }
  return found + used;
}

static uint32_t data[4096];

uint32_t bench_run(unsigned scale) {
  uint32_t sum = 0;
  uint32_t r = 12345;
  for (unsigned unit = 0; unit < scale; ++unit) {
    sum = bench_mix(sum, (uint32_t)run_vm(3000 + (int32_t)(unit & 7)));
    for (unsigned i = 0; i < 4096; ++i) data[i] = bench_rand(&r);
    quicksort(data, 4096);
    sum = bench_mix(sum, data[0] ^ data[2047] ^ data[4095]);
    sum = bench_mix(sum, crc32_bitwise((const uint8_t*)data, 16384));
    sum = bench_mix(sum, hash_work(unit + 1, 60000));
    for (unsigned i = 0; i < 4096; ++i) data[i] = bench_rand(&r) & 0xFFFF;
    quicksort(data, 4096);
    sum = bench_mix(sum, crc32_bitwise((const uint8_t*)data, 16384));
  }
  return sum;
}

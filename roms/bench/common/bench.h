/* The interface between a benchmark workload and the platform it runs on.
 *
 * Each workload (one .c file in roms/bench/) is compiled once and linked
 * twice: into a Multiboot kernel (common/kernel_platform.c, entry.S) and into
 * a 32-bit Linux program (common/native_platform.c). The same object code
 * runs in both, so the checksums it prints must agree. Work is measured in
 * "scale" units of roughly 10 ms of native time each. */
#ifndef TX86_BENCH_H
#define TX86_BENCH_H

#include <stddef.h>
#include <stdint.h>

/* Provided by each workload. */
extern const char bench_name[];
uint32_t bench_run(unsigned scale);

/* Scale used when the command line has no "scale=N": about 1.5 s natively. */
#define BENCH_DEFAULT_SCALE 150u

/* Provided by common/bench_main.c: parses "scale=N" out of args, runs the
 * workload and prints "bench NAME: checksum 0x........". */
int bench_main(const char* args);

/* Output helpers (common/bench_main.c), all through plat_write(). */
void out_str(const char* s);
void out_hex32(uint32_t v);
void out_dec(uint32_t v);

/* --- Provided by the platform. */
void plat_write(const char* s, size_t n);
/* Ends the program: the kernel through isa-debug-exit, natively exit(). */
void plat_exit(int status) __attribute__((noreturn));
/* A zeroed, 4 KiB aligned region of `bytes` (at most 64 MiB). The kernel
 * maps it with 4 KiB pages at a virtual address different from its
 * physical one, with paging on. */
void* plat_arena(size_t bytes);
/* Port I/O. Natively only the CMOS index/data pair (0x70/0x71) is modelled,
 * as 128 bytes of RAM; other ports read 0xFF and ignore writes. */
void plat_outb(uint16_t port, uint8_t value);
uint8_t plat_inb(uint16_t port);
/* A periodic timer interrupt at about `hz`: the kernel programs PIT channel
 * 0 and takes IRQ0 through the 8259 and an IDT; natively a SIGALRM timer.
 * stop returns how many ticks were taken. */
void plat_timer_start(unsigned hz);
uint32_t plat_timer_stop(void);
/* Sets the x87 up (FNINIT in the kernel; Linux has done it natively). */
void plat_fpu_init(void);

/* A small, fast deterministic generator shared by the workloads. */
static inline uint32_t bench_rand(uint32_t* state) {
  uint32_t x = *state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  *state = x;
  return x;
}

static inline uint32_t bench_mix(uint32_t h, uint32_t v) {
  h ^= v + 0x9E3779B9u + (h << 6) + (h >> 2);
  return h;
}

#endif

/* The platform of the native builds: a 32-bit Linux process. The arguments
 * are the kernel command line ("scale=N"); the timer is a SIGALRM interval
 * timer; port I/O is modelled just enough for the irq workload. */
#define _DEFAULT_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "bench.h"

void plat_write(const char* s, size_t n) {
  while (n > 0) {
    const ssize_t w = write(1, s, n);
    if (w <= 0) return;
    s += w;
    n -= (size_t)w;
  }
}

void plat_exit(int status) {
  exit(status);
}

void plat_fpu_init(void) {}

void* plat_arena(size_t bytes) {
  void* p = NULL;
  if (posix_memalign(&p, 4096, bytes) != 0) {
    out_str("bench: out of memory\n");
    exit(2);
  }
  memset(p, 0, bytes);
  return p;
}

static uint8_t cmos[128];
static uint8_t cmos_index;

void plat_outb(uint16_t port, uint8_t value) {
  if (port == 0x70) cmos_index = value & 0x7F;
  if (port == 0x71) cmos[cmos_index] = value;
}

uint8_t plat_inb(uint16_t port) {
  return port == 0x71 ? cmos[cmos_index] : 0xFF;
}

static volatile sig_atomic_t ticks;

static void on_alarm(int sig) {
  (void)sig;
  ticks = ticks + 1;
}

static void set_timer(unsigned hz) {
  struct itimerval t;
  memset(&t, 0, sizeof t);
  if (hz != 0) {
    t.it_interval.tv_usec = (suseconds_t)(1000000 / hz);
    t.it_value = t.it_interval;
  }
  setitimer(ITIMER_REAL, &t, NULL);
}

void plat_timer_start(unsigned hz) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGALRM, &sa, NULL);
  ticks = 0;
  set_timer(hz);
}

uint32_t plat_timer_stop(void) {
  set_timer(0);
  return (uint32_t)ticks;
}

int main(int argc, char** argv) {
  static char args[1024];
  size_t used = 0;
  for (int i = 1; i < argc; ++i) {
    const size_t n = strlen(argv[i]);
    if (used + n + 2 > sizeof args) break;
    if (used > 0) args[used++] = ' ';
    memcpy(args + used, argv[i], n);
    used += n;
  }
  args[used] = '\0';
  return bench_main(args);
}

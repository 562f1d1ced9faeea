/* Interrupts and port I/O: PIT channel 0 interrupts at 20 kHz through the
 * 8259 and the IDT while the CPU computes and talks to the CMOS RAM and
 * the POST port. The checksum covers only what does not depend on time;
 * the tick count is printed on its own line. */
#include "bench.h"

const char bench_name[] = "irq";

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define POST 0x80
#define TIMER_HZ 20000u

static uint32_t crc_step(uint32_t crc, uint8_t byte) {
  crc ^= byte;
  for (int b = 0; b < 8; ++b) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
  return crc;
}

uint32_t bench_run(unsigned scale) {
  /* Start from known CMOS RAM: machines keep their own things there. */
  for (unsigned i = 0x40; i < 0x80; ++i) {
    plat_outb(CMOS_INDEX, (uint8_t)i);
    plat_outb(CMOS_DATA, (uint8_t)i);
  }
  plat_timer_start(TIMER_HZ);
  uint32_t sum = 0;
  uint32_t crc = 0xFFFFFFFFu;
  for (unsigned unit = 0; unit < scale; ++unit) {
    for (unsigned i = 0; i < 160000; ++i) {
      /* General-purpose CMOS RAM (0x40-0x7F) holds what was written. */
      const uint8_t index = (uint8_t)(0x40 + (i & 0x3F));
      const uint8_t value = (uint8_t)(crc >> 8);
      plat_outb(CMOS_INDEX, index);
      plat_outb(CMOS_DATA, value);
      plat_outb(POST, (uint8_t)i);
      plat_outb(CMOS_INDEX, (uint8_t)(0x40 + ((i + 17) & 0x3F)));
      const uint8_t back = plat_inb(CMOS_DATA);
      /* Status register A: its update-in-progress bit changes with time. */
      plat_outb(CMOS_INDEX, 0x0A);
      (void)plat_inb(CMOS_DATA);
      crc = crc_step(crc, back ^ (uint8_t)i);
      sum += back;
    }
    sum = bench_mix(sum, crc);
  }
  const uint32_t ticks = plat_timer_stop();
  out_str("bench irq: ");
  out_dec(ticks);
  out_str(" timer interrupts\n");
  return sum;
}

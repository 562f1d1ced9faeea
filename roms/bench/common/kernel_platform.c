/* The platform of the benchmark kernels: a bare PC entered by a Multiboot
 * loader in flat protected mode. Output goes to COM1 (a polled 16550) and
 * the debug console (port 0xE9); the end is an isa-debug-exit write to port
 * 0xF4. */
#include "bench.h"

#define COM1 0x3F8
#define DEBUGCON 0xE9
#define DEBUG_EXIT 0xF4
#define PIC1 0x20
#define PIC2 0xA0
#define PIT_CH0 0x40
#define PIT_CMD 0x43
#define PIT_HZ 1193182u

void kernel_main(uint32_t magic, const uint32_t* info);
void unexpected_interrupt(void);
void irq0_stub(void);
void unexpected_stub(void);
volatile uint32_t timer_ticks;

static uint32_t ram_top; /* end of the RAM from 1 MiB, from mem_upper */

void plat_outb(uint16_t port, uint8_t value) {
  __asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}

uint8_t plat_inb(uint16_t port) {
  uint8_t v;
  __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
  return v;
}

static void serial_init(void) {
  plat_outb(COM1 + 1, 0x00); /* no interrupts */
  plat_outb(COM1 + 3, 0x80); /* DLAB */
  plat_outb(COM1 + 0, 0x01); /* 115200 baud */
  plat_outb(COM1 + 1, 0x00);
  plat_outb(COM1 + 3, 0x03); /* 8N1 */
  plat_outb(COM1 + 2, 0x07); /* FIFOs on and cleared */
  plat_outb(COM1 + 4, 0x03); /* DTR, RTS */
}

void plat_write(const char* s, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    /* Wait for THRE, but not forever if there is no UART. */
    for (unsigned spin = 0; spin < 100000 && !(plat_inb(COM1 + 5) & 0x20); ++spin) {
    }
    plat_outb(COM1, (uint8_t)s[i]);
    plat_outb(DEBUGCON, (uint8_t)s[i]);
  }
}

void plat_exit(int status) {
  /* Let the UART finish sending (LSR.TEMT) before the machine goes away. */
  for (unsigned spin = 0; spin < 1000000 && !(plat_inb(COM1 + 5) & 0x40); ++spin) {
  }
  plat_outb(DEBUG_EXIT, (uint8_t)status);
  for (;;) __asm__ volatile("cli; hlt");
}

void plat_fpu_init(void) {
  __asm__ volatile("fninit");
}

/* --- Paging: the first 16 MiB identity mapped (the kernel, its stack and
 * tables), the arena at 1 GiB virtual backed by RAM from 16 MiB. */
#define ARENA_VIRT 0x40000000u
#define ARENA_PHYS 0x01000000u
#define ARENA_MAX (64u << 20)
#define IDENTITY_TABLES 4
#define ARENA_TABLES (ARENA_MAX >> 22)

static uint32_t page_dir[1024] __attribute__((aligned(4096)));
static uint32_t page_tables[IDENTITY_TABLES + ARENA_TABLES][1024] __attribute__((aligned(4096)));

void* plat_arena(size_t bytes) {
  if (bytes > ARENA_MAX || ARENA_PHYS + bytes > ram_top) {
    out_str("bench: not enough RAM for the arena (it needs 80 MiB)\n");
    plat_exit(2);
  }
  for (uint32_t t = 0; t < IDENTITY_TABLES; ++t) {
    for (uint32_t i = 0; i < 1024; ++i) page_tables[t][i] = ((t * 1024 + i) << 12) | 3;
    page_dir[t] = (uint32_t)page_tables[t] | 3;
  }
  const uint32_t pages = (uint32_t)((bytes + 4095) >> 12);
  for (uint32_t p = 0; p < pages; ++p) {
    page_tables[IDENTITY_TABLES + p / 1024][p % 1024] = (ARENA_PHYS + (p << 12)) | 3;
  }
  for (uint32_t t = 0; t < (pages + 1023) / 1024; ++t) {
    page_dir[(ARENA_VIRT >> 22) + t] = (uint32_t)page_tables[IDENTITY_TABLES + t] | 3;
  }
  __asm__ volatile(
      "movl %0, %%cr3\n\t"
      "movl %%cr0, %%eax\n\t"
      "orl $0x80000000, %%eax\n\t"
      "movl %%eax, %%cr0"
      :
      : "r"(page_dir)
      : "eax", "memory");
  void* arena = (void*)ARENA_VIRT;
  void* d = arena;
  size_t dwords = (bytes + 3) / 4;
  __asm__ volatile("rep stosl" : "+D"(d), "+c"(dwords) : "a"(0) : "memory");
  return arena;
}

/* --- The timer: an IDT, the 8259 pair remapped to vectors 0x20-0x2F with
 * only IRQ0 unmasked, PIT channel 0 as a rate generator. */
static uint32_t idt[256][2] __attribute__((aligned(8)));

static void set_gate(unsigned vector, void (*handler)(void), uint16_t cs) {
  const uint32_t offset = (uint32_t)handler;
  idt[vector][0] = ((uint32_t)cs << 16) | (offset & 0xFFFF);
  idt[vector][1] = (offset & 0xFFFF0000u) | 0x8E00; /* present, DPL 0, 32-bit interrupt gate */
}

void plat_timer_start(unsigned hz) {
  uint16_t cs;
  __asm__ volatile("movw %%cs, %0" : "=r"(cs));
  for (unsigned v = 0; v < 256; ++v) set_gate(v, unexpected_stub, cs);
  set_gate(0x20, irq0_stub, cs);
  struct __attribute__((packed)) {
    uint16_t limit;
    uint32_t base;
  } idtr = {sizeof idt - 1, (uint32_t)idt};
  __asm__ volatile("lidt %0" : : "m"(idtr));

  plat_outb(PIC1, 0x11); /* ICW1: edge, cascade, ICW4 */
  plat_outb(PIC2, 0x11);
  plat_outb(PIC1 + 1, 0x20); /* ICW2: vector bases */
  plat_outb(PIC2 + 1, 0x28);
  plat_outb(PIC1 + 1, 0x04); /* ICW3: slave on IRQ2 */
  plat_outb(PIC2 + 1, 0x02);
  plat_outb(PIC1 + 1, 0x01); /* ICW4: 8086 mode */
  plat_outb(PIC2 + 1, 0x01);
  plat_outb(PIC1 + 1, 0xFE); /* only IRQ0 */
  plat_outb(PIC2 + 1, 0xFF);

  const uint32_t divisor = PIT_HZ / hz;
  plat_outb(PIT_CMD, 0x34); /* channel 0, lobyte/hibyte, mode 2 */
  plat_outb(PIT_CH0, (uint8_t)divisor);
  plat_outb(PIT_CH0, (uint8_t)(divisor >> 8));
  timer_ticks = 0;
  __asm__ volatile("sti");
}

uint32_t plat_timer_stop(void) {
  __asm__ volatile("cli");
  plat_outb(PIC1 + 1, 0xFF);
  return timer_ticks;
}

void unexpected_interrupt(void) {
  out_str("bench: unexpected interrupt or exception\n");
  plat_exit(3);
}

void kernel_main(uint32_t magic, const uint32_t* info) {
  serial_init();
  const char* cmdline = "";
  ram_top = 1u << 20;
  if (magic == 0x2BADB002u) {
    if (info[0] & 1u) ram_top = (1u << 20) + (info[2] << 10); /* mem_upper, KiB */
    if (info[0] & 4u) cmdline = (const char*)info[4];
  } else {
    out_str("bench: not started by a Multiboot loader\n");
  }
  plat_exit(bench_main(cmdline));
}

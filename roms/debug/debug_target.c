/* The guest of the GDB stub's and the monitor's tests (gdb_test.sh,
 * monitor_test.py in tests/cli): a Multiboot kernel built with debug
 * information. It turns paging on, with its data page mapped a second time
 * at ALIAS so that a debugger's reads must go through the page tables;
 * calls tick(1) .. tick(100), which add to `counter`; prints "counter=N" on
 * the debug console and exits through isa-debug-exit with 0 (status 1 in
 * QEMU's mode).
 *
 * With "hold" on its command line it first spins, counting in `spins`,
 * until a debugger clears `hold`: a gdb can then attach to a running
 * machine. With "keys" it does not exit: it writes every byte the keyboard
 * controller gives it on the debug console, as two hex digits and a space,
 * for the monitor's sendkey. */
#include <stdint.h>

#define ALIAS 0x40000000u
#define DEBUGCON 0xE9
#define DEBUG_EXIT 0xF4

__asm__(
    "  .section .multiboot, \"a\"\n"
    "  .balign 4\n"
    "  .long 0x1BADB002\n" /* magic */
    "  .long 0\n"          /* flags */
    "  .long -0x1BADB002\n"
    "  .text\n"
    "  .globl _start\n"
    "_start:\n"
    "  movl $stack_top, %esp\n"
    "  pushl %ebx\n" /* the Multiboot information */
    "  call kernel_main\n"
    "1: cli\n"
    "  hlt\n"
    "  jmp 1b\n"
    "  .bss\n"
    "  .balign 16\n"
    "  .skip 16384\n"
    "stack_top:\n"
    "  .text\n");

volatile uint32_t counter;
volatile uint32_t last_step;
volatile uint32_t hold;
volatile uint32_t spins;
/* Its own page, so that the alias maps nothing else. */
volatile uint32_t data_page[1024] __attribute__((aligned(4096))) = {0x600DCAFEu};

static uint32_t page_directory[1024] __attribute__((aligned(4096)));
static uint32_t low_table[1024] __attribute__((aligned(4096)));
static uint32_t alias_table[1024] __attribute__((aligned(4096)));

void kernel_main(const uint32_t* multiboot_info);
void tick(uint32_t step);

static void outb(uint16_t port, uint8_t value) {
  __asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}

static void print(const char* s) {
  while (*s != 0) outb(DEBUGCON, (uint8_t)*s++);
}

static uint8_t inb(uint16_t port) {
  uint8_t value;
  __asm__ volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
  return value;
}

static void print_hex_byte(uint8_t v) {
  static const char digits[] = "0123456789abcdef";
  outb(DEBUGCON, (uint8_t)digits[v >> 4]);
  outb(DEBUGCON, (uint8_t)digits[v & 15]);
  outb(DEBUGCON, ' ');
}

static void print_decimal(uint32_t v) {
  char digits[12];
  int n = 0;
  do {
    digits[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n > 0) outb(DEBUGCON, (uint8_t)digits[--n]);
}

static int has_word(const char* s, const char* word) {
  for (; *s != 0; ++s) {
    const char* a = s;
    const char* b = word;
    while (*b != 0 && *a == *b) ++a, ++b;
    if (*b == 0) return 1;
  }
  return 0;
}

static void enable_paging(void) {
  for (uint32_t i = 0; i < 1024; ++i) low_table[i] = (i << 12) | 3; /* 0-4 MiB */
  alias_table[0] = (uint32_t)data_page | 3;
  page_directory[0] = (uint32_t)low_table | 3;
  page_directory[ALIAS >> 22] = (uint32_t)alias_table | 3;
  __asm__ volatile("movl %0, %%cr3" : : "r"(page_directory) : "memory");
  uint32_t cr0;
  __asm__ volatile("movl %%cr0, %0" : "=r"(cr0));
  __asm__ volatile("movl %0, %%cr0" : : "r"(cr0 | 0x80000000u) : "memory");
}

void tick(uint32_t step) {
  last_step = step;
  counter += step;
}

void kernel_main(const uint32_t* multiboot_info) {
  const uint32_t flags = multiboot_info[0];
  const char* cmdline = (flags & 4) != 0 ? (const char*)multiboot_info[4] : "";
  if (has_word(cmdline, "hold")) hold = 1;
  while (hold != 0) ++spins;
  enable_paging();
  for (uint32_t i = 1; i <= 100; ++i) tick(i);
  print("counter=");
  print_decimal(counter);
  print("\n");
  if (has_word(cmdline, "keys")) {
    for (;;) {
      if ((inb(0x64) & 1) != 0) print_hex_byte(inb(0x60));
    }
  }
  outb(DEBUG_EXIT, 0);
}

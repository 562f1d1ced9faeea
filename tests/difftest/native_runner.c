/* The differential tester's native side: a 32-bit Linux process that runs
 * test sequences on the host CPU.
 *
 * It reads struct dt_request records on stdin and answers each with a
 * struct dt_response on stdout. A sequence runs single-stepped: a trampoline
 * loads every register and EFLAGS with TF set and jumps to the code, and the
 * SIGTRAP handler records the registers after each instruction (and after
 * each iteration of a REP string instruction), x87 state included. The
 * trampoline starts with FNINIT and FRSTOR of the case's x87 state. When EIP reaches the end of
 * the code the handler jumps back with siglongjmp, so the code needs no
 * return path and may leave any register, ESP included, in any state.
 * Signal handlers run on an alternate stack. A fault (SIGSEGV, SIGFPE, ...)
 * ends the sequence and is reported with its signal and EIP. */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "protocol.h"

#if !defined(__i386__)
#error "the native runner must be built for 32-bit x86 (-m32)"
#endif

/* The trampoline's inputs, at fixed addresses in the control page. */
enum {
  kCtlGpr = 0,     /* 8 dwords, EAX..EDI */
  kCtlEflags = 32, /* with TF set */
  kCtlTarget = 36, /* the first code byte */
  kCtlFpu = 0x100, /* the FRSTOR image */
};

/* Loads EFLAGS (TF set) and the registers from the control page and jumps to
 * the code. POPF sets TF, so the first trap comes after the JMP, with EIP on
 * the first code byte: that snapshot is the initial state. */
void dt_enter(void) __attribute__((noreturn));
__asm__(
    ".text\n"
    ".globl dt_enter\n"
    ".type dt_enter, @function\n"
    "dt_enter:\n"
    "  fninit\n" /* a pending exception of the last case would fault FRSTOR */
    "  frstor 0x40000100\n"
    "  movl 0x40000010, %esp\n"
    "  pushl 0x40000020\n"
    "  movl 0x40000000, %eax\n"
    "  movl 0x40000004, %ecx\n"
    "  movl 0x40000008, %edx\n"
    "  movl 0x4000000c, %ebx\n"
    "  movl 0x40000014, %ebp\n"
    "  movl 0x40000018, %esi\n"
    "  movl 0x4000001c, %edi\n"
    "  popfl\n"
    "  jmp *0x40000024\n"
    ".size dt_enter, .-dt_enter\n");

static sigjmp_buf g_done;
static volatile uint32_t g_code_end;
static volatile uint32_t g_status;
static volatile uint32_t g_fault_eip;
static volatile uint32_t g_snapshot_count;
static struct dt_snapshot g_snapshots[DT_MAX_SNAPSHOTS];

static void record(const ucontext_t* uc, struct dt_snapshot* s) {
  const greg_t* g = uc->uc_mcontext.gregs;
  s->eip = (uint32_t)g[REG_EIP];
  s->gpr[0] = (uint32_t)g[REG_EAX];
  s->gpr[1] = (uint32_t)g[REG_ECX];
  s->gpr[2] = (uint32_t)g[REG_EDX];
  s->gpr[3] = (uint32_t)g[REG_EBX];
  s->gpr[4] = (uint32_t)g[REG_ESP];
  s->gpr[5] = (uint32_t)g[REG_EBP];
  s->gpr[6] = (uint32_t)g[REG_ESI];
  s->gpr[7] = (uint32_t)g[REG_EDI];
  s->eflags = (uint32_t)g[REG_EFL];
  /* The kernel gives the FNSAVE layout, tags computed from the contents. */
  const struct _libc_fpstate* fp = uc->uc_mcontext.fpregs;
  s->fcw = (uint32_t)fp->cw & 0xFFFFu;
  s->fsw = (uint32_t)fp->sw & 0xFFFFu;
  s->ftw = (uint32_t)fp->tag & 0xFFFFu;
  memcpy(s->st, fp->_st, sizeof s->st);
}

static void on_trap(int sig, siginfo_t* info, void* context) {
  const ucontext_t* uc = (const ucontext_t*)context;
  (void)sig;
  (void)info;
  if (g_snapshot_count == DT_MAX_SNAPSHOTS) {
    g_status = DT_STATUS_TOO_MANY_STEPS;
    siglongjmp(g_done, 1);
  }
  record(uc, &g_snapshots[g_snapshot_count]);
  g_snapshot_count = g_snapshot_count + 1;
  if ((uint32_t)uc->uc_mcontext.gregs[REG_EIP] == g_code_end) siglongjmp(g_done, 1);
}

/* A fault ends the sequence; the last snapshot is the state at the fault. */
static void on_fault(int sig, siginfo_t* info, void* context) {
  const ucontext_t* uc = (const ucontext_t*)context;
  (void)info;
  g_status = (uint32_t)sig;
  g_fault_eip = (uint32_t)uc->uc_mcontext.gregs[REG_EIP];
  if (g_snapshot_count < DT_MAX_SNAPSHOTS) {
    record(uc, &g_snapshots[g_snapshot_count]);
    g_snapshot_count = g_snapshot_count + 1;
  }
  siglongjmp(g_done, 1);
}

static void die(const char* what) {
  fprintf(stderr, "native_runner: %s: %s\n", what, strerror(errno));
  exit(2);
}

static void map_page(uint32_t addr, int prot) {
  void* p = mmap((void*)(uintptr_t)addr, DT_PAGE_SIZE, prot,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  if (p == MAP_FAILED || (uintptr_t)p != addr) die("mmap at a fixed address");
}

static void install(int sig, void (*handler)(int, siginfo_t*, void*)) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = handler;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  if (sigaction(sig, &sa, NULL) != 0) die("sigaction");
}

static void setup(void) {
  static uint8_t alt_stack[1 << 16];
  stack_t ss;
  map_page(DT_DATA_PAGE, PROT_READ | PROT_WRITE);
  map_page(DT_CODE_PAGE, PROT_READ | PROT_WRITE | PROT_EXEC);
  map_page(DT_STACK_PAGE, PROT_READ | PROT_WRITE);
  map_page(DT_CONTROL_PAGE, PROT_READ | PROT_WRITE);
  memset(&ss, 0, sizeof ss);
  ss.ss_sp = alt_stack;
  ss.ss_size = sizeof alt_stack;
  if (sigaltstack(&ss, NULL) != 0) die("sigaltstack");
  install(SIGTRAP, on_trap);
  install(SIGSEGV, on_fault);
  install(SIGBUS, on_fault);
  install(SIGFPE, on_fault);
  install(SIGILL, on_fault);
}

/* Returns 0 at a clean end of input. */
static int read_full(void* buf, size_t n) {
  uint8_t* p = (uint8_t*)buf;
  size_t got = 0;
  while (got < n) {
    const ssize_t r = read(0, p + got, n - got);
    if (r == 0 && got == 0) return 0;
    if (r == 0) die("truncated request");
    if (r < 0) {
      if (errno == EINTR) continue;
      die("read");
    }
    got += (size_t)r;
  }
  return 1;
}

static void write_full(const void* buf, size_t n) {
  const uint8_t* p = (const uint8_t*)buf;
  while (n > 0) {
    const ssize_t r = write(1, p, n);
    if (r < 0) {
      if (errno == EINTR) continue;
      die("write");
    }
    p += r;
    n -= (size_t)r;
  }
}

static void run_one(const struct dt_request* rq, const uint8_t* code, struct dt_response* rs) {
  uint8_t* data = (uint8_t*)(uintptr_t)DT_DATA_PAGE;
  uint8_t* code_page = (uint8_t*)(uintptr_t)DT_CODE_PAGE;
  uint32_t* ctl = (uint32_t*)(uintptr_t)DT_CONTROL_PAGE;
  size_t i;

  memset(data, 0, DT_PAGE_SIZE);
  memcpy(data + (DT_WINDOW - DT_DATA_PAGE), rq->window, DT_WINDOW_SIZE);
  memset(code_page, 0xF4, rq->code_len + 16); /* HLT: faults if ever reached */
  memcpy(code_page, code, rq->code_len);

  for (i = 0; i < 8; ++i) ctl[kCtlGpr / 4 + i] = rq->gpr[i];
  ctl[4] = DT_STACK_TOP;
  ctl[kCtlEflags / 4] = (rq->eflags & DT_EFLAGS_MASK) | 0x2u | 0x100u; /* bit 1, TF */
  ctl[kCtlTarget / 4] = DT_CODE_PAGE;
  memcpy((uint8_t*)ctl + kCtlFpu, rq->fpu, DT_FSAVE_SIZE);
  g_code_end = DT_CODE_PAGE + rq->code_len;
  g_status = 0;
  g_fault_eip = 0;
  g_snapshot_count = 0;

  if (sigsetjmp(g_done, 1) == 0) dt_enter();

  memset(rs, 0, sizeof *rs);
  rs->magic = DT_RESPONSE_MAGIC;
  rs->status = g_status;
  rs->fault_eip = g_fault_eip;
  rs->snapshot_count = g_snapshot_count;
  memcpy(rs->window, data + (DT_WINDOW - DT_DATA_PAGE), DT_WINDOW_SIZE);
  for (i = 0; i < DT_PAGE_SIZE; ++i) {
    const int in_window =
        i >= DT_WINDOW - DT_DATA_PAGE && i < DT_WINDOW - DT_DATA_PAGE + DT_WINDOW_SIZE;
    if (!in_window && data[i] != 0) rs->outside_dirty = 1;
  }
}

int main(void) {
  static uint8_t code[DT_MAX_CODE];
  struct dt_request rq;
  struct dt_response rs;
  setup();
  while (read_full(&rq, sizeof rq)) {
    if (rq.magic != DT_REQUEST_MAGIC || rq.code_len > DT_MAX_CODE) {
      fprintf(stderr, "native_runner: bad request\n");
      return 2;
    }
    if (rq.code_len > 0 && !read_full(code, rq.code_len)) die("truncated code");
    run_one(&rq, code, &rs);
    write_full(&rs, sizeof rs);
    write_full(g_snapshots, g_snapshot_count * sizeof g_snapshots[0]);
  }
  return 0;
}

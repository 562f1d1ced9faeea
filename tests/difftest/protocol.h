/* The pipe protocol between the differential tester (C++) and the 32-bit
 * native runner (C), and the guest memory layout both sides share. Plain C
 * so that both languages include it; every field is a little-endian uint32
 * or a byte array, so the structs have no padding on either side. */
#ifndef TX86_TESTS_DIFFTEST_PROTOCOL_H_
#define TX86_TESTS_DIFFTEST_PROTOCOL_H_

#include <stdint.h>

/* Fixed linear addresses, mapped MAP_FIXED in the runner and as RAM in tx86. */
#define DT_DATA_PAGE 0x10000000u /* one 4 KiB page, zero outside the window */
#define DT_WINDOW (DT_DATA_PAGE + 0x800u)
#define DT_WINDOW_SIZE 256u /* random bytes the sequence reads and writes */
#define DT_CODE_PAGE 0x20000000u
#define DT_STACK_PAGE 0x30000000u
#define DT_STACK_TOP (DT_STACK_PAGE + 0x800u) /* initial ESP, never random */
#define DT_CONTROL_PAGE 0x40000000u           /* runner only: trampoline inputs */
#define DT_PAGE_SIZE 0x1000u

#define DT_FSAVE_SIZE 108u /* FNSAVE/FRSTOR image, 32-bit protected-mode layout */

#define DT_MAX_CODE 2048u
#define DT_MAX_SNAPSHOTS 512u

/* The EFLAGS bits a test case sets and compares: CF PF AF ZF SF OF DF. */
#define DT_EFLAGS_MASK 0x0CD5u

#define DT_REQUEST_MAGIC 0x51525444u  /* "DTRQ" */
#define DT_RESPONSE_MAGIC 0x53525444u /* "DTRS" */

/* status: 0 when the sequence reached its end, else the signal that stopped
 * it, or DT_STATUS_TOO_MANY_STEPS. */
#define DT_STATUS_TOO_MANY_STEPS 1000u

struct dt_request {
  uint32_t magic;
  uint32_t code_len; /* code bytes that follow the request */
  uint32_t gpr[8];   /* EAX ECX EDX EBX ESP EBP ESI EDI; ESP is ignored */
  uint32_t eflags;   /* only DT_EFLAGS_MASK bits are used */
  uint8_t window[DT_WINDOW_SIZE];
  uint8_t fpu[DT_FSAVE_SIZE]; /* the x87 state FRSTOR loads first */
};

/* The state at one single-step trap: registers after the instruction that
 * ended before eip; or, as the last snapshot of a faulted run, the state at
 * the fault (eip on the faulting instruction). */
struct dt_snapshot {
  uint32_t eip;
  uint32_t gpr[8];
  uint32_t eflags;
  uint32_t fcw; /* x87 control, status and full tag word (low 16 bits) */
  uint32_t fsw;
  uint32_t ftw;
  uint8_t st[80]; /* ST(0)-ST(7), 10 bytes each; MMi is the low 8 of R(i) */
};

struct dt_response {
  uint32_t magic;
  uint32_t status;
  uint32_t fault_eip;     /* where a fault signal was raised */
  uint32_t outside_dirty; /* the data page changed outside the window */
  uint32_t snapshot_count;
  uint8_t window[DT_WINDOW_SIZE];
  /* followed by snapshot_count struct dt_snapshot */
};

#endif /* TX86_TESTS_DIFFTEST_PROTOCOL_H_ */

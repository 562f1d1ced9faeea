; x87.asm - the x87 FPU as system software sees it (SDM Vol. 1 chapter 8,
; Vol. 3A 2.5 and 6.15, Appendix D).
;
; CPUID reports the FPU; FNINIT state; arithmetic, rounding control, FCOMI;
; the environment and state images: FNSTENV in the 16- and 32-bit real-mode
; layouts (linear pointers) and the protected-mode ones (selector:offset),
; FNSAVE/FRSTOR, FXSAVE/FXRSTOR and its alignment #GP; #NM for CR0.EM and
; CR0.TS and for WAIT with MP and TS; the lazy-FPU pattern after a task
; switch; unmasked exceptions reported as #MF (CR0.NE=1) at the next waiting
; instruction (MMX ones too) and never by a non-waiting one; MMX #UD with
; CR0.EM, the aliasing of MMi with the x87 registers, EMMS, no SSE; and with CR0.NE=0 through
; FERR# and IRQ 13: the waiting instruction freezes until the interrupt,
; port F0h then asserts IGNNE# and the instruction goes on.

%define TEST_AREA "x87"
%include "tx86.inc"
%include "pm.inc"
        cpu     686
        cpu     p4                      ; for the #UD checks of SSE forms

VAR             equ 0x0600          ; scratch (16 bytes)
BUF             equ 0x4000          ; FSAVE/FXSAVE images, 16-byte aligned
TSS_B           equ 0x3000
STACK_B         equ 0x9800
SEL_TSS_B       equ 0x40
IRQ13_VEC       equ 0x2D            ; slave 8259 at 28h-2Fh

ONE_LO          equ 0x00000000      ; 1.0 as an 80-bit real
ONE_HI          equ 0x80000000
ONE_SE          equ 0x3FFF

start:
        INIT_REAL_MODE

; ---- CPUID and the FNINIT state ------------------------------------------------------
        mov     eax, 1
        cpuid
        test    edx, 1
        TX86_FAIL_IF z, "cpuid.1:edx.fpu"
        fninit
        mov     ax, 0xFFFF
        fnstsw  ax
        CHECK_EQ ax, 0, "fninit status word"
        fnstcw  [VAR]
        CHECK_EQ word [VAR], 0x037F, "fninit control word"

; ---- FNSTENV in real mode: linear instruction and data pointers ------------------------
        mov     dword [VAR], 0x3FC00000 ; 1.5
rm_fld:
        fld     dword [VAR]             ; D9 06 disp16: FOP 106h
        fnstenv [BUF]                   ; 16-bit real-mode layout, 14 bytes
        CHECK_EQ word [BUF + 0], 0x037F, "rm16 env cw"
        CHECK_EQ word [BUF + 2], 0x3800, "rm16 env sw (top 7)"
        CHECK_EQ word [BUF + 4], 0x3FFF, "rm16 env tw"
%ifndef QEMU_COMPAT     ; QEMU 7.2 stores no FOP and a CS-relative IP here
        CHECK_EQ word [BUF + 6], rm_fld, "rm16 env ip 15-0"
        CHECK_EQ word [BUF + 8], 0xF106, "rm16 env ip 19-16, fop"
        CHECK_EQ word [BUF + 10], VAR, "rm16 env dp 15-0"
        mov     ax, [BUF + 12]
        and     ax, 0xF000
        CHECK_EQ ax, 0, "rm16 env dp 19-16"
%endif
        fldcw   [BUF]                   ; FNSTENV masked everything; the same
        o32 fnstenv [BUF]               ; 32-bit real-mode layout, 28 bytes
%ifndef QEMU_COMPAT
        CHECK_EQ word [BUF + 12], rm_fld, "rm32 env ip 15-0"
        mov     eax, [BUF + 16]
        and     eax, 0x0FFFF7FF
        CHECK_EQ eax, 0x0000F106, "rm32 env ip 31-16, fop"
        CHECK_EQ word [BUF + 20], VAR, "rm32 env dp 15-0"
        mov     eax, [BUF + 24]
        and     eax, 0x0FFFF000
        CHECK_EQ eax, 0, "rm32 env dp 31-16"
%endif

        PM_ENTER

; ---- arithmetic, rounding control, FCOMI ------------------------------------------------
        fninit
        fld1
        fld1
        faddp
        fistp   dword [VAR]
        CHECK_EQ32 dword [VAR], 2, "1 + 1"
        fldpi
        fstp    qword [VAR]
        CHECK_EQ32 dword [VAR], 0x54442D18, "fldpi as a double (low)"
        CHECK_EQ32 dword [VAR + 4], 0x400921FB, "fldpi as a double (high)"
        mov     dword [VAR], 10
        mov     dword [VAR + 4], 4
        fild    dword [VAR]
        fidiv   dword [VAR + 4]
        fist    dword [VAR + 8]         ; 2.5 to nearest even
        CHECK_EQ32 dword [VAR + 8], 2, "2.5 rounds to even"
        mov     word [VAR + 12], 0x0B7F ; rounding up
        fldcw   [VAR + 12]
        fistp   dword [VAR + 8]
        CHECK_EQ32 dword [VAR + 8], 3, "2.5 rounds up"
        fninit
        fld1
        fldz
        fcomi   st0, st1                ; 0 < 1: CF=1 ZF=0 PF=0
        CHECK_FLAGS32 F_CF | F_ZF | F_PF, F_CF, "fcomi less"
        fxch
        fucomip st0, st1                ; 1 > 0: all clear, popped
        CHECK_FLAGS32 F_CF | F_ZF | F_PF, 0, "fucomip greater"
        fnstsw  ax
        and     ax, 0x3800
        CHECK_EQ32 ax, 0x3800, "fucomip popped"

; ---- FNSAVE/FRSTOR, protected-mode 32-bit layout ----------------------------------------
        fninit
        fld1
        mov     dword [VAR], 0xC0000000 ; -2.0
pm_fld:
        fld     dword [VAR]             ; D9 05 disp32: FOP 105h
        fnsave  [BUF]
        CHECK_EQ32 word [BUF + 0], 0x037F, "fsave cw"
        CHECK_EQ32 word [BUF + 4], 0x3000, "fsave sw (top 6)"
        CHECK_EQ32 word [BUF + 8], 0x0FFF, "fsave tw"
        CHECK_EQ32 dword [BUF + 12], pm_fld, "fsave fip"
        CHECK_EQ32 word [BUF + 16], SEL_CODE32, "fsave fcs"
%ifndef QEMU_COMPAT     ; QEMU 7.2 stores no FOP
        mov     ax, [BUF + 18]
        and     ax, 0x07FF
        CHECK_EQ32 ax, 0x105, "fsave fop"
%endif
        CHECK_EQ32 dword [BUF + 20], VAR, "fsave fdp"
        CHECK_EQ32 word [BUF + 24], SEL_DATA32, "fsave fds"
        CHECK_EQ32 dword [BUF + 28 + 4], 0x80000000, "fsave st0 mantissa"
        CHECK_EQ32 word [BUF + 28 + 8], 0xC000, "fsave st0 sign and exponent"
        CHECK_EQ32 dword [BUF + 38 + 4], ONE_HI, "fsave st1 mantissa"
        CHECK_EQ32 word [BUF + 38 + 8], ONE_SE, "fsave st1 exponent"
        fnstenv [VAR + 0x40]            ; FNSAVE ended with FNINIT
        CHECK_EQ32 word [VAR + 0x40], 0x037F, "after fsave: cw"
        CHECK_EQ32 word [VAR + 0x48], 0xFFFF, "after fsave: tw"
        frstor  [BUF]
        fistp   dword [VAR]
        CHECK_EQ32 dword [VAR], -2, "frstor st0"
        fistp   dword [VAR]
        CHECK_EQ32 dword [VAR], 1, "frstor st1"

; ---- FNSTENV, protected-mode 16-bit layout ---------------------------------------------
        fninit
pm_fld16:
        fld     dword [VAR]
        o16 fnstenv [BUF]
        CHECK_EQ32 word [BUF + 0], 0x037F, "pm16 env cw"
        CHECK_EQ32 word [BUF + 4], 0x3FFF, "pm16 env tw"
        CHECK_EQ32 word [BUF + 6], pm_fld16, "pm16 env ip"
        CHECK_EQ32 word [BUF + 8], SEL_CODE32, "pm16 env cs"
        CHECK_EQ32 word [BUF + 10], VAR, "pm16 env dp"
        CHECK_EQ32 word [BUF + 12], SEL_DATA32, "pm16 env ds"

; ---- FXSAVE/FXRSTOR ---------------------------------------------------------------------
        fninit
pm_fld1:
        fld1
        fxsave  [BUF]
        CHECK_EQ32 word [BUF + 0], 0x037F, "fxsave fcw"
        CHECK_EQ32 word [BUF + 2], 0x3800, "fxsave fsw"
        CHECK_EQ32 byte [BUF + 4], 0x80, "fxsave abridged tags"
%ifndef QEMU_COMPAT     ; QEMU 7.2 stores no FOP, FIP or FCS here
        CHECK_EQ32 word [BUF + 6], 0x1E8, "fxsave fop"
        CHECK_EQ32 dword [BUF + 8], pm_fld1, "fxsave fip"
        CHECK_EQ32 word [BUF + 12], SEL_CODE32, "fxsave fcs"
%endif
        CHECK_EQ32 dword [BUF + 32 + 4], ONE_HI, "fxsave st0"
        CHECK_EQ32 word [BUF + 32 + 8], ONE_SE, "fxsave st0 exponent"
        fninit
        fxrstor [BUF]
        fistp   dword [VAR]
        CHECK_EQ32 dword [VAR], 1, "fxrstor st0"
        EXPECT_FAULT 13, 0, "fxsave misaligned", {fxsave [BUF + 8]}

; ---- #NM: CR0.EM, CR0.TS, and WAIT with MP ------------------------------------------------
        mov     eax, cr0
        or      eax, CR0_EM
        mov     cr0, eax
        EXPECT_FAULT 7, 0, "em: fld1 #nm", {fld1}
        EXPECT_FAULT 7, 0, "em: fnstsw #nm", {fnstsw ax}
        EXPECT_NONE "em: wait runs", {wait}
        and     eax, ~CR0_EM
        or      eax, CR0_TS
        mov     cr0, eax
        EXPECT_FAULT 7, 0, "ts: fld1 #nm", {fld1}
        EXPECT_NONE "ts, mp=0: wait runs", {wait}
        or      eax, CR0_MP
        mov     cr0, eax
        EXPECT_FAULT 7, 0, "ts, mp=1: wait #nm", {wait}
        EXPECT_FAULT 7, 0, "fxsave #nm", {fxsave [BUF]}
        clts
        EXPECT_NONE "clts: fld1 runs", {fld1}

; ---- MMX: #UD with EM, #NM with TS; aliasing; no SSE -------------------------------------
        mov     eax, cr0
        or      eax, CR0_EM
        mov     cr0, eax
%ifndef QEMU_COMPAT     ; QEMU 7.2 raises #NM here
        EXPECT_FAULT 6, 0, "em: mmx #ud", {emms}
%endif
        and     eax, ~CR0_EM
        or      eax, CR0_TS
        mov     cr0, eax
        EXPECT_FAULT 7, 0, "ts: mmx #nm", {movq mm0, mm1}
        clts
        mov     eax, 1
        cpuid
        test    edx, 1 << 23
        TX86_FAIL_IF32 z, "cpuid.1:edx.mmx"
        fninit
        mov     dword [VAR], 0x89ABCDEF
        mov     dword [VAR + 4], 0x01234567
        movq    mm3, [VAR]
        fnstsw  ax
        and     ax, 0x3800
        CHECK_EQ32 ax, 0, "mmx: top 0"
        fxsave  [BUF]
        CHECK_EQ32 byte [BUF + 4], 0xFF, "mmx: no register empty"
        fnsave  [BUF]
        CHECK_EQ32 dword [BUF + 28 + 3 * 10], 0x89ABCDEF, "mm3 is r3's significand"
%ifndef QEMU_COMPAT     ; QEMU 7.2 leaves the exponent as it was
        CHECK_EQ32 word [BUF + 28 + 3 * 10 + 8], 0xFFFF, "mmx write sets exponent ones"
%endif
        frstor  [BUF]
        paddb   mm3, [VAR]
        movd    eax, mm3
        CHECK_EQ32 eax, 0x12569ADE, "paddb"
        emms
        fxsave  [BUF]
        CHECK_EQ32 byte [BUF + 4], 0, "emms empties every register"
%ifndef QEMU_COMPAT     ; QEMU 7.2 runs SSE integer forms on CPUs without SSE
        EXPECT_FAULT 6, 0, "pshufw is sse: #ud", {pshufw mm0, mm1, 0}
        EXPECT_FAULT 6, 0, "66 pxor (xmm) #ud", {pxor xmm0, xmm0}
%endif

; ---- the lazy-FPU pattern: a task switch sets TS; the first x87 instruction traps -------
        mov     edi, TSS_B
        xor     eax, eax
        mov     ecx, 0x68 / 4
        rep stosd
        mov     dword [TSS_B + TSS_EIP], task_b
        mov     dword [TSS_B + TSS_ESP], STACK_B
        mov     dword [TSS_B + TSS_EFLAGS], F_RSVD1
        mov     word [TSS_B + TSS_CS], SEL_CODE32
        mov     word [TSS_B + TSS_SS], SEL_DATA32
        mov     word [TSS_B + TSS_DS], SEL_DATA32
        mov     word [TSS_B + TSS_ES], SEL_DATA32
        mov     word [TSS_B + TSS_IOMAP], 0x68
        fninit
        fld1
        jmp     SEL_TSS_B:0             ; B jumps straight back
a_back:
        mov     eax, cr0
        test    eax, CR0_TS
        TX86_FAIL_IF32 z, "task switch sets cr0.ts"
        EXPECT_FAULT 7, 0, "first x87 insn after switch #nm", {fadd st0, st0}
        clts                            ; what the #NM handler does
        fadd    st0, st0                ; and the instruction runs again
        fistp   dword [VAR]
        CHECK_EQ32 dword [VAR], 2, "state kept across the switch"

; ---- #MF (CR0.NE=1): at the next waiting instruction --------------------------------------
        mov     eax, cr0
        or      eax, CR0_NE
        and     eax, ~CR0_MP
        mov     cr0, eax
        fninit
        mov     word [VAR], 0x037B      ; zero-divide unmasked
        fldcw   [VAR]
        fld1
        fldz
        EXPECT_NONE "fdiv records the error", {fdivp st1, st0}
        EXPECT_NONE "fnstsw does not wait", {fnstsw ax}
%ifndef QEMU_COMPAT     ; QEMU 7.2 delivers the result and pops anyway
        CHECK_EQ32 ax, 0xB084, "pending zero divide: es, b, ze; not popped"
%endif
        EXPECT_FAULT 16, 0, "#mf at fwait", {fwait}
%ifndef QEMU_COMPAT     ; QEMU 7.2 reports x87 errors at FWAIT only
        EXPECT_FAULT 16, 0, "#mf at the next x87 insn", {fld1}
%endif
        EXPECT_FAULT 16, 0, "#mf at fstsw's wait", {fstsw ax}
        EXPECT_NONE "fnclex does not wait", {fnclex}
        EXPECT_NONE "cleared: fwait runs", {fwait}
        EXPECT_NONE "cleared: fld1 runs", {fld1}
        fld1
        fldz
        fdivp   st1, st0
%ifndef QEMU_COMPAT     ; QEMU 7.2 reports x87 errors at FWAIT only
        EXPECT_FAULT 16, 0, "#mf at an mmx insn", {movq mm0, mm1}
%endif
        fninit
        mov     word [VAR], 0x037F
        fldcw   [VAR]

; ---- FERR# and IRQ 13 (CR0.NE=0) -----------------------------------------------------------
%ifndef QEMU_COMPAT     ; QEMU 7.2 raises IRQ 13 at the erroring instruction, no freeze
        mov     al, 0x11                ; both 8259s: vectors 20h and 28h
        out     0x20, al
        out     0xA0, al
        mov     al, 0x20
        out     0x21, al
        mov     al, 0x28
        out     0xA1, al
        mov     al, 0x04
        out     0x21, al
        mov     al, 0x02
        out     0xA1, al
        mov     al, 0x01
        out     0x21, al
        out     0xA1, al
        mov     al, 0xFB                ; master: only the cascade
        out     0x21, al
        mov     al, 0xDF                ; slave: only IRQ 13
        out     0xA1, al
        mov     eax, cr0
        and     eax, ~CR0_NE
        mov     cr0, eax
        fninit
        mov     word [VAR], 0x037B
        fldcw   [VAR]
        fld1
        fldz
        fdivp   st1, st0
        sti
        ; The fwait freezes; IRQ 13 arrives with EIP still on it.
        EXPECT_FAULT IRQ13_VEC, 0, "irq13 before the frozen fwait", {fwait}
        mov     al, 0
        out     0xF0, al                ; clear the latch, assert IGNNE#
        mov     al, 0x20
        out     0xA0, al
        out     0x20, al
        EXPECT_NONE "ignne: fwait goes on", {fwait}
        EXPECT_NONE "ignne: fld1 goes on", {fld1}
        fnclex
        fwait                           ; nothing pending: IGNNE# drops
        fld1
        fldz
        fdivp   st1, st0
        EXPECT_FAULT IRQ13_VEC, 0, "a new error raises irq13 again", {fld1}
        cli
        mov     al, 0
        out     0xF0, al
        mov     al, 0x20
        out     0xA0, al
        out     0x20, al
        fnclex
%endif

        PASS32

; Task B: back to task A at once.
task_b:
        jmp     SEL_TSS:0
        FAIL32  "task b resumed"

gdt_table:
        GDT_STD
        DESC    TSS_B, 0x67, ACC_TSS32, 0                       ; 40
gdt_table_end:

bits 16
        ROM_END start

; pm_tasks.asm - hardware task switching (SDM Vol. 3A chapter 7).
;
; Task A (the main TSS) switches to: B by JMP to a 32-bit TSS descriptor
; (and B JMPs back); C by CALL through a task gate in the GDT (NT, back
; link, busy bits; C returns with IRET); D by INT through a task gate in the
; IDT; E as the #GP handler through a task gate (error code on E's stack);
; a 16-bit TSS by CALL. Checked: the state saved in the outgoing TSS (EIP,
; EFLAGS, general and segment registers) and loaded from the incoming one
; (incl. LDTR before the segment registers), busy bits and NT / back link per
; SDM table 7-2, #GP on re-entering a busy task, #TS for a TSS limit below
; 67h, CR0.TS set by every switch, LDTR not saved.

%define TEST_AREA "pm_tasks"
%include "tx86.inc"
%include "pm.inc"

SAVED_ESP       equ 0x0600          ; task A's ESP at its JMP
TSS_B           equ 0x3000          ; 32-bit TSSs (104 bytes each)
TSS_C           equ 0x3080
TSS_D           equ 0x3100
TSS_E           equ 0x3180
TSS_16          equ 0x3280          ; 16-bit TSS (44 bytes)
STACK_B         equ 0x9800
STACK_C         equ 0x9A00
STACK_D         equ 0x9C00
STACK_E         equ 0x9E00
STACK_16        equ 0xA000
LDT_SEG_BASE    equ 0x40000         ; base of task B's LDT data segment

SEL_TSS_B       equ 0x40
SEL_TSS_C       equ 0x48
SEL_TSS_D       equ 0x50
SEL_TSS_E       equ 0x58
SEL_TSS16       equ 0x60
SEL_TASKGATE_C  equ 0x68            ; task gate in the GDT -> SEL_TSS_C
SEL_LDT         equ 0x70            ; task B's LDT
SEL_TSS_SMALL   equ 0x78            ; 32-bit TSS with limit 50h (< 67h)
SEL_BEYOND      equ 0x1F8
LDT_DATA0       equ 0x04            ; TI=1 selector of LDT entry 0

; 16-bit TSS fields (SDM figure 7-11)
TSS16_LINK      equ 0x00
TSS16_IP        equ 0x0E
TSS16_FLAGS     equ 0x10
TSS16_AX        equ 0x12
TSS16_BX        equ 0x18
TSS16_SP        equ 0x1A
TSS16_ES        equ 0x22
TSS16_CS        equ 0x24
TSS16_SS        equ 0x26
TSS16_DS        equ 0x28

; INIT_TSS32 base, eip, esp, eflags: a ring-0 32-bit task with flat
; segments and no I/O bitmap (EDI, ECX, EAX clobbered).
%macro INIT_TSS32 4
        mov     edi, %1
        xor     eax, eax
        mov     ecx, 0x68 / 4
        rep stosd
        mov     dword [%1 + TSS_EIP], %2
        mov     dword [%1 + TSS_ESP], %3
        mov     dword [%1 + TSS_EFLAGS], (%4) | F_RSVD1
        mov     word [%1 + TSS_CS], SEL_CODE32
        mov     word [%1 + TSS_SS], SEL_DATA32
        mov     word [%1 + TSS_DS], SEL_DATA32
        mov     word [%1 + TSS_ES], SEL_DATA32
        mov     word [%1 + TSS_FS], SEL_DATA32
        mov     word [%1 + TSS_GS], SEL_DATA32
        mov     word [%1 + TSS_IOMAP], 0x68
%endmacro

; CHECK_TYPE selector, access, "name": the descriptor's access byte.
%macro CHECK_TYPE 3+
        CHECK_EQ32 byte [GDT_BASE + (%1) + 5], %2, %3
%endmacro

; CHECK_TS "name": CR0.TS is set (then cleared). Clobbers EAX.
%macro CHECK_TS 1+
        mov     eax, cr0
        test    eax, CR0_TS
        TX86_FAIL_IF32 z, %1
        clts
%endmacro

start:
        INIT_REAL_MODE
        PM_ENTER
        mov     dword [LDT_BASE], 0x0000FFFF | ((LDT_SEG_BASE & 0xFFFF) << 16)
        mov     dword [LDT_BASE + 4], ((LDT_SEG_BASE >> 16) & 0xFF) | (ACC_DATA_W << 8) | (FL_32 << 20)
        INIT_TSS32 TSS_B, task_b, STACK_B, F_CF | F_ZF
        mov     dword [TSS_B + TSS_EAX], 0x0B0B0001
        mov     dword [TSS_B + TSS_ECX], 0x0B0B0002
        mov     dword [TSS_B + TSS_EDX], 0x0B0B0003
        mov     dword [TSS_B + TSS_EBX], 0x0B0B0004
        mov     dword [TSS_B + TSS_EBP], 0x0B0B0005
        mov     dword [TSS_B + TSS_ESI], 0x0B0B0006
        mov     dword [TSS_B + TSS_EDI], 0x0B0B0007
        mov     word [TSS_B + TSS_LDTR], SEL_LDT
        mov     word [TSS_B + TSS_ES], LDT_DATA0    ; needs B's LDT loaded first
        mov     word [TSS_B + TSS_FS], 0            ; null is fine
        INIT_TSS32 TSS_C, task_c, STACK_C, 0
        INIT_TSS32 TSS_D, task_d, STACK_D, 0
        INIT_TSS32 TSS_E, task_e, STACK_E, 0
        mov     edi, TSS_16
        xor     eax, eax
        mov     ecx, 0x2C / 4
        rep stosd
        mov     word [TSS_16 + TSS16_IP], task16
        mov     word [TSS_16 + TSS16_FLAGS], F_RSVD1
        mov     word [TSS_16 + TSS16_AX], 0x1616
        mov     word [TSS_16 + TSS16_BX], 0x2626
        mov     word [TSS_16 + TSS16_SP], STACK_16
        mov     word [TSS_16 + TSS16_ES], SEL_DATA16
        mov     word [TSS_16 + TSS16_CS], SEL_CODE16
        mov     word [TSS_16 + TSS16_SS], SEL_DATA16
        mov     word [TSS_16 + TSS16_DS], SEL_DATA16

; ---- limit below 67h: #TS(selector) before anything changes (SDM 7.3 step 4) ------------
        EXPECT_FAULT 10, SEL_TSS_SMALL, "#ts tss limit < 67h", {jmp SEL_TSS_SMALL:0}
        CHECK_TYPE SEL_TSS, ACC_TSS32 | TSS_BUSY, "task a busy (ltr)"
        EXPECT_FAULT 13, SEL_TSS, "jmp to own busy tss", {jmp SEL_TSS:0}

; ---- JMP to task B and back ---------------------------------------------------------------
        clts
        mov     ax, SEL_DATA16          ; distinctive FS, saved in TSS A
        mov     fs, ax
        mov     eax, 0xA0A0A0A0
        mov     ebx, 0xB0B0B0B0
        mov     ecx, 0xC0C0C0C0
        mov     edx, 0xD0D0D0D0
        mov     esi, 0x51515151
        mov     edi, 0xD1D1D1D1
        mov     ebp, 0xB9B9B9B9
        mov     [SAVED_ESP], esp
        push    dword F_OF | F_SF | F_PF | F_RSVD1
        popfd
        jmp     SEL_TSS_B:0             ; the offset is ignored
a_after_jmp:
        CHECK_FLAGS32 F_ARITH | F_NT, F_OF | F_SF | F_PF, "task a eflags restored"
        CHECK_EQ32 eax, 0xA0A0A0A0, "task a eax restored"
        CHECK_EQ32 ebx, 0xB0B0B0B0, "task a ebx restored"
        CHECK_EQ32 ecx, 0xC0C0C0C0, "task a ecx restored"
        CHECK_EQ32 edx, 0xD0D0D0D0, "task a edx restored"
        CHECK_EQ32 esi, 0x51515151, "task a esi restored"
        CHECK_EQ32 edi, 0xD1D1D1D1, "task a edi restored"
        CHECK_EQ32 ebp, 0xB9B9B9B9, "task a ebp restored"
        CHECK_EQ32 esp, [SAVED_ESP], "task a esp restored"
        CHECK_SEL32 fs, SEL_DATA16, "task a fs restored"
        mov     eax, 0xFFFFFFFF
        str     ax
        CHECK_EQ32 ax, SEL_TSS, "str back in task a"
        sldt    ax                      ; LDTR comes from TSS A (0): not saved
        CHECK_EQ32 ax, 0, "ldtr from task a's tss"
        CHECK_TS "cr0.ts after jmp back"
        CHECK_TYPE SEL_TSS, ACC_TSS32 | TSS_BUSY, "jmp back: a busy"
        CHECK_TYPE SEL_TSS_B, ACC_TSS32, "jmp back: b not busy"
        CHECK_EQ32 dword [TSS_B + TSS_EIP], b_after_jmp, "task b saved eip"
        CHECK_EQ32 dword [TSS_B + TSS_EAX], 0x0B0B0001, "task b saved eax"
        CHECK_EQ32 word [TSS_B + TSS_ES], LDT_DATA0, "task b saved es"
        CHECK_EQ32 word [TSS_B + TSS_LINK], 0, "jmp leaves back link"
        mov     ax, SEL_DATA32
        mov     fs, ax

; ---- CALL through a task gate to C; C returns with IRET ------------------------------------
        call    SEL_TASKGATE_C:0
        CHECK_FLAGS32 F_NT, 0, "task a nt after iret"
        CHECK_TS "cr0.ts after iret to task a"
        CHECK_TYPE SEL_TSS, ACC_TSS32 | TSS_BUSY, "iret: a still busy"
        CHECK_TYPE SEL_TSS_C, ACC_TSS32, "iret: c no longer busy"
        CHECK_EQ32 dword [TSS_C + TSS_EIP], c_after_iret, "task c saved eip"
        CHECK_EQ32 dword [TSS_C + TSS_EAX], 0xC0C0C0C0, "task c saved eax"
        test    dword [TSS_C + TSS_EFLAGS], F_NT    ; cleared in the old task's
        TX86_FAIL_IF32 nz, "iret clears nt in task c's tss"   ; image
        CHECK_EQ32 word [TSS_C + TSS_LINK], SEL_TSS, "task c link kept"

; ---- INT through a task gate in the IDT ---------------------------------------------------
        SET_TASK_GATE 0x50, SEL_TSS_D, ACC_TASKGATE
        mov     dword [TSS_D + TSS_EAX], 0
        int     0x50
        CHECK_EQ32 dword [TSS_D + TSS_EAX], 0xD0D0D0D0, "task d ran"
        CHECK_TYPE SEL_TSS_D, ACC_TSS32, "int task d not busy after iret"
        CHECK_EQ32 word [TSS_D + TSS_LINK], SEL_TSS, "int task gate link"
        clts

; ---- exception through a task gate: #GP handled by task E ----------------------------------
        SET_TASK_GATE 13, SEL_TSS_E, ACC_TASKGATE
        mov     ax, SEL_BEYOND
a_gp_insn:
        mov     ds, ax                  ; #GP(1F8h) -> task E
        FAIL32  "resumed after #gp task"
a_gp_after:
        CHECK_SEL32 ds, SEL_DATA32, "ds after #gp task"
        CHECK_EQ32 dword [TSS_E + TSS_EAX], 0xE0E0E0E0, "task e ran"
        STUB_GATE 13
        clts

; ---- CALL a 16-bit TSS ---------------------------------------------------------------------
        call    SEL_TSS16:0
        CHECK_TS "cr0.ts after 16-bit task"
        CHECK_TYPE SEL_TSS16, ACC_TSS16, "16-bit tss not busy after iret"
        CHECK_EQ32 word [TSS_16 + TSS16_AX], 0x6116, "16-bit tss saved ax"
        CHECK_EQ32 word [TSS_16 + TSS16_IP], t16_after_iret, "16-bit tss saved ip"
        CHECK_EQ32 word [TSS_16 + TSS16_LINK], SEL_TSS, "16-bit tss link"
        mov     eax, 0xFFFFFFFF
        str     ax
        CHECK_EQ32 ax, SEL_TSS, "str after 16-bit task"
        PASS32

; ---- task B (entered by JMP) -----------------------------------------------------------------
task_b:
        CHECK_FLAGS32 F_ARITH | F_NT, F_CF | F_ZF, "task b eflags loaded, nt clear"
        CHECK_EQ32 eax, 0x0B0B0001, "task b eax loaded"
        CHECK_EQ32 ecx, 0x0B0B0002, "task b ecx loaded"
        CHECK_EQ32 edx, 0x0B0B0003, "task b edx loaded"
        CHECK_EQ32 ebx, 0x0B0B0004, "task b ebx loaded"
        CHECK_EQ32 ebp, 0x0B0B0005, "task b ebp loaded"
        CHECK_EQ32 esi, 0x0B0B0006, "task b esi loaded"
        CHECK_EQ32 edi, 0x0B0B0007, "task b edi loaded"
        CHECK_EQ32 esp, STACK_B, "task b esp loaded"
        CHECK_SEL32 cs, SEL_CODE32, "task b cs"
        CHECK_SEL32 es, LDT_DATA0, "task b es (ldt)"
        CHECK_SEL32 fs, 0, "task b fs null"
        mov     dword [es:0x20], 0xBBBBBBBB
        CHECK_EQ32 dword [LDT_SEG_BASE + 0x20], 0xBBBBBBBB, "task b es base"
        sldt    ax
        CHECK_EQ32 ax, SEL_LDT, "task b ldtr"
        str     ax
        CHECK_EQ32 ax, SEL_TSS_B, "task b str"
        CHECK_TS "cr0.ts in task b"
        CHECK_TYPE SEL_TSS, ACC_TSS32, "jmp: old task not busy"
        CHECK_TYPE SEL_TSS_B, ACC_TSS32 | TSS_BUSY, "jmp: new task busy"
        ; The state task A saved (SDM 7.3 step 10).
        CHECK_EQ32 dword [TSS_BASE + TSS_EIP], a_after_jmp, "task a saved eip"
        CHECK_EQ32 dword [TSS_BASE + TSS_EAX], 0xA0A0A0A0, "task a saved eax"
        CHECK_EQ32 dword [TSS_BASE + TSS_ECX], 0xC0C0C0C0, "task a saved ecx"
        CHECK_EQ32 dword [TSS_BASE + TSS_EDX], 0xD0D0D0D0, "task a saved edx"
        CHECK_EQ32 dword [TSS_BASE + TSS_EBX], 0xB0B0B0B0, "task a saved ebx"
        CHECK_EQ32 dword [TSS_BASE + TSS_EBP], 0xB9B9B9B9, "task a saved ebp"
        CHECK_EQ32 dword [TSS_BASE + TSS_ESI], 0x51515151, "task a saved esi"
        CHECK_EQ32 dword [TSS_BASE + TSS_EDI], 0xD1D1D1D1, "task a saved edi"
        mov     eax, [SAVED_ESP]
        CHECK_EQ32 dword [TSS_BASE + TSS_ESP], eax, "task a saved esp"
        mov     eax, [TSS_BASE + TSS_EFLAGS]
        and     eax, F_ARITH | F_NT | F_RSVD1
        CHECK_EQ32 eax, F_OF | F_SF | F_PF | F_RSVD1, "task a saved eflags"
        CHECK_EQ32 word [TSS_BASE + TSS_CS], SEL_CODE32, "task a saved cs"
        CHECK_EQ32 word [TSS_BASE + TSS_SS], SEL_DATA32, "task a saved ss"
        CHECK_EQ32 word [TSS_BASE + TSS_DS], SEL_DATA32, "task a saved ds"
        CHECK_EQ32 word [TSS_BASE + TSS_ES], SEL_DATA32, "task a saved es"
        CHECK_EQ32 word [TSS_BASE + TSS_FS], SEL_DATA16, "task a saved fs"
        CHECK_EQ32 word [TSS_BASE + TSS_GS], SEL_DATA32, "task a saved gs"
        mov     eax, 0x0B0B0001         ; what TSS B will hold
        jmp     SEL_TSS:0
b_after_jmp:
        FAIL32  "task b resumed"

; ---- task C (CALL through a task gate) ---------------------------------------------------------
task_c:
        CHECK_FLAGS32 F_NT, F_NT, "call sets nt in task c"
        CHECK_EQ32 word [TSS_C + TSS_LINK], SEL_TSS, "call writes back link"
        CHECK_TYPE SEL_TSS, ACC_TSS32 | TSS_BUSY, "call: old task stays busy"
        CHECK_TYPE SEL_TSS_C, ACC_TSS32 | TSS_BUSY, "call: new task busy"
        str     ax
        CHECK_EQ32 ax, SEL_TSS_C, "task c str"
        ; Task A is busy (it is on the chain): CALL/JMP to it is #GP(sel).
        EXPECT_FAULT 13, SEL_TSS, "call busy task", {call SEL_TSS:0}
        EXPECT_FAULT 13, SEL_TSS, "jmp busy task", {jmp SEL_TSS:0}
        CHECK_FLAGS32 F_NT, F_NT, "task c nt kept across handler"
        mov     eax, 0xC0C0C0C0
        iretd                           ; NT=1: return to the back link
c_after_iret:
        FAIL32  "task c resumed"

; ---- task D (INT through a task gate) --------------------------------------------------------------
task_d:
        CHECK_FLAGS32 F_NT, F_NT, "int task gate sets nt"
        CHECK_EQ32 esp, STACK_D, "task d: no frame pushed"
        mov     eax, 0xD0D0D0D0
        iretd

; ---- task E (#GP through a task gate) -------------------------------------------------------------
task_e:
        ; The error code is pushed on the new task's stack; the old task's
        ; saved EIP is the faulting instruction (SDM 6.12.2).
        CHECK_EQ32 esp, STACK_E - 4, "task e: error code pushed"
        CHECK_EQ32 dword [esp], SEL_BEYOND, "task e: error code"
        CHECK_EQ32 dword [TSS_BASE + TSS_EIP], a_gp_insn, "task e: faulting eip saved"
        CHECK_FLAGS32 F_NT, F_NT, "task e nt"
        CHECK_EQ32 word [TSS_E + TSS_LINK], SEL_TSS, "task e link"
        mov     dword [TSS_BASE + TSS_EIP], a_gp_after  ; skip the fault
        add     esp, 4
        mov     eax, 0xE0E0E0E0
        iretd

; ---- the 16-bit task ---------------------------------------------------------------------------
bits 16
task16:
        CHECK_EQ ax, 0x1616, "task16 ax loaded"
        CHECK_EQ bx, 0x2626, "task16 bx loaded"
        CHECK_EQ sp, STACK_16, "task16 sp loaded"
        mov     ax, cs
        CHECK_EQ ax, SEL_CODE16, "task16 cs"
        pushf
        pop     ax
        test    ax, F_NT
        TX86_FAIL_IF z, "task16 nt"
        str     ax
        CHECK_EQ ax, SEL_TSS16, "task16 str"
        CHECK_EQ byte [GDT_BASE + SEL_TSS16 + 5], ACC_TSS16 | TSS_BUSY, "task16 busy"
        mov     ax, 0x6116
        iret                            ; 16-bit IRET, NT=1: task return
t16_after_iret:
        FAIL    "task16 resumed"

gdt_table:
        GDT_STD
        DESC    TSS_B, 0x67, ACC_TSS32, 0                       ; 40
        DESC    TSS_C, 0x67, ACC_TSS32, 0                       ; 48
        DESC    TSS_D, 0x67, ACC_TSS32, 0                       ; 50
        DESC    TSS_E, 0x67, ACC_TSS32, 0                       ; 58
        DESC    TSS_16, 0x2B, ACC_TSS16, 0                      ; 60
        GATE_DESC SEL_TSS_C, $$, ACC_TASKGATE, 0                ; 68 task gate
        DESC    LDT_BASE, 7, ACC_LDT, 0                         ; 70
        DESC    TSS_B, 0x50, ACC_TSS32, 0                       ; 78
gdt_table_end:

        ROM_END start

; pm_privilege.asm - privilege levels (SDM Vol. 3A chapter 5, 6.12, 18.5).
;
; Ring 3 entered by IRET and by far RET to an outer level; the TSS ring-0
; stack (SS0:ESP0) on interrupts from ring 3; 32-bit and 16-bit call gates
; with parameter copying, back with RETF imm16; conforming code (CPL kept);
; DS..GS nulled on returns to an outer ring when their DPL < new CPL (SDM
; 5.8.6); I/O permission (IOPL, TSS I/O bitmap incl. accesses spanning two
; bits and ports beyond the bitmap, SDM 18.5); CLI/STI/POPF/IRET and IF /
; IOPL at CPL3 (SDM 2.3, POPF pseudo-code); HLT at CPL3.

%define TEST_AREA "pm_privilege"
%include "tx86.inc"
%include "pm.inc"

VAR             equ 0x0600          ; scratch
CG_CS           equ 0x0610          ; recorded by the called procedures:
CG_SS           equ 0x0614          ;   CS, SS, ESP on entry,
CG_ESP          equ 0x0618
CG_FRAME        equ 0x0620          ;   the first 6 dwords (or words) of the stack
STACK0          equ 0x6800          ; TSS.ESP0 in this ROM
STACK3          equ 0x8F00          ; ring-3 ESP

SEL_DATA32_B    equ 0x40            ; flat DPL0 data: TSS.SS0 (not SEL_DATA32)
SEL_CALLGATE32  equ 0x48            ; DPL3 32-bit call gate, 2 dword params
SEL_CALLGATE16  equ 0x50            ; DPL3 16-bit call gate, 3 word params
SEL_CODE_CONF   equ 0x58            ; conforming 32-bit code, DPL0
SEL_GATE_DPL0   equ 0x60            ; DPL0 call gate: not callable from ring 3

; TO_USER eflags: IRET to ring 3 at the next instruction, ESP = STACK3.
%macro TO_USER 1
        push    dword SEL_DATA32_R3
        push    dword STACK3
        push    dword (%1) | F_RSVD1
        push    dword SEL_CODE32_R3
        push    dword %%r3
        iretd
%%r3:
%endmacro

; USER_SEGS: DS=ES=FS=GS = ring-3 flat data.
%macro USER_SEGS 0
        mov     ax, SEL_DATA32_R3
        mov     ds, ax
        mov     es, ax
        mov     fs, ax
        mov     gs, ax
%endmacro

; IOPL_OF reg: reg = EFLAGS.IOPL (clobbers reg and nothing else).
%macro IOPL_OF 1
        pushfd
        pop     %1
        shr     %1, 12
        and     %1, 3
%endmacro

start:
        INIT_REAL_MODE
        PM_ENTER
        mov     dword [TSS_BASE + TSS_ESP0], STACK0
        mov     word [TSS_BASE + TSS_SS0], SEL_DATA32_B
        SET_GATE 0x42, SEL_CODE32, exc_stubs + 0x42 * PM_STUB_SIZE, ACC_INTGATE32 | ACC_DPL3
        ; I/O bitmap (1 = denied): allow 80h, 100h, 104h-108h.
        and     byte [TSS_BASE + IOMAP_OFFSET + 0x80 / 8], ~0x01 & 0xFF
        and     byte [TSS_BASE + IOMAP_OFFSET + 0x100 / 8], ~0xF1 & 0xFF
        and     byte [TSS_BASE + IOMAP_OFFSET + 0x108 / 8], ~0x01 & 0xFF

; ---- IRET to ring 3: segment registers with DPL < 3 are nulled -------------------------
        mov     ax, SEL_DATA32_R3
        mov     fs, ax                  ; DPL3 data: kept
        mov     ax, SEL_CODE_CONF
        mov     gs, ax                  ; conforming code: kept
        TO_USER 0                       ; DS, ES = SEL_DATA32 (DPL0): nulled
        CHECK_SEL32 cs, SEL_CODE32_R3, "iret to ring 3 cs"
        CHECK_SEL32 ss, SEL_DATA32_R3, "iret to ring 3 ss"
        CHECK_EQ32 esp, STACK3, "iret to ring 3 esp"
        CHECK_SEL32 ds, 0, "iret nulls dpl0 ds"
        CHECK_SEL32 es, 0, "iret nulls dpl0 es"
        CHECK_SEL32 fs, SEL_DATA32_R3, "iret keeps dpl3 fs"
        CHECK_SEL32 gs, SEL_CODE_CONF, "iret keeps conforming gs"
        USER_SEGS

; ---- interrupt from ring 3: stack switch to TSS.SS0:ESP0 ---------------------------------
        EXPECT_TRAP 0x42, 0, "int 42 from ring 3", {int 0x42}
        CHECK_EQ32 dword [EXC_CS], SEL_CODE32_R3, "int pushed cs"
        CHECK_EQ32 dword [EXC_SS], SEL_DATA32_R3, "int pushed ss"
        CHECK_EQ32 dword [EXC_ESP], STACK3, "int pushed esp"
        CHECK_EQ32 word [EXC_HSS], SEL_DATA32_B, "int handler ss = tss.ss0"
        CHECK_EQ32 dword [EXC_FRAME], STACK0 - 20, "int handler esp = tss.esp0 - 20"
        CHECK_EQ32 esp, STACK3, "esp after iret to ring 3"

; ---- 32-bit call gate with 2 dword parameters ---------------------------------------------
        ; SDM 5.8.5: the CPU pushes the caller's SS and ESP on the new stack,
        ; copies the parameters, then pushes CS and EIP. RETF 8 releases the
        ; parameters from both stacks.
        push    dword 0x11111111
        push    dword 0x22222222
        call    SEL_CALLGATE32:0        ; the offset is ignored
.cg32_ret:
        CHECK_SEL32 cs, SEL_CODE32_R3, "callgate32 back at ring 3"
        CHECK_EQ32 esp, STACK3, "callgate32 retf 8 esp"
        CHECK_EQ32 dword [CG_CS], SEL_CODE32, "callgate32 cs (cpl0)"
        CHECK_EQ32 dword [CG_SS], SEL_DATA32_B, "callgate32 ss"
        CHECK_EQ32 dword [CG_ESP], STACK0 - 24, "callgate32 esp"
        CHECK_EQ32 dword [CG_FRAME], .cg32_ret, "callgate32 pushed eip"
        CHECK_EQ32 word [CG_FRAME + 4], SEL_CODE32_R3, "callgate32 pushed cs"
        CHECK_EQ32 dword [CG_FRAME + 8], 0x22222222, "callgate32 param 2"
        CHECK_EQ32 dword [CG_FRAME + 12], 0x11111111, "callgate32 param 1"
        CHECK_EQ32 dword [CG_FRAME + 16], STACK3 - 8, "callgate32 pushed esp"
        CHECK_EQ32 word [CG_FRAME + 20], SEL_DATA32_R3, "callgate32 pushed ss"

; ---- 16-bit call gate with 3 word parameters -----------------------------------------------
        ; A 16-bit gate pushes 16-bit values (SS, SP, params, CS, IP) and the
        ; 16-bit target returns with a 16-bit RETF 6.
        push    word 0xAAAA
        push    word 0xBBBB
        push    word 0xCCCC
        call    SEL_CALLGATE16:0
.cg16_ret:
        CHECK_SEL32 cs, SEL_CODE32_R3, "callgate16 back at ring 3"
        CHECK_EQ32 esp, STACK3, "callgate16 retf 6 esp"
        CHECK_EQ32 dword [CG_CS], SEL_CODE16, "callgate16 cs"
        CHECK_EQ32 dword [CG_ESP], STACK0 - 14, "callgate16 esp"
        CHECK_EQ32 word [CG_FRAME], .cg16_ret, "callgate16 pushed ip"
        CHECK_EQ32 word [CG_FRAME + 2], SEL_CODE32_R3, "callgate16 pushed cs"
        CHECK_EQ32 word [CG_FRAME + 4], 0xCCCC, "callgate16 param 3"
        CHECK_EQ32 word [CG_FRAME + 6], 0xBBBB, "callgate16 param 2"
        CHECK_EQ32 word [CG_FRAME + 8], 0xAAAA, "callgate16 param 1"
        CHECK_EQ32 word [CG_FRAME + 10], STACK3 - 6, "callgate16 pushed sp"
        CHECK_EQ32 word [CG_FRAME + 12], SEL_DATA32_R3, "callgate16 pushed ss"

; ---- call gate / code segment privilege checks from ring 3 -----------------------------------
        EXPECT_FAULT 13, SEL_GATE_DPL0, "call dpl0 gate from ring 3", {call SEL_GATE_DPL0:0}
        EXPECT_FAULT 13, SEL_CODE32, "call dpl0 code from ring 3", {call SEL_CODE32:conf_proc}
        EXPECT_FAULT 13, SEL_CODE32, "jmp dpl0 code from ring 3", {jmp SEL_CODE32:conf_proc}
        push    dword SEL_CODE32        ; RETF cannot go to an inner ring
        push    dword conf_proc
        EXPECT_FAULT 13, SEL_CODE32, "retf to ring 0", {retf}
        add     esp, 8

; ---- conforming code: entered at CPL3, no stack switch -------------------------------------
        call    SEL_CODE_CONF:conf_proc
        CHECK_EQ32 dword [CG_CS], SEL_CODE_CONF | 3, "conforming cs rpl = cpl"
        CHECK_EQ32 dword [CG_SS], SEL_DATA32_R3, "conforming: same ss"
        CHECK_EQ32 dword [CG_ESP], STACK3 - 8, "conforming: same stack"
        CHECK_SEL32 cs, SEL_CODE32_R3, "conforming retf"
        jmp     SEL_CODE_CONF:.conf_jmp
.conf_jmp:
        CHECK_SEL32 cs, SEL_CODE_CONF | 3, "conforming jmp keeps cpl"
        jmp     SEL_CODE32_R3:.conf_back
.conf_back:

; ---- IOPL 0 at CPL3: CLI/STI fault, POPF/IRET ignore IF and IOPL, HLT faults ---------------
        EXPECT_FAULT 13, 0, "cli cpl3 iopl0", {cli}
        EXPECT_FAULT 13, 0, "sti cpl3 iopl0", {sti}
        EXPECT_FAULT 13, 0, "hlt cpl3", {hlt}
        push    dword F_IF | F_IOPL3 | F_CF | F_RSVD1
        popfd                           ; no fault: IF, IOPL silently kept
        CHECK_FLAGS32 F_IF | F_CF, F_CF, "popf cpl3 iopl0 keeps if"
        IOPL_OF eax
        CHECK_EQ32 eax, 0, "popf cpl3 keeps iopl"
        pushfd                          ; same-level IRET: same rules
        or      dword [esp], F_IF | F_IOPL3
        push    cs
        push    dword .iret_same
        iretd
.iret_same:
        CHECK_FLAGS32 F_IF, 0, "iret cpl3 iopl0 keeps if"
        IOPL_OF eax
        CHECK_EQ32 eax, 0, "iret cpl3 keeps iopl"

; ---- I/O permission bitmap (IOPL 0 < CPL 3) -------------------------------------------------
        ; Allowed (bit 0): 80h, 100h, 104h-108h. Everything else is denied;
        ; ports >= 400h are beyond the TSS limit. A multi-byte access needs
        ; every port's bit clear (SDM 18.5.2).
        EXPECT_NONE "in allowed port", {in al, 0x80}
        EXPECT_NONE "out allowed port", {out 0x80, al}
        EXPECT_FAULT 13, 0, "in denied port", {in al, 0x81}
        EXPECT_FAULT 13, 0, "out denied port", {out 0x81, al}
        mov     dx, 0x100
        EXPECT_NONE "in al allowed dx", {in al, dx}
        EXPECT_FAULT 13, 0, "in ax spanning denied port", {in ax, dx}
        mov     dx, 0x104
        EXPECT_NONE "in eax 104-107", {in eax, dx}
        mov     dx, 0x107
        EXPECT_NONE "in ax across bitmap bytes", {in ax, dx}
        mov     dx, 0x108
        EXPECT_FAULT 13, 0, "in ax 108-109", {in ax, dx}
        mov     dx, 0x400
        EXPECT_FAULT 13, 0, "port beyond bitmap", {in al, dx}
        mov     dx, 0x80
        mov     edi, VAR
        EXPECT_NONE "insb allowed port", {insb}
        mov     dx, 0x81
        mov     esi, VAR
        EXPECT_FAULT 13, 0, "outsb denied port", {outsb}
        TO_RING0

; ---- IOPL 3 at CPL3: everything allowed except HLT and IOPL changes ------------------------
        TO_USER F_IOPL3
        USER_SEGS
        EXPECT_NONE "in denied port, iopl3", {in al, 0x81}
        mov     dx, 0x400
        EXPECT_NONE "port beyond bitmap, iopl3", {in al, dx}
        EXPECT_NONE "sti iopl3", {sti}
        CHECK_FLAGS32 F_IF, F_IF, "sti sets if"
        EXPECT_NONE "cli iopl3", {cli}
        CHECK_FLAGS32 F_IF, 0, "cli clears if"
        push    dword F_IF | F_RSVD1    ; IOPL 0 in the image
        popfd
        CHECK_FLAGS32 F_IF, F_IF, "popf cpl3 iopl3 sets if"
        IOPL_OF eax
        CHECK_EQ32 eax, 3, "popf cpl3 cannot lower iopl"
        cli
        EXPECT_FAULT 13, 0, "hlt cpl3 iopl3", {hlt}

; ---- far RET to an outer ring: DS..GS with DPL < CPL are nulled ------------------------------
        TO_RING0
        IOPL_OF eax                     ; INT kept IOPL 3 ...
        CHECK_EQ32 eax, 3, "iopl after int"
        push    dword F_RSVD1           ; ... and POPF at CPL0 may change it
        popfd
        IOPL_OF eax
        CHECK_EQ32 eax, 0, "popf cpl0 sets iopl"
        mov     ax, SEL_DATA32_R3
        mov     es, ax                  ; DPL3 data: kept
        mov     ax, SEL_CODE_CONF
        mov     fs, ax                  ; conforming code: kept
        mov     ax, SEL_CODE32
        mov     gs, ax                  ; non-conforming DPL0 code: nulled
        push    dword SEL_DATA32_R3     ; DS = SEL_DATA32 (DPL0): nulled
        push    dword STACK3
        push    dword SEL_CODE32_R3
        push    dword .retf_r3
        retf
.retf_r3:
        CHECK_SEL32 cs, SEL_CODE32_R3, "retf to ring 3 cs"
        CHECK_EQ32 esp, STACK3, "retf to ring 3 esp"
        CHECK_SEL32 ds, 0, "retf nulls dpl0 ds"
        CHECK_SEL32 es, SEL_DATA32_R3, "retf keeps dpl3 es"
        CHECK_SEL32 fs, SEL_CODE_CONF, "retf keeps conforming fs"
        CHECK_SEL32 gs, 0, "retf nulls dpl0 code gs"
        USER_SEGS
        TO_RING0
        CHECK_EQ32 esp, STACK0, "to ring 0 on tss.esp0"
        EXPECT_NONE "in denied port at cpl0", {in al, 0x81}
        PASS32

; ---- procedures -------------------------------------------------------------------------------

; cg32_proc: ring-0 target of SEL_CALLGATE32; records CS SS ESP and the
; first 6 stack dwords, returns with RETF 8.
cg32_proc:
        mov     [ss:CG_ESP], esp
        mov     dword [ss:CG_CS], 0
        mov     [ss:CG_CS], cs
        mov     dword [ss:CG_SS], 0
        mov     [ss:CG_SS], ss
        push    esi
        push    edi
        push    ecx
        lea     esi, [esp + 12]
        mov     edi, CG_FRAME
        mov     ecx, 6
.copy:  mov     eax, [ss:esi]
        mov     [ss:edi], eax
        add     esi, 4
        add     edi, 4
        loop    .copy
        pop     ecx
        pop     edi
        pop     esi
        retf    8

; conf_proc: conforming (or would-be) target; records CS SS ESP.
conf_proc:
        mov     [ss:CG_ESP], esp
        mov     dword [ss:CG_CS], 0
        mov     [ss:CG_CS], cs
        mov     dword [ss:CG_SS], 0
        mov     [ss:CG_SS], ss
        retf

; cg16_proc: 16-bit ring-0 target of SEL_CALLGATE16 (the stack segment
; TSS.SS0 is 32-bit, so ESP is used); records 7 stack words, RETF 6.
bits 16
cg16_proc:
        mov     [ss:CG_ESP], esp
        mov     dword [ss:CG_CS], 0
        mov     [ss:CG_CS], cs
        mov     dword [ss:CG_SS], 0
        mov     [ss:CG_SS], ss
        mov     ax, [esp]
        mov     [ss:CG_FRAME], ax
        mov     ax, [esp + 2]
        mov     [ss:CG_FRAME + 2], ax
        mov     ax, [esp + 4]
        mov     [ss:CG_FRAME + 4], ax
        mov     ax, [esp + 6]
        mov     [ss:CG_FRAME + 6], ax
        mov     ax, [esp + 8]
        mov     [ss:CG_FRAME + 8], ax
        mov     ax, [esp + 10]
        mov     [ss:CG_FRAME + 10], ax
        mov     ax, [esp + 12]
        mov     [ss:CG_FRAME + 12], ax
        retf    6

gdt_table:
        GDT_STD
        DESC    0, 0xFFFFF, ACC_DATA_W, FL_32G                          ; 40
        GATE_DESC SEL_CODE32, cg32_proc, ACC_CALLGATE32 | ACC_DPL3, 2   ; 48
        GATE_DESC SEL_CODE16, cg16_proc, ACC_CALLGATE16 | ACC_DPL3, 3   ; 50
        DESC    0xF0000, 0xFFFF, ACC_CODE_CR, FL_32                     ; 58
        GATE_DESC SEL_CODE32, cg32_proc, ACC_CALLGATE32, 2              ; 60
gdt_table_end:

        ROM_END start

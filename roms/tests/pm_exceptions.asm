; pm_exceptions.asm - protected-mode exception and interrupt delivery.
;
; Through 32-bit interrupt and trap gates (SDM Vol. 3A chapter 6): for each
; exception the vector, the error code and the pushed EIP, which points at
; the faulting instruction for faults and after the instruction for traps
; (SDM 6.5): #DE #DB (single-step, INT1) #BP #OF #BR #UD #NM #TS #NP #SS
; #GP #PF #AC; error codes with the IDT and EXT bits (SDM 6.13); IF cleared
; by interrupt gates only (SDM 6.12.1.3); #DF for a contributory fault
; while delivering a contributory fault (SDM 6.15, table 6-5); INT n / INT3
; / INTO through a gate whose DPL < CPL -> #GP(vector*8+2) (SDM 6.12.1.1).

%define TEST_AREA "pm_exceptions"
%include "tx86.inc"
%include "pm.inc"

VAR             equ 0x0600          ; scratch (16 bytes)
DF_COUNT        equ 0x0610          ; df_handler: #DF taken,
DF_ERR          equ 0x0614          ;   its error code
BOUNDS          equ 0x0618          ; BOUND limits [10, 20]
PAGE_DIR        equ 0x10000         ; paging for #PF: one page directory,
PAGE_TABLE      equ 0x11000         ;   one table mapping 0-4 MiB 1:1
NP_PAGE         equ 0x300000        ; the one not-present page

SEL_CODE32_NP   equ 0x40            ; 32-bit code, not present
SEL_NP_DATA     equ 0x48            ; writable data, not present
SEL_STACK_SMALL equ 0x50            ; flat writable data, limit 7FFFh
SEL_TSS_OTHER   equ 0x58            ; an available (not busy) TSS
SEL_BEYOND      equ 0x1F8           ; beyond the GDT limit
SEL_TI1         equ 0x000C          ; a TI=1 (LDT) selector

TSS_OTHER       equ 0x3000          ; never run; only its descriptor matters

start:
        INIT_REAL_MODE
        PM_ENTER

; ---- #DE: fault ---------------------------------------------------------------------
        xor     ecx, ecx
        mov     eax, 1234
        EXPECT_FAULT 0, 0, "#de div32", {div ecx}
        CHECK_EQ32 eax, 1234, "#de leaves eax"
        EXPECT_FAULT 0, 0, "#de div8", {div cl}

; ---- #DB: single-step trap, INT1 ------------------------------------------------------
        ; TF set by POPFD takes effect after the next instruction: the trap
        ; comes after it, pushing the address of the one after (SDM 17.3.1.4).
        xor     eax, eax
        mov     dr6, eax
        mov     dword [EXC_COUNT], 0
        mov     dword [EXC_RESUME], .ss_resume
        pushfd
        or      dword [esp], F_TF
        popfd
        inc     eax                     ; runs, then #DB
.ss_trap:
        inc     eax                     ; skipped: the handler resumes below
.ss_resume:
        EXC_CHECK 1, 0, .ss_trap, "single-step #db"
        CHECK_EQ32 eax, 1, "single-step ran one instruction"
        test    dword [EXC_DR6], 0x4000
        TX86_FAIL_IF32 z, "single-step dr6.bs"
        test    dword [EXC_EFLAGS], F_TF
        TX86_FAIL_IF32 z, "single-step pushed tf"
        test    dword [EXC_HFLAGS], F_TF
        TX86_FAIL_IF32 nz, "gate clears tf"
        CHECK_FLAGS32 F_TF, 0, "tf clear after handler"
%ifndef QEMU_COMPAT     ; QEMU 7.2 decodes F1 as #UD (no WANT_ICEBP)
        EXPECT_TRAP 1, 0, "int1", {db 0xF1}     ; INT1/ICEBP: a #DB trap
%endif

; ---- #BP, #OF: traps --------------------------------------------------------------------
        EXPECT_TRAP 3, 0, "int3", {int3}
        EXPECT_TRAP 3, 0, "int 3 (cd 03)", {int 3}
        mov     al, 0x7F
        add     al, 1                   ; OF=1
        EXPECT_TRAP 4, 0, "into of=1", {into}
        xor     eax, eax                ; OF=0
        EXPECT_NONE "into of=0", {into}

; ---- #BR, #UD: faults -------------------------------------------------------------------
        mov     dword [BOUNDS], 10
        mov     dword [BOUNDS + 4], 20
        mov     eax, 21
        EXPECT_FAULT 5, 0, "#br bound", {bound eax, [BOUNDS]}
        EXPECT_FAULT 6, 0, "#ud ud2", {ud2}
        EXPECT_FAULT 6, 0, "#ud mov cs", {db 0x8E, 0xC8}       ; mov cs, ax
        EXPECT_FAULT 6, 0, "#ud lock reg", {db 0xF0, 0x01, 0xD8} ; lock add eax, ebx

; ---- #NM: CR0.TS / EM / MP (SDM 2.5, table 2-2) -----------------------------------------
        mov     ebx, cr0
        and     ebx, ~(CR0_TS | CR0_EM | CR0_MP)
        mov     eax, ebx
        or      eax, CR0_TS
        mov     cr0, eax
        EXPECT_FAULT 7, 0, "#nm ts fninit", {fninit}
        EXPECT_NONE "wait ts mp=0", {fwait}
        or      eax, CR0_MP
        mov     cr0, eax
        EXPECT_FAULT 7, 0, "#nm ts mp wait", {fwait}
        clts
%ifndef NO_X87          ; tx86 has no x87 until its FPU issue lands: drop this then
        EXPECT_NONE "fninit ts=0", {fninit}
%endif
        mov     eax, ebx
        or      eax, CR0_EM
        mov     cr0, eax
        EXPECT_FAULT 7, 0, "#nm em fld1", {fld1}
        EXPECT_NONE "wait em mp=0", {fwait}
        mov     cr0, ebx

; ---- #TS: IRET with NT=1 to a TSS that is not busy --------------------------------------
        ; SDM IRET pseudo-code TASK-RETURN: the back link must name a busy
        ; TSS, else #TS(back link). The fault points at the IRET.
        mov     word [TSS_BASE + TSS_LINK], SEL_TSS_OTHER
        pushfd
        or      dword [esp], F_NT
        popfd
        EXPECT_FAULT 10, SEL_TSS_OTHER, "#ts iret to available tss", {iretd}
        mov     word [TSS_BASE + TSS_LINK], SEL_TI1
        EXPECT_FAULT 10, SEL_TI1, "#ts iret link ti=1", {iretd}
        pushfd
        and     dword [esp], ~F_NT
        popfd

; ---- #NP / #SS ------------------------------------------------------------------------------
        mov     ax, SEL_NP_DATA
        EXPECT_FAULT 11, SEL_NP_DATA, "#np ds", {mov ds, ax}
        EXPECT_FAULT 12, SEL_NP_DATA, "#ss ss not present", {mov ss, ax}
        ; A not-present IDT gate: #NP(vector*8 + IDT(2)); INT n is not
        ; an external event, so EXT=0 (SDM 6.13). (The type is checked
        ; before P: an all-zero gate would be #GP.)
        SET_GATE 0x70, SEL_CODE32, exc_stubs, ACC_INTGATE32 & ~ACC_P
        EXPECT_FAULT 11, 0x70 * 8 + 2, "#np int gate", {int 0x70}
%ifndef QEMU_COMPAT     ; QEMU 7.2 never sets EXT in error codes
        ; Delivering an exception (not INT n) through it sets EXT (bit 0).
        and     byte [IDT_BASE + 6 * 8 + 5], ~ACC_P & 0xFF
        EXPECT_FAULT 11, 6 * 8 + 3, "#np gate for exception (ext)", {ud2}
        or      byte [IDT_BASE + 6 * 8 + 5], ACC_P
%endif
%ifndef QEMU_COMPAT     ; QEMU TCG does not check segment limits
        mov     ax, SEL_STACK_SMALL     ; stack limit 7FFFh
        mov     ss, ax
        mov     ebp, 0x8000
        EXPECT_FAULT 12, 0, "#ss limit", {mov eax, [ebp]}
        mov     ax, SEL_DATA32
        mov     ss, ax
%endif

; ---- #GP ------------------------------------------------------------------------------------
        mov     ax, SEL_BEYOND
        EXPECT_FAULT 13, SEL_BEYOND, "#gp selector beyond gdt", {mov es, ax}
        EXPECT_FAULT 13, SEL_DATA32, "#gp far jmp to data segment", {jmp SEL_DATA32:0}
%ifndef QEMU_COMPAT     ; QEMU 7.2 spins on this MOV CR4 without delivering #GP
        mov     eax, cr4                ; a reserved CR4 bit (SDM MOV CR: #GP(0))
        or      eax, 0x80000000
        EXPECT_FAULT 13, 0, "#gp cr4 reserved bit", {mov cr4, eax}
%endif
        ; Vector beyond the IDT limit: #GP(vector*8+2).
        sidt    [VAR]
        mov     word [VAR + 8], 0x80 * 8 - 1
        mov     eax, [VAR + 2]
        mov     [VAR + 10], eax
        lidt    [VAR + 8]
        EXPECT_FAULT 13, 0x90 * 8 + 2, "#gp int beyond idt limit", {int 0x90}
        lidt    [VAR]
        ; A gate of the wrong type (a data segment descriptor) in the IDT.
        mov     dword [IDT_BASE + 0x71 * 8], 0x0000FFFF
        mov     dword [IDT_BASE + 0x71 * 8 + 4], 0x00CF9200
        EXPECT_FAULT 13, 0x71 * 8 + 2, "#gp int through non-gate", {int 0x71}
%ifndef QEMU_COMPAT     ; QEMU 7.2 never sets EXT in error codes
        ; Exception whose gate names a selector beyond the GDT: #GP(sel+EXT).
        SET_GATE 5, SEL_BEYOND, exc_stubs + 5 * PM_STUB_SIZE, ACC_INTGATE32
        mov     eax, 21
        EXPECT_FAULT 13, SEL_BEYOND + 1, "#gp bad gate selector (ext)", {bound eax, [BOUNDS]}
        STUB_GATE 5
%endif

; ---- #PF --------------------------------------------------------------------------------------
        mov     edi, PAGE_TABLE         ; identity-map 0-4 MiB, user, writable
        mov     eax, 0x007
        mov     ecx, 1024
.pte:   stosd
        add     eax, 0x1000
        loop    .pte
        mov     dword [PAGE_TABLE + (NP_PAGE >> 12) * 4], 0     ; not present
        mov     dword [PAGE_DIR], PAGE_TABLE | 0x007
        mov     edi, PAGE_DIR + 4
        xor     eax, eax
        mov     ecx, 1023
        rep stosd
        mov     eax, PAGE_DIR
        mov     cr3, eax
        mov     eax, cr0
        or      eax, CR0_PG
        mov     cr0, eax
        jmp     .paged                  ; (SDM 9.9.1: a jump after setting PG)
.paged:
        EXPECT_FAULT 14, 0, "#pf read not present", {mov eax, [NP_PAGE + 8]}
        CHECK_EQ32 dword [EXC_CR2], NP_PAGE + 8, "#pf read cr2"
        EXPECT_FAULT 14, 2, "#pf write not present", {mov dword [NP_PAGE + 0xFFC], eax}
        CHECK_EQ32 dword [EXC_CR2], NP_PAGE + 0xFFC, "#pf write cr2"
        mov     eax, cr0
        and     eax, ~CR0_PG
        mov     cr0, eax
        jmp     .unpaged
.unpaged:

; ---- interrupt gate vs trap gate: IF ---------------------------------------------------------
        SET_GATE 0x41, SEL_CODE32, exc_stubs + 0x41 * PM_STUB_SIZE, ACC_TRAPGATE32
        sti
        EXPECT_TRAP 0x40, 0, "int through interrupt gate", {int 0x40}
        test    dword [EXC_HFLAGS], F_IF
        TX86_FAIL_IF32 nz, "interrupt gate clears if"
        test    dword [EXC_EFLAGS], F_IF
        TX86_FAIL_IF32 z, "interrupt gate pushed if"
        EXPECT_TRAP 0x41, 0, "int through trap gate", {int 0x41}
        test    dword [EXC_HFLAGS], F_IF
        TX86_FAIL_IF32 z, "trap gate keeps if"
        CHECK_FLAGS32 F_IF, F_IF, "iret restores if"
        cli

; ---- #DF: contributory fault while delivering a contributory fault ---------------------------
        ; #DE's gate names a not-present code segment: delivering #DE raises
        ; #NP, and #DE + #NP (both contributory) make #DF with error code 0
        ; (SDM 6.15 table 6-5; interrupt 8). Its saved CS:EIP is undefined,
        ; so df_handler resumes at a fixed place.
        SET_GATE 0, SEL_CODE32_NP, exc_stubs, ACC_INTGATE32
        SET_GATE 8, SEL_CODE32, df_handler, ACC_INTGATE32
        mov     dword [EXC_COUNT], 0
        mov     dword [DF_COUNT], 0
        mov     dword [DF_ERR], 0xFFFF
        xor     ecx, ecx
        div     ecx
        FAIL32  "#df: returned to the faulting instruction"
df_resume:
        CHECK_EQ32 dword [DF_COUNT], 1, "#df taken"
        CHECK_EQ32 dword [DF_ERR], 0, "#df error code"
        CHECK_EQ32 dword [EXC_COUNT], 0, "#df: no other handler ran"
        STUB_GATE 0
        STUB_GATE 8

; ---- CPL3: gate DPL checks for software interrupts, #AC ---------------------------------------
        SET_GATE 0x42, SEL_CODE32, exc_stubs + 0x42 * PM_STUB_SIZE, ACC_INTGATE32 | ACC_DPL3
        mov     eax, cr0
        or      eax, CR0_AM
        mov     cr0, eax
        mov     dword [VAR], 0
        TO_RING3 F_AC
        EXPECT_FAULT 13, 0x40 * 8 + 2, "int 40 dpl0 gate at cpl3", {int 0x40}
        EXPECT_FAULT 13, 3 * 8 + 2, "int3 dpl0 gate at cpl3", {int3}
        mov     al, 0x7F
        add     al, 1
        EXPECT_FAULT 13, 4 * 8 + 2, "into dpl0 gate at cpl3", {into}
        EXPECT_TRAP 0x42, 0, "int 42 dpl3 gate at cpl3", {int 0x42}
        ; Exceptions, and INT1, are not subject to the gate DPL check.
        EXPECT_FAULT 6, 0, "#ud at cpl3", {ud2}
%ifndef QEMU_COMPAT     ; QEMU 7.2 decodes F1 as #UD (no WANT_ICEBP)
        EXPECT_TRAP 1, 0, "int1 at cpl3", {db 0xF1}
%endif
        EXPECT_FAULT 13, 0, "#gp hlt at cpl3", {hlt}
%ifndef QEMU_COMPAT     ; QEMU TCG does not implement alignment checking
        ; #AC(0): CPL3, CR0.AM=1, EFLAGS.AC=1, unaligned access (SDM 6.15, 17).
        EXPECT_FAULT 17, 0, "#ac unaligned dword", {mov eax, [VAR + 1]}
        EXPECT_FAULT 17, 0, "#ac unaligned word", {mov ax, [VAR + 3]}
%endif
        EXPECT_NONE "aligned access with ac", {mov eax, [VAR + 4]}
        pushfd
        and     dword [esp], ~F_AC
        popfd
        EXPECT_NONE "unaligned access without ac", {mov eax, [VAR + 1]}
        TO_RING0
        pushfd                          ; AC=1 and AM=1, but CPL0: no #AC
        or      dword [esp], F_AC
        popfd
        EXPECT_NONE "unaligned access at cpl0", {mov eax, [VAR + 1]}
        PASS32

; df_handler: #DF (error code pushed). Resume at df_resume in SEL_CODE32.
df_handler:
        pop     dword [ss:DF_ERR]
        inc     dword [ss:DF_COUNT]
        mov     dword [esp], df_resume
        mov     dword [esp + 4], SEL_CODE32
        iretd

bits 16
gdt_table:
        GDT_STD
        DESC    0xF0000, 0xFFFF, ACC_CODE_R & ~ACC_P, FL_32     ; 40 SEL_CODE32_NP
        DESC    0, 0xFFFFF, ACC_DATA_W & ~ACC_P, FL_32G         ; 48 SEL_NP_DATA
        DESC    0, 0x7FFF, ACC_DATA_W, FL_32                    ; 50 SEL_STACK_SMALL
        DESC    TSS_OTHER, 0x67, ACC_TSS32, 0                   ; 58 SEL_TSS_OTHER
gdt_table_end:

        ROM_END start

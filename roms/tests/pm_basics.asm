; pm_basics.asm - entering and leaving protected mode, segment descriptors.
;
; Real mode -> LGDT, CR0.PE, far jump into a 16-bit code segment -> 32-bit
; code segment; every check made when a data/stack segment register is
; loaded (SDM Vol. 3A 5.5-5.7 and the MOV/POP Sreg pseudo-code) and when it
; is used (null selector, type, limit incl. expand-down); the accessed bit;
; an LDT; SGDT/SIDT/SLDT/STR/SMSW/LMSW; LAR/LSL/VERR/VERW/ARPL; then back
; to real mode with FS still holding a 4 GiB limit ("unreal mode").

%define TEST_AREA "pm_basics"
%include "tx86.inc"
%include "pm.inc"

VAR             equ 0x0600          ; scratch (16 bytes)
RM_GP_COUNT     equ 0x0610          ; real-mode INT 0Dh handler: count,
RM_GP_IP        equ 0x0612          ;   pushed IP,
RM_GP_RESUME    equ 0x0614          ;   where to resume
SEG_BASE        equ 0x20000         ; base of the limit-test segments
LDT_SEG_BASE    equ 0x30000         ; base of LDT data segment 0
UNREAL_ADDR     equ 0x200000        ; above 1 MiB (bit 20 clear: A20-proof)

; ROM-specific GDT entries (see gdt_table)
SEL_NP_DATA     equ 0x40            ; writable data, not present
SEL_DATA_DPL3   equ 0x48            ; flat writable data, DPL3
SEL_DATA_RO     equ 0x50            ; flat read-only data
SEL_CODE_XO     equ 0x58            ; 32-bit execute-only code
SEL_DATA_LIM    equ 0x60            ; data, base SEG_BASE, limit FFFh
SEL_DATA_ED32   equ 0x68            ; expand-down, limit FFFh, B=1
SEL_DATA_ED16   equ 0x70            ; expand-down, limit FFFh, B=0
SEL_UNACCESSED  equ 0x78            ; flat data, for the accessed bit
SEL_LDT         equ 0x80            ; the LDT (4 descriptors)
SEL_DATA_G      equ 0x88            ; limit Fh with G=1: FFFFh
SEL_CALLGATE    equ 0x90            ; a call gate (valid for LAR only)
SEL_INTGATE     equ 0x98            ; an interrupt gate: invalid in the GDT
SEL_CODE_CONF   equ 0xA0            ; conforming readable code, DPL0
SEL_STACK_SMALL equ 0xA8            ; flat writable data, limit 7FFFh
SEL_BEYOND      equ 0x1F8           ; beyond the GDT limit
LDT_DATA0       equ 0x04            ; LDT 0: data, base LDT_SEG_BASE (TI=1)
LDT_CODE32      equ 0x0C            ; LDT 1: 32-bit code
LDT_NP          equ 0x14            ; LDT 2: not-present data
LDT_DATA_DPL3   equ 0x1F            ; LDT 3: DPL3 data, RPL3
LDT_BEYOND      equ 0x24            ; beyond the LDT limit

; EXPECT_ZF zf, "name": ZF after LAR/LSL/VERR/VERW/ARPL.
%macro EXPECT_ZF 2+
        CHECK_FLAGS32 F_ZF, (%1) * F_ZF, %2, " ZF"
%endmacro

start:
        INIT_REAL_MODE
        SET_IVT 13, rm_gp_handler
        SET_IVT 0x40, rm_int40_handler

; ---- real mode: SMSW, tables, SGDT -----------------------------------------------
        smsw    ax
        test    al, CR0_PE
        TX86_FAIL_IF nz, "real mode smsw pe"
        call    pm_setup                ; GDT, IDT, TSS in RAM; LGDT, LIDT
        o32 sgdt [VAR]                  ; SGDT works in real mode too
        CHECK_EQ word [VAR], gdt_table_end - gdt_table - 1, "sgdt limit (real)"
        CHECK_EQ dword [VAR + 2], GDT_BASE, "sgdt base (real)"

; ---- into protected mode, first a 16-bit code segment ---------------------------
        mov     eax, cr0
        or      al, CR0_PE
        mov     cr0, eax
        jmp     SEL_CODE16:pm16         ; the far jump loads CS from the GDT
pm16:   mov     ax, cs
        CHECK_EQ ax, SEL_CODE16, "16-bit pm cs"
        smsw    ax
        test    al, CR0_PE
        TX86_FAIL_IF z, "pm smsw pe"
        mov     ax, SEL_DATA16
        mov     ds, ax
        mov     es, ax
        mov     ss, ax
        ; A 16-bit stack segment (B=0) uses SP, leaving ESP[31:16] alone.
        mov     esp, 0x00017000
        push    word 0x5A5A
        CHECK_EQ esp, 0x00016FFE, "16-bit stack esp"
        CHECK_EQ word [0x6FFE], 0x5A5A, "16-bit stack data"
        mov     esp, STACK_TOP
        jmp     dword SEL_CODE32:pm32   ; o32 far jump into the 32-bit segment

bits 32
pm32:   mov     ax, SEL_DATA32
        mov     ds, ax
        mov     es, ax
        mov     fs, ax
        mov     gs, ax
        mov     ss, ax
        mov     esp, STACK_TOP
        CHECK_SEL32 cs, SEL_CODE32, "32-bit pm cs"
        push    eax                     ; 32-bit segment: PUSH is 4 bytes
        CHECK_EQ32 esp, STACK_TOP - 4, "32-bit push"
        pop     eax

; ---- SGDT / SIDT / STR / SLDT / LTR ----------------------------------------------
        sgdt    [VAR]
        CHECK_EQ32 word [VAR], gdt_table_end - gdt_table - 1, "sgdt limit"
        CHECK_EQ32 dword [VAR + 2], GDT_BASE, "sgdt base"
        sidt    [VAR]
        CHECK_EQ32 word [VAR], 0x7FF, "sidt limit"
        CHECK_EQ32 dword [VAR + 2], IDT_BASE, "sidt base"
        mov     eax, 0xFFFFFFFF
        str     ax
        CHECK_EQ32 ax, 0, "str after reset"
        sldt    ax
        CHECK_EQ32 ax, 0, "sldt after reset"
        CHECK_EQ32 byte [GDT_BASE + SEL_TSS + 5], ACC_TSS32, "tss available before ltr"
        mov     ax, SEL_TSS
        ltr     ax
        str     bx
        CHECK_EQ32 bx, SEL_TSS, "str"
        ; LTR marks the TSS busy (SDM LTR pseudo-code); a busy TSS cannot
        ; be loaded again, and LTR wants a TSS descriptor.
        CHECK_EQ32 byte [GDT_BASE + SEL_TSS + 5], ACC_TSS32 | TSS_BUSY, "ltr sets busy"
        EXPECT_FAULT 13, SEL_TSS, "ltr busy tss", {ltr ax}
        mov     ax, SEL_DATA32
        EXPECT_FAULT 13, SEL_DATA32, "ltr data segment", {ltr ax}

; ---- SMSW / LMSW -----------------------------------------------------------------
        mov     ebx, cr0
        smsw    ax
        CHECK_EQ32 ax, bx, "smsw = cr0 low word"
        smsw    [VAR]
        CHECK_EQ32 word [VAR], bx, "smsw mem"
        mov     ax, CR0_TS | CR0_MP | CR0_PE
        lmsw    ax
        mov     eax, cr0
        and     eax, CR0_TS | CR0_MP | CR0_EM | CR0_PE
        CHECK_EQ32 eax, CR0_TS | CR0_MP | CR0_PE, "lmsw sets ts mp"
        ; LMSW loads only bits 3:0 and cannot clear PE (SDM LMSW).
        mov     ax, 0xFFF0
        lmsw    ax
        mov     eax, cr0
        test    al, CR0_PE
        TX86_FAIL_IF32 z, "lmsw cleared pe"
        xor     eax, ebx
        and     eax, ~(CR0_TS | CR0_MP | CR0_EM)
        CHECK_EQ32 eax, 0, "lmsw touched bits above 3"
        mov     cr0, ebx

; ---- loading data and stack segment registers ----------------------------------
        ; A null selector may be loaded into DS/ES/FS/GS; using it faults.
        xor     eax, eax
        mov     ds, ax
        mov     es, ax
        push    dword 0
        pop     fs                      ; (POP Sreg follows the same rules)
        mov     gs, ax
        mov     edi, VAR
        CHECK_SEL32 ds, 0, "null ds loaded"
%ifndef QEMU_COMPAT     ; QEMU TCG does not check null segments on access
        EXPECT_FAULT 13, 0, "null ds use", {mov eax, [eax]}
        EXPECT_FAULT 13, 0, "null es use", {stosb}
        EXPECT_FAULT 13, 0, "null fs use", {mov [fs:VAR], eax}
        EXPECT_FAULT 13, 0, "null gs use", {inc dword [gs:VAR]}
%endif
        ; SS may never be null (at CPL0 in 32-bit mode): #GP(0).
        EXPECT_FAULT 13, 0, "null ss", {mov ss, ax}
        CHECK_SEL32 ss, SEL_DATA32, "ss unchanged after fault"
        mov     ax, SEL_DATA32
        mov     ds, ax
        mov     es, ax
        ; Not present: #NP(sel) for DS..GS, #SS(sel) for SS.
        mov     ax, SEL_NP_DATA
        EXPECT_FAULT 11, SEL_NP_DATA, "not-present ds", {mov ds, ax}
        EXPECT_FAULT 11, SEL_NP_DATA, "not-present gs", {mov gs, ax}
        EXPECT_FAULT 12, SEL_NP_DATA, "not-present ss", {mov ss, ax}
        ; Privilege: data needs DPL >= max(CPL, RPL); SS needs RPL = DPL = CPL.
        ; The error code is the selector with its RPL bits cleared.
        mov     ax, SEL_DATA32 | 3
        EXPECT_FAULT 13, SEL_DATA32, "ds rpl3 > dpl0", {mov ds, ax}
        EXPECT_FAULT 13, SEL_DATA32, "ss rpl3 != cpl", {mov ss, ax}
        mov     ax, SEL_DATA_DPL3
        EXPECT_NONE "ds dpl3 at cpl0", {mov es, ax}
        EXPECT_FAULT 13, SEL_DATA_DPL3, "ss dpl3 != cpl", {mov ss, ax}
        ; Types: SS must be writable data; DS..GS any data or readable code.
        mov     ax, SEL_DATA_RO
        EXPECT_FAULT 13, SEL_DATA_RO, "ss read-only", {mov ss, ax}
        mov     ax, SEL_CODE32
        EXPECT_FAULT 13, SEL_CODE32, "ss code", {mov ss, ax}
        EXPECT_NONE "fs readable code", {mov fs, ax}
        mov     ax, SEL_CODE_XO
        EXPECT_FAULT 13, SEL_CODE_XO, "ds execute-only", {mov ds, ax}
        mov     ax, SEL_TSS
        EXPECT_FAULT 13, SEL_TSS, "ds system segment", {mov ds, ax}
        mov     ax, SEL_BEYOND
        EXPECT_FAULT 13, SEL_BEYOND, "ds beyond gdt limit", {mov ds, ax}
        mov     ax, LDT_DATA0           ; LDTR is still null
        EXPECT_FAULT 13, LDT_DATA0, "ds ti=1 without ldt", {mov ds, ax}
        CHECK_SEL32 ds, SEL_DATA32, "ds unchanged after faults"

; ---- using segments: type and limit checks ---------------------------------------
        mov     ax, SEL_CODE32          ; readable code through a data register
        mov     fs, ax
        mov     al, [fs:rom_byte]
        CHECK_EQ32 al, 0xA5, "read through readable code segment"
        mov     ax, SEL_DATA_RO
        mov     gs, ax
        mov     eax, [gs:VAR]           ; reading read-only data is fine
%ifndef QEMU_COMPAT     ; QEMU TCG does not check segment types on access
        EXPECT_FAULT 13, 0, "write read-only data", {mov [gs:VAR], eax}
        EXPECT_FAULT 13, 0, "write code segment", {mov [fs:VAR], al}
%endif
        mov     ax, SEL_DATA_LIM        ; base SEG_BASE, limit FFFh
        mov     es, ax
        mov     dword [es:0x10], 0x600DF00D
        CHECK_EQ32 dword [SEG_BASE + 0x10], 0x600DF00D, "segment base"
        mov     al, [es:0xFFF]          ; last byte within the limit
        mov     eax, [es:0xFFC]
%ifndef QEMU_COMPAT     ; QEMU TCG does not check data segment limits
        ; Every byte of the access must be within the limit (SDM 5.3).
        EXPECT_FAULT 13, 0, "dword crossing limit", {mov eax, [es:0xFFD]}
        EXPECT_FAULT 13, 0, "byte beyond limit", {mov al, [es:0x1000]}
        ; Expand-down: valid offsets are limit+1 .. FFFFFFFFh (B=1) or
        ; .. FFFFh (B=0) (SDM 5.3).
        mov     ax, SEL_DATA_ED32
        mov     es, ax
        EXPECT_FAULT 13, 0, "expand-down at limit", {mov al, [es:0xFFF]}
        EXPECT_FAULT 13, 0, "expand-down below limit", {mov al, [es:0x10]}
        EXPECT_NONE "expand-down above limit", {mov al, [es:0x1000]}
        EXPECT_NONE "expand-down b=1 top", {mov eax, [es:0xFFFFFFFC]}
        mov     ax, SEL_DATA_ED16
        mov     es, ax
        EXPECT_NONE "expand-down b=0 ffff", {mov al, [es:0xFFFF]}
        EXPECT_FAULT 13, 0, "expand-down b=0 above 64k", {mov al, [es:0x10000]}
        EXPECT_FAULT 13, 0, "expand-down b=0 word at ffff", {mov ax, [es:0xFFFF]}
        ; A limit violation through SS is #SS(0).
        mov     ax, SEL_STACK_SMALL
        mov     ss, ax
        mov     ebp, 0x8000
        EXPECT_FAULT 12, 0, "ss limit", {mov eax, [ebp]}
        EXPECT_NONE "ss within limit", {mov eax, [ebp - 4]}
        mov     ax, SEL_DATA32
        mov     ss, ax
%endif
        mov     ax, SEL_DATA_ED32       ; expand-down base is still the base
        mov     es, ax
        mov     dword [es:0xFFFFF000], 0x12345678
        CHECK_EQ32 dword [SEG_BASE - 0x1000], 0x12345678, "expand-down base"
        mov     ax, SEL_DATA32
        mov     es, ax
        ; A data segment load in the middle of straight-line code: the JIT's
        ; block goes on after it only when its assumptions (here: DS flat)
        ; still hold, so the stores after it use the new base, and after
        ; the next load the flat one again.
        mov     dword [VAR], 0
        mov     dword [SEG_BASE + VAR], 0
        mov     cx, SEL_DATA_LIM
        mov     dx, SEL_DATA32
        mov     dword [VAR], 0x11111111
        mov     ds, cx
        mov     dword [VAR], 0x22222222
        mov     ds, dx
        mov     dword [VAR + 4], 0x33333333
        CHECK_EQ32 dword [VAR], 0x11111111, "store before a data segment load"
        CHECK_EQ32 dword [SEG_BASE + VAR], 0x22222222, "store after a data segment load"
        CHECK_EQ32 dword [VAR + 4], 0x33333333, "store after loading the flat segment again"
        ; Execute-only code: runs, but cannot be read through CS.
        jmp     SEL_CODE_XO:xo_code
xo_code:
        CHECK_SEL32 cs, SEL_CODE_XO, "execute-only cs"
%ifndef QEMU_COMPAT     ; QEMU TCG does not check segment types on access
        EXPECT_FAULT 13, 0, "read execute-only cs", {mov eax, [cs:rom_byte]}
%endif
        jmp     SEL_CODE32:xo_back
xo_back:

; ---- accessed bit ------------------------------------------------------------------
        ; Loading a descriptor sets its accessed bit in memory (SDM 5.2.1).
        test    byte [GDT_BASE + SEL_UNACCESSED + 5], ACC_ACCESSED
        TX86_FAIL_IF32 nz, "accessed bit clear before"
        mov     ax, SEL_UNACCESSED
        mov     fs, ax
        test    byte [GDT_BASE + SEL_UNACCESSED + 5], ACC_ACCESSED
        TX86_FAIL_IF32 z, "accessed bit set by load"
        test    byte [GDT_BASE + SEL_CODE32 + 5], ACC_ACCESSED
        TX86_FAIL_IF32 z, "accessed bit set by far jmp"

; ---- LDT ---------------------------------------------------------------------------
        mov     esi, ldt_table
        mov     edi, LDT_BASE
        mov     ecx, ldt_table_end - ldt_table
        cs rep movsb
        mov     ax, SEL_DATA32
        EXPECT_FAULT 13, SEL_DATA32, "lldt non-ldt", {lldt ax}
        mov     ax, SEL_LDT
        lldt    ax
        sldt    bx
        CHECK_EQ32 bx, SEL_LDT, "sldt"
        ; Index 0 of the LDT is an ordinary descriptor: selector 4 is not null.
        mov     ax, LDT_DATA0
        mov     es, ax
        mov     dword [es:0x10], 0xFACEFEED
        CHECK_EQ32 dword [LDT_SEG_BASE + 0x10], 0xFACEFEED, "ldt segment base"
        test    byte [LDT_BASE + (LDT_DATA0 & ~7) + 5], ACC_ACCESSED
        TX86_FAIL_IF32 z, "ldt accessed bit"
        mov     ax, LDT_DATA_DPL3
        EXPECT_NONE "ldt dpl3 data", {mov fs, ax}
        mov     ax, LDT_NP              ; the error code keeps TI
        EXPECT_FAULT 11, LDT_NP, "ldt not present", {mov gs, ax}
        mov     ax, LDT_BEYOND
        EXPECT_FAULT 13, LDT_BEYOND, "beyond ldt limit", {mov gs, ax}
        jmp     LDT_CODE32:ldt_code     ; code segment from the LDT
ldt_code:
        CHECK_SEL32 cs, LDT_CODE32, "ldt code cs"
        jmp     SEL_CODE32:ldt_back
ldt_back:
        xor     eax, eax                ; LLDT 0 makes every TI=1 selector fault
        lldt    ax
        mov     ax, LDT_DATA0
        EXPECT_FAULT 13, LDT_DATA0, "ti=1 after lldt 0", {mov es, ax}
        mov     ax, SEL_DATA32
        mov     es, ax
        mov     fs, ax
        mov     gs, ax
        mov     ax, SEL_LDT
        lldt    ax

; ---- LAR ---------------------------------------------------------------------------
        ; LAR r32 = descriptor dword 1 AND 00FxFF00h (bits 19:16 undefined).
%macro LAR_OK 3                 ; selector, expected (masked), "name"
        mov     ebx, %1
        mov     eax, 0xDEADBEEF
        lar     eax, ebx
        EXPECT_ZF 1, %3
        and     eax, 0x00F0FF00
        CHECK_EQ32 eax, %2, %3
%endmacro
%macro LAR_BAD 2                ; selector, "name": ZF=0, destination kept
        mov     ebx, %1
        mov     eax, 0xDEADBEEF
        lar     eax, ebx
        EXPECT_ZF 0, %2
        CHECK_EQ32 eax, 0xDEADBEEF, %2, " dest"
%endmacro
        LAR_OK  SEL_CODE32, 0x00409B00, "lar code32"    ; accessed by now
        LAR_OK  SEL_DATA32, 0x00C09300, "lar data32"
        LAR_OK  SEL_TSS, 0x00008B00, "lar busy tss"
        LAR_OK  SEL_LDT, 0x00008200, "lar ldt"
        LAR_OK  SEL_CALLGATE, 0x0000EC00, "lar call gate"
        LAR_OK  SEL_NP_DATA, 0x00C01200, "lar not present"  ; P not checked
        LAR_OK  SEL_CODE_CONF | 3, 0x00409E00, "lar conforming rpl3"
        LAR_OK  LDT_DATA0, 0x00409300, "lar ldt entry"
        LAR_BAD SEL_INTGATE, "lar interrupt gate"
        LAR_BAD 0, "lar null"
        LAR_BAD SEL_BEYOND, "lar beyond limit"
        LAR_BAD SEL_DATA32 | 3, "lar rpl > dpl"
        mov     bx, SEL_DATA_RO
        lar     ax, bx                  ; 16-bit form: dword 1 AND FF00h
        CHECK_EQ32 ax, 0x9100, "lar r16"    ; read-only, accessed

; ---- LSL ---------------------------------------------------------------------------
%macro LSL_OK 3                 ; selector, expected limit, "name"
        mov     ebx, %1
        mov     eax, 0xDEADBEEF
        lsl     eax, ebx
        EXPECT_ZF 1, %3
        CHECK_EQ32 eax, %2, %3
%endmacro
        LSL_OK  SEL_DATA_LIM, 0xFFF, "lsl byte granular"
        LSL_OK  SEL_DATA32, 0xFFFFFFFF, "lsl 4 GiB"
        LSL_OK  SEL_DATA_G, 0xFFFF, "lsl page granular"
        LSL_OK  SEL_TSS, TSS_LIMIT, "lsl tss"
        LSL_OK  SEL_LDT, ldt_table_end - ldt_table - 1, "lsl ldt"
        mov     ebx, SEL_CALLGATE       ; gates have no limit
        mov     eax, 0xDEADBEEF
        lsl     eax, ebx
        EXPECT_ZF 0, "lsl call gate"
        CHECK_EQ32 eax, 0xDEADBEEF, "lsl call gate dest"

; ---- VERR / VERW -------------------------------------------------------------------
%macro VER 4                    ; verr|verw, selector, zf, "name"
        mov     ax, %2
        %1      ax
        EXPECT_ZF %3, %4
%endmacro
        VER     verr, SEL_CODE32, 1, "verr readable code"
        VER     verr, SEL_CODE_XO, 0, "verr execute-only"
        VER     verr, SEL_DATA_RO, 1, "verr read-only data"
        VER     verr, SEL_DATA32 | 3, 0, "verr rpl > dpl"
        VER     verr, SEL_CODE_CONF | 3, 1, "verr conforming rpl3"
        VER     verr, SEL_TSS, 0, "verr tss"
        VER     verr, 0, 0, "verr null"
        VER     verw, SEL_DATA32, 1, "verw writable"
        VER     verw, SEL_DATA_RO, 0, "verw read-only"
        VER     verw, SEL_CODE32, 0, "verw code"
        VER     verw, SEL_DATA_DPL3 | 3, 1, "verw dpl3 rpl3"
        VER     verw, LDT_DATA0, 1, "verw ldt"

; ---- ARPL --------------------------------------------------------------------------
        mov     ax, 0x0010
        mov     bx, 0x0003
        arpl    ax, bx                  ; dest RPL < src RPL: raise it, ZF=1
        EXPECT_ZF 1, "arpl adjust"
        CHECK_EQ32 ax, 0x0013, "arpl adjust value"
        mov     bx, 0x0001
        arpl    ax, bx                  ; dest RPL >= src RPL: unchanged, ZF=0
        EXPECT_ZF 0, "arpl keep"
        CHECK_EQ32 ax, 0x0013, "arpl keep value"
        mov     word [VAR], 0x0029
        mov     bx, 0x0002
        arpl    [VAR], bx
        EXPECT_ZF 1, "arpl mem"
        CHECK_EQ32 word [VAR], 0x002A, "arpl mem value"

; ---- back to real mode, keeping a 4 GiB limit in FS ("unreal mode") -----------------
        ; SDM 9.9.2: switch to a 16-bit code segment, load the data registers
        ; with real-mode-like (64 KiB) segments, clear PE, far jump. The
        ; descriptor caches keep what PM loaded, so FS keeps its 4 GiB limit.
        mov     dword [UNREAL_ADDR], 0xCAFEBABE
        mov     ax, SEL_DATA32
        mov     fs, ax
        jmp     SEL_CODE16:to_real16
bits 16
to_real16:
        mov     ax, SEL_DATA16
        mov     ds, ax
        mov     es, ax
        mov     gs, ax
        mov     ss, ax
        mov     eax, cr0
        and     al, ~CR0_PE & 0xFF
        mov     cr0, eax
        jmp     ROM_SEG:real_again
real_again:
        xor     ax, ax
        mov     ds, ax
        mov     es, ax
        mov     ss, ax
        mov     sp, STACK_TOP
        mov     word [VAR], 0x3FF       ; the real-mode IVT again
        mov     dword [VAR + 2], 0
        o32 lidt [VAR]
        smsw    ax
        test    al, CR0_PE
        TX86_FAIL_IF nz, "back in real mode pe"
        mov     ax, cs
        CHECK_EQ ax, ROM_SEG, "real mode cs"
        CHECK_EQ dword [fs:dword UNREAL_ADDR], 0xCAFEBABE, "unreal read"
        mov     dword [fs:dword UNREAL_ADDR + 4], 0x0BADCAFE
        CHECK_EQ dword [fs:dword UNREAL_ADDR + 4], 0x0BADCAFE, "unreal write"
%ifndef QEMU_COMPAT     ; QEMU TCG does not check segment limits in real mode
        ; DS was loaded with a 64 KiB limit: beyond it, real mode raises
        ; INT 0Dh (no error code), IP at the instruction (SDM 20.1.4).
        mov     word [RM_GP_COUNT], 0
        mov     word [RM_GP_RESUME], .after_gp
.gp_insn:
        mov     eax, [dword 0x10000]
.after_gp:
        CHECK_EQ word [RM_GP_COUNT], 1, "real mode limit #GP"
        CHECK_EQ word [RM_GP_IP], .gp_insn, "real mode limit #GP ip"
%endif
        mov     word [VAR], 0
        int     0x40                    ; interrupts go through the IVT again
        CHECK_EQ word [VAR], 0x4040, "real mode int"
        PASS

; ---- real-mode handlers ---------------------------------------------------------------
rm_gp_handler:
        push    bp
        mov     bp, sp
        push    ax
        mov     ax, [bp + 2]
        mov     [ss:RM_GP_IP], ax
        inc     word [ss:RM_GP_COUNT]
        mov     ax, [ss:RM_GP_RESUME]
        mov     [bp + 2], ax
        pop     ax
        pop     bp
        iret

rm_int40_handler:
        mov     word [ss:VAR], 0x4040
        iret

rom_byte:
        db      0xA5

; ---- descriptor tables (copied to RAM) ------------------------------------------------
gdt_table:
        GDT_STD
        DESC    0, 0xFFFFF, ACC_DATA_W & ~ACC_P, FL_32G         ; 40 SEL_NP_DATA
        DESC    0, 0xFFFFF, ACC_DATA_W | ACC_DPL3, FL_32G       ; 48 SEL_DATA_DPL3
        DESC    0, 0xFFFFF, ACC_DATA_R, FL_32G                  ; 50 SEL_DATA_RO
        DESC    0xF0000, 0xFFFF, ACC_CODE_X, FL_32              ; 58 SEL_CODE_XO
        DESC    SEG_BASE, 0xFFF, ACC_DATA_W, FL_32              ; 60 SEL_DATA_LIM
        DESC    SEG_BASE, 0xFFF, ACC_DATA_WD, FL_32             ; 68 SEL_DATA_ED32
        DESC    SEG_BASE, 0xFFF, ACC_DATA_WD, 0                 ; 70 SEL_DATA_ED16
        DESC    0, 0xFFFFF, ACC_DATA_W, FL_32G                  ; 78 SEL_UNACCESSED
        DESC    LDT_BASE, ldt_table_end - ldt_table - 1, ACC_LDT, 0     ; 80 SEL_LDT
        DESC    0, 0xF, ACC_DATA_W, FL_32G                      ; 88 SEL_DATA_G
        GATE_DESC SEL_CODE32, pm32, ACC_CALLGATE32 | ACC_DPL3, 2        ; 90
        GATE_DESC SEL_CODE32, pm32, ACC_INTGATE32, 0            ; 98 SEL_INTGATE
        DESC    0xF0000, 0xFFFF, ACC_CODE_CR, FL_32             ; A0 SEL_CODE_CONF
        DESC    0, 0x7FFF, ACC_DATA_W, FL_32                    ; A8 SEL_STACK_SMALL
gdt_table_end:

ldt_table:
        DESC    LDT_SEG_BASE, 0xFFFF, ACC_DATA_W, FL_32         ; 04 LDT_DATA0
        DESC    0xF0000, 0xFFFF, ACC_CODE_R, FL_32              ; 0C LDT_CODE32
        DESC    0, 0xFFFF, ACC_DATA_W & ~ACC_P, FL_32           ; 14 LDT_NP
        DESC    LDT_SEG_BASE, 0xFFFF, ACC_DATA_W | ACC_DPL3, FL_32      ; 1C LDT_DATA_DPL3
ldt_table_end:

        ROM_END start

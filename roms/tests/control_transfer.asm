; control_transfer.asm - stack, near/far control transfer and interrupts.
;
; PUSH/POP (registers, segment registers, memory, immediates 68/6A),
; PUSHA/POPA, ENTER/LEAVE (nesting levels 0-2), near/far CALL/RET/RETF
; (with imm16), JMP short/near/far/indirect, every Jcc (short and near,
; taken and not taken), LOOP/LOOPE/LOOPNE/JCXZ/JECXZ, INT n/INT3/INTO/IRET
; through our own IVT, BOUND and #BR, XCHG, XLAT, LEA, LDS/LES/LFS/LGS/LSS,
; MOV to/from segment registers. All data lives at DS=SS=0.

%define TEST_AREA "control"
%include "tx86.inc"

VAR         equ 0x0600          ; scratch (8 bytes)
VAR2        equ 0x0608          ; scratch (8 bytes)
RET_IP      equ 0x0610          ; return address seen by a called procedure
RET_CS      equ 0x0612
REC_VEC     equ 0x0620          ; recorded by the INT handlers: vector,
REC_IP      equ 0x0622          ;   pushed IP,
REC_CS      equ 0x0624          ;   pushed CS,
REC_FLAGS   equ 0x0626          ;   pushed FLAGS,
REC_HFLAGS  equ 0x0628          ;   FLAGS inside the handler,
REC_COUNT   equ 0x062A          ;   number of interrupts taken
FAULT_COUNT equ 0x0630          ; #BR handler: faults taken,
FAULT_IP    equ 0x0632          ;   pushed IP,
FAULT_RESUME equ 0x0634         ;   where to resume
ALIAS_CS    equ 0x0638          ; CS seen by code entered as EF00:xxxx
XLAT_TABLE  equ 0x0700          ; 256-byte table for XLAT

ALIAS_SEG   equ 0xEF00          ; EF00:(x+1000) is the same byte as F000:x

; JCC cc, flags_true, flags_false: Jcc (short and near forms) must jump
; with FLAGS = flags_true and fall through with FLAGS = flags_false.
%macro JCC 3
%defstr JCC_NAME %1
        SET_FLAGS %2
        j%1     short %%t1
        FAIL    "j", JCC_NAME, " short not taken"
%%t1:   SET_FLAGS %2
        j%1     near %%t2
        FAIL    "j", JCC_NAME, " near not taken"
%%t2:   SET_FLAGS %3
        j%1     short %%bad
        SET_FLAGS %3
        j%1     near %%bad
        jmp     short %%ok
%%bad:  FAIL    "j", JCC_NAME, " taken wrongly"
%%ok:
%endmacro

; EXPECT_BR "name", instruction: the instruction must raise #BR (vector 5)
; once, with the pushed IP pointing at the instruction itself.
%macro EXPECT_BR 2
        mov     word [FAULT_COUNT], 0
        mov     word [FAULT_RESUME], %%after
%%insn: %2
%%after:
        CHECK_EQ word [FAULT_COUNT], 1, %1, " #BR taken"
        CHECK_EQ word [FAULT_IP], %%insn, %1, " #BR pushed IP"
        mov     word [FAULT_RESUME], unexpected_br
%endmacro

start:
        INIT_REAL_MODE
        SET_IVT 1, db_handler
        SET_IVT 3, int03_handler
        SET_IVT 4, int04_handler
        SET_IVT 5, br_handler
        SET_IVT 0x40, int40_handler
        SET_IVT 0x41, int41_handler

; ---- PUSH / POP ----------------------------------------------------------------
        CHECK_EQ sp, STACK_TOP, "initial sp"
        mov     ax, 0x1234
        push    ax
        CHECK_EQ sp, STACK_TOP - 2, "push16 sp"
        CHECK_EQ word [STACK_TOP - 2], 0x1234, "push16 data"
        pop     bx
        CHECK_EQ bx, 0x1234, "pop16 data"
        CHECK_EQ sp, STACK_TOP, "pop16 sp"

        mov     eax, 0x89ABCDEF
        push    eax
        CHECK_EQ sp, STACK_TOP - 4, "push32 sp"
        CHECK_EQ dword [STACK_TOP - 4], 0x89ABCDEF, "push32 data"
        pop     ecx
        CHECK_EQ ecx, 0x89ABCDEF, "pop32 data"

        push    sp                      ; 286+: pushes SP as it was before
        pop     ax
        CHECK_EQ ax, STACK_TOP, "push sp"

        push    strict word 0x1234      ; 68 iw
        push    byte -2                 ; 6A ib, sign-extended to a word
        CHECK_EQ sp, STACK_TOP - 4, "push imm sp"
        CHECK_EQ dword [STACK_TOP - 4], 0x1234FFFE, "push imm data"
        push    dword -2                ; 66 6A ib: sign-extended to a dword
        CHECK_EQ dword [STACK_TOP - 8], 0xFFFFFFFE, "push imm32 data"
        add     sp, 8

        mov     dword [VAR], 0xCAFEF00D
        push    word [VAR]              ; FF /6 and 8F /0 with memory operands
        pop     word [VAR2]
        push    dword [VAR]
        pop     dword [VAR2 + 4]
        CHECK_EQ word [VAR2], 0xF00D, "push/pop mem16"
        CHECK_EQ dword [VAR2 + 4], 0xCAFEF00D, "push/pop mem32"
        CHECK_EQ sp, STACK_TOP, "push/pop mem sp"

        push    cs
        pop     ax
        CHECK_EQ ax, ROM_SEG, "push cs"
        mov     ax, 0x0040
        mov     es, ax
        push    es
        pop     ds
        mov     ax, ds
        CHECK_EQ ax, 0x0040, "push es / pop ds"
        xor     ax, ax
        mov     ds, ax
        mov     es, ax
        mov     ax, 0x5678
        mov     fs, ax
        push    fs                      ; 0F A0 / 0F A9
        pop     gs
        mov     ax, gs
        CHECK_EQ ax, 0x5678, "push fs / pop gs"
        CHECK_EQ sp, STACK_TOP, "push/pop sreg sp"

; ---- PUSHA / POPA -----------------------------------------------------------------
        mov     ax, 1
        mov     cx, 2
        mov     dx, 3
        mov     bx, 4
        mov     bp, 5
        mov     si, 6
        mov     di, 7
        pusha                           ; AX CX DX BX SP BP SI DI
        CHECK_EQ sp, STACK_TOP - 16, "pusha sp"
        CHECK_EQ word [STACK_TOP - 2], 1, "pusha ax slot"
        CHECK_EQ word [STACK_TOP - 8], 4, "pusha bx slot"
        CHECK_EQ word [STACK_TOP - 10], STACK_TOP, "pusha sp slot"
        CHECK_EQ word [STACK_TOP - 12], 5, "pusha bp slot"
        CHECK_EQ word [STACK_TOP - 16], 7, "pusha di slot"
        mov     word [STACK_TOP - 10], 0x1111   ; POPA discards the SP slot
        xor     ax, ax
        mov     cx, ax
        mov     dx, ax
        mov     bx, ax
        mov     bp, ax
        mov     si, ax
        mov     di, ax
        popa
        CHECK_EQ sp, STACK_TOP, "popa sp"
        CHECK_EQ ax, 1, "popa ax"
        CHECK_EQ cx, 2, "popa cx"
        CHECK_EQ dx, 3, "popa dx"
        CHECK_EQ bx, 4, "popa bx"
        CHECK_EQ bp, 5, "popa bp"
        CHECK_EQ si, 6, "popa si"
        CHECK_EQ di, 7, "popa di"

        mov     eax, 0xA0A0A0A0
        mov     edi, 0xD0D0D0D0
        pushad                          ; 32 bytes; ESP slot holds the old ESP
        CHECK_EQ sp, STACK_TOP - 32, "pushad sp"
        CHECK_EQ dword [STACK_TOP - 4], 0xA0A0A0A0, "pushad eax slot"
        CHECK_EQ dword [STACK_TOP - 20], STACK_TOP, "pushad esp slot"
        CHECK_EQ dword [STACK_TOP - 32], 0xD0D0D0D0, "pushad edi slot"
        xor     eax, eax
        xor     edi, edi
        popad
        CHECK_EQ eax, 0xA0A0A0A0, "popad eax"
        CHECK_EQ edi, 0xD0D0D0D0, "popad edi"
        CHECK_EQ sp, STACK_TOP, "popad sp"

; ---- ENTER / LEAVE ------------------------------------------------------------------
        mov     bp, 0x1234
        enter   4, 0                    ; push bp; bp = sp; sp -= 4
        CHECK_EQ bp, STACK_TOP - 2, "enter 4,0 bp"
        CHECK_EQ sp, STACK_TOP - 6, "enter 4,0 sp"
        CHECK_EQ word [STACK_TOP - 2], 0x1234, "enter 4,0 saved bp"
        leave
        CHECK_EQ sp, STACK_TOP, "leave sp"
        CHECK_EQ bp, 0x1234, "leave bp"

        enter   8, 1                    ; level 1 also pushes the new frame pointer
        CHECK_EQ bp, STACK_TOP - 2, "enter 8,1 bp"
        CHECK_EQ sp, STACK_TOP - 12, "enter 8,1 sp"
        CHECK_EQ word [STACK_TOP - 4], STACK_TOP - 2, "enter 8,1 display"
        leave

        mov     word [0x67FE], 0xAAAA   ; outer frame's display slot at [bp-2]
        mov     bp, 0x6800
        enter   6, 2                    ; copies [old bp - 2], then pushes new bp
        CHECK_EQ bp, STACK_TOP - 2, "enter 6,2 bp"
        CHECK_EQ sp, STACK_TOP - 12, "enter 6,2 sp"
        CHECK_EQ word [STACK_TOP - 2], 0x6800, "enter 6,2 saved bp"
        CHECK_EQ word [STACK_TOP - 4], 0xAAAA, "enter 6,2 copied display"
        CHECK_EQ word [STACK_TOP - 6], STACK_TOP - 2, "enter 6,2 frame pointer"
        leave
        CHECK_EQ sp, STACK_TOP, "leave 6,2 sp"
        CHECK_EQ bp, 0x6800, "leave 6,2 bp"

; ---- near CALL / RET -----------------------------------------------------------------
        call    near_proc               ; E8 rel16
.r1:    CHECK_EQ word [RET_IP], .r1, "call rel16 return ip"
        mov     bx, near_proc
        call    bx                      ; FF /2 register
.r2:    CHECK_EQ word [RET_IP], .r2, "call reg return ip"
        mov     word [VAR], near_proc
        call    word [VAR]              ; FF /2 memory
.r3:    CHECK_EQ word [RET_IP], .r3, "call mem return ip"
        push    10
        push    3
        call    sub_proc                ; RET 4 drops the two arguments
        CHECK_EQ ax, 7, "ret imm16 result"
        CHECK_EQ sp, STACK_TOP, "ret imm16 sp"

; ---- far CALL / RETF ------------------------------------------------------------------
        mov     word [RET_CS], 0
        call    ROM_SEG:far_proc        ; 9A ptr16:16
.r5:    CHECK_EQ word [RET_IP], .r5, "call far return ip"
        CHECK_EQ word [RET_CS], ROM_SEG, "call far return cs"
        mov     word [VAR], far_proc
        mov     word [VAR + 2], ROM_SEG
        call    far [VAR]               ; FF /3 m16:16
.r6:    CHECK_EQ word [RET_IP], .r6, "call far mem return ip"
        push    10
        push    3
        call    ROM_SEG:far_sub         ; RETF 4
        CHECK_EQ ax, 7, "retf imm16 result"
        CHECK_EQ sp, STACK_TOP, "retf imm16 sp"
        call    ALIAS_SEG:alias_proc + 0x1000   ; really loads CS=EF00
        CHECK_EQ word [ALIAS_CS], ALIAS_SEG, "call far new cs"
        mov     ax, cs
        CHECK_EQ ax, ROM_SEG, "retf restores cs"
        CHECK_EQ sp, STACK_TOP, "far calls sp"

; ---- JMP -------------------------------------------------------------------------
        jmp     short .fwd              ; EB forward, then backward
.back:  jmp     short .jmp_short_ok
.fwd:   jmp     short .back
        FAIL    "jmp short"
.jmp_short_ok:
        jmp     near .jmp_near_ok       ; E9
        FAIL    "jmp near"
.jmp_near_ok:
        mov     bx, .jmp_reg_ok
        jmp     bx                      ; FF /4 register
        FAIL    "jmp reg"
.jmp_reg_ok:
        mov     word [VAR], .jmp_mem_ok
        jmp     word [VAR]              ; FF /4 memory
        FAIL    "jmp mem"
.jmp_mem_ok:
        jmp     ROM_SEG:.jmp_far_ok     ; EA ptr16:16
        FAIL    "jmp far"
.jmp_far_ok:
        mov     word [VAR], .jmp_farmem_ok
        mov     word [VAR + 2], ROM_SEG
        jmp     far [VAR]               ; FF /5 m16:16
        FAIL    "jmp far mem"
.jmp_farmem_ok:
        mov     word [ALIAS_CS], 0
        jmp     ALIAS_SEG:alias_jmp + 0x1000    ; comes back to ..@alias_back
        FAIL    "jmp far alias"
..@alias_back:
        CHECK_EQ word [ALIAS_CS], ALIAS_SEG, "jmp far new cs"

; ---- Jcc: all 16 conditions, with unrelated flags set where possible -------------------
        JCC     o,  F_OF, F_ARITH & ~F_OF
        JCC     no, F_ARITH & ~F_OF, F_OF
        JCC     b,  F_CF, F_ARITH & ~F_CF
        JCC     ae, F_ARITH & ~F_CF, F_CF
        JCC     e,  F_ZF, F_ARITH & ~F_ZF
        JCC     ne, F_ARITH & ~F_ZF, F_ZF
        JCC     be, F_CF, F_ARITH & ~(F_CF|F_ZF)
        JCC     be, F_ZF, 0
        JCC     a,  F_ARITH & ~(F_CF|F_ZF), F_CF
        JCC     a,  0, F_ZF
        JCC     s,  F_SF, F_ARITH & ~F_SF
        JCC     ns, F_ARITH & ~F_SF, F_SF
        JCC     p,  F_PF, F_ARITH & ~F_PF
        JCC     np, F_ARITH & ~F_PF, F_PF
        JCC     l,  F_SF, F_SF|F_OF             ; SF != OF
        JCC     l,  F_OF, F_CF|F_ZF
        JCC     ge, F_SF|F_OF, F_SF             ; SF == OF
        JCC     ge, F_CF|F_ZF, F_OF
        JCC     le, F_ZF|F_SF|F_OF, F_SF|F_OF   ; ZF=1 or SF != OF
        JCC     le, F_SF, F_CF|F_PF
        JCC     g,  F_SF|F_OF, F_ZF|F_SF|F_OF   ; ZF=0 and SF == OF
        JCC     g,  F_CF, F_OF

; ---- LOOP / LOOPcc / JCXZ ---------------------------------------------------------
        mov     cx, 5
        xor     bx, bx
.loop1: inc     bx
        loop    .loop1
        CHECK_EQ bx, 5, "loop count"
        CHECK_EQ cx, 0, "loop cx"

        mov     cx, 0                   ; decrements first: 65536 iterations
        xor     ebx, ebx
.loop2: inc     ebx
        loop    .loop2
        CHECK_EQ ebx, 0x10000, "loop cx=0"

        mov     cx, 1                   ; LOOP leaves the flags alone
        SET_FLAGS F_ZF|F_CF
        loop    .loop3
.loop3: CHECK_FLAGS F_ARITH, F_ZF|F_CF, "loop flags"

        mov     cx, 5
        xor     bx, bx
.loop4: inc     bx
        test    bx, 2                   ; ZF=1 for bx=1, ZF=0 for bx=2
        loope   .loop4
        CHECK_EQ bx, 2, "loope count"
        CHECK_EQ cx, 3, "loope cx"

        mov     cx, 5
        xor     bx, bx
.loop5: inc     bx
        cmp     ax, ax                  ; always ZF=1: runs until CX=0
        loope   .loop5
        CHECK_EQ bx, 5, "loope to cx=0"

        mov     cx, 5
        xor     bx, bx
.loop6: inc     bx
        cmp     bx, 3                   ; stops once bx == 3
        loopne  .loop6
        CHECK_EQ bx, 3, "loopne count"
        CHECK_EQ cx, 2, "loopne cx"

        mov     ecx, 0x00010001         ; a16 LOOP uses CX only
        loop    .loop7
        jmp     short .loop7_ok
.loop7: FAIL    "loop cx=1 taken"
.loop7_ok:
        CHECK_EQ ecx, 0x00010000, "loop a16 ecx"
        mov     ecx, 0x00010000         ; a32 LOOP uses ECX
        loop    .loop8, ecx
        FAIL    "loop ecx not taken"
.loop8: CHECK_EQ ecx, 0x0000FFFF, "loop a32 ecx"

        mov     ecx, 0x00010000         ; CX=0 but ECX != 0
        jcxz    .jcxz_ok
        FAIL    "jcxz not taken"
.jcxz_ok:
        jecxz   .jecxz_bad
        mov     cx, 1
        jcxz    .jecxz_bad
        xor     ecx, ecx
        jecxz   .jecxz_ok
.jecxz_bad:
        FAIL    "jcxz/jecxz"
.jecxz_ok:

; ---- INT n / IRET -------------------------------------------------------------------
        ; TF and IF set at the INT: the handler must see both cleared, the
        ; pushed FLAGS must have them set, and IRET must restore them. Any
        ; single-step trap this causes goes to db_handler, which clears TF.
        mov     word [REC_COUNT], 0
        push    word F_TF|F_IF|F_CF|F_ZF
        popf
        int     0x40
.int40_ret:
        pushf                           ; FLAGS as restored by IRET
        cli
        SET_FLAGS 0
        pop     ax
        and     ax, F_TF|F_IF|F_CF|F_ZF
        CHECK_EQ ax, F_TF|F_IF|F_CF|F_ZF, "iret restores flags"
        CHECK_EQ word [REC_COUNT], 1, "int 40 taken"
        CHECK_EQ word [REC_VEC], 0x40, "int 40 vector"
        CHECK_EQ word [REC_IP], .int40_ret, "int 40 pushed ip"
        CHECK_EQ word [REC_CS], ROM_SEG, "int 40 pushed cs"
        mov     ax, [REC_FLAGS]
        and     ax, F_TF|F_IF|F_CF|F_ZF
        CHECK_EQ ax, F_TF|F_IF|F_CF|F_ZF, "int 40 pushed flags"
        mov     ax, [REC_HFLAGS]
        and     ax, F_TF|F_IF|F_CF|F_ZF
        CHECK_EQ ax, F_CF|F_ZF, "int 40 clears tf/if"
        CHECK_EQ sp, STACK_TOP, "int/iret sp"

        SET_FLAGS 0                     ; IRET loads whatever FLAGS image is
        int     0x41                    ; on the stack (handler sets CF)
        CHECK_FLAGS F_CF|F_ZF, F_CF, "iret loads modified flags"

        int3                            ; CC: pushed IP follows the 1-byte opcode
.int3_ret:
        CHECK_EQ word [REC_VEC], 3, "int3 vector"
        CHECK_EQ word [REC_IP], .int3_ret, "int3 pushed ip"
        int     3                       ; CD 03: same vector, 2-byte form
.int3b_ret:
        CHECK_EQ word [REC_IP], .int3b_ret, "int 3 pushed ip"

        mov     word [REC_COUNT], 0
        SET_FLAGS F_OF
        into                            ; OF=1: INT 4
.into_ret:
        CHECK_EQ word [REC_COUNT], 1, "into taken"
        CHECK_EQ word [REC_VEC], 4, "into vector"
        CHECK_EQ word [REC_IP], .into_ret, "into pushed ip"
        SET_FLAGS F_ARITH & ~F_OF
        into                            ; OF=0: no interrupt
        CHECK_EQ word [REC_COUNT], 1, "into not taken"

; ---- BOUND and #BR (a fault: pushed IP is the BOUND itself) ---------------------------
        mov     word [FAULT_COUNT], 0
        mov     word [FAULT_RESUME], unexpected_br
        mov     word [VAR], -5          ; signed bounds [-5, 5], inclusive
        mov     word [VAR + 2], 5
        mov     ax, -5
        bound   ax, [VAR]
        mov     ax, 5
        bound   ax, [VAR]
        CHECK_EQ word [FAULT_COUNT], 0, "bound in range"
        mov     ax, 6
        EXPECT_BR "bound16 above", {bound ax, [VAR]}
        mov     ax, -6
        EXPECT_BR "bound16 below", {bound ax, [VAR]}
        mov     dword [VAR], 0x10000
        mov     dword [VAR + 4], 0x20000
        mov     eax, 0x20000
        bound   eax, [VAR]
        mov     eax, 0xFFFF
        EXPECT_BR "bound32 below", {bound eax, [VAR]}

; ---- XCHG / XLAT / LEA (no flags affected) ------------------------------------------
        mov     ax, 0x1111
        mov     bx, 0x2222
        SET_FLAGS F_CF|F_ZF
        xchg    ax, bx                  ; 93
        CHECK_FLAGS F_ARITH, F_CF|F_ZF, "xchg flags"
        CHECK_EQ ax, 0x2222, "xchg ax,bx ax"
        CHECK_EQ bx, 0x1111, "xchg ax,bx bx"
        mov     word [VAR], 0xAAAA
        mov     cx, 0x5555
        xchg    [VAR], cx
        CHECK_EQ word [VAR], 0x5555, "xchg mem,reg mem"
        CHECK_EQ cx, 0xAAAA, "xchg mem,reg reg"
        mov     ax, 0x1234
        xchg    al, ah
        CHECK_EQ ax, 0x3412, "xchg al,ah"
        mov     eax, 0x11223344
        mov     edx, 0x55667788
        xchg    eax, edx
        CHECK_EQ eax, 0x55667788, "xchg eax,edx eax"
        CHECK_EQ edx, 0x11223344, "xchg eax,edx edx"

        mov     byte [XLAT_TABLE + 5], 0x50
        mov     byte [XLAT_TABLE + 0x80], 0x80  ; AL is an unsigned index
        mov     bx, XLAT_TABLE
        mov     al, 5
        xlatb
        CHECK_EQ al, 0x50, "xlat"
        mov     al, 0x80
        xlatb
        CHECK_EQ al, 0x80, "xlat index 80"
        mov     bx, rom_table
        mov     al, 2
        cs xlatb                        ; segment override applies to XLAT
        CHECK_EQ al, 0x33, "cs xlat"

        mov     bx, 0x1000
        mov     si, 0x0234
        SET_FLAGS F_OF|F_SF
        lea     ax, [bx + si + 0x10]
        CHECK_FLAGS F_ARITH, F_OF|F_SF, "lea flags"
        CHECK_EQ ax, 0x1244, "lea bx+si+disp"
        mov     bx, 0xFFF0
        lea     ax, [bx + 0x20]         ; 16-bit address wraps
        CHECK_EQ ax, 0x0010, "lea wrap"
        mov     ebx, 0x10000
        mov     ecx, 3
        lea     eax, [ebx + ecx*4 + 8]  ; 67: 32-bit addressing with SIB
        CHECK_EQ eax, 0x10014, "lea32 sib"
        lea     dx, [ebx + ecx*4 + 8]   ; 16-bit destination truncates
        CHECK_EQ dx, 0x0014, "lea16 from a32"
        mov     ecx, 0xFFFFFFFF
        mov     bx, 0xFFFF
        mov     di, 2
        lea     ecx, [bx + di]          ; 16-bit address zero-extends
        CHECK_EQ ecx, 0x00000001, "lea32 from a16"

; ---- far pointer loads and segment register moves ------------------------------------
        mov     word [VAR], 0x1234
        mov     word [VAR + 2], 0x5678
        les     di, [VAR]
        mov     ax, es
        CHECK_EQ di, 0x1234, "les offset"
        CHECK_EQ ax, 0x5678, "les segment"
        lfs     bx, [VAR]               ; 0F B4
        mov     ax, fs
        CHECK_EQ bx, 0x1234, "lfs offset"
        CHECK_EQ ax, 0x5678, "lfs segment"
        lgs     cx, [VAR]               ; 0F B5
        mov     ax, gs
        CHECK_EQ ax, 0x5678, "lgs segment"
        lds     si, [VAR]               ; read through the old DS
        mov     ax, ds
        xor     dx, dx
        mov     ds, dx
        CHECK_EQ si, 0x1234, "lds offset"
        CHECK_EQ ax, 0x5678, "lds segment"
        mov     dword [VAR], 0x87654321 ; m16:32 with a 0x66 prefix
        mov     word [VAR + 4], 0x0BAD
        les     edi, [VAR]
        mov     ax, es
        CHECK_EQ edi, 0x87654321, "les32 offset"
        CHECK_EQ ax, 0x0BAD, "les32 segment"
        mov     word [VAR], STACK_TOP - 0x100
        mov     word [VAR + 2], 0
        lss     sp, [VAR]               ; 0F B2
        CHECK_EQ sp, STACK_TOP - 0x100, "lss offset"
        mov     sp, STACK_TOP

        mov     ax, 0x1234              ; MOV Sreg, r16 and r16, Sreg
        mov     es, ax
        mov     bx, es
        CHECK_EQ bx, 0x1234, "mov es,ax"
        mov     word [VAR], 0x4321      ; MOV Sreg, m16 and m16, Sreg
        mov     fs, [VAR]
        mov     [VAR2], fs
        CHECK_EQ word [VAR2], 0x4321, "mov fs,mem"
        mov     ax, ss
        CHECK_EQ ax, 0, "mov ax,ss"
        xor     ax, ax
        mov     es, ax
        mov     fs, ax
        mov     gs, ax

        CHECK_EQ sp, STACK_TOP, "final sp"
        PASS

; ---- procedures -------------------------------------------------------------------

; near_proc: record the return IP.
near_proc:
        push    bp
        mov     bp, sp
        mov     ax, [bp + 2]
        mov     [RET_IP], ax
        pop     bp
        ret

; sub_proc(a, b) near: AX = a - b (a pushed first); RET 4 pops the args.
sub_proc:
        push    bp
        mov     bp, sp
        mov     ax, [bp + 6]
        sub     ax, [bp + 4]
        pop     bp
        ret     4

; far_proc: record the far return address.
far_proc:
        push    bp
        mov     bp, sp
        mov     ax, [bp + 2]
        mov     [RET_IP], ax
        mov     ax, [bp + 4]
        mov     [RET_CS], ax
        pop     bp
        retf

; far_sub(a, b) far: AX = a - b; RETF 4 pops the args.
far_sub:
        push    bp
        mov     bp, sp
        mov     ax, [bp + 8]
        sub     ax, [bp + 6]
        pop     bp
        retf    4

; alias_proc / alias_jmp run with CS=ALIAS_SEG: record CS using only
; position-independent code and absolute SS:offset data.
alias_proc:
        mov     [ss:ALIAS_CS], cs
        retf

alias_jmp:
        mov     [ss:ALIAS_CS], cs
        jmp     ROM_SEG:..@alias_back

; ---- interrupt handlers -------------------------------------------------------------

; intNN_handler: record vector, pushed IP/CS/FLAGS and the handler's own
; FLAGS (captured by the very first instruction), then IRET.
int03_handler:
        pushf
        push    bx
        mov     bx, 3
        jmp     record_int
int04_handler:
        pushf
        push    bx
        mov     bx, 4
        jmp     record_int
int40_handler:
        pushf
        push    bx
        mov     bx, 0x40
record_int:
        push    bp
        mov     bp, sp          ; [bp+2]=bx [bp+4]=handler FLAGS [bp+6]=IP ...
        push    ax
        push    ds
        xor     ax, ax
        mov     ds, ax
        mov     [REC_VEC], bx
        mov     ax, [bp + 4]
        mov     [REC_HFLAGS], ax
        mov     ax, [bp + 6]
        mov     [REC_IP], ax
        mov     ax, [bp + 8]
        mov     [REC_CS], ax
        mov     ax, [bp + 10]
        mov     [REC_FLAGS], ax
        inc     word [REC_COUNT]
        pop     ds
        pop     ax
        pop     bp
        pop     bx
        add     sp, 2           ; drop the handler FLAGS copy
        iret

; int41_handler: set CF in the pushed FLAGS image; IRET must load it.
int41_handler:
        push    bp
        mov     bp, sp
        or      word [bp + 6], F_CF
        xor     bp, bp          ; ZF=1 here must not leak out
        pop     bp
        iret

; db_handler: single-step trap; stop tracing by clearing TF in the image.
db_handler:
        push    bp
        mov     bp, sp
        and     word [bp + 6], ~F_TF & 0xFFFF
        pop     bp
        iret

; br_handler: #BR fault; record the pushed IP and resume at FAULT_RESUME.
br_handler:
        push    bp
        mov     bp, sp
        push    ax
        mov     ax, [bp + 2]
        mov     [ss:FAULT_IP], ax
        inc     word [ss:FAULT_COUNT]
        mov     ax, [ss:FAULT_RESUME]
        mov     [bp + 2], ax
        pop     ax
        pop     bp
        iret

unexpected_br:
        FAIL    "unexpected #BR"

rom_table:
        db      0x11, 0x22, 0x33, 0x44

        ROM_END start

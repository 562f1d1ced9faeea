; mul_div.asm - MUL IMUL DIV IDIV (8/16/32-bit) and the divide error #DE.
;
; MUL/IMUL: only CF and OF are defined (set when the high half is
; significant / the result was truncated); SF ZF AF PF are undefined.
; DIV/IDIV: all flags undefined, so only results are checked.
; #DE (vector 0) is a fault: the pushed CS:IP is the first byte (including
; prefixes) of the faulting instruction and the destination is unchanged.
; The handler records the pushed IP and resumes at FAULT_RESUME.

%define TEST_AREA "muldiv"
%include "tx86.inc"

VAR             equ 0x0600      ; scratch memory (DS=0)
FAULT_COUNT     equ 0x0610      ; #DE handler: number of faults taken
FAULT_IP        equ 0x0612      ;   pushed IP
FAULT_CS        equ 0x0614      ;   pushed CS
FAULT_RESUME    equ 0x0616      ;   where the handler resumes execution

M_MUL   equ F_CF|F_OF

; EXPECT_MUL flags, "name": check CF/OF after a multiply.
%macro EXPECT_MUL 2+
        CHECK_FLAGS M_MUL, %1, %2, " flags"
%endmacro

; EXPECT_DE "name", instruction: run the instruction, which must raise
; #DE exactly once with the pushed CS:IP pointing at the instruction itself.
%macro EXPECT_DE 2
        mov     word [FAULT_COUNT], 0
        mov     word [FAULT_RESUME], %%after
%%insn: %2
%%after:
        CHECK_EQ word [FAULT_COUNT], 1, %1, " #DE taken"
        CHECK_EQ word [FAULT_IP], %%insn, %1, " #DE pushed IP"
        CHECK_EQ word [FAULT_CS], ROM_SEG, %1, " #DE pushed CS"
        mov     word [FAULT_RESUME], unexpected_de
%endmacro

start:
        INIT_REAL_MODE
        SET_IVT 0, de_handler
        mov     word [FAULT_COUNT], 0
        mov     word [FAULT_RESUME], unexpected_de

; ---- MUL (unsigned; CF=OF=1 iff the high half is nonzero) -------------------------
        mov     al, 0x10
        mov     bl, 0x10
        SET_FLAGS 0
        mul     bl
        EXPECT_MUL F_CF|F_OF, "mul8 10*10"
        CHECK_EQ ax, 0x0100, "mul8 10*10 result"

        mov     ax, 0x120F              ; AH is overwritten
        mov     bl, 0x11
        SET_FLAGS F_CF|F_OF
        mul     bl
        EXPECT_MUL 0, "mul8 0F*11"
        CHECK_EQ ax, 0x00FF, "mul8 0F*11 result"

        mov     word [VAR], 0xFFFF
        mov     ax, 0xFFFF
        mul     word [VAR]
        EXPECT_MUL F_CF|F_OF, "mul16 mem FFFF*FFFF"
        CHECK_EQ ax, 0x0001, "mul16 mem FFFF*FFFF ax"
        CHECK_EQ dx, 0xFFFE, "mul16 mem FFFF*FFFF dx"

        mov     ax, 0x1234
        mov     cx, 2
        mov     dx, 0x5555              ; must be cleared
        SET_FLAGS F_CF|F_OF
        mul     cx
        EXPECT_MUL 0, "mul16 1234*2"
        CHECK_EQ ax, 0x2468, "mul16 1234*2 ax"
        CHECK_EQ dx, 0, "mul16 1234*2 dx"

        mov     eax, 0x80000000
        mov     ebx, 4
        mul     ebx
        EXPECT_MUL F_CF|F_OF, "mul32 80000000*4"
        CHECK_EQ eax, 0, "mul32 80000000*4 eax"
        CHECK_EQ edx, 2, "mul32 80000000*4 edx"

        mov     dword [VAR], 0xFFFF
        mov     eax, 0x10000
        SET_FLAGS F_CF|F_OF
        mul     dword [VAR]
        EXPECT_MUL 0, "mul32 mem 10000*FFFF"
        CHECK_EQ eax, 0xFFFF0000, "mul32 mem eax"
        CHECK_EQ edx, 0, "mul32 mem edx"

; ---- IMUL one operand (CF=OF=1 iff high half is not the sign extension) ---------
        mov     al, -1
        mov     bl, -128                ; +128 does not fit in AL
        SET_FLAGS 0
        imul    bl
        EXPECT_MUL F_CF|F_OF, "imul8 -1*-128"
        CHECK_EQ ax, 0x0080, "imul8 -1*-128 result"

        mov     al, -2
        mov     bl, 64                  ; -128 fits in AL
        SET_FLAGS F_CF|F_OF
        imul    bl
        EXPECT_MUL 0, "imul8 -2*64"
        CHECK_EQ ax, 0xFF80, "imul8 -2*64 result"

        mov     ax, 0x8000
        mov     cx, -1                  ; +32768 does not fit in AX
        imul    cx
        EXPECT_MUL F_CF|F_OF, "imul16 8000*-1"
        CHECK_EQ ax, 0x8000, "imul16 8000*-1 ax"
        CHECK_EQ dx, 0x0000, "imul16 8000*-1 dx"

        mov     word [VAR], 100
        mov     ax, -300
        imul    word [VAR]              ; -30000 fits
        EXPECT_MUL 0, "imul16 mem -300*100"
        CHECK_EQ ax, 0x8AD0, "imul16 mem ax"
        CHECK_EQ dx, 0xFFFF, "imul16 mem dx"

        mov     eax, 0x7FFFFFFF
        mov     ebx, 2
        imul    ebx
        EXPECT_MUL F_CF|F_OF, "imul32 7FFFFFFF*2"
        CHECK_EQ eax, 0xFFFFFFFE, "imul32 7FFFFFFF*2 eax"
        CHECK_EQ edx, 0, "imul32 7FFFFFFF*2 edx"

        mov     eax, -1
        mov     ecx, -1
        imul    ecx
        EXPECT_MUL 0, "imul32 -1*-1"
        CHECK_EQ eax, 1, "imul32 -1*-1 eax"
        CHECK_EQ edx, 0, "imul32 -1*-1 edx"

; ---- IMUL two operands (0F AF; CF=OF=1 iff truncated) ----------------------------
        mov     ax, 0x0100
        mov     bx, 0x0100
        SET_FLAGS 0
        imul    ax, bx
        EXPECT_MUL F_CF|F_OF, "imul16 r,r truncated"
        CHECK_EQ ax, 0, "imul16 r,r result"

        mov     word [VAR], 7
        mov     cx, -5
        SET_FLAGS F_CF|F_OF
        imul    cx, [VAR]
        EXPECT_MUL 0, "imul16 r,m"
        CHECK_EQ cx, 0xFFDD, "imul16 r,m result"

        mov     eax, 0x10000
        mov     ebx, 0x10000
        imul    eax, ebx
        EXPECT_MUL F_CF|F_OF, "imul32 r,r truncated"
        CHECK_EQ eax, 0, "imul32 r,r result"

        mov     edx, -2
        mov     ecx, 0x40000000         ; -2^31 fits exactly
        imul    edx, ecx
        EXPECT_MUL 0, "imul32 r,r -2^31"
        CHECK_EQ edx, 0x80000000, "imul32 r,r -2^31 result"

; ---- IMUL three operands (6B imm8 sign-extended, 69 imm16/32) ---------------------
        mov     bx, 0x1000
        mov     ax, 0xFFFF
        SET_FLAGS F_CF|F_OF
        imul    ax, bx, 5
        EXPECT_MUL 0, "imul16 6B"
        CHECK_EQ ax, 0x5000, "imul16 6B result"
        CHECK_EQ bx, 0x1000, "imul16 6B source kept"

        mov     bx, 0x4000
        imul    ax, bx, -2              ; -32768 fits
        EXPECT_MUL 0, "imul16 6B -2"
        CHECK_EQ ax, 0x8000, "imul16 6B -2 result"

        mov     word [VAR], 200
        SET_FLAGS 0
        imul    cx, [VAR], 300          ; 69 imm16: 60000 does not fit
        EXPECT_MUL F_CF|F_OF, "imul16 69 mem"
        CHECK_EQ cx, 0xEA60, "imul16 69 mem result"

        mov     ebx, 0x8000
        imul    eax, ebx, 0x10000       ; 69 imm32: 2^31 does not fit
        EXPECT_MUL F_CF|F_OF, "imul32 69"
        CHECK_EQ eax, 0x80000000, "imul32 69 result"

        mov     ecx, 0x80000000
        imul    edx, ecx, byte -1       ; 6B: -(-2^31) overflows
        EXPECT_MUL F_CF|F_OF, "imul32 6B -1"
        CHECK_EQ edx, 0x80000000, "imul32 6B -1 result"

; ---- DIV (unsigned) ------------------------------------------------------------
        mov     ax, 1000
        mov     bl, 7
        div     bl                      ; AL = quotient, AH = remainder
        CHECK_EQ ax, 0x068E, "div8 1000/7"

        mov     dx, 1
        mov     ax, 0                   ; 65536 / 3
        mov     cx, 3
        div     cx
        CHECK_EQ ax, 0x5555, "div16 quotient"
        CHECK_EQ dx, 1, "div16 remainder"

        mov     dword [VAR], 0x10
        mov     edx, 1
        mov     eax, 0                  ; 2^32 / 16
        div     dword [VAR]
        CHECK_EQ eax, 0x10000000, "div32 mem quotient"
        CHECK_EQ edx, 0, "div32 mem remainder"

        xor     edx, edx
        mov     eax, 100
        mov     ebx, 7
        div     ebx
        CHECK_EQ eax, 14, "div32 quotient"
        CHECK_EQ edx, 2, "div32 remainder"

; ---- IDIV (signed; truncates toward zero, remainder takes the dividend's sign) --
        mov     ax, -7
        mov     bl, 2
        idiv    bl
        CHECK_EQ ax, 0xFFFD, "idiv8 -7/2"           ; q=-3 r=-1

        mov     ax, -256                ; quotient -128 is representable (286+)
        mov     byte [VAR], 2
        idiv    byte [VAR]
        CHECK_EQ ax, 0x0080, "idiv8 -256/2"

        mov     dx, 0xFFFF
        mov     ax, -1000
        mov     cx, -7
        idiv    cx
        CHECK_EQ ax, 142, "idiv16 quotient"
        CHECK_EQ dx, -6, "idiv16 remainder"

        xor     edx, edx
        mov     eax, 100
        mov     ebx, -7
        idiv    ebx
        CHECK_EQ eax, -14, "idiv32 quotient"
        CHECK_EQ edx, 2, "idiv32 remainder"

        CHECK_EQ word [FAULT_COUNT], 0, "no #DE on valid divides"

; ---- #DE: divide by zero and quotient overflow ---------------------------------------
        mov     ax, 0x1234
        mov     bl, 0
        EXPECT_DE "div8 by 0", {div bl}
        CHECK_EQ ax, 0x1234, "div8 by 0 leaves ax"

        mov     dx, 2                   ; 0x20000 / 2 = 0x10000 > 0xFFFF
        mov     ax, 0
        mov     cx, 2
        EXPECT_DE "div16 overflow", {div cx}
        CHECK_EQ dx, 2, "div16 overflow leaves dx"
        CHECK_EQ ax, 0, "div16 overflow leaves ax"

        mov     dword [VAR], 0          ; 0x66 prefix: IP points at the prefix
        EXPECT_DE "div32 mem by 0", {div dword [VAR]}

        mov     ax, -128                ; -128 / -1 = +128 > 127
        mov     bl, -1
        EXPECT_DE "idiv8 -128/-1", {idiv bl}
        CHECK_EQ ax, 0xFF80, "idiv8 -128/-1 leaves ax"

        mov     ax, 0x0100              ; 256 / 1: positive overflow
        mov     byte [VAR], 1
        EXPECT_DE "idiv8 mem overflow", {idiv byte [es:VAR]}   ; IP at the ES prefix

        mov     ax, 0x8000              ; -32768 / -1: AX's most negative value
        mov     bl, -1
        EXPECT_DE "idiv8 -32768/-1", {idiv bl}

        mov     dx, 0                   ; +32768 / 1 = +32768 > 32767
        mov     ax, 0x8000
        mov     cx, 1
        EXPECT_DE "idiv16 overflow", {idiv cx}

        mov     edx, -1                 ; -2^31 / -1
        mov     eax, 0x80000000
        mov     ecx, -1
        EXPECT_DE "idiv32 -2^31/-1", {idiv ecx}
        CHECK_EQ eax, 0x80000000, "idiv32 overflow leaves eax"

        xor     ebx, ebx
        EXPECT_DE "idiv32 by 0", {idiv ebx}

%ifdef INT_MIN_DIVIDENDS
        ; The most negative 32/64-bit dividend divided by -1 is a #DE on
        ; hardware, but QEMU 7.2 TCG evaluates it with a host division and
        ; dies with SIGFPE, so these run only when assembled with
        ; -DINT_MIN_DIVIDENDS (an emulator must not divide natively here).
        mov     dx, 0x8000              ; DX:AX = -2^31, / -1
        mov     ax, 0
        mov     cx, -1
        EXPECT_DE "idiv16 -2^31/-1", {idiv cx}

        mov     edx, 0x80000000         ; EDX:EAX = -2^63, / -1
        xor     eax, eax
        mov     ecx, -1
        EXPECT_DE "idiv32 -2^63/-1", {idiv ecx}
%endif

        mov     ax, 0x0042              ; AAM with base 0 also raises #DE
        EXPECT_DE "aam 0", {aam 0}
        CHECK_EQ ax, 0x0042, "aam 0 leaves ax"

        ; after all that, an ordinary divide still works
        mov     ax, 9
        mov     bl, 3
        div     bl
        CHECK_EQ ax, 0x0003, "div after #DE"

        PASS

; unexpected_de: #DE resumed here although no fault was expected.
unexpected_de:
        PRINT   "FAIL ", TEST_AREA, ": unexpected #DE", 10
        EXIT    0xFF

; de_handler: record the pushed CS:IP, count the fault, and return to
; FAULT_RESUME (the faulting instruction would just fault again).
de_handler:
        push    bp
        mov     bp, sp                  ; [bp+2]=IP [bp+4]=CS [bp+6]=FLAGS
        push    ax
        push    ds
        push    word 0
        pop     ds
        mov     ax, [bp + 2]
        mov     [FAULT_IP], ax
        mov     ax, [bp + 4]
        mov     [FAULT_CS], ax
        inc     word [FAULT_COUNT]
        mov     ax, [FAULT_RESUME]
        mov     [bp + 2], ax
        pop     ds
        pop     ax
        pop     bp
        iret

        ROM_END start

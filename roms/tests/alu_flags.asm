; alu_flags.asm - real-mode integer arithmetic and the status flags.
;
; Covers ADD ADC SUB SBB CMP AND OR XOR TEST NEG NOT INC DEC (8/16/32-bit,
; register/memory/immediate, including the sign-extended imm8 form 0x83),
; CBW CWD CWDE CDQ, LAHF SAHF, CLC STC CMC, PUSHF POPF and the BCD adjusts.
; Only flags the SDM defines for each instruction are checked. Many cases
; preset the opposite flag values with SET_FLAGS so stale flags are caught.

%define TEST_AREA "alu"
%include "tx86.inc"

VAR     equ 0x0600              ; scratch memory (DS=0)

; EXPECT dst, value, flags, "name": the six status flags, then the result.
%macro EXPECT 4+
        CHECK_FLAGS F_ARITH, %3, %4, " flags"
        CHECK_EQ %1, %2, %4, " result"
%endmacro

; EXPECT_LOGIC: as EXPECT, minus AF (undefined after AND/OR/XOR/TEST).
%macro EXPECT_LOGIC 4+
        CHECK_FLAGS F_LOGIC, %3, %4, " flags"
        CHECK_EQ %1, %2, %4, " result"
%endmacro

start:
        INIT_REAL_MODE

; ---- ADD ---------------------------------------------------------------------
        mov     al, 0x7F                ; signed overflow into the sign bit
        add     al, 1
        EXPECT  al, 0x80, F_OF|F_SF|F_AF, "add8 7F+1"

        mov     al, 0x80                ; -128 + -128 wraps to 0 with carry
        add     al, 0x80
        EXPECT  al, 0x00, F_CF|F_PF|F_ZF|F_OF, "add8 80+80"

        mov     ax, 0xFFFF
        mov     bx, 1
        add     ax, bx
        EXPECT  ax, 0x0000, F_CF|F_PF|F_AF|F_ZF, "add16 FFFF+1"

        mov     word [VAR], 0x1234      ; memory destination, imm16 source
        SET_FLAGS F_ARITH
        add     word [VAR], 0x4321
        EXPECT  word [VAR], 0x5555, F_PF, "add16 mem+imm"

        mov     eax, 0x7FFFFFFF
        mov     ebx, 1
        add     eax, ebx
        EXPECT  eax, 0x80000000, F_OF|F_SF|F_AF|F_PF, "add32 7FFFFFFF+1"

        mov     bx, 5                   ; 83 /0: imm8 -1 sign-extends to FFFF
        add     bx, byte -1
        EXPECT  bx, 0x0004, F_CF|F_AF, "add16 imm8 -1"

        mov     ecx, 1                  ; 83 /0 with 32-bit operand
        add     ecx, byte -2
        EXPECT  ecx, 0xFFFFFFFF, F_SF|F_PF, "add32 imm8 -2"

        mov     byte [VAR], 0xF0        ; memory destination, register source
        mov     dl, 0x10
        add     [VAR], dl
        EXPECT  byte [VAR], 0x00, F_CF|F_ZF|F_PF, "add8 mem+reg"

        mov     dword [VAR], 0x00000F0F ; register destination, memory source
        mov     edx, 0x00000101
        add     edx, [VAR]
        EXPECT  edx, 0x00001010, F_AF, "add32 reg+mem"

; ---- ADC ---------------------------------------------------------------------
        mov     al, 0xFF                ; carry-in ripples all the way
        SET_FLAGS F_CF
        adc     al, 0
        EXPECT  al, 0x00, F_CF|F_AF|F_ZF|F_PF, "adc8 FF+0+CF"

        mov     ax, 0
        SET_FLAGS F_CF
        adc     ax, 0x7FFF
        EXPECT  ax, 0x8000, F_OF|F_SF|F_AF|F_PF, "adc16 0+7FFF+CF"

        mov     eax, 0xFFFFFFFF
        mov     ebx, 0xFFFFFFFF
        SET_FLAGS F_CF
        adc     eax, ebx
        EXPECT  eax, 0xFFFFFFFF, F_CF|F_AF|F_PF|F_SF, "adc32 max+max+CF"

        mov     bl, 0x70                ; CF=0: plain add
        SET_FLAGS F_ZF|F_PF|F_AF
        adc     bl, 0x10
        EXPECT  bl, 0x80, F_OF|F_SF, "adc8 no carry-in"

        mov     word [VAR], 0xFFFE      ; memory destination, 83 /2 form
        SET_FLAGS F_CF
        adc     word [VAR], byte 1
        EXPECT  word [VAR], 0x0000, F_CF|F_AF|F_ZF|F_PF, "adc16 mem imm8"

; ---- SUB ---------------------------------------------------------------------
        mov     al, 0x80                ; -128 - 1 overflows to +127
        sub     al, 1
        EXPECT  al, 0x7F, F_OF|F_AF, "sub8 80-1"

        mov     al, 0                   ; borrow
        sub     al, 1
        EXPECT  al, 0xFF, F_CF|F_AF|F_SF|F_PF, "sub8 0-1"

        mov     ax, 0x1234
        SET_FLAGS F_ARITH
        sub     ax, ax
        EXPECT  ax, 0, F_ZF|F_PF, "sub16 self"

        mov     word [VAR], 0           ; 0 - (-32768) overflows
        sub     word [VAR], 0x8000
        EXPECT  word [VAR], 0x8000, F_CF|F_OF|F_SF|F_PF, "sub16 mem 0-8000"

        mov     eax, 0
        sub     eax, byte 1             ; 83 /5
        EXPECT  eax, 0xFFFFFFFF, F_CF|F_AF|F_SF|F_PF, "sub32 imm8"

        mov     edx, 0x7FFFFFFF
        sub     edx, 0x80000000
        EXPECT  edx, 0xFFFFFFFF, F_OF|F_CF|F_SF|F_PF, "sub32 7FFFFFFF-80000000"

        mov     byte [VAR], 0x35        ; register destination, memory source
        mov     cl, 0x47
        sub     cl, [VAR]
        EXPECT  cl, 0x12, F_PF, "sub8 reg-mem"

; ---- SBB ---------------------------------------------------------------------
        mov     al, 0
        SET_FLAGS F_CF
        sbb     al, 0
        EXPECT  al, 0xFF, F_CF|F_AF|F_SF|F_PF, "sbb8 0-0-CF"

        mov     ax, 0xFFFF
        SET_FLAGS F_CF
        sbb     ax, 0xFFFF
        EXPECT  ax, 0xFFFF, F_CF|F_AF|F_SF|F_PF, "sbb16 FFFF-FFFF-CF"

        mov     eax, 0x80000000
        xor     ebx, ebx
        SET_FLAGS F_CF
        sbb     eax, ebx
        EXPECT  eax, 0x7FFFFFFF, F_OF|F_AF|F_PF, "sbb32 80000000-0-CF"

        mov     cl, 1                   ; CF=0: plain subtract
        SET_FLAGS F_SF|F_OF
        sbb     cl, 1
        EXPECT  cl, 0, F_ZF|F_PF, "sbb8 no borrow-in"

        mov     dword [VAR], 5          ; memory destination, 83 /3 form
        SET_FLAGS F_CF
        sbb     dword [VAR], byte 5
        EXPECT  dword [VAR], 0xFFFFFFFF, F_CF|F_AF|F_SF|F_PF, "sbb32 mem imm8"

; ---- CMP (flags as SUB, destination unchanged) ---------------------------------
        mov     al, 0x7F
        cmp     al, 0x80
        EXPECT  al, 0x7F, F_CF|F_OF|F_SF|F_PF, "cmp8 7F,80"

        mov     word [VAR], 0xBEEF
        mov     ax, 0xBEEF
        SET_FLAGS F_CF|F_OF|F_SF|F_AF
        cmp     ax, [VAR]
        EXPECT  ax, 0xBEEF, F_ZF|F_PF, "cmp16 equal"

        xor     ebx, ebx
        cmp     ebx, byte -1            ; 83 /7: 0 - FFFFFFFF
        EXPECT  ebx, 0, F_CF|F_AF, "cmp32 imm8 -1"

        mov     byte [VAR], 0x01
        cmp     byte [VAR], 0x02
        EXPECT  byte [VAR], 0x01, F_CF|F_AF|F_SF|F_PF, "cmp8 mem,imm"

; ---- AND OR XOR TEST (CF=OF=0, AF undefined) -----------------------------------
        mov     al, 0xF0
        SET_FLAGS F_CF|F_OF|F_SF
        and     al, 0x0F
        EXPECT_LOGIC al, 0, F_ZF|F_PF, "and8"

        mov     dx, 0x123F
        and     dx, byte -16            ; 83 /4: imm8 F0 -> FFF0
        EXPECT_LOGIC dx, 0x1230, F_PF, "and16 imm8"

        mov     dword [VAR], 0xFFFF0000
        mov     ecx, 0x8000FFFF
        and     [VAR], ecx
        EXPECT_LOGIC dword [VAR], 0x80000000, F_SF|F_PF, "and32 mem,reg"

        mov     ax, 0x0001
        SET_FLAGS F_CF|F_OF|F_ZF
        or      ax, 0x8000
        EXPECT_LOGIC ax, 0x8001, F_SF, "or16"

        mov     byte [VAR], 0x0C
        or      byte [VAR], 0x03
        EXPECT_LOGIC byte [VAR], 0x0F, F_PF, "or8 mem,imm"

        mov     eax, 0x12345678
        SET_FLAGS F_CF|F_OF|F_SF
        xor     eax, eax
        EXPECT_LOGIC eax, 0, F_ZF|F_PF, "xor32 self"

        xor     ebx, ebx
        xor     ebx, 0x80000001
        EXPECT_LOGIC ebx, 0x80000001, F_SF, "xor32 imm32"

        mov     word [VAR], 0x00FF
        mov     si, 0x0F0F
        xor     si, [VAR]
        EXPECT_LOGIC si, 0x0FF0, F_PF, "xor16 reg,mem"

        mov     cl, 0x80                ; TEST only sets flags
        SET_FLAGS F_CF|F_OF|F_ZF
        test    cl, 0x81
        EXPECT_LOGIC cl, 0x80, F_SF, "test8"

        mov     word [VAR], 0xFF00
        test    word [VAR], 0x00FF
        EXPECT_LOGIC word [VAR], 0xFF00, F_ZF|F_PF, "test16 mem"

        mov     edx, 0x40000000
        mov     edi, 0xC0000000
        test    edi, edx
        EXPECT_LOGIC edi, 0xC0000000, F_PF, "test32 reg"

; ---- NEG ---------------------------------------------------------------------
        mov     al, 0                   ; only NEG 0 clears CF
        SET_FLAGS F_ARITH & ~(F_ZF|F_PF)
        neg     al
        EXPECT  al, 0, F_ZF|F_PF, "neg8 0"

        mov     al, 0x80                ; -(-128) overflows
        neg     al
        EXPECT  al, 0x80, F_CF|F_OF|F_SF, "neg8 80"

        mov     ax, 1
        neg     ax
        EXPECT  ax, 0xFFFF, F_CF|F_SF|F_PF|F_AF, "neg16 1"

        mov     dword [VAR], 0x80000000
        neg     dword [VAR]
        EXPECT  dword [VAR], 0x80000000, F_CF|F_OF|F_SF|F_PF, "neg32 mem"

; ---- NOT (no flags affected) --------------------------------------------------
        mov     al, 0x5A
        SET_FLAGS F_CF|F_ZF|F_OF
        not     al
        EXPECT  al, 0xA5, F_CF|F_ZF|F_OF, "not8"

        mov     word [VAR], 0x00FF
        SET_FLAGS F_SF|F_PF|F_AF
        not     word [VAR]
        EXPECT  word [VAR], 0xFF00, F_SF|F_PF|F_AF, "not16 mem"

        mov     eax, 0xFFFFFFFF
        SET_FLAGS 0
        not     eax
        EXPECT  eax, 0, 0, "not32"

; ---- INC / DEC (CF unchanged) -------------------------------------------------
        mov     al, 0x7F
        SET_FLAGS F_CF
        inc     al
        EXPECT  al, 0x80, F_CF|F_OF|F_SF|F_AF, "inc8 7F"

        mov     ax, 0xFFFF              ; wraps to 0 without touching CF
        SET_FLAGS 0
        inc     ax
        EXPECT  ax, 0, F_ZF|F_PF|F_AF, "inc16 FFFF"

        mov     ebx, 0x7FFFFFFF
        inc     ebx
        EXPECT  ebx, 0x80000000, F_OF|F_SF|F_AF|F_PF, "inc32"

        mov     byte [VAR], 0x0E
        SET_FLAGS F_CF
        inc     byte [VAR]
        EXPECT  byte [VAR], 0x0F, F_CF|F_PF, "inc8 mem"

        mov     bl, 0x80
        SET_FLAGS F_CF
        dec     bl
        EXPECT  bl, 0x7F, F_CF|F_OF|F_AF, "dec8 80"

        mov     cx, 0                   ; one-byte form 0x49
        SET_FLAGS F_ZF
        dec     cx
        EXPECT  cx, 0xFFFF, F_SF|F_AF|F_PF, "dec16 0"

        mov     word [VAR], 1
        SET_FLAGS F_CF
        dec     word [VAR]
        EXPECT  word [VAR], 0, F_CF|F_ZF|F_PF, "dec16 mem"

        mov     edx, 0x80000000
        dec     edx
        EXPECT  edx, 0x7FFFFFFF, F_OF|F_AF|F_PF, "dec32"

; ---- sign extension (no flags) --------------------------------------------------
        mov     ax, 0x1280
        cbw
        CHECK_EQ ax, 0xFF80, "cbw negative"
        mov     ax, 0xFF7F
        cbw
        CHECK_EQ ax, 0x007F, "cbw positive"

        mov     ax, 0x8000
        mov     dx, 0x1234
        cwd
        CHECK_EQ dx, 0xFFFF, "cwd negative"
        CHECK_EQ ax, 0x8000, "cwd keeps ax"
        mov     ax, 0x7FFF
        cwd
        CHECK_EQ dx, 0, "cwd positive"

        mov     eax, 0x12348001
        cwde
        CHECK_EQ eax, 0xFFFF8001, "cwde negative"
        mov     eax, 0xFFFF7FFF
        cwde
        CHECK_EQ eax, 0x00007FFF, "cwde positive"

        mov     eax, 0x80000000
        xor     edx, edx
        cdq
        CHECK_EQ edx, 0xFFFFFFFF, "cdq negative"
        mov     eax, 0x7FFFFFFF
        cdq
        CHECK_EQ edx, 0, "cdq positive"

; ---- LAHF / SAHF ----------------------------------------------------------------
        SET_FLAGS F_CF|F_ZF|F_OF
        mov     ah, 0xFF
        lahf                            ; bit 1 reads as 1, bits 3 and 5 as 0
        CHECK_EQ ah, 0x43, "lahf"

        SET_FLAGS F_OF
        mov     ah, 0xFF                ; SF ZF AF PF CF all set; OF untouched
        sahf
        CHECK_FLAGS F_ARITH, F_ARITH, "sahf set all"
        mov     ah, 0
        sahf
        CHECK_FLAGS F_ARITH, F_OF, "sahf clear"

; ---- CLC / STC / CMC ------------------------------------------------------------
        SET_FLAGS F_ARITH
        clc
        CHECK_FLAGS F_ARITH, F_ARITH & ~F_CF, "clc"
        SET_FLAGS 0
        stc
        CHECK_FLAGS F_ARITH, F_CF, "stc"
        cmc
        CHECK_FLAGS F_ARITH, 0, "cmc 1->0"
        cmc
        CHECK_FLAGS F_ARITH, F_CF, "cmc 0->1"

; ---- PUSHF / POPF ---------------------------------------------------------------
        push    word F_OF|F_DF|F_SF|F_ZF|F_AF|F_PF|F_CF
        popf
        pushf
        pop     ax
        CHECK_EQ ax, 0x0CD7, "pushf after popf"    ; bit 1 always reads 1
        cld

        push    word 0x7028             ; NT, IOPL=3, reserved bits 3 and 5
        popf
        pushf
        pop     ax                      ; 386+ real mode keeps NT/IOPL; bit 15 = 0
        CHECK_EQ ax, 0x7002, "popf nt/iopl"
        push    word 0
        popf
        pushf
        pop     ax
        CHECK_EQ ax, 0x0002, "popf zero"

; ---- DAA / DAS (OF undefined) -----------------------------------------------------
%define BCD_FLAGS F_CF|F_AF|F_ZF|F_SF|F_PF
        mov     al, 0x79                ; 79 + 35 = 114: both adjustments
        add     al, 0x35
        daa
        CHECK_FLAGS BCD_FLAGS, F_CF|F_AF|F_PF, "daa 79+35 flags"
        CHECK_EQ al, 0x14, "daa 79+35 result"

        mov     al, 0x99                ; 99 + 1 = 100
        add     al, 0x01
        daa
        CHECK_FLAGS BCD_FLAGS, F_CF|F_AF|F_ZF|F_PF, "daa 99+1 flags"
        CHECK_EQ al, 0x00, "daa 99+1 result"

        mov     al, 0x08                ; 8 + 8: adjustment driven by AF
        add     al, 0x08
        daa
        CHECK_FLAGS BCD_FLAGS, F_AF, "daa 8+8 flags"
        CHECK_EQ al, 0x16, "daa 8+8 result"

        mov     al, 0x35                ; 35 - 47 = -12 -> 88 with borrow
        sub     al, 0x47
        das
        CHECK_FLAGS BCD_FLAGS, F_CF|F_AF|F_SF|F_PF, "das 35-47 flags"
        CHECK_EQ al, 0x88, "das 35-47 result"

        mov     al, 0x42                ; 42 - 13 = 29
        sub     al, 0x13
        das
        CHECK_FLAGS BCD_FLAGS, F_AF, "das 42-13 flags"
        CHECK_EQ al, 0x29, "das 42-13 result"

; ---- AAA / AAS (only CF and AF defined) ----------------------------------------
        mov     ax, 0x0008              ; 8 + 9 = 17 -> AH=1 AL=7
        add     al, 0x09
        aaa
        CHECK_FLAGS F_CF|F_AF, F_CF|F_AF, "aaa 8+9 flags"
        CHECK_EQ ax, 0x0107, "aaa 8+9 result"

        mov     ax, 0x0105              ; 5 + 3: no adjustment, AL high nibble cleared
        add     al, 0x03
        aaa
        CHECK_FLAGS F_CF|F_AF, 0, "aaa 5+3 flags"
        CHECK_EQ ax, 0x0108, "aaa 5+3 result"

        mov     ax, 0x020B              ; low nibble B > 9 with AF=0
        SET_FLAGS 0
        aaa
        CHECK_FLAGS F_CF|F_AF, F_CF|F_AF, "aaa nibble>9 flags"
        CHECK_EQ ax, 0x0301, "aaa nibble>9 result"

        mov     ax, 0x0102              ; 12 - 5 = 7
        sub     al, 0x05
        aas
        CHECK_FLAGS F_CF|F_AF, F_CF|F_AF, "aas 12-5 flags"
        CHECK_EQ ax, 0x0007, "aas 12-5 result"

        mov     ax, 0x0305              ; 5 - 2: no adjustment
        sub     al, 0x02
        aas
        CHECK_FLAGS F_CF|F_AF, 0, "aas 5-2 flags"
        CHECK_EQ ax, 0x0303, "aas 5-2 result"

; ---- AAM / AAD (SF ZF PF defined) -----------------------------------------------
%define AAM_FLAGS F_SF|F_ZF|F_PF
        mov     ax, 0x124F              ; 79 -> AH=7 AL=9
        aam
        CHECK_FLAGS AAM_FLAGS, F_PF, "aam 79 flags"
        CHECK_EQ ax, 0x0709, "aam 79 result"

        mov     ax, 0x0050              ; 80 -> AH=8 AL=0
        aam
        CHECK_FLAGS AAM_FLAGS, F_ZF|F_PF, "aam 80 flags"
        CHECK_EQ ax, 0x0800, "aam 80 result"

        mov     ax, 0x00FF              ; base 16 (D4 10)
        aam     16
        CHECK_FLAGS AAM_FLAGS, F_PF, "aam16 flags"
        CHECK_EQ ax, 0x0F0F, "aam16 result"

        mov     ax, 0x0709              ; 7*10 + 9 = 79
        aad
        CHECK_FLAGS AAM_FLAGS, 0, "aad 79 flags"
        CHECK_EQ ax, 0x004F, "aad 79 result"

        mov     ax, 0x1A05              ; 26*10 + 5 = 265 -> AL=09, AH=0
        aad
        CHECK_FLAGS AAM_FLAGS, F_PF, "aad wrap flags"
        CHECK_EQ ax, 0x0009, "aad wrap result"

        mov     ax, 0x0F0F              ; base 16 (D5 10): 15*16 + 15
        aad     16
        CHECK_FLAGS AAM_FLAGS, F_SF|F_PF, "aad16 flags"
        CHECK_EQ ax, 0x00FF, "aad16 result"

        PASS

        ROM_END start

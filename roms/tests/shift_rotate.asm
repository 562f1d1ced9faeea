; shift_rotate.asm - SHL SHR SAR ROL ROR RCL RCR (8/16/32-bit).
;
; Forms: by 1 (D0/D1), by CL (D2/D3) and by imm8 (C0/C1, 80186+).
; Counts are masked to 5 bits (386+), e.g. CL=33 acts as 1 and CL=32 as 0.
; Defined flags only (SDM):
;   shifts, count 0:   no flags change
;   shifts, count 1:   CF OF SF ZF PF (AF undefined)
;   shifts, count > 1: CF SF ZF PF (OF and AF undefined)
;   rotates:           only CF, and OF for count 1; SF ZF AF PF untouched
; Flags that must not change are preset so a change is detected.

%define TEST_AREA "shift"
%include "tx86.inc"

VAR     equ 0x0600              ; scratch memory (DS=0)

M_SH1   equ F_CF|F_OF|F_SF|F_ZF|F_PF        ; shift by 1
M_SHN   equ F_CF|F_SF|F_ZF|F_PF             ; shift by n > 1
M_ROT1  equ F_ARITH                         ; rotate by 1 (SF ZF AF PF kept)
M_ROTN  equ F_ARITH & ~F_OF                 ; rotate by n > 1
M_ALL   equ F_ARITH                         ; count 0: nothing changes

; EXPECT dst, value, mask, flags, "name": (FLAGS & mask) then the result.
%macro EXPECT 5+
        CHECK_FLAGS %3, %4, %5, " flags"
        CHECK_EQ %1, %2, %5, " result"
%endmacro

start:
        INIT_REAL_MODE

; ---- SHL / SAL -----------------------------------------------------------------
        mov     al, 0x81                ; D0: OF = MSB(result) ^ CF = 0 ^ 1
        SET_FLAGS F_ZF|F_SF|F_PF
        shl     al, 1
        EXPECT  al, 0x02, M_SH1, F_CF|F_OF, "shl8 1 (81)"

        mov     al, 0x40                ; into the sign bit without carry
        shl     al, 1
        EXPECT  al, 0x80, M_SH1, F_OF|F_SF, "shl8 1 (40)"

        mov     bl, 0xC0                ; C0 /4 ib with count 1: OF = 1 ^ 1
        SET_FLAGS F_OF
        shl     bl, byte 1
        EXPECT  bl, 0x80, M_SH1, F_CF|F_SF, "shl8 imm 1"

        mov     word [VAR], 0x8000      ; D1 on memory
        shl     word [VAR], 1
        EXPECT  word [VAR], 0, M_SH1, F_CF|F_OF|F_ZF|F_PF, "shl16 mem 1"

        mov     ax, 0x1234              ; CF = original bit 12
        mov     cl, 4
        shl     ax, cl
        EXPECT  ax, 0x2340, M_SHN, F_CF, "shl16 cl=4"

        mov     eax, 3                  ; C1 /4 ib: CF = original bit 1
        shl     eax, 31
        EXPECT  eax, 0x80000000, M_SHN, F_CF|F_SF|F_PF, "shl32 imm 31"

        mov     eax, 0x40000001         ; CL=33 masks to 1, so OF is defined
        mov     cl, 33
        shl     eax, cl
        EXPECT  eax, 0x80000002, M_SH1, F_OF|F_SF, "shl32 cl=33"

        mov     al, 0x5A                ; count 0: result and flags unchanged
        mov     cl, 0
        SET_FLAGS F_CF|F_ZF|F_OF|F_AF
        shl     al, cl
        EXPECT  al, 0x5A, M_ALL, F_CF|F_ZF|F_OF|F_AF, "shl8 cl=0"

        mov     dl, 0x55                ; CL=32 masks to 0 even for 8-bit
        mov     cl, 32
        SET_FLAGS F_SF|F_PF
        shl     dl, cl
        EXPECT  dl, 0x55, M_ALL, F_SF|F_PF, "shl8 cl=32"

        mov     al, 0xFF                ; count >= width: result 0 (CF undefined)
        mov     cl, 10
        shl     al, cl
        EXPECT  al, 0, F_SF|F_ZF|F_PF, F_ZF|F_PF, "shl8 cl=10"

; ---- SHR ---------------------------------------------------------------------
        mov     al, 0x81                ; OF = MSB of the original operand
        shr     al, 1
        EXPECT  al, 0x40, M_SH1, F_CF|F_OF, "shr8 1"

        mov     dx, 1
        SET_FLAGS F_SF|F_OF
        shr     dx, 1
        EXPECT  dx, 0, M_SH1, F_CF|F_ZF|F_PF, "shr16 1"

        mov     ax, 0x8000              ; CF = original bit 14
        mov     cl, 15
        SET_FLAGS F_CF|F_SF|F_ZF|F_PF
        shr     ax, cl
        EXPECT  ax, 1, M_SHN, 0, "shr16 cl=15"

        mov     ebx, 0xFFFFFFFF         ; C1 /5 ib
        shr     ebx, 4
        EXPECT  ebx, 0x0FFFFFFF, M_SHN, F_CF|F_PF, "shr32 imm 4"

        mov     byte [VAR], 0x0F
        mov     cl, 3
        shr     byte [VAR], cl
        EXPECT  byte [VAR], 0x01, M_SHN, F_CF, "shr8 mem cl=3"

        mov     esi, 0x12345678         ; CL=0x78 masks to 24; CF = bit 23
        mov     cl, 0x78
        SET_FLAGS F_CF|F_OF
        shr     esi, cl
        EXPECT  esi, 0x00000012, M_SHN, F_PF, "shr32 cl=0x78"

        mov     esi, 0x89ABCDEF         ; CL=32 masks to 0 for 32-bit too
        mov     cl, 32
        SET_FLAGS F_CF|F_OF
        shr     esi, cl
        EXPECT  esi, 0x89ABCDEF, M_ALL, F_CF|F_OF, "shr32 cl=32"

; ---- SAR ---------------------------------------------------------------------
        mov     al, 0x81                ; sign fills; OF = 0 for count 1
        SET_FLAGS F_OF
        sar     al, 1
        EXPECT  al, 0xC0, M_SH1, F_CF|F_SF|F_PF, "sar8 1"

        mov     word [VAR], 1
        sar     word [VAR], 1
        EXPECT  word [VAR], 0, M_SH1, F_CF|F_ZF|F_PF, "sar16 mem 1"

        mov     ax, 0x8000              ; CF = original bit 14
        mov     cl, 15
        sar     ax, cl
        EXPECT  ax, 0xFFFF, M_SHN, F_SF|F_PF, "sar16 cl=15"

        mov     eax, 0x7FFFFFFF         ; C1 /7 ib
        sar     eax, 31
        EXPECT  eax, 0, M_SHN, F_CF|F_ZF|F_PF, "sar32 imm 31"

        mov     bl, 0x80
        mov     cl, 7
        sar     bl, cl
        EXPECT  bl, 0xFF, M_SHN, F_SF|F_PF, "sar8 cl=7"

        mov     al, 0x03                ; CL=0x21 masks to 1
        mov     cl, 0x21
        SET_FLAGS F_OF|F_SF
        sar     al, cl
        EXPECT  al, 0x01, M_SH1, F_CF, "sar8 cl=33"

        mov     dl, 0x90                ; count > width: all sign bits
        mov     cl, 12
        sar     dl, cl
        EXPECT  dl, 0xFF, F_SF|F_ZF|F_PF, F_SF|F_PF, "sar8 cl=12"

; ---- ROL ---------------------------------------------------------------------
        mov     al, 0x81                ; CF = LSB(result), OF = MSB ^ CF
        SET_FLAGS F_SF|F_ZF|F_PF|F_AF
        rol     al, 1
        EXPECT  al, 0x03, M_ROT1, F_CF|F_OF|F_SF|F_ZF|F_PF|F_AF, "rol8 1"

        mov     word [VAR], 0x4000
        SET_FLAGS F_CF
        rol     word [VAR], 1
        EXPECT  word [VAR], 0x8000, M_ROT1, F_OF, "rol16 mem 1"

        mov     ax, 0x1234
        mov     cl, 4
        SET_FLAGS 0
        rol     ax, cl
        EXPECT  ax, 0x2341, M_ROTN, F_CF, "rol16 cl=4"

        mov     eax, 0x12345678         ; C1 /0 ib
        SET_FLAGS F_CF|F_ZF
        rol     eax, 8
        EXPECT  eax, 0x34567812, M_ROTN, F_ZF, "rol32 imm 8"

        mov     bl, 0x81                ; 8 rotates back to the start, but the
        mov     cl, 8                   ; count is nonzero so CF = LSB(result)
        SET_FLAGS 0
        rol     bl, cl
        EXPECT  bl, 0x81, M_ROTN, F_CF, "rol8 cl=8"

        mov     dl, 0x81                ; count 0: CF untouched
        mov     cl, 0
        SET_FLAGS F_OF|F_PF
        rol     dl, cl
        EXPECT  dl, 0x81, M_ALL, F_OF|F_PF, "rol8 cl=0"

; ---- ROR ---------------------------------------------------------------------
        mov     al, 0x01                ; CF = MSB(result); OF = top two bits differ
        SET_FLAGS 0
        ror     al, 1
        EXPECT  al, 0x80, M_ROT1, F_CF|F_OF, "ror8 1"

        mov     ebx, 2                  ; C1 /1 ib with count 1
        SET_FLAGS F_CF|F_OF
        ror     ebx, byte 1
        EXPECT  ebx, 1, M_ROT1, 0, "ror32 imm 1"

        mov     ax, 0x1234
        mov     cl, 4
        SET_FLAGS F_CF|F_SF
        ror     ax, cl
        EXPECT  ax, 0x4123, M_ROTN, F_SF, "ror16 cl=4"

        mov     byte [VAR], 0x80        ; 16 & 0x1F = 16, mod 8 = 0: no movement,
        mov     cl, 16                  ; but CF = MSB(result)
        SET_FLAGS 0
        ror     byte [VAR], cl
        EXPECT  byte [VAR], 0x80, M_ROTN, F_CF, "ror8 mem cl=16"

        mov     edx, 0x0000000F         ; CL=36 masks to 4
        mov     cl, 36
        SET_FLAGS 0
        ror     edx, cl
        EXPECT  edx, 0xF0000000, M_ROTN, F_CF, "ror32 cl=36"

; ---- RCL (rotate through CF: 9/17/33-bit rings) -----------------------------------
        mov     al, 0x80                ; old CF enters bit 0
        SET_FLAGS F_CF
        rcl     al, 1
        EXPECT  al, 0x01, M_ROT1, F_CF|F_OF, "rcl8 1 cf=1"

        mov     al, 0x40
        SET_FLAGS F_ZF
        rcl     al, 1
        EXPECT  al, 0x80, M_ROT1, F_OF|F_ZF, "rcl8 1 cf=0"

        mov     ax, 0x1234
        mov     cl, 4
        SET_FLAGS F_CF
        rcl     ax, cl
        EXPECT  ax, 0x2348, M_ROTN, F_CF, "rcl16 cl=4"

        mov     ebx, 0x80000000         ; C1 /2 ib
        SET_FLAGS 0
        rcl     ebx, 8
        EXPECT  ebx, 0x00000040, M_ROTN, 0, "rcl32 imm 8"

        mov     bl, 0x5A                ; 9 mod 9 = 0: nothing moves
        mov     cl, 9
        SET_FLAGS F_CF
        rcl     bl, cl
        EXPECT  bl, 0x5A, M_ROTN, F_CF, "rcl8 cl=9"

        mov     dl, 0x80                ; 10 mod 9 = 1
        mov     cl, 10
        SET_FLAGS 0
        rcl     dl, cl
        EXPECT  dl, 0x00, M_ROTN, F_CF, "rcl8 cl=10"

        mov     word [VAR], 0x1234      ; 17 mod 17 = 0 for 16-bit
        mov     cl, 17
        SET_FLAGS 0
        rcl     word [VAR], cl
        EXPECT  word [VAR], 0x1234, M_ROTN, 0, "rcl16 mem cl=17"

; ---- RCR ---------------------------------------------------------------------
        mov     al, 0x01                ; OF = MSB(original) ^ old CF
        SET_FLAGS F_CF
        rcr     al, 1
        EXPECT  al, 0x80, M_ROT1, F_CF|F_OF, "rcr8 1 cf=1"

        mov     al, 0x81
        SET_FLAGS 0
        rcr     al, 1
        EXPECT  al, 0x40, M_ROT1, F_CF|F_OF, "rcr8 1 cf=0"

        mov     byte [VAR], 0x01        ; result 0 but ZF is not touched
        SET_FLAGS 0
        rcr     byte [VAR], 1
        EXPECT  byte [VAR], 0x00, M_ROT1, F_CF, "rcr8 mem 1"

        mov     ax, 0x1234
        mov     cl, 4
        SET_FLAGS F_CF
        rcr     ax, cl
        EXPECT  ax, 0x9123, M_ROTN, 0, "rcr16 cl=4"

        mov     ecx, 0x40000001         ; C1 /3 ib
        SET_FLAGS F_CF
        rcr     ecx, 31
        EXPECT  ecx, 0x00000006, M_ROTN, F_CF, "rcr32 imm 31"

        mov     eax, 0x12345678         ; CL=32 masks to 0
        mov     cl, 32
        SET_FLAGS F_CF|F_AF
        rcr     eax, cl
        EXPECT  eax, 0x12345678, M_ALL, F_CF|F_AF, "rcr32 cl=32"

        PASS

        ROM_END start

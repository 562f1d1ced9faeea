; string_ops.asm - MOVS STOS LODS CMPS SCAS (byte/word/dword).
;
; Covers DF=0/1, REP/REPE/REPNE including CX=0, the final SI/DI/CX,
; CMPS/SCAS flags (CMPS computes [DS:SI] - [ES:DI], SCAS acc - [ES:DI]),
; source segment overrides (the ES:DI destination cannot be overridden),
; and the 0x67 prefix (ESI/EDI/ECX) in real mode. INS/OUTS are not tested.

%define TEST_AREA "string"
%include "tx86.inc"

SRC     equ 0x1000              ; source buffer, DS=0
ESEG    equ 0x0200              ; ES for the destination buffers (base 0x2000)
DST     equ 0x0500              ; destination offset within ESEG
FSEG    equ 0x0300              ; FS/GS for override tests (base 0x3000)
BIGSEG  equ 0x2000              ; 64 KiB scratch segment (0x20000-0x2FFFF)
STR1    equ SRC + 0x20          ; "abcdef" in DS
STR2    equ DST + 0x60          ; "abcxef" in ES
SCANBUF equ DST + 0x80          ; scan buffer in ES

start:
        INIT_REAL_MODE
        mov     ax, ESEG
        mov     es, ax

        ; source bytes 11 22 33 ... 88; destination area filled with EE
        mov     dword [SRC], 0x44332211
        mov     dword [SRC + 4], 0x88776655
        mov     bx, 0
.fill:  mov     dword [es:DST + bx], 0xEEEEEEEE
        add     bx, 4
        cmp     bx, 0xC0
        jb      .fill

; ---- MOVS ----------------------------------------------------------------------
        mov     si, SRC
        mov     di, DST
        movsb                           ; DF=0: both advance by 1
        CHECK_EQ byte [es:DST], 0x11, "movsb data"
        CHECK_EQ si, SRC + 1, "movsb si"
        CHECK_EQ di, DST + 1, "movsb di"

        mov     cx, 5                   ; continue: copy bytes 1..5
        rep movsb
        CHECK_EQ cx, 0, "rep movsb cx"
        CHECK_EQ si, SRC + 6, "rep movsb si"
        CHECK_EQ di, DST + 6, "rep movsb di"
        CHECK_EQ dword [es:DST + 2], 0x66554433, "rep movsb data"
        CHECK_EQ byte [es:DST + 6], 0xEE, "rep movsb stops"

        mov     si, SRC + 6             ; DF=1: words copied backwards
        mov     di, DST + 14
        mov     cx, 2
        std
        rep movsw
        cld
        CHECK_EQ cx, 0, "rep movsw df=1 cx"
        CHECK_EQ si, SRC + 2, "rep movsw df=1 si"
        CHECK_EQ di, DST + 10, "rep movsw df=1 di"
        CHECK_EQ dword [es:DST + 12], 0x88776655, "rep movsw df=1 data"
        CHECK_EQ word [es:DST + 10], 0xEEEE, "rep movsw df=1 stops"

        mov     si, SRC
        mov     di, DST + 0x10
        mov     cx, 2
        rep movsd
        CHECK_EQ si, SRC + 8, "rep movsd si"
        CHECK_EQ di, DST + 0x18, "rep movsd di"
        CHECK_EQ dword [es:DST + 0x14], 0x88776655, "rep movsd data"

        mov     si, SRC + 4             ; DF=1 dword: step 4
        mov     di, DST + 0x20
        std
        movsd
        cld
        CHECK_EQ si, SRC, "movsd df=1 si"
        CHECK_EQ di, DST + 0x1C, "movsd df=1 di"
        CHECK_EQ dword [es:DST + 0x20], 0x88776655, "movsd df=1 data"

        mov     si, SRC                 ; CX=0: nothing moves at all
        mov     di, DST + 0x28
        mov     cx, 0
        rep movsb
        CHECK_EQ si, SRC, "rep movsb cx=0 si"
        CHECK_EQ di, DST + 0x28, "rep movsb cx=0 di"
        CHECK_EQ byte [es:DST + 0x28], 0xEE, "rep movsb cx=0 data"

; ---- STOS (always ES:DI) -----------------------------------------------------------
        mov     di, DST + 0x30
        mov     ax, 0xBEEF
        mov     cx, 3
        rep stosw
        CHECK_EQ di, DST + 0x36, "rep stosw di"
        CHECK_EQ word [es:DST + 0x34], 0xBEEF, "rep stosw data"
        CHECK_EQ word [es:DST + 0x36], 0xEEEE, "rep stosw stops"

        mov     di, DST + 0x40
        mov     eax, 0xCAFEBABE
        std
        stosd
        cld
        CHECK_EQ di, DST + 0x3C, "stosd df=1 di"
        CHECK_EQ dword [es:DST + 0x40], 0xCAFEBABE, "stosd df=1 data"

        mov     byte [DST + 0x50], 0x00 ; same offset in DS, must stay 0
        mov     di, DST + 0x50
        mov     al, 0x5A
        ds stosb                        ; override is ignored: writes ES:DI
        CHECK_EQ di, DST + 0x51, "ds stosb di"
        CHECK_EQ byte [es:DST + 0x50], 0x5A, "ds stosb writes es"
        CHECK_EQ byte [DST + 0x50], 0x00, "ds stosb leaves ds"

; ---- LODS and source segment overrides ------------------------------------------------
        mov     si, SRC
        lodsb
        CHECK_EQ al, 0x11, "lodsb data"
        CHECK_EQ si, SRC + 1, "lodsb si"

        mov     si, SRC + 2
        std
        lodsw
        cld
        CHECK_EQ ax, 0x4433, "lodsw df=1 data"
        CHECK_EQ si, SRC, "lodsw df=1 si"

        mov     si, SRC + 4
        lodsd
        CHECK_EQ eax, 0x88776655, "lodsd data"
        CHECK_EQ si, SRC + 8, "lodsd si"

        mov     si, SRC                 ; REP LODS keeps only the last element
        mov     cx, 3
        rep lodsb
        CHECK_EQ al, 0x33, "rep lodsb data"
        CHECK_EQ si, SRC + 3, "rep lodsb si"
        CHECK_EQ cx, 0, "rep lodsb cx"

        mov     si, rom_bytes
        cs lodsb
        CHECK_EQ al, 0xC5, "cs lodsb data"
        CHECK_EQ si, rom_bytes + 1, "cs lodsb si"

        mov     word [es:0x0200], 0x1357
        mov     si, 0x0200
        es lodsw
        CHECK_EQ ax, 0x1357, "es lodsw data"

        mov     ax, FSEG
        mov     fs, ax
        mov     gs, ax
        mov     byte [fs:0x0010], 0x77
        mov     si, 0x0010
        fs lodsb
        CHECK_EQ al, 0x77, "fs lodsb data"

        mov     word [es:0x0300], 0x2468 ; ES source and ES destination
        mov     si, 0x0300
        mov     di, DST + 0x58
        es movsw
        CHECK_EQ word [es:DST + 0x58], 0x2468, "es movsw data"

        mov     si, 0x0010              ; GS source, ES destination
        mov     di, DST + 0x5C
        gs movsb
        CHECK_EQ byte [es:DST + 0x5C], 0x77, "gs movsb data"
        CHECK_EQ si, 0x0011, "gs movsb si"

; ---- CMPS ------------------------------------------------------------------------
        mov     dword [STR1], 'abcd'
        mov     word [STR1 + 4], 'ef'
        mov     dword [es:STR2], 'abcx'
        mov     word [es:STR2 + 4], 'ef'

        mov     si, STR1
        mov     di, STR2
        SET_FLAGS F_CF|F_SF|F_OF|F_AF
        cmpsb                           ; 'a' - 'a'
        CHECK_FLAGS F_ARITH, F_ZF|F_PF, "cmpsb equal flags"
        CHECK_EQ si, STR1 + 1, "cmpsb si"
        CHECK_EQ di, STR2 + 1, "cmpsb di"

        mov     si, STR1                ; stops after the 4th compare ('d' - 'x')
        mov     di, STR2
        mov     cx, 6
        repe cmpsb
        CHECK_FLAGS F_ARITH, F_CF|F_SF|F_AF, "repe cmpsb flags"
        CHECK_EQ cx, 2, "repe cmpsb cx"
        CHECK_EQ si, STR1 + 4, "repe cmpsb si"
        CHECK_EQ di, STR2 + 4, "repe cmpsb di"

        mov     si, STR1                ; all equal: runs until CX=0
        mov     di, STR2
        mov     cx, 3
        repe cmpsb
        CHECK_FLAGS F_ZF, F_ZF, "repe cmpsb all equal flags"
        CHECK_EQ cx, 0, "repe cmpsb all equal cx"
        CHECK_EQ si, STR1 + 3, "repe cmpsb all equal si"

        mov     si, STR1 + 3            ; "def" vs "xef": stops at 'e' == 'e'
        mov     di, STR2 + 3
        mov     cx, 5
        repne cmpsb
        CHECK_FLAGS F_ARITH, F_ZF|F_PF, "repne cmpsb flags"
        CHECK_EQ cx, 3, "repne cmpsb cx"
        CHECK_EQ si, STR1 + 5, "repne cmpsb si"
        CHECK_EQ di, STR2 + 5, "repne cmpsb di"

        mov     si, STR1 + 4            ; DF=1 words: "ef" == "ef"
        mov     di, STR2 + 4
        std
        cmpsw
        cld
        CHECK_FLAGS F_ARITH, F_ZF|F_PF, "cmpsw df=1 flags"
        CHECK_EQ si, STR1 + 2, "cmpsw df=1 si"
        CHECK_EQ di, STR2 + 2, "cmpsw df=1 di"

        mov     si, STR1                ; 64636261 - 78636261
        mov     di, STR2
        cmpsd
        CHECK_FLAGS F_ARITH, F_CF|F_SF|F_PF, "cmpsd flags"
        CHECK_EQ si, STR1 + 4, "cmpsd si"

        mov     si, STR1                ; CX=0: no compare, flags unchanged
        mov     di, STR2
        mov     cx, 0
        SET_FLAGS F_CF|F_OF|F_SF
        repe cmpsb
        CHECK_FLAGS F_ARITH, F_CF|F_OF|F_SF, "repe cmpsb cx=0 flags"
        CHECK_EQ si, STR1, "repe cmpsb cx=0 si"
        CHECK_EQ di, STR2, "repe cmpsb cx=0 di"

; ---- SCAS ------------------------------------------------------------------------
        mov     dword [es:SCANBUF], 0x40302010
        mov     byte [es:SCANBUF + 4], 0x50

        mov     di, SCANBUF             ; found at index 2
        mov     al, 0x30
        mov     cx, 5
        repne scasb
        CHECK_FLAGS F_ARITH, F_ZF|F_PF, "repne scasb found flags"
        CHECK_EQ cx, 2, "repne scasb found cx"
        CHECK_EQ di, SCANBUF + 3, "repne scasb found di"

        mov     di, SCANBUF             ; not found: flags of 99 - 50
        mov     al, 0x99
        mov     cx, 5
        repne scasb
        CHECK_FLAGS F_ARITH, F_OF, "repne scasb missing flags"
        CHECK_EQ cx, 0, "repne scasb missing cx"
        CHECK_EQ di, SCANBUF + 5, "repne scasb missing di"

        mov     dword [es:SCANBUF], 0x11111111
        mov     word [es:SCANBUF + 4], 0x2222
        mov     di, SCANBUF             ; stops at the third word (1111 - 2222)
        mov     ax, 0x1111
        mov     cx, 5
        repe scasw
        CHECK_FLAGS F_ARITH, F_CF|F_SF|F_AF, "repe scasw flags"
        CHECK_EQ cx, 2, "repe scasw cx"
        CHECK_EQ di, SCANBUF + 6, "repe scasw di"

        mov     di, SCANBUF
        mov     eax, 0x11111111
        std
        scasd
        cld
        CHECK_FLAGS F_ARITH, F_ZF|F_PF, "scasd df=1 flags"
        CHECK_EQ di, SCANBUF - 4, "scasd df=1 di"

        mov     byte [SCANBUF], 0x22    ; DS copy differs from the ES copy (11)
        mov     di, SCANBUF
        mov     al, 0x11
        ds scasb                        ; override ignored: compares ES:DI
        CHECK_FLAGS F_ZF, F_ZF, "ds scasb uses es"

; ---- 0x67: 32-bit addressing in real mode ---------------------------------------------
        mov     esi, 0xABCD0000 + SRC   ; a16: only SI/DI used and updated
        mov     edi, 0x12340000 + DST + 0xA0
        movsb
        CHECK_EQ esi, 0xABCD0000 + SRC + 1, "a16 movsb esi"
        CHECK_EQ edi, 0x12340000 + DST + 0xA1, "a16 movsb edi"
        CHECK_EQ byte [es:DST + 0xA0], 0x11, "a16 movsb data"

        mov     edi, DST + 0xA8         ; a16 REP counts with CX only
        mov     ecx, 0x00010000
        rep stosb
        CHECK_EQ ecx, 0x00010000, "a16 rep ecx"
        CHECK_EQ byte [es:DST + 0xA8], 0xEE, "a16 rep no store"

        mov     esi, SRC
        mov     edi, DST + 0xB0
        mov     ecx, 2
        a32 rep movsw
        CHECK_EQ ecx, 0, "a32 rep movsw ecx"
        CHECK_EQ esi, SRC + 4, "a32 rep movsw esi"
        CHECK_EQ edi, DST + 0xB4, "a32 rep movsw edi"
        CHECK_EQ dword [es:DST + 0xB0], 0x44332211, "a32 rep movsw data"

        mov     byte [0xFFFF], 0x3C     ; a32: ESI steps past 0xFFFF, no wrap
        mov     esi, 0x0000FFFF
        a32 lodsb
        CHECK_EQ al, 0x3C, "a32 lodsb data"
        CHECK_EQ esi, 0x00010000, "a32 lodsb esi"

        mov     esi, 0x5555FFFF         ; a16: SI wraps, ESI[31:16] kept
        lodsb
        CHECK_EQ esi, 0x55550000, "a16 lodsb wrap esi"

        mov     edi, SCANBUF + 3        ; a32 REPNE SCASB: 11 22 -> index 1
        mov     al, 0x22
        mov     ecx, 4
        a32 repne scasb
        CHECK_EQ ecx, 2, "a32 repne scasb ecx"
        CHECK_EQ edi, SCANBUF + 5, "a32 repne scasb edi"

        mov     ax, BIGSEG              ; a32 REP STOSB with ECX = 0x10000:
        mov     es, ax                  ; CX alone would be 0 (no stores)
        xor     edi, edi
        mov     ecx, 0x00010000
        mov     al, 0xA5
        a32 rep stosb
        CHECK_EQ ecx, 0, "a32 rep stosb ecx"
        CHECK_EQ edi, 0x00010000, "a32 rep stosb edi"
        CHECK_EQ byte [es:0x0000], 0xA5, "a32 rep stosb first"
        CHECK_EQ byte [es:0xFFFF], 0xA5, "a32 rep stosb last"

        PASS

rom_bytes:
        db      0xC5, 0x5C

        ROM_END start

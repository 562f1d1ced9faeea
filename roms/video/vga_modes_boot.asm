; vga_modes_boot.asm - a boot sector that sets video modes through the VGA
; BIOS (INT 10h) and draws in each: mode 13h (a pattern written straight to
; A0000h), mode 12h (pixels through INT 10h AH=0Ch) and mode 3 (coloured
; text through AH=09h). After each picture it writes "mode NN" and a
; newline to the debug console (port E9h) and waits two seconds of BIOS
; ticks, so tests/unit/pc/vga_modes_test.cpp can take the picture.

        bits    16
        org     0x7C00
        cpu     386

start:
        cli
        xor     ax, ax
        mov     ds, ax
        mov     ss, ax
        mov     sp, 0x7C00
        sti
        cld

; ---- mode 13h: bars of 16 colours on the top half, x ^ y below -------------
        mov     ax, 0x0013
        int     0x10
        push    0xA000
        pop     es
        xor     di, di
        xor     dx, dx              ; y
.y13:   xor     cx, cx              ; x
.x13:   mov     ax, cx
        cmp     dx, 100
        jae     .xor
        shr     ax, 4               ; 20 bars of 16 pixels
        add     al, 32
        jmp     .put
.xor:   xor     ax, dx
.put:   stosb
        inc     cx
        cmp     cx, 320
        jb      .x13
        inc     dx
        cmp     dx, 200
        jb      .y13
        mov     si, msg13
        call    report

; ---- mode 12h: the 16 colours in bars, white lines above and below (96 rows:
; each pixel is a BIOS call) ---------------------------------------------------
        mov     ax, 0x0012
        int     0x10
        xor     dx, dx
.y12:   xor     cx, cx
.x12:   mov     ax, cx
        shr     ax, 2               ; 16 bars of 40 pixels: x / 40 ~ (x >> 2) / 10
        push    dx
        xor     dx, dx
        mov     bx, 10
        div     bx
        pop     dx
        cmp     dx, 8
        jb      .white
        cmp     dx, 87
        ja      .white
        jmp     .pixel
.white: mov     al, 15
.pixel: mov     ah, 0x0C
        xor     bh, bh
        int     0x10
        inc     cx
        cmp     cx, 640
        jb      .x12
        add     dx, 1
        cmp     dx, 96
        jb      .y12
        mov     si, msg12
        call    report

; ---- mode 3: a line in each attribute ---------------------------------------
        mov     ax, 0x0003
        int     0x10
        mov     bl, 0x0F            ; the attribute: row * 16 + 15 - row
        xor     dh, dh              ; row
.row:   xor     dl, dl
        mov     si, text
.char:  lodsb
        test    al, al
        jz      .next_row
        mov     ah, 0x02            ; cursor to DH, DL
        xor     bh, bh
        int     0x10
        mov     ah, 0x09            ; AL with attribute BL, once
        mov     cx, 1
        int     0x10
        inc     dl
        jmp     .char
.next_row:
        add     bl, 0x0F
        inc     dh
        cmp     dh, 16
        jb      .row
        mov     ah, 0x02
        xor     bh, bh
        mov     dx, 0x1000          ; cursor on row 16
        int     0x10
        mov     si, msg3
        call    report
.idle:  hlt
        jmp     .idle

; report: the string at SI to port E9h, then two seconds of BIOS ticks.
report:
        lodsb
        test    al, al
        jz      .wait
        out     0xE9, al
        jmp     report
.wait:  mov     eax, [0x046C]
        add     eax, 37
.tick:  hlt
        cmp     [0x046C], eax
        jb      .tick
        ret

msg13:  db      "mode 13", 10, 0
msg12:  db      "mode 12", 10, 0
msg3:   db      "mode 03", 10, 0
text:   db      "tx86 VGA test: INT 10h AH=09h", 0

        times   510 - ($ - $$) db 0
        dw      0xAA55

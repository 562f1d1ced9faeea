; mouse_echo_boot.asm - a boot sector that turns on the PS/2 mouse through
; the 8042 (enable the aux port, F4h "enable data reporting" to the mouse)
; and writes every byte the mouse sends to the debug console (port E9h) as
; two hex digits and a space, a newline after each three-byte packet.
; "ready" goes out first. tests/guests/desktop_app.sh moves and clicks the
; host mouse over the window and reads the packets back.

        bits    16
        org     0x7C00
        cpu     386

start:
        cli
        xor     ax, ax
        mov     ds, ax
        mov     ss, ax
        mov     sp, 0x7C00
        cld
        mov     al, 0xA8            ; enable the aux port
        call    command
        mov     al, 0xD4            ; next data byte to the mouse
        call    command
        mov     al, 0xF4            ; enable data reporting
        call    wait_input
        out     0x60, al
        call    read_byte           ; its ACK (FAh)
        mov     si, ready
.msg:   lodsb
        test    al, al
        jz      .loop
        out     0xE9, al
        jmp     .msg
.loop:  xor     cx, cx              ; byte within the packet
.next:  call    read_byte
        call    hex
        inc     cx
        cmp     cx, 3
        jb      .next
        mov     al, 10
        out     0xE9, al
        jmp     .loop

command:                            ; AL to the 8042's command port
        push    ax
        call    wait_input
        pop     ax
        out     0x64, al
        ret
wait_input:
        push    ax
.w:     in      al, 0x64
        test    al, 0x02
        jnz     .w
        pop     ax
        ret
read_byte:                          ; AL = the next byte from the mouse
.w:     in      al, 0x64
        test    al, 0x01
        jz      .w
        test    al, 0x20            ; from the aux port? (the keyboard's
        jnz     .aux                ; bytes, e.g. the host's Ctrl+Alt, are
        in      al, 0x60            ; dropped)
        jmp     .w
.aux:   in      al, 0x60
        ret
hex:                                ; AL as two hex digits and a space
        push    ax
        shr     al, 4
        call    .digit
        pop     ax
        and     al, 0x0F
        call    .digit
        mov     al, ' '
        out     0xE9, al
        ret
.digit: add     al, '0'
        cmp     al, '9'
        jbe     .out
        add     al, 'A' - '9' - 1
.out:   out     0xE9, al
        ret

ready:  db      "ready", 10, 0

        times   510 - ($ - $$) db 0
        dw      0xAA55

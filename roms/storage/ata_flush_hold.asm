; ata_flush_hold.asm - writes sector 3 of the primary master full of 5Ah by
; ATA PIO, flushes the drive's cache, says "flushed" on the debug console
; and then spins forever: tests/guests/disk_writes.sh stops tx86 with
; SIGTERM there and checks that the sector reached the image file.

%define TEST_AREA "ata_flush_hold"
%include "tx86.inc"

ATA             equ 0x1F0
ATA_STATUS      equ ATA + 7

start:
        INIT_REAL_MODE
        mov     dx, 0x3F6
        mov     al, 0x02            ; nIEN: polled
        out     dx, al
        call    wait_ready
        mov     dx, ATA + 2
        mov     al, 1               ; one sector
        out     dx, al
        inc     dx
        mov     al, 3               ; LBA 3
        out     dx, al
        inc     dx
        xor     al, al
        out     dx, al
        inc     dx
        out     dx, al
        inc     dx
        mov     al, 0xE0            ; LBA, master
        out     dx, al
        inc     dx
        mov     al, 0x30            ; WRITE SECTORS
        out     dx, al
.drq:   in      al, dx
        test    al, 0x08
        jz      .drq
        mov     dx, ATA
        mov     cx, 256
        mov     ax, 0x5A5A
.word:  out     dx, ax
        loop    .word
        call    wait_ready
        CHECK_EQ al, 0x50, "status after the write"
        mov     dx, ATA_STATUS
        mov     al, 0xE7            ; FLUSH CACHE
        out     dx, al
        call    wait_ready
        CHECK_EQ al, 0x50, "status after the flush"
        PRINT   "flushed", 10
.spin:  jmp     .spin

wait_ready:
        mov     dx, ATA_STATUS
.poll:  in      al, dx
        test    al, 0x88
        jnz     .poll
        ret

        ROM_END start

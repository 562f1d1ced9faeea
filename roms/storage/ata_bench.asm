; ata_bench.asm - sector throughput of the primary master: reads the first
; 32 MiB of the disk by PIO (READ SECTORS, 256 sectors per command, REP
; INSW), then again by bus-master DMA (READ DMA, 256 sectors per command
; into one 128 KiB region), printing a line on the debug console before and
; after each pass. tests/bench/ata_throughput.sh times the lines.

%define TEST_AREA "ata_bench"
%include "tx86.inc"

ATA             equ 0x1F0
ATA_STATUS      equ ATA + 7
BM              equ 0xC000
PRD             equ 0x9000
BUF_SEG         equ 0x2000          ; 20000h-3FFFFh
COMMANDS        equ 256             ; x 128 KiB = 32 MiB

        cpu     586

start:
        INIT_REAL_MODE
        mov     dx, 0xCF8
        mov     eax, 0x80000920
        out     dx, eax
        mov     dx, 0xCFC
        mov     eax, BM | 1
        out     dx, eax
        mov     dx, 0xCF8
        mov     eax, 0x80000904
        out     dx, eax
        mov     dx, 0xCFC
        mov     ax, 0x0005
        out     dx, ax
        mov     dx, 0x3F6
        mov     al, 0x02
        out     dx, al

        PRINT   "pio start", 10
        xor     ebx, ebx            ; LBA
        mov     bp, COMMANDS
.pio_command:
        mov     al, 0x20
        call    issue
        mov     si, 256
.pio_sector:
        call    wait_drq
        mov     ax, BUF_SEG
        mov     es, ax
        xor     di, di
        mov     dx, ATA
        mov     cx, 256
        rep     insw
        dec     si
        jnz     .pio_sector
        add     ebx, 256
        dec     bp
        jnz     .pio_command
        PRINT   "pio done", 10

        mov     dword [PRD], 0x20000
        mov     dword [PRD + 4], 0           ; 64 KiB (a count of 0)
        mov     dword [PRD + 8], 0x30000
        mov     dword [PRD + 12], 0x80000000 ; 64 KiB, end of table
        mov     dx, BM + 4
        mov     eax, PRD
        out     dx, eax
        xor     ebx, ebx
        mov     bp, COMMANDS
.dma_command:
        mov     dx, BM
        mov     al, 0x08
        out     dx, al
        mov     al, 0xC8
        call    issue
        mov     dx, BM
        mov     al, 0x09
        out     dx, al
        mov     dx, BM + 2
.dma_wait:
        in      al, dx
        test    al, 0x04
        jz      .dma_wait
        mov     al, 0x04
        out     dx, al
        mov     dx, BM
        mov     al, 0x08
        out     dx, al
        call    wait_ready
        add     ebx, 256
        dec     bp
        jnz     .dma_command
        PRINT   "dma done", 10
        PASS

; issue: LBA28 command AL for 256 sectors at LBA EBX on the master.
issue:
        push    ax
        call    wait_ready
        mov     dx, ATA + 2
        xor     al, al              ; 0 = 256 sectors
        out     dx, al
        mov     eax, ebx
        inc     dx
        out     dx, al
        shr     eax, 8
        inc     dx
        out     dx, al
        shr     eax, 8
        inc     dx
        out     dx, al
        shr     eax, 8
        and     al, 0x0F
        or      al, 0xE0
        inc     dx
        out     dx, al
        pop     ax
        inc     dx
        out     dx, al
        ret

wait_ready:
        mov     dx, ATA_STATUS
.poll:  in      al, dx
        test    al, 0x88
        jnz     .poll
        ret

wait_drq:
        mov     dx, ATA_STATUS
.poll:  in      al, dx
        test    al, 0x80
        jnz     .poll
        test    al, 0x08
        jz      .poll
        ret

        ROM_END start

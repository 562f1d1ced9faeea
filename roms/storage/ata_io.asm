; ata_io.asm - writes patterns to the primary master disk through ATA PIO
; (WRITE SECTORS, 16-bit data port) and bus-master DMA (WRITE DMA over a
; two-entry PRD table), flushes, reads both back (READ SECTORS with 32-bit
; data accesses, READ DMA) and compares. The host then checks the image
; file itself (tests/unit/pc/ata_rom_test.cpp): sectors 1-4 hold pattern A,
; 8-15 pattern B, everything else is untouched.
;
; Pattern A, word i of sector s: (s << 8 | i) ^ 0xA55A   (i = 0..255)
; Pattern B, word i of sector s: (s << 8 | i) ^ 0x3CC3
;
; No BIOS runs: the ROM programs the PIIX3 IDE function itself (BAR4 at
; C000h, I/O decode and bus mastering on).

%define TEST_AREA "ata_io"
%include "tx86.inc"

ATA             equ 0x1F0
ATA_STATUS      equ ATA + 7
ATA_CONTROL     equ 0x3F6
BM              equ 0xC000
PRD             equ 0x9000          ; PRD table (physical)
BUF_SEG         equ 0x1000          ; 10000h: 4 KiB of pattern B to write
READ_SEG        equ 0x3000          ; 30000h: where things are read back

        cpu     586

start:
        INIT_REAL_MODE

; ---- the IDE function: BAR4 and the command register ----------------------
        mov     dx, 0xCF8
        mov     eax, 0x80000920     ; bus 0, device 1, function 1, BAR4
        out     dx, eax
        mov     dx, 0xCFC
        mov     eax, BM | 1
        out     dx, eax
        mov     dx, 0xCF8
        mov     eax, 0x80000904     ; command
        out     dx, eax
        mov     dx, 0xCFC
        mov     ax, 0x0005          ; I/O space, bus master
        out     dx, ax

        mov     dx, ATA_CONTROL
        mov     al, 0x02            ; nIEN: this ROM polls
        out     dx, al
        call    wait_ready
        CHECK_EQ al, 0x50, "ready after reset"

; ---- PIO write: 4 sectors of pattern A at LBA 1 ---------------------------
        mov     cl, 4
        mov     ebx, 1
        mov     al, 0x30            ; WRITE SECTORS
        call    issue
        mov     si, 1               ; sector number
.pio_sector:
        call    wait_drq
        mov     dx, ATA
        xor     cx, cx              ; word index
.pio_word:
        mov     ax, si
        shl     ax, 8
        or      al, cl
        xor     ax, 0xA55A
        out     dx, ax
        inc     cl
        jnz     .pio_word           ; 256 words
        inc     si
        cmp     si, 5
        jb      .pio_sector
        call    wait_ready
        CHECK_EQ al, 0x50, "status after PIO write"

        mov     al, 0xE7            ; FLUSH CACHE
        mov     dx, ATA_STATUS
        out     dx, al
        call    wait_ready
        CHECK_EQ al, 0x50, "status after flush"

; ---- PIO read back with 32-bit accesses -----------------------------------
        mov     cl, 4
        mov     ebx, 1
        mov     al, 0x20            ; READ SECTORS
        call    issue
        mov     ax, READ_SEG
        mov     es, ax
        xor     di, di
        mov     si, 4
.pio_read:
        call    wait_drq
        mov     dx, ATA
        mov     cx, 128
        rep     insd
        dec     si
        jnz     .pio_read
        call    wait_ready
        CHECK_EQ al, 0x50, "status after PIO read"
        xor     di, di
        mov     si, 1
        mov     bp, 0xA55A
        mov     cx, 4
        call    compare
        CHECK_EQ ax, 0, "PIO read-back"

; ---- DMA write: 8 sectors of pattern B at LBA 8, from two regions ---------
        mov     ax, BUF_SEG
        mov     es, ax
        xor     di, di
        mov     si, 8
.fill_sector:
        xor     cx, cx
.fill_word:
        mov     ax, si
        shl     ax, 8
        or      al, cl
        xor     ax, 0x3CC3
        stosw
        inc     cl
        jnz     .fill_word
        inc     si
        cmp     si, 16
        jb      .fill_sector
        ; PRD 1: 10000h, 1536 bytes; PRD 2: 10600h, 2560 bytes, end of table
        mov     dword [PRD], 0x10000
        mov     dword [PRD + 4], 1536
        mov     dword [PRD + 8], 0x10600
        mov     dword [PRD + 12], 0x80000000 | 2560
        mov     dx, BM + 4
        mov     eax, PRD
        out     dx, eax
        mov     dx, BM
        mov     al, 0x00            ; from memory, stopped
        out     dx, al
        mov     cl, 8
        mov     ebx, 8
        mov     al, 0xCA            ; WRITE DMA
        call    issue
        mov     dx, BM
        mov     al, 0x01            ; start
        out     dx, al
        call    wait_dma
        CHECK_EQ al, 0x04, "bus-master status after DMA write"
        call    wait_ready
        CHECK_EQ al, 0x50, "status after DMA write"

; ---- DMA read back into one region ----------------------------------------
        mov     dword [PRD], 0x30000
        mov     dword [PRD + 4], 0x80000000 | 4096
        mov     dx, BM
        mov     al, 0x08            ; to memory, stopped
        out     dx, al
        mov     cl, 8
        mov     ebx, 8
        mov     al, 0xC8            ; READ DMA
        call    issue
        mov     dx, BM
        mov     al, 0x09            ; start, to memory
        out     dx, al
        call    wait_dma
        CHECK_EQ al, 0x04, "bus-master status after DMA read"
        call    wait_ready
        CHECK_EQ al, 0x50, "status after DMA read"
        mov     ax, READ_SEG
        mov     es, ax
        xor     di, di
        mov     si, 8
        mov     bp, 0x3CC3
        mov     cx, 8
        call    compare
        CHECK_EQ ax, 0, "DMA read-back"

        mov     al, 0xE7            ; FLUSH CACHE
        mov     dx, ATA_STATUS
        out     dx, al
        call    wait_ready
        CHECK_EQ al, 0x50, "status after the last flush"
        PASS

; ---- helpers ----------------------------------------------------------------

; issue: LBA28 command AL for CL sectors at LBA EBX on the master.
issue:
        push    ax
        call    wait_ready
        mov     dx, ATA + 2
        mov     al, cl
        out     dx, al
        mov     eax, ebx
        inc     dx                  ; 1F3: LBA 7-0
        out     dx, al
        shr     eax, 8
        inc     dx
        out     dx, al
        shr     eax, 8
        inc     dx
        out     dx, al
        shr     eax, 8
        and     al, 0x0F
        or      al, 0xE0            ; LBA, master
        inc     dx
        out     dx, al
        pop     ax
        inc     dx                  ; 1F7
        out     dx, al
        ret

; wait_ready: status in AL once BSY is clear (and DRQ too).
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

; wait_dma: bus-master status (active, error, interrupt bits) in AL once the
; interrupt bit is set; then stops the engine and clears the bit.
wait_dma:
        mov     dx, BM + 2
.poll:  in      al, dx
        test    al, 0x04
        jz      .poll
        and     al, 0x07
        push    ax
        mov     dx, BM
        in      al, dx
        and     al, 0x08
        out     dx, al              ; stop
        mov     dx, BM + 2
        mov     al, 0x04
        out     dx, al              ; clear interrupt
        pop     ax
        ret

; compare: CX sectors at ES:DI against pattern (s << 8 | i) ^ BP from sector
; SI; AX = 0 when all match, 1 otherwise.
compare:
.sector:
        push    cx
        xor     cx, cx
.word:
        mov     ax, si
        shl     ax, 8
        or      al, cl
        xor     ax, bp
        cmp     ax, [es:di]
        jne     .bad
        add     di, 2
        inc     cl
        jnz     .word
        pop     cx
        inc     si
        loop    .sector
        xor     ax, ax
        ret
.bad:   pop     cx
        mov     ax, 1
        ret

        ROM_END start

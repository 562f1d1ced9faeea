; pc_timers.asm - the PC's timers and interrupt controllers seen from the
; guest: PIT channel 0 through the 8259 on IRQ0, the RTC periodic interrupt
; on IRQ8 through the slave 8259, PIT channel 2 gated and read through port
; 61h, the counter latch, and the TSC keeping time with the PIT (they share
; one time base, as SeaBIOS's and Linux's calibrations require).
;
; The rates: PIT channel 0 in mode 2 with count 1193 (1000.15 Hz); the RTC
; at rate 6 (1024 Hz). 100 PIT interrupts take 99.985 ms, in which the RTC
; interrupts 102 or 103 times.

%define TEST_AREA "pc_timers"
%include "tx86.inc"

PIT_COUNT       equ 0x0600          ; word: IRQ0 count
RTC_COUNT       equ 0x0602          ; word: IRQ8 count
ISR_SEEN        equ 0x0604          ; byte: master ISR as seen inside IRQ0
TSC_START       equ 0x0610          ; dword
TSC_END         equ 0x0614          ; dword

        cpu     586

start:
        INIT_REAL_MODE              ; also masks both PICs
        mov     word [PIT_COUNT], 0
        mov     word [RTC_COUNT], 0
        mov     byte [ISR_SEEN], 0
        SET_IVT 0x08, irq0
        SET_IVT 0x70, irq8

; A CPU with a local APIC (not tx86's, but QEMU's default one) passes
; 8259 interrupts on only through LINT0 in ExtINT mode, as a BIOS sets it
; up: enable the APIC and program LVT0, from unreal mode to reach FEE00000.
        mov     eax, 1
        cpuid
        test    edx, 1 << 9
        jz      .no_apic
        lgdt    [cs:unreal_gdtr]
        mov     eax, cr0
        or      al, 1
        mov     cr0, eax
        mov     bx, 8
        mov     fs, bx              ; a 4 GiB data segment
        and     al, ~1
        mov     cr0, eax
        xor     bx, bx
        mov     fs, bx              ; base 0, the 4 GiB limit stays
        mov     ebx, 0xFEE00000
        or      dword [fs:ebx + 0xF0], 0x100        ; SVR: software enable
        mov     dword [fs:ebx + 0x350], 0x00000700  ; LVT0: ExtINT
.no_apic:

; ---- 8259 pair: the BIOS layout, vectors 08h and 70h -----------------------
        mov     al, 0x11            ; ICW1: edge, cascade, ICW4 follows
        out     0x20, al
        out     0xA0, al
        mov     al, 0x08            ; ICW2
        out     0x21, al
        mov     al, 0x70
        out     0xA1, al
        mov     al, 0x04            ; ICW3: slave on IR2
        out     0x21, al
        mov     al, 0x02            ; ICW3: slave ID 2
        out     0xA1, al
        mov     al, 0x01            ; ICW4: 8086 mode
        out     0x21, al
        out     0xA1, al
        mov     al, 0xFA            ; unmask IRQ0 and the cascade
        out     0x21, al
        in      al, 0x21
        CHECK_EQ al, 0xFA, "pic imr reads back"
        mov     al, 0xFE            ; unmask IRQ8
        out     0xA1, al

; ---- PIT channel 0: mode 2, count 1193 -------------------------------------
        mov     al, 0x34            ; channel 0, lobyte/hibyte, mode 2, binary
        out     0x43, al
        mov     ax, 1193
        out     0x40, al
        mov     al, ah
        out     0x40, al

; ---- RTC: periodic interrupt at 1024 Hz ------------------------------------
        mov     al, 0x8A            ; register A (NMI stays masked)
        out     0x70, al
        mov     al, 0x26            ; 32.768 kHz divider, rate 6
        out     0x71, al
        mov     al, 0x8B
        out     0x70, al
        in      al, 0x71
        or      al, 0x40            ; PIE
        mov     ah, al
        mov     al, 0x8B
        out     0x70, al
        mov     al, ah
        out     0x71, al
        mov     al, 0x8C            ; clear pending flags
        out     0x70, al
        in      al, 0x71

; ---- 100 timer ticks, idling in HLT ----------------------------------------
        rdtsc
        mov     [TSC_START], eax
        sti
.wait:  hlt
        cmp     word [PIT_COUNT], 100
        jb      .wait
        cli
        rdtsc
        mov     [TSC_END], eax

        mov     ax, [RTC_COUNT]
        cmp     ax, 100
        TX86_FAIL_IF b, "rtc 1024 Hz against pit 1 kHz (too few)"
        cmp     ax, 105
        TX86_FAIL_IF a, "rtc 1024 Hz against pit 1 kHz (too many)"
        test    byte [ISR_SEEN], 0x01
        TX86_FAIL_IF z, "isr bit 0 set inside the irq0 handler"
        ; 100 ticks are 99.985 ms: a 1 GHz TSC counts 99.985 million, and
        ; the PIT/TSC ratio must hold to 2% on any TSC frequency above
        ; 100 MHz: check the TSC delta is 1000 x the PIT ticks' worth within
        ; a wide band (0.5 .. 10 million cycles per tick).
        mov     eax, [TSC_END]
        sub     eax, [TSC_START]
        cmp     eax, 50000000
        TX86_FAIL_IF b, "tsc too slow against the pit"
        cmp     eax, 1000000000
        TX86_FAIL_IF a, "tsc too fast against the pit"

; ---- PIT channel 2 through port 61h, as SeaBIOS calibrates the TSC ----------
        in      al, 0x61
        and     al, 0xFC            ; gate off, speaker off
        out     0x61, al
        mov     al, 0xB0            ; channel 2, lobyte/hibyte, mode 0
        out     0x43, al
        mov     al, 0x00
        out     0x42, al
        mov     al, 0x08            ; count 0x800
        out     0x42, al
        in      al, 0x61
        test    al, 0x20
        TX86_FAIL_IF nz, "out2 low after mode 0 count"
        in      al, 0x61
        or      al, 0x01            ; gate on: counting starts
        out     0x61, al
        rdtsc
        mov     ebx, eax
.spin:  in      al, 0x61
        test    al, 0x20
        jz      .spin
        rdtsc
        sub     eax, ebx            ; 0x800 / 1.193182 MHz = 1.7164 ms
        mov     ecx, [TSC_END]      ; compare with the 100-tick span: the
        sub     ecx, [TSC_START]    ; ratio must be 99.985 / 1.7164 = 58.25
        xchg    eax, ecx
        xor     edx, edx
        div     ecx                 ; eax = span / ch2 time
        cmp     eax, 52             ; +-10%: host timing noise under QEMU
        TX86_FAIL_IF b, "pit ch2 against ch0 via the tsc (ratio low)"
        cmp     eax, 64
        TX86_FAIL_IF a, "pit ch2 against ch0 via the tsc (ratio high)"

; ---- counter latch: channel 2 counts down in mode 2 -------------------------
        mov     al, 0xB4            ; channel 2, lobyte/hibyte, mode 2
        out     0x43, al
        mov     al, 0xFF
        out     0x42, al
        out     0x42, al
        mov     cx, 5000            ; the count loads on the next PIT clock
.load:  loop    .load               ; (8254 datasheet, mode 2)
        mov     al, 0x80            ; latch channel 2
        out     0x43, al
        in      al, 0x42
        mov     ah, al
        in      al, 0x42
        xchg    al, ah
        mov     bx, ax
        mov     cx, 20000           ; well over one PIT clock
.delay: loop    .delay
        mov     al, 0x80
        out     0x43, al
        in      al, 0x42
        mov     ah, al
        in      al, 0x42
        xchg    al, ah
        cmp     ax, bx
        TX86_FAIL_IF ae, "pit ch2 counts down between latches"

        PASS

        align   8
unreal_gdt:
        dq      0
        dq      0x00CF92000000FFFF  ; flat 4 GiB writable data
unreal_gdtr:
        dw      15
        dd      0xF0000 + unreal_gdt

; IRQ0: count, remember the in-service register, end of interrupt.
irq0:   push    ax
        inc     word [cs:0]         ; harmless write to ROM: ignored
        push    ds
        xor     ax, ax
        mov     ds, ax
        inc     word [PIT_COUNT]
        mov     al, 0x0B            ; OCW3: read ISR
        out     0x20, al
        in      al, 0x20
        or      [ISR_SEEN], al
        mov     al, 0x0A            ; back to IRR
        out     0x20, al
        mov     al, 0x20            ; non-specific EOI
        out     0x20, al
        pop     ds
        pop     ax
        iret

; IRQ8: reading register C acknowledges the RTC; EOI to both 8259s.
irq8:   push    ax
        push    ds
        xor     ax, ax
        mov     ds, ax
        inc     word [RTC_COUNT]
        mov     al, 0x8C
        out     0x70, al
        in      al, 0x71
        mov     al, 0x20
        out     0xA0, al
        out     0x20, al
        pop     ds
        pop     ax
        iret

        ROM_END start

; interrupt_window.asm - the one-instruction window of a "sti; nop; cli"
; wait loop, the way SeaBIOS waits for the floppy's IRQ: with an IRQ
; already pending, STI holds it off for exactly one instruction (the STI
; shadow, SDM Vol. 2B "STI"), so it is taken after the NOP and before the
; CLI. (The JIT used to run "nop; cli" as one block after the STI, and
; the loop then never saw its interrupt.) The same for MOV SS, whose
; shadow also lasts one instruction, and for a shadow that ends in a
; block of several instructions.

%define TEST_AREA "interrupt_window"
%include "tx86.inc"

IRQ_COUNT       equ 0x0600          ; word: IRQ0 handler runs

        cpu     586

start:
        INIT_REAL_MODE
        mov     word [IRQ_COUNT], 0
        SET_IVT 0x08, irq0
        mov     al, 0x11            ; ICW1: edge, cascade, ICW4 follows
        out     0x20, al
        mov     al, 0x08            ; ICW2: vectors 08h-0Fh
        out     0x21, al
        mov     al, 0x04            ; ICW3: a slave on IR2
        out     0x21, al
        mov     al, 0x01            ; ICW4: 8086 mode
        out     0x21, al
        mov     al, 0xFE            ; only IRQ0
        out     0x21, al
        mov     al, 0x34            ; PIT channel 0, lobyte/hibyte, mode 2
        out     0x43, al
        mov     ax, 1000            ; about 840 us
        out     0x40, al
        mov     al, ah
        out     0x40, al
        mov     al, 0x0A            ; OCW3: reads of port 20h give the IRR
        out     0x20, al

; ---- sti; nop; cli with IRQ0 pending: taken after the nop ------------------
        call    wait_pending
        mov     bx, [IRQ_COUNT]
        sti
        nop
        cli
        sub     bx, [IRQ_COUNT]
        CHECK_EQ bx, -1, "irq0 taken in the sti; nop; cli window"

; ---- the same with more instructions after the window ---------------------
        call    wait_pending
        mov     bx, [IRQ_COUNT]
        sti
        inc     dx
        cli
        inc     dx
        inc     dx
        sub     bx, [IRQ_COUNT]
        CHECK_EQ bx, -1, "irq0 taken after the instruction following sti"

; ---- mov ss holds it off for one instruction too ---------------------------
        call    wait_pending
        mov     bx, [IRQ_COUNT]
        xor     ax, ax
        sti                         ; (not in the shadow: mov ss follows)
        mov     ss, ax
        cli
        sub     bx, [IRQ_COUNT]
        CHECK_EQ bx, 0, "no irq0 between mov ss and the next instruction"
        mov     bx, [IRQ_COUNT]
        sti
        nop
        cli
        sub     bx, [IRQ_COUNT]
        CHECK_EQ bx, -1, "irq0 once the mov ss shadow is over"

; ---- popf that sets IF: no shadow, the pending irq0 comes right after it --
; (The JIT's block goes on after a POPF unless it enabled interrupts with
; one waiting, a CLI never ends a block: both must still be exact.)
        call    wait_pending
        pushf
        pop     ax
        or      ax, 0x0200
        push    ax
        mov     bx, [IRQ_COUNT]
        popf
        mov     cx, [IRQ_COUNT]
        cli
        sub     cx, bx
        CHECK_EQ cx, 1, "irq0 taken right after popf set IF"
        call    wait_pending
        pushf
        pop     ax
        and     ax, ~0x0200
        push    ax
        mov     bx, [IRQ_COUNT]
        popf                        ; IF stays clear
        mov     cx, [IRQ_COUNT]
        sub     cx, bx
        CHECK_EQ cx, 0, "no irq0 after popf left IF clear"
        sti
        nop
        cli
        PASS

; wait_pending: with interrupts off, until IRQ0 is pending in the IRR.
wait_pending:
        mov     ecx, 10000000
.poll:  in      al, 0x20
        test    al, 0x01
        jnz     .done
        dec     ecx
        jnz     .poll
        FAIL    "irq0 never became pending"
.done:  ret

irq0:   push    ax
        push    ds
        xor     ax, ax
        mov     ds, ax
        inc     word [IRQ_COUNT]
        mov     al, 0x20            ; non-specific EOI
        out     0x20, al
        pop     ds
        pop     ax
        iret

        ROM_END start

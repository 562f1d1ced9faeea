; shutdown.asm - a triple fault puts the processor in shutdown.
;
; In protected mode with an IDT limit of 0, every vector is beyond the
; IDT: INT 20h raises #GP(20h*8+2); delivering that #GP faults the same
; way, and a contributory fault during a contributory fault's delivery is
; #DF (SDM Vol. 3A 6.15, table 6-5); when delivering #DF faults too, the
; processor enters shutdown (SDM 6.15, interrupt 8). A PC turns shutdown
; into a reset; with QEMU's -no-reboot (or tx86's --no-reboot) the run
; ends instead. So this ROM does not exit through the debug-exit port on
; success: reaching the code after the INT is the failure.
;
; tx86-test: --no-reboot expect 6

%define TEST_AREA "shutdown"
%include "tx86.inc"
%include "pm.inc"

IDTR_ZERO       equ 0x0600          ; a 6-byte IDTR image: limit 0, base 0

start:
        INIT_REAL_MODE
        PM_ENTER
        mov     word [IDTR_ZERO], 0
        mov     dword [IDTR_ZERO + 2], 0
        lidt    [IDTR_ZERO]
        PRINT32 "shutdown: triple fault next", 10
        int     0x20
        FAIL32  "execution continued after the triple fault"

bits 16
gdt_table:
        GDT_STD
gdt_table_end:

        ROM_END start

; v86.asm - virtual-8086 mode (SDM Vol. 3B chapter 20; CR4.VME = 0).
;
; Ring 0 enters V86 with IRETD (VM=1 in the EFLAGS image, SDM 20.2.5) and
; runs real-mode style code at F000:xxxx. With IOPL=3, CLI STI PUSHF POPF
; IRET work directly and INT n goes through the protected-mode IDT to a
; ring-0 handler, which sees a frame with GS FS DS ES SS ESP EFLAGS CS EIP
; and DS..GS zeroed (SDM 20.3.1.1). With IOPL<3 those instructions raise
; #GP(0) (SDM 20.2.7) and a ring-0 monitor emulates them against a virtual
; IF (INT n reflected through the real-mode IVT). Exceptions go to ring 0
; whatever the IOPL; INT3 is not IOPL-sensitive; IN/OUT are governed by
; the TSS I/O bitmap only (SDM 20.2.8.1). V86 exits with INT 30h
; (TO_RING0), emulated by the monitor when IOPL<3.

%define TEST_AREA "v86"
%include "tx86.inc"
%include "pm.inc"

VIF             equ 0x0600          ; the monitor's virtual IF (byte)
MON_LOGN        equ 0x0604          ; number of instructions emulated
MON_LOG         equ 0x0608          ; their opcodes (16 bytes)
V86_MARK        equ 0x0620          ; set by the V86 INT 21h handler,
V86_HFLAGS      equ 0x0622          ;   with the FLAGS it saw
V86_SP          equ 0x8000          ; V86 SS:SP = 0000:8000
V86_ES          equ 0x0B00          ; distinctive V86 segment registers
V86_FS          equ 0x0C00          ;   (their paragraphs are free RAM)
V86_GS          equ 0x0D00
V86_EFL_MASK    equ 0x0DD5          ; CF PF AF ZF SF TF DF OF

; TO_V86 eflags, label: IRETD from ring 0 into V86 at F000:label.
%macro TO_V86 2
        push    dword V86_GS
        push    dword V86_FS
        push    dword 0                 ; DS
        push    dword V86_ES
        push    dword 0                 ; SS
        push    dword V86_SP
        push    dword F_VM | (%1) | F_RSVD1
        push    dword ROM_SEG
        push    dword %2
        iretd
%endmacro

; V_EXPECT vector, error, eip_label, "name", instruction (16-bit code):
; one exception recorded by the stubs with these values.
%macro V_EXPECT 5+
        mov     dword [EXC_COUNT], 0
        mov     dword [EXC_RESUME], %%after
%%insn: %5
%%after:
        mov     dword [EXC_RESUME], 0
        CHECK_EQ dword [EXC_COUNT], 1, %4, " taken"
        CHECK_EQ dword [EXC_VEC], %1, %4, " vector"
        CHECK_EQ dword [EXC_ERR], %2, %4, " error code"
%ifidn %3, fault
        CHECK_EQ dword [EXC_EIP], %%insn, %4, " eip"
%else
        CHECK_EQ dword [EXC_EIP], %%after, %4, " eip"
%endif
        CHECK_EQ dword [EXC_CS], ROM_SEG, %4, " cs"
%endmacro

; V_NONE "name", instruction: no exception.
%macro V_NONE 2+
        mov     dword [EXC_COUNT], 0
        mov     dword [EXC_RESUME], %%after
        %2
%%after:
        mov     dword [EXC_RESUME], 0
        CHECK_EQ dword [EXC_COUNT], 0, %1
%endmacro

start:
        INIT_REAL_MODE
        PM_ENTER
        SET_GATE 13, SEL_CODE32, gp_monitor, ACC_INTGATE32
        SET_GATE 3, SEL_CODE32, exc_stubs + 3 * PM_STUB_SIZE, ACC_INTGATE32 | ACC_DPL3
        SET_GATE 0x42, SEL_CODE32, exc_stubs + 0x42 * PM_STUB_SIZE, ACC_INTGATE32 | ACC_DPL3
        mov     word [0x21 * 4], v86_int21      ; real-mode IVT entry for INT 21h
        mov     word [0x21 * 4 + 2], ROM_SEG
        and     byte [TSS_BASE + IOMAP_OFFSET + 0x80 / 8], ~0x01 & 0xFF ; allow 80h

; ---- V86 with IOPL 3 --------------------------------------------------------------------
        TO_V86  F_IOPL3, v86_iopl3
bits 16
v86_iopl3:
        mov     ax, cs
        CHECK_EQ ax, ROM_SEG, "v86 cs"
        mov     ax, ss
        CHECK_EQ ax, 0, "v86 ss"
        CHECK_EQ esp, V86_SP, "v86 esp"
        mov     ax, es
        CHECK_EQ ax, V86_ES, "v86 es"
        mov     ax, fs
        CHECK_EQ ax, V86_FS, "v86 fs"
        mov     ax, gs
        CHECK_EQ ax, V86_GS, "v86 gs"
        ; Real-mode addressing: base = selector * 16, even after a reload.
        mov     word [es:0x10], 0xBEEF
        CHECK_EQ word [V86_ES * 16 + 0x10], 0xBEEF, "v86 es base"
        mov     ax, V86_ES + 1
        mov     es, ax
        CHECK_EQ word [es:0], 0xBEEF, "v86 segment reload"
        ; PUSHFD never shows VM (or RF); IOPL 3 is visible.
        pushfd
        pop     eax
        test    eax, F_VM | F_RF
        TX86_FAIL_IF nz, "v86 pushfd vm"
        and     ax, 0x3000
        CHECK_EQ ax, 0x3000, "v86 pushf iopl"
        sti
        CHECK_FLAGS F_IF, F_IF, "v86 sti iopl3"
        cli
        CHECK_FLAGS F_IF, 0, "v86 cli iopl3"
        push    word F_IF | F_RSVD1     ; IOPL 0 in the image: ignored
        popf
        pushf
        pop     ax
        and     ax, F_IF | 0x3000
        CHECK_EQ ax, F_IF | 0x3000, "v86 popf iopl3: if set, iopl kept"
        cli
        pushf                           ; 16-bit IRET within V86
        push    cs
        push    word .iret_target
        iret
        FAIL    "v86 iret iopl3"
.iret_target:
        ; INT n with IOPL 3 goes through the IDT to ring 0 (SDM 20.3.1.1).
        V_EXPECT 0x42, 0, trap, "v86 int 42 iopl3", {int 0x42}
        test    dword [EXC_EFLAGS], F_VM
        TX86_FAIL_IF z, "v86 int pushed vm"
        CHECK_EQ dword [EXC_ESP], V86_SP, "v86 int pushed esp"
        CHECK_EQ dword [EXC_SS], 0, "v86 int pushed ss"
        CHECK_EQ dword [EXC_VES], V86_ES + 1, "v86 int pushed es"
        CHECK_EQ dword [EXC_VDS], 0, "v86 int pushed ds"
        CHECK_EQ dword [EXC_VFS], V86_FS, "v86 int pushed fs"
        CHECK_EQ dword [EXC_VGS], V86_GS, "v86 int pushed gs"
        CHECK_EQ word [EXC_HSS], SEL_DATA32, "v86 int handler ss = ss0"
        CHECK_EQ dword [EXC_FRAME], STACK_TOP - 36, "v86 int handler esp"
        CHECK_EQ word [EXC_HDS], 0, "v86 int handler ds zeroed"
        CHECK_EQ word [EXC_HES], 0, "v86 int handler es zeroed"
        CHECK_EQ word [EXC_HFS], 0, "v86 int handler fs zeroed"
        CHECK_EQ word [EXC_HGS], 0, "v86 int handler gs zeroed"
        mov     ax, es
        CHECK_EQ ax, V86_ES + 1, "v86 es restored by iret"
        V_EXPECT 3, 0, trap, "v86 int3", {int3}
        xor     cx, cx
        V_EXPECT 0, 0, fault, "v86 #de", {div cx}
        V_EXPECT 6, 0, fault, "v86 lar #ud", {lar ax, bx}
        V_EXPECT 6, 0, fault, "v86 arpl #ud", {arpl ax, bx}
        ; I/O: the bitmap decides, even at IOPL 3.
        V_NONE  "v86 in allowed port iopl3", {in al, 0x80}
        V_EXPECT 13, 0, fault, "v86 in denied port iopl3", {in al, 0x81}
        TO_RING0
bits 32
        CHECK_SEL32 cs, SEL_CODE32, "back from v86 cs"
        CHECK_FLAGS32 F_VM, 0, "back from v86 vm"
        CHECK_EQ32 dword [MON_LOGN], 0, "iopl3: nothing emulated"

; ---- V86 with IOPL 0: the monitor emulates ---------------------------------------------------
        mov     byte [VIF], 1
        TO_V86  F_IOPL0, v86_iopl0
bits 16
v86_iopl0:
        ; No PUSHF here except under test: it would be emulated too.
        cli
        CHECK_EQ byte [VIF], 0, "monitor cli"
        sti
        CHECK_EQ byte [VIF], 1, "monitor sti"
        pushf
        pop     ax
        test    ax, F_IF
        TX86_FAIL_IF z, "monitor pushf if=1"
        cli
        pushf
        pop     ax
        test    ax, F_IF
        TX86_FAIL_IF nz, "monitor pushf if=0"
        push    word F_IF | F_CF
        popf
        TX86_FAIL_IF nc, "monitor popf cf"
        CHECK_EQ byte [VIF], 1, "monitor popf if"
        mov     word [V86_MARK], 0
        int     0x21                    ; reflected through the IVT
        CHECK_EQ word [V86_MARK], 0x2121, "monitor int 21 reflected"
        test    word [V86_HFLAGS], F_IF
        TX86_FAIL_IF nz, "monitor int clears virtual if"
        CHECK_EQ byte [VIF], 1, "monitor iret restores virtual if"
        CHECK_EQ dword [MON_LOGN], 9, "monitor emulation count"
        mov     si, MON_LOG
        mov     di, .expected_log
        mov     cx, 9
.cmp:   mov     al, [si]
        CHECK_EQ al, [cs:di], "monitor emulation order"
        inc     si
        inc     di
        loop    .cmp
        ; INT3 is not IOPL-sensitive: IDT gate 3 (DPL3), not #GP.
        V_EXPECT 3, 0, trap, "v86 int3 iopl0", {int3}
        V_NONE  "v86 out allowed port iopl0", {out 0x80, al}
        V_EXPECT 13, 0, fault, "v86 out denied port iopl0", {out 0x81, al}
        TO_RING0                        ; #GP, the monitor leaves V86
bits 32
        CHECK_SEL32 cs, SEL_CODE32, "monitor exit cs"
        CHECK_EQ32 dword [MON_LOGN], 9, "monitor exit not logged"
        PASS32

.expected_log:
        db      0xFA, 0xFB, 0x9C, 0xFA, 0x9C, 0x9D, 0xCD, 0x9C, 0xCF

; ---- the V86 INT 21h handler (reached through the IVT by the monitor) -----------------------
bits 16
v86_int21:
        pushf
        pop     ax
        mov     [V86_HFLAGS], ax
        mov     word [V86_MARK], 0x2121
        iret
bits 32

; ---- the #GP monitor ------------------------------------------------------------------------------
; Emulates CLI STI PUSHF POPF INT n IRET for V86 code with IOPL<3 (no
; prefixes), logging each opcode; INT 30h leaves V86 like TO_RING0. Every
; other #GP goes to the recording stub.
gp_monitor:
        test    dword [esp + 12], F_VM  ; [esp] = error code, EIP, CS, EFLAGS
        jz      .stub
        push    ebp
        push    eax
        push    ebx
        push    ecx
        push    esi
        push    ds
        mov     ax, SEL_DATA32
        mov     ds, ax
        lea     ebp, [esp + 24]         ; +4 EIP +8 CS +12 EFLAGS +16 ESP +20 SS
        movzx   esi, word [ebp + 8]
        shl     esi, 4
        movzx   eax, word [ebp + 4]
        add     esi, eax                ; ESI = linear CS:IP
        mov     al, [esi]
        cmp     al, 0xFA
        je      .cli
        cmp     al, 0xFB
        je      .sti
        cmp     al, 0x9C
        je      .pushf
        cmp     al, 0x9D
        je      .popf
        cmp     al, 0xCD
        je      .int
        cmp     al, 0xCF
        je      .iret
        pop     ds
        pop     esi
        pop     ecx
        pop     ebx
        pop     eax
        pop     ebp
.stub:  jmp     exc_stubs + 13 * PM_STUB_SIZE
.cli:   mov     byte [VIF], 0
        jmp     .next1
.sti:   mov     byte [VIF], 1
        jmp     .next1
.pushf: call    .push_flags
        jmp     .next1
.popf:  call    .pop
        call    .set_flags
        jmp     .next1
.int:   movzx   esi, byte [esi + 1]     ; the vector (.push clobbers EBX)
        cmp     esi, RING0_VEC
        je      .exit
        call    .push_flags
        mov     ax, [ebp + 8]
        call    .push
        mov     ax, [ebp + 4]
        add     ax, 2
        call    .push
        mov     byte [VIF], 0
        and     dword [ebp + 12], ~F_TF
        mov     ax, [esi * 4]           ; CS:IP from the IVT
        mov     [ebp + 4], ax
        mov     ax, [esi * 4 + 2]
        mov     [ebp + 8], ax
        mov     al, 0xCD
        jmp     .log
.iret:  call    .pop
        mov     [ebp + 4], ax
        call    .pop
        mov     [ebp + 8], ax
        call    .pop
        call    .set_flags
        mov     al, 0xCF
        jmp     .log
.next1: inc     word [ebp + 4]
.log:   mov     ecx, [MON_LOGN]
        mov     [MON_LOG + ecx], al
        inc     dword [MON_LOGN]
        pop     ds
        pop     esi
        pop     ecx
        pop     ebx
        pop     eax
        pop     ebp
        add     esp, 4                  ; the error code
        iretd
.exit:  add     word [ebp + 4], 2       ; past INT 30h: as if it had run
        pop     ds
        pop     esi
        pop     ecx
        pop     ebx
        pop     eax
        pop     ebp
        add     esp, 4
        jmp     pm_ring0_entry
; .push: push AX on the V86 stack. Clobbers EBX ECX. (AL is preserved.)
.push:  sub     word [ebp + 16], 2
        movzx   ebx, word [ebp + 20]
        shl     ebx, 4
        movzx   ecx, word [ebp + 16]
        mov     [ebx + ecx], ax
        ret
; .pop: AX = word popped from the V86 stack. Clobbers EBX ECX.
.pop:   movzx   ebx, word [ebp + 20]
        shl     ebx, 4
        movzx   ecx, word [ebp + 16]
        mov     ax, [ebx + ecx]
        add     word [ebp + 16], 2
        ret
; .push_flags: push the virtual FLAGS image. Keeps AL (the opcode).
.push_flags:
        push    eax
        mov     ax, [ebp + 12]
        and     ax, V86_EFL_MASK
        or      ax, F_RSVD1
        cmp     byte [VIF], 0
        je      .pf1
        or      ax, F_IF
.pf1:   call    .push
        pop     eax
        ret
; .set_flags: load the virtual FLAGS image in AX (IF -> VIF); AL becomes
; 9Dh for the log.
.set_flags:
        test    ax, F_IF
        setnz   byte [VIF]
        and     ax, V86_EFL_MASK
        and     word [ebp + 12], ~V86_EFL_MASK & 0xFFFF
        or      [ebp + 12], ax
        mov     al, 0x9D
        ret

bits 16
gdt_table:
        GDT_STD
gdt_table_end:

        ROM_END start

; paging.asm - 32-bit paging (SDM Vol. 3A chapter 4, 2-level non-PAE).
;
; 4 KiB pages and a 4 MiB page (CR4.PSE); the accessed and dirty bits set
; by the page walk (a read sets A only; a write sets D; in the PDE of a
; 4 MiB page too; SDM 4.8); U/S and R/W from CPL3 and from CPL0 with
; CR0.WP = 0 and 1, combining PDE and PTE (SDM 4.6); #PF error codes (P,
; W/R, U/S) and CR2 for not-present PTEs and PDEs and protection faults
; (SDM 4.7); INVLPG and CR3 reloads make a changed PTE take effect (a stale
; translation before that is allowed, so it is not checked; SDM 4.10.4),
; for code too: a hot far call into a remapped page runs the new code
; (after INVLPG, and after a CR3 load for a page that is not global);
; a hot instruction that crosses into the next page reads its bytes there
; through that page's current mapping, and faults there with CR2 at it.

%define TEST_AREA "paging"
%include "tx86.inc"
%include "pm.inc"
cpu 586                                 ; INVLPG (486), CR4 (Pentium)

PAGE_DIR        equ 0x10000
PT0             equ 0x11000         ; 0-4 MiB, 4 KiB pages, 1:1
PT_SUPER        equ 0x12000         ; table under a supervisor-only PDE
PT_RO           equ 0x13000         ; table under a read-only PDE

PG_P            equ 0x001
PG_W            equ 0x002
PG_U            equ 0x004
PG_A            equ 0x020
PG_D            equ 0x040
PG_PS           equ 0x080
PG_PWU          equ PG_P | PG_W | PG_U

PF_P            equ 1               ; #PF error code: protection (else not present)
PF_W            equ 2               ;   write
PF_U            equ 4               ;   CPL3

PAGE_AD         equ 0x300000        ; A/D test page, user, writable
PAGE_SUPER      equ 0x301000        ; supervisor-only page
PAGE_RO         equ 0x302000        ; user read-only page
PAGE_NP         equ 0x303000        ; not-present PTE
PAGE_REMAP      equ 0x304000        ; INVLPG test, maps FRAME_1/2/3
FRAME_1         equ 0x305000
FRAME_2         equ 0x306000
FRAME_3         equ 0x307000
CODE_REMAP      equ 0x308000        ; code: maps FRAME_4, then FRAME_5
SEL_FLAT_CODE   equ SEL_FIRST_FREE  ; to run it (the ROM's code segments are at F0000h)
FRAME_4         equ 0x309000
FRAME_5         equ 0x30A000
STRADDLE_PAGE   equ 0x30B000        ; code: 1:1, its last instruction runs into...
STRADDLE_NEXT   equ 0x30C000        ; ... this page, which maps FRAME_6 or FRAME_7
STRADDLE        equ STRADDLE_NEXT - 2   ; mov eax, imm32 (B8 and the imm's low byte)
STRADDLE_RESUME equ STRADDLE_PAGE   ; retf, where a fault in it resumes
FRAME_6         equ 0x30D000
FRAME_7         equ 0x30E000
BIG_PAGE        equ 0x400000        ; 4 MiB page (PDE 1) -> physical 8 MiB
BIG_ALIAS       equ 0x800000        ; 4 MiB page (PDE 2) identity
PDE_NP_ADDR     equ 0xC00000        ; PDE 3 not present
SUPER_PDE_ADDR  equ 0x1000000       ; PDE 4: U=0 PDE, U=1 PTE
RO_PDE_ADDR     equ 0x1400000       ; PDE 5: R/W=0 PDE, R/W=1 PTE

%define PTE(a)  dword [PT0 + ((a) >> 12) * 4]
%define PDE(a)  dword [PAGE_DIR + ((a) >> 22) * 4]

; EXPECT_PF error, address, "name", instruction: #PF with that error
; code and CR2, pushed EIP at the instruction.
%macro EXPECT_PF 4+
        EXPECT_FAULT 14, %1, %3, %4
        CHECK_EQ32 dword [ss:EXC_CR2], %2, %3, " cr2"
%endmacro

; STRADDLE_HOT frame, code: the page after STRADDLE maps `frame` (INVLPG
; of that page only), then `code` is called many times: hot, and in a
; JIT's caches (clobbers ECX).
%macro STRADDLE_HOT 2
        mov     PTE(STRADDLE_NEXT), %1 | PG_PWU
        invlpg  [STRADDLE_NEXT]
        mov     ecx, 40
%%call: call    SEL_FLAT_CODE:%2
        loop    %%call
%endmacro

; SET_WP 0|1: CR0.WP (clobbers EAX).
%macro SET_WP 1
        mov     eax, cr0
%if %1
        or      eax, CR0_WP
%else
        and     eax, ~CR0_WP
%endif
        mov     cr0, eax
%endmacro

start:
        INIT_REAL_MODE
        PM_ENTER

; ---- page tables -----------------------------------------------------------------------
        mov     edi, PAGE_DIR           ; clear the directory and the extra tables
        xor     eax, eax
        mov     ecx, 0x4000 / 4
        rep stosd
        mov     edi, PT0                ; 0-4 MiB 1:1, user, writable, A=D=0
        mov     eax, PG_PWU
        mov     ecx, 1024
.fill:  stosd
        add     eax, 0x1000
        loop    .fill
        mov     PTE(PAGE_SUPER), PAGE_SUPER | PG_P | PG_W
        mov     PTE(PAGE_RO), PAGE_RO | PG_P | PG_U
        mov     PTE(PAGE_NP), PAGE_NP | PG_W | PG_U      ; P=0
        mov     PTE(PAGE_REMAP), FRAME_1 | PG_PWU
        mov     PDE(0), PT0 | PG_PWU
        mov     PDE(BIG_PAGE), BIG_ALIAS | PG_PS | PG_PWU
        mov     PDE(BIG_ALIAS), BIG_ALIAS | PG_PS | PG_PWU
        mov     PDE(SUPER_PDE_ADDR), PT_SUPER | PG_P | PG_W        ; U=0
        mov     dword [PT_SUPER], PAGE_AD | PG_PWU
        mov     PDE(RO_PDE_ADDR), PT_RO | PG_P | PG_U               ; W=0
        mov     dword [PT_RO], PAGE_AD | PG_PWU
        mov     dword [FRAME_1], 0x11111111     ; what each frame holds
        mov     dword [FRAME_2], 0x22222222
        mov     dword [FRAME_3], 0x33333333
        mov     dword [PAGE_REMAP], 0x0A0A0A0A  ; seen only with paging off

; ---- paging on -----------------------------------------------------------------------------
        mov     eax, cr4
        or      eax, 0x10               ; CR4.PSE: 4 MiB pages
        mov     cr4, eax
        mov     eax, PAGE_DIR
        mov     cr3, eax
        mov     eax, cr0
        and     eax, ~CR0_WP
        or      eax, CR0_PG
        mov     cr0, eax
        jmp     .paged                  ; SDM 9.9.1
.paged:
        mov     eax, cr0
        test    eax, CR0_PG
        TX86_FAIL_IF32 z, "cr0.pg set"
        test    PDE(0), PG_A
        TX86_FAIL_IF32 z, "pde accessed by code fetch"

; ---- accessed and dirty bits ---------------------------------------------------------------
        mov     eax, [PAGE_AD]
        mov     eax, PTE(PAGE_AD)
        and     eax, PG_A | PG_D
        CHECK_EQ32 eax, PG_A, "read sets a only"
        mov     dword [PAGE_AD], 1
        mov     eax, PTE(PAGE_AD)
        and     eax, PG_A | PG_D
        CHECK_EQ32 eax, PG_A | PG_D, "write sets d"
        and     PTE(PAGE_AD), ~(PG_A | PG_D)
        invlpg  [PAGE_AD]
        mov     dword [PAGE_AD + 4], 2  ; a first access that writes sets both
        mov     eax, PTE(PAGE_AD)
        and     eax, PG_A | PG_D
        CHECK_EQ32 eax, PG_A | PG_D, "first write sets a and d"
        mov     eax, [BIG_PAGE + 0x10]  ; 4 MiB page: A and D live in the PDE
        mov     eax, PDE(BIG_PAGE)
        and     eax, PG_A | PG_D
        CHECK_EQ32 eax, PG_A, "4m page read sets a only"
        mov     dword [BIG_PAGE + 0x10], 0x4444AAAA
        mov     eax, PDE(BIG_PAGE)
        and     eax, PG_A | PG_D
        CHECK_EQ32 eax, PG_A | PG_D, "4m page write sets d"
        CHECK_EQ32 dword [BIG_ALIAS + 0x10], 0x4444AAAA, "4m page frame"
        mov     dword [BIG_ALIAS + 0x3FFFFC], 0x4444BBBB
        CHECK_EQ32 dword [BIG_PAGE + 0x3FFFFC], 0x4444BBBB, "4m page covers 4 MiB"

; ---- supervisor accesses ---------------------------------------------------------------------
        EXPECT_NONE "cpl0 write to supervisor page", {mov dword [PAGE_SUPER], 5}
        EXPECT_NONE "cpl0 write read-only, wp=0", {mov dword [PAGE_RO], 6}
        test    PTE(PAGE_RO), PG_D
        TX86_FAIL_IF32 z, "cpl0 write read-only sets d"
        EXPECT_NONE "cpl0 write ro pde, wp=0", {mov dword [RO_PDE_ADDR], 7}
        SET_WP  1
        EXPECT_PF PF_P | PF_W, PAGE_RO + 8, "cpl0 write read-only, wp=1", {mov dword [PAGE_RO + 8], 7}
        EXPECT_PF PF_P | PF_W, RO_PDE_ADDR + 4, "cpl0 write ro pde, wp=1", {mov dword [RO_PDE_ADDR + 4], 7}
        EXPECT_NONE "cpl0 read read-only, wp=1", {mov eax, [PAGE_RO]}
        CHECK_EQ32 eax, 6, "read-only page data"
; CMPXCHG8B on a quadword whose high half is on the read-only page: a
; locked read-modify-write, it faults before writing either half.
        mov     dword [PAGE_SUPER + 0xFFC], 0x5555AAAA
        mov     eax, 0x5555AAAA         ; EDX:EAX = the quadword: "equal"
        mov     edx, 6
        mov     ebx, 0x12345678
        mov     ecx, 0x9ABCDEF0
        EXPECT_PF PF_P | PF_W, PAGE_RO, "cmpxchg8b, high half read-only", {cmpxchg8b [PAGE_SUPER + 0xFFC]}
        CHECK_EQ32 dword [PAGE_SUPER + 0xFFC], 0x5555AAAA, "cmpxchg8b faults with nothing written"
        CHECK_EQ32 eax, 0x5555AAAA, "cmpxchg8b faults with eax as it was"
        SET_WP  0
        EXPECT_PF 0, PAGE_NP + 0x10, "cpl0 read not-present pte", {mov eax, [PAGE_NP + 0x10]}
        EXPECT_PF PF_W, PAGE_NP + 0xFFC, "cpl0 write not-present pte", {mov dword [PAGE_NP + 0xFFC], eax}
        EXPECT_PF 0, PDE_NP_ADDR + 0x123, "cpl0 read not-present pde", {mov al, [PDE_NP_ADDR + 0x123]}
        EXPECT_PF PF_W, PDE_NP_ADDR, "cpl0 write not-present pde", {mov byte [PDE_NP_ADDR], al}
        mov     eax, PAGE_AD            ; the address is the linear one
        EXPECT_PF 0, PAGE_NP + 0x20, "cpl0 not-present via register", {mov eax, [eax + PAGE_NP - PAGE_AD + 0x20]}

; ---- user accesses (CPL3) -------------------------------------------------------------------
        TO_RING3
        EXPECT_NONE "cpl3 read user page", {mov eax, [PAGE_AD]}
        EXPECT_NONE "cpl3 write user page", {mov dword [PAGE_AD], eax}
        EXPECT_PF PF_P | PF_U, PAGE_SUPER, "cpl3 read supervisor page", {mov eax, [PAGE_SUPER]}
        EXPECT_PF PF_P | PF_W | PF_U, PAGE_SUPER + 4, "cpl3 write supervisor page", {mov dword [PAGE_SUPER + 4], eax}
        EXPECT_NONE "cpl3 read read-only page", {mov eax, [PAGE_RO]}
        EXPECT_PF PF_P | PF_W | PF_U, PAGE_RO, "cpl3 write read-only page", {mov dword [PAGE_RO], eax}
        EXPECT_PF PF_U, PAGE_NP, "cpl3 read not-present pte", {mov eax, [PAGE_NP]}
        EXPECT_PF PF_W | PF_U, PAGE_NP + 8, "cpl3 write not-present pte", {mov dword [PAGE_NP + 8], eax}
        EXPECT_PF PF_U, PDE_NP_ADDR, "cpl3 read not-present pde", {mov eax, [PDE_NP_ADDR]}
        ; PDE and PTE combine: the stricter one wins (SDM 4.6.1).
        EXPECT_PF PF_P | PF_U, SUPER_PDE_ADDR, "cpl3 read: u=0 pde, u=1 pte", {mov eax, [SUPER_PDE_ADDR]}
        EXPECT_NONE "cpl3 read: r/w=0 pde", {mov eax, [RO_PDE_ADDR]}
        EXPECT_PF PF_P | PF_W | PF_U, RO_PDE_ADDR, "cpl3 write: r/w=0 pde, r/w=1 pte", {mov dword [RO_PDE_ADDR], eax}
        EXPECT_NONE "cpl3 write 4m page", {mov dword [BIG_PAGE], eax}
        TO_RING0

; ---- INVLPG and CR3 reload -------------------------------------------------------------------
        CHECK_EQ32 dword [PAGE_REMAP], 0x11111111, "remap page initial frame"
        mov     PTE(PAGE_REMAP), FRAME_2 | PG_PWU
        invlpg  [PAGE_REMAP]
        CHECK_EQ32 dword [PAGE_REMAP], 0x22222222, "new pte used after invlpg"
        mov     PTE(PAGE_REMAP), FRAME_3 | PG_PWU
        mov     eax, cr3
        mov     cr3, eax
        CHECK_EQ32 dword [PAGE_REMAP], 0x33333333, "new pte used after cr3 reload"
        mov     PTE(PAGE_REMAP), FRAME_1 | PG_W | PG_U  ; not present
        invlpg  [PAGE_REMAP + 0x800]    ; any address in the page
        EXPECT_PF 0, PAGE_REMAP + 4, "not present after invlpg", {mov eax, [PAGE_REMAP + 4]}
        mov     PTE(PAGE_REMAP), FRAME_1 | PG_PWU
        invlpg  [PAGE_REMAP]
        CHECK_EQ32 dword [PAGE_REMAP], 0x11111111, "present again after invlpg"
        mov     PDE(BIG_PAGE), FRAME_2 & 0xFFC00000 | PG_PS | PG_PWU    ; 4 MiB: 0-4 MiB
        invlpg  [BIG_PAGE]
        CHECK_EQ32 dword [BIG_PAGE + FRAME_2], 0x22222222, "4m pde change after invlpg"

; ---- INVLPG of a page holding code (a JIT's caches of linear addresses) --------------
        mov     byte [FRAME_4], 0xB8    ; mov eax, 0x44444444; retf
        mov     dword [FRAME_4 + 1], 0x44444444
        mov     byte [FRAME_4 + 5], 0xCB
        mov     byte [FRAME_5], 0xB8    ; mov eax, 0x55555555; retf
        mov     dword [FRAME_5 + 1], 0x55555555
        mov     byte [FRAME_5 + 5], 0xCB
        mov     PTE(CODE_REMAP), FRAME_4 | PG_PWU
        invlpg  [CODE_REMAP]
        mov     ecx, 40
.call4: call    SEL_FLAT_CODE:CODE_REMAP ; many times: hot, and in the caches
        loop    .call4
        CHECK_EQ32 eax, 0x44444444, "code page: its frame's code runs"
        invlpg  [PAGE_AD]               ; another page: nothing changes
        call    SEL_FLAT_CODE:CODE_REMAP
        CHECK_EQ32 eax, 0x44444444, "code page after an invlpg of another page"
        mov     PTE(CODE_REMAP), FRAME_5 | PG_PWU
        invlpg  [CODE_REMAP]
        mov     ecx, 40
.call5: call    SEL_FLAT_CODE:CODE_REMAP
        loop    .call5
        CHECK_EQ32 eax, 0x55555555, "code page remapped: the new frame's code runs"
; A CR3 load instead of the INVLPG (a process switch): a page that is not
; global takes its new frame too (a JIT keeps only global pages' code).
        mov     PTE(CODE_REMAP), FRAME_4 | PG_PWU
        mov     eax, cr3
        mov     cr3, eax
        mov     ecx, 40
.call4b: call   SEL_FLAT_CODE:CODE_REMAP
        loop    .call4b
        CHECK_EQ32 eax, 0x44444444, "code page remapped: the new frame's code runs after cr3"

; ---- An instruction across two pages (a JIT tracks code by page) ------------------------
; MOV EAX, imm32 at the end of STRADDLE_PAGE: its opcode and the imm's low
; byte there, the other three bytes and a RETF at the start of the next
; page, whose frame changes under it.
        mov     byte [STRADDLE_RESUME], 0xCB
        mov     word [STRADDLE], 0x66B8
        mov     dword [FRAME_6], 0xCB111111
        mov     dword [FRAME_7], 0xCB222222
        STRADDLE_HOT FRAME_6, STRADDLE
        CHECK_EQ32 eax, 0x11111166, "straddling instruction: bytes from both pages"
        STRADDLE_HOT FRAME_7, STRADDLE
        CHECK_EQ32 eax, 0x22222266, "straddling instruction: second page remapped"
        mov     byte [FRAME_7], 0x77    ; the second page's bytes change
        call    SEL_FLAT_CODE:STRADDLE
        CHECK_EQ32 eax, 0x22227766, "straddling instruction: second page written"
        mov     PTE(STRADDLE_NEXT), FRAME_6 | PG_PWU
        mov     eax, cr3
        mov     cr3, eax
        call    SEL_FLAT_CODE:STRADDLE
        CHECK_EQ32 eax, 0x11111166, "straddling instruction: second page remapped, cr3 load"
        mov     PTE(STRADDLE_NEXT), FRAME_6 | PG_W | PG_U   ; not present
        invlpg  [STRADDLE_NEXT]
        mov     dword [ss:EXC_COUNT], 0
        mov     dword [ss:EXC_RESUME], STRADDLE_RESUME
        call    SEL_FLAT_CODE:STRADDLE
        mov     dword [ss:EXC_RESUME], 0
        EXC_CHECK 14, 0, STRADDLE, "straddling instruction: second page not present"
        CHECK_EQ32 dword [ss:EXC_CR2], STRADDLE_NEXT, "straddling instruction: cr2"
; The same with nine of its bytes on the next page (3E 3E 3E 3E 3E B8 imm32:
; MOV EAX, imm32 with DS prefixes), more than a JIT might compare there.
        mov     byte [STRADDLE_NEXT - 1], 0x3E
        mov     dword [FRAME_6], 0x3E3E3E3E
        mov     dword [FRAME_6 + 4], 0x333333B8
        mov     word [FRAME_6 + 8], 0xCB33
        mov     dword [FRAME_7], 0x3E3E3E3E
        mov     dword [FRAME_7 + 4], 0x444444B8
        mov     word [FRAME_7 + 8], 0xCB44
        STRADDLE_HOT FRAME_6, STRADDLE_NEXT - 1
        CHECK_EQ32 eax, 0x33333333, "long straddling instruction: bytes from both pages"
        STRADDLE_HOT FRAME_7, STRADDLE_NEXT - 1
        CHECK_EQ32 eax, 0x44444444, "long straddling instruction: second page remapped"
        mov     byte [FRAME_7 + 8], 0x77
        call    SEL_FLAT_CODE:STRADDLE_NEXT - 1
        CHECK_EQ32 eax, 0x77444444, "long straddling instruction: second page written"

; ---- paging off --------------------------------------------------------------------------------
        mov     eax, cr0
        and     eax, ~CR0_PG
        mov     cr0, eax
        jmp     .unpaged
.unpaged:
        CHECK_EQ32 dword [PAGE_REMAP], 0x0A0A0A0A, "paging off: physical addresses"
        PASS32

bits 16
gdt_table:
        GDT_STD
        DESC    0, 0xFFFFF, ACC_CODE_R, FL_32G  ; 40 SEL_FLAT_CODE
gdt_table_end:

        ROM_END start

/* Multiboot v1 entry of the benchmark kernels: the header, a stack, the jump
 * to C, and the interrupt stubs the irq workload's IDT points at. */
#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000003 /* page-aligned modules, memory information */

        .section .multiboot, "a"
        .balign 4
        .long MB_MAGIC
        .long MB_FLAGS
        .long -(MB_MAGIC + MB_FLAGS)

        .text
        .globl _start
_start:
        movl $stack_top, %esp
        cld
        pushl %ebx /* the Multiboot information */
        pushl %eax /* 0x2BADB002 */
        call kernel_main
1:      cli
        hlt
        jmp 1b

/* IRQ0 (PIT channel 0): count the tick, end the interrupt at the master
 * 8259 (non-specific EOI). */
        .globl irq0_stub
irq0_stub:
        pushl %eax
        incl timer_ticks
        movb $0x20, %al
        outb %al, $0x20
        popl %eax
        iret

/* Anything else is a bug in the workload: say so and stop. */
        .globl unexpected_stub
unexpected_stub:
        cli
        movl $stack_top, %esp
        call unexpected_interrupt

        .bss
        .balign 16
        .skip 65536
stack_top:
        .section .note.GNU-stack, "", @progbits

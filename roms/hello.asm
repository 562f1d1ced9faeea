; hello.asm - the default guest until tx86 boots an operating system: print
; one line on the debug console and exit with status 0.

%define TEST_AREA "hello"
%include "tx86.inc"

start:
        INIT_REAL_MODE
        PRINT   "Hello from tx86!", 10
        EXIT    0

        ROM_END start

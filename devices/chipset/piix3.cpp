#include "devices/chipset/piix3.h"

namespace tx86::dev {

Piix3Isa::Piix3Isa() : core::PciFunction(0x8086, 0x7000, 0x06, 0x01, 0x00, 0x00) {
  set_header_type(0x80);         // multi-function: the IDE function sits at 00:01.1
  init8(0x4C, 0x4D, 0xFF);       // IORT, ISA I/O recovery timer
  init16(0x4E, 0x0003, 0xFFFF);  // XBCS, X-bus chip select
  for (uint8_t r = kPirqRc; r < kPirqRc + 4; ++r) init8(r, 0x80, 0x8F);  // routing disabled
  init8(0x69, 0x02, 0xFE);                                               // TOM, top of memory
  init16(0x6A, 0x0000, 0x00FF);                                          // MSTAT
  init8(0x70, 0x80, 0xEF);                                               // MBIRQ0
  init8(0x71, 0x80, 0xEF);                                               // MBIRQ1
  init8(0x76, 0x0C, 0x8F);                                               // MBDMA0
  init8(0x77, 0x0C, 0x8F);                                               // MBDMA1
  init16(0x78, 0x0002, 0xFFFF);                                          // PCSC
  init8(0xA0, 0x08, 0xFF);                                               // SMICNTL
  init16(0xA2, 0x0000, 0xFFFF);                                          // SMIEN
  init32(0xA4, 0x00000000, 0xFFFFFFFF);                                  // SEE
  init8(0xA8, 0x0F, 0xFF);                                               // FTMR
  init16(0xAA, 0x0000, 0xFFFF);                                          // SMIREQ
  init8(0xAC, 0x00, 0xFF);                                               // CTLTMR
  init8(0xAE, 0x00, 0xFF);                                               // CTHTMR
}

int Piix3Isa::pirq_route(unsigned pirq) const {
  const uint8_t v = config8(static_cast<uint8_t>(kPirqRc + (pirq & 3)));
  if (v & 0x80) return -1;
  const int irq = v & 0x0F;
  // IRQs 0-2, 8 and 13 are reserved routing targets (82371SB 2.2.9).
  if (irq < 3 || irq == 8 || irq == 13) return -1;
  return irq;
}

}  // namespace tx86::dev

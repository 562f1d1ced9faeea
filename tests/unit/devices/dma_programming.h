// Programming the ISA DMA controllers through their ports, as SeaBIOS and
// a floppy driver do; dma_test.cpp and dma_bounds_test.cpp share it.
#pragma once

#include <cstdint>

#include "core/io/io_bus.h"

namespace tx86::testing {

// What SeaBIOS's dma_setup does: master clear both, cascade, unmask ch4.
inline void dma_bios_setup(core::IoBus& io) {
  io.write8(0x0D, 0);
  io.write8(0xDA, 0);
  io.write8(0xD6, 0xC0);
  io.write8(0xD4, 0x00);
}

// Programs an 8-bit channel (0-3) and unmasks it.
inline void dma_program8(core::IoBus& io, unsigned ch, uint8_t mode, uint8_t page, uint16_t addr,
                         uint16_t count) {
  static constexpr uint16_t kPage[] = {0x87, 0x83, 0x81, 0x82};
  io.write8(0x0A, static_cast<uint8_t>(0x04 | ch));  // mask
  io.write8(0x0C, 0);                                // clear flip-flop
  io.write8(0x0B, static_cast<uint8_t>(mode | ch));
  io.write8(static_cast<uint16_t>(2 * ch), static_cast<uint8_t>(addr));
  io.write8(static_cast<uint16_t>(2 * ch), static_cast<uint8_t>(addr >> 8));
  io.write8(static_cast<uint16_t>(2 * ch + 1), static_cast<uint8_t>(count));
  io.write8(static_cast<uint16_t>(2 * ch + 1), static_cast<uint8_t>(count >> 8));
  io.write8(kPage[ch], page);
  io.write8(0x0A, static_cast<uint8_t>(ch));  // unmask
}

}  // namespace tx86::testing

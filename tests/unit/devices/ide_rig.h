// A PIIX3 IDE function on its own buses, for the ATA and ATAPI tests: the
// primary channel at 1F0h/3F6h with IRQ14 counted, bus-master registers
// at C000h and 1 MiB of RAM for DMA.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "core/io/io_bus.h"
#include "core/irq/irq_line.h"
#include "core/mem/memory_bus.h"
#include "core/storage/disk_image.h"
#include "devices/storage/ata/ata_regs.h"
#include "devices/storage/ata/piix3_ide.h"

namespace tx86::dev {

class IdeRig : public ::testing::Test {
 protected:
  static constexpr uint16_t kBase = 0x1F0;
  static constexpr uint16_t kControl = 0x3F6;
  static constexpr uint16_t kBm = 0xC000;

  IdeRig() : mem(1 << 20) {
    mem.map_ram(0, 1 << 20, 0);
    irq14.connect([this](bool level) {
      if (level) ++irqs;
    });
    ide.config_write(0x20, 4, kBm | 1);  // BAR4
    ide.config_write(0x04, 2, 0x0005);   // I/O decode, bus master
  }

  // An image whose byte i is (i * 13 + i / 512) & 0xFF, so sectors differ.
  static std::vector<uint8_t> pattern(size_t bytes) {
    std::vector<uint8_t> v(bytes);
    for (size_t i = 0; i < bytes; ++i) v[i] = static_cast<uint8_t>(i * 13 + i / 512);
    return v;
  }

  uint8_t status() { return io.read8(kBase + 7); }
  uint8_t alt_status() { return io.read8(kControl); }
  uint8_t error() { return io.read8(kBase + 1); }
  void select(unsigned dev, uint8_t bits = ata::kLba) {
    io.write8(kBase + 6, static_cast<uint8_t>(0xA0 | bits | (dev ? ata::kDev : 0)));
  }
  void lba28(uint32_t lba, uint8_t count, unsigned dev = 0) {
    io.write8(kBase + 2, count);
    io.write8(kBase + 3, static_cast<uint8_t>(lba));
    io.write8(kBase + 4, static_cast<uint8_t>(lba >> 8));
    io.write8(kBase + 5, static_cast<uint8_t>(lba >> 16));
    io.write8(kBase + 6, static_cast<uint8_t>(0xE0 | (dev ? ata::kDev : 0) | ((lba >> 24) & 0x0F)));
  }
  void command(uint8_t c) { io.write8(kBase + 7, c); }
  std::vector<uint8_t> read_data(size_t bytes) {
    std::vector<uint8_t> out;
    for (size_t i = 0; i < bytes; i += 2) {
      const uint16_t w = io.read16(kBase);
      out.push_back(static_cast<uint8_t>(w));
      out.push_back(static_cast<uint8_t>(w >> 8));
    }
    return out;
  }
  void write_data(const std::vector<uint8_t>& bytes) {
    for (size_t i = 0; i < bytes.size(); i += 2) {
      io.write16(kBase, static_cast<uint16_t>(bytes[i] | bytes[i + 1] << 8));
    }
  }
  // One PRD per region: {address, bytes}; the last has end-of-table set.
  void prd_table(uint32_t at, const std::vector<std::pair<uint32_t, uint32_t>>& regions) {
    for (size_t i = 0; i < regions.size(); ++i) {
      mem.write32(static_cast<uint32_t>(at + 8 * i), regions[i].first);
      const uint32_t eot = i + 1 == regions.size() ? 0x80000000u : 0;
      mem.write32(static_cast<uint32_t>(at + 8 * i + 4), (regions[i].second & 0xFFFF) | eot);
    }
    io.write32(kBm + 4, at);
  }

  core::IoBus io;
  core::MemoryBus mem;
  core::IrqLine irq14, irq15;
  Piix3Ide ide{io, mem, irq14, irq15};
  int irqs = 0;
};

}  // namespace tx86::dev

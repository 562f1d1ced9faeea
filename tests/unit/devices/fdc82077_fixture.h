// The floppy controller test rig: the real ISA DMA pair on 1 MiB of RAM,
// guest time run the way the run loop runs it, and the byte-level
// protocol a driver speaks (RQM/DIO handshakes, result bytes).
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <vector>

#include "core/io/io_bus.h"
#include "core/irq/irq_line.h"
#include "core/mem/memory_bus.h"
#include "core/sched/scheduler.h"
#include "core/storage/disk_image.h"
#include "devices/dma/isa_dma.h"
#include "devices/storage/floppy/fdc82077.h"
#include "devices/storage/floppy/fdc82077_regs.h"
#include "devices/storage/floppy/floppy_format.h"

namespace tx86::dev::fdc_test {

using namespace fdc_regs;
using Bytes = std::vector<uint8_t>;

constexpr uint16_t kBase = Fdc82077::kBasePort;
constexpr uint32_t kSector = FloppyFormat::kSectorSize;
constexpr uint8_t kDmaToMemory = 0x46;    // single mode, write transfer, channel 2
constexpr uint8_t kDmaFromMemory = 0x4A;  // single mode, read transfer, channel 2
constexpr uint32_t kBuffer = 0x20000;     // DMA buffer (page 2)
constexpr core::GuestTime kLongEnough = 10'000'000;

// A recognisable byte for every offset of an image.
inline uint8_t pattern(uint64_t offset) {
  return static_cast<uint8_t>(offset * 7 + offset / kSector * 31 + 1);
}

inline Bytes patterned_image(uint64_t size) {
  Bytes bytes(size);
  for (uint64_t i = 0; i < size; ++i) bytes[i] = pattern(i);
  return bytes;
}

class FdcFixture : public ::testing::Test {
 protected:
  static constexpr uint64_t kRam = 1ull << 20;

  FdcFixture() {
    mem.map_ram(0, kRam, 0);
    // SeaBIOS's dma_setup: master clear both controllers, cascade, unmask ch4.
    io.write8(0x0D, 0);
    io.write8(0xDA, 0);
    io.write8(0xD6, 0xC0);
    io.write8(0xD4, 0x00);
  }

  uint8_t in(unsigned reg) { return io.read8(static_cast<uint16_t>(kBase + reg)); }
  void out(unsigned reg, uint8_t v) { io.write8(static_cast<uint16_t>(kBase + reg), v); }

  // As the run loop does: guest time stops at every deadline on the way.
  void run_for(core::GuestTime ns) {
    const core::GuestTime end = sched.now() + ns;
    while (sched.next_deadline() <= end) {
      sched.skip_to(sched.next_deadline());
      sched.run_due();
    }
    sched.skip_to(end);
    sched.run_due();
  }

  // Each byte goes in only when MSR asks for one (RQM set, DIO clear).
  void command(std::initializer_list<uint8_t> bytes) {
    for (uint8_t b : bytes) {
      ASSERT_EQ(in(kRegMsr) & (kMsrRqm | kMsrDio | kMsrNonDma), kMsrRqm)
          << "before 0x" << std::hex << int{b};
      out(kRegFifo, b);
    }
  }

  // Result bytes while MSR offers them (RQM and DIO set).
  Bytes results() {
    Bytes r;
    while (r.size() < 16 && (in(kRegMsr) & (kMsrRqm | kMsrDio)) == (kMsrRqm | kMsrDio)) {
      r.push_back(in(kRegFifo));
    }
    return r;
  }

  Bytes sense_interrupt() {
    command({kCmdSenseInterrupt});
    return results();
  }

  // A command that ends with an interrupt, run to its end.
  void run_until_irq() {
    const core::GuestTime end = sched.now() + kLongEnough;
    while (!irq.level() && sched.next_deadline() <= end) {
      sched.skip_to(sched.next_deadline());
      sched.run_due();
    }
    ASSERT_TRUE(irq.level()) << "no interrupt";
  }

  void seek(uint8_t unit, uint8_t cylinder) {
    command({kCmdSeek, unit, cylinder});
    run_until_irq();
    ASSERT_EQ(sense_interrupt(), (Bytes{static_cast<uint8_t>(kSt0SeekEnd | unit), cylinder}));
  }

  std::unique_ptr<core::DiskImage> make_image(uint64_t size, bool read_only = false) {
    return core::DiskImage::in_memory(patterned_image(size), {.read_only = read_only});
  }

  // Inserts a patterned image in drive 0, selects it with its motor on
  // and sets the medium's data rate, as a BIOS does before a transfer.
  core::DiskImage& insert_medium(uint64_t size = 1'474'560, bool read_only = false) {
    fdc.insert(0, make_image(size, read_only));
    out(kRegDor, 0x1C);
    out(kRegCcr, static_cast<uint8_t>(fdc.drive(0).format()->rate));
    return *fdc.drive(0).image();
  }

  // Programs channel 2 for count bytes at kBuffer.
  void program_dma(uint8_t mode, uint32_t count, uint32_t addr = kBuffer) {
    io.write8(0x0A, 0x06);  // mask channel 2
    io.write8(0x0C, 0);     // clear the flip-flop
    io.write8(0x0B, mode);
    io.write8(0x04, static_cast<uint8_t>(addr));
    io.write8(0x04, static_cast<uint8_t>(addr >> 8));
    io.write8(0x05, static_cast<uint8_t>(count - 1));
    io.write8(0x05, static_cast<uint8_t>((count - 1) >> 8));
    io.write8(0x81, static_cast<uint8_t>(addr >> 16));
    io.write8(0x0A, 0x02);  // unmask
  }

  Bytes memory(uint32_t addr, size_t n) {
    Bytes v(n);
    mem.read_block(addr, v);
    return v;
  }

  // Bytes of sector (c, h, r) of a 1.44M patterned image.
  static Bytes image_sector(unsigned c, unsigned h, unsigned r, unsigned spt = 18,
                            unsigned heads = 2) {
    const uint64_t offset = ((uint64_t{c} * heads + h) * spt + (r - 1)) * kSector;
    Bytes v(kSector);
    for (uint32_t i = 0; i < kSector; ++i) v[i] = pattern(offset + i);
    return v;
  }

  int irq_edges = 0;
  core::IoBus io;
  core::MemoryBus mem{kRam};
  core::Scheduler sched;
  core::IrqLine irq{[this](bool level) { irq_edges += level ? 1 : 0; }};
  IsaDma dma{io, mem};
  Fdc82077 fdc{io, sched, irq, dma.channel(Fdc82077::kDmaChannel)};
};

}  // namespace tx86::dev::fdc_test

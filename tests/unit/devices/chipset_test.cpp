#include <gtest/gtest.h>

#include "core/io/io_bus.h"
#include "core/mem/memory_bus.h"
#include "devices/chipset/i440fx.h"
#include "devices/chipset/pci_host.h"
#include "devices/chipset/piix3.h"
#include "devices/chipset/reset_control.h"
#include "devices/storage/ata/piix3_ide.h"
#include "tests/unit/devices/fake_machine_control.h"

namespace tx86::dev {
namespace {

using testing::FakeMachineControl;

// A PC-like bus: the host bridge at 00:00.0, the PIIX3 at 00:01.0/1.
class ChipsetTest : public ::testing::Test {
 protected:
  ChipsetTest()
      : mem(2 << 20),
        reset_control(io, machine),
        host(io, PciHost::ByteRegister{[this] { return reset_control.read_cf9(); },
                                       [this](uint8_t v) { reset_control.write_cf9(v); }}),
        i440fx(mem) {
    mem.map_ram(0, 0xA0000, 0);
    mem.attach_hidden_ram(0xA0000, 0x60000, 0xA0000);
    mem.map_rom(0xE0000, std::vector<uint8_t>(0x20000, 0xEE));
    host.attach(0, 0, &i440fx);
    host.attach(1, 0, &isa);
    host.attach(1, 1, &ide);
    i440fx.reset();
  }

  uint32_t cfg_read(unsigned dev, unsigned fn, uint8_t reg, unsigned size) {
    io.write32(0xCF8, 0x80000000u | (dev << 11) | (fn << 8) | (reg & 0xFC));
    return io.read(static_cast<uint16_t>(0xCFC + (reg & 3)), size);
  }
  void cfg_write(unsigned dev, unsigned fn, uint8_t reg, unsigned size, uint32_t v) {
    io.write32(0xCF8, 0x80000000u | (dev << 11) | (fn << 8) | (reg & 0xFC));
    io.write(static_cast<uint16_t>(0xCFC + (reg & 3)), size, v);
  }

  core::IoBus io;
  core::MemoryBus mem;
  FakeMachineControl machine;
  ResetControl reset_control;
  PciHost host;
  I440fx i440fx;
  Piix3Isa isa;
  core::IrqLine irq14, irq15;
  Piix3Ide ide{io, mem, irq14, irq15};
};

TEST_F(ChipsetTest, AddressRegisterReadsBackAndFunctionsAnswerWithTheirIds) {
  io.write32(0xCF8, 0x80000000u);
  EXPECT_EQ(io.read32(0xCF8), 0x80000000u);
  EXPECT_EQ(cfg_read(0, 0, 0x00, 4), 0x12378086u);
  EXPECT_EQ(cfg_read(1, 0, 0x00, 4), 0x70008086u);
  EXPECT_EQ(cfg_read(1, 1, 0x00, 4), 0x70108086u);
  EXPECT_EQ(cfg_read(1, 0, 0x0E, 1), 0x80u);  // multi-function
  EXPECT_EQ(cfg_read(0, 0, 0x2C, 4), 0x11001AF4u);
  EXPECT_EQ(cfg_read(1, 1, 0x08, 4), 0x01018000u);  // IDE class 0101, prog-if 80
}

TEST_F(ChipsetTest, EmptySlotsAndOtherBusesReadAllOnes) {
  EXPECT_EQ(cfg_read(5, 0, 0x00, 4), 0xFFFFFFFFu);
  EXPECT_EQ(cfg_read(1, 2, 0x00, 2), 0xFFFFu);
  io.write32(0xCF8, 0x80010000u);  // bus 1
  EXPECT_EQ(io.read32(0xCFC), 0xFFFFFFFFu);
  io.write32(0xCF8, 0x00000000u);  // configuration disabled
  EXPECT_EQ(io.read32(0xCFC), 0xFFFFFFFFu);
}

TEST_F(ChipsetTest, ByteAndWordAccessesUseTheDataPortLanes) {
  EXPECT_EQ(cfg_read(0, 0, 0x02, 2), 0x1237u);
  EXPECT_EQ(cfg_read(0, 0, 0x03, 1), 0x12u);
  cfg_write(1, 0, 0x61, 1, 0x0B);
  EXPECT_EQ(cfg_read(1, 0, 0x60, 4), 0x80800B80u);
}

TEST_F(ChipsetTest, ReadOnlyRegistersIgnoreWrites) {
  cfg_write(0, 0, 0x00, 4, 0);
  EXPECT_EQ(cfg_read(0, 0, 0x00, 4), 0x12378086u);
  cfg_write(0, 0, 0x04, 2, 0xFFFF);
  EXPECT_EQ(cfg_read(0, 0, 0x04, 2), 0x0547u);  // only the implemented command bits
}

TEST_F(ChipsetTest, BarSizingReturnsTheSizeMaskAndTheTypeBits) {
  cfg_write(1, 1, 0x20, 4, 0xFFFFFFFF);
  EXPECT_EQ(cfg_read(1, 1, 0x20, 4), 0xFFFFFFF1u);  // 16 bytes of I/O
  cfg_write(1, 1, 0x20, 4, 0xC041);
  EXPECT_EQ(cfg_read(1, 1, 0x20, 4), 0xC041u);
  EXPECT_FALSE(ide.bar_address(4));  // I/O decoding still off
  cfg_write(1, 1, 0x04, 2, 0x0001);
  EXPECT_EQ(ide.bar_address(4), std::optional<uint32_t>(0xC040u));
  EXPECT_EQ(cfg_read(1, 1, 0x10, 4), 0u);  // unimplemented BARs read 0
}

TEST_F(ChipsetTest, PamRegistersSwitchShadowRamInAndOut) {
  EXPECT_EQ(mem.read8(0xF0000), 0xEE);  // reset: the BIOS ROM
  cfg_write(0, 0, 0x59, 1, 0x20);       // F segment: read ROM, write RAM
  mem.write8(0xF0000, 0x42);
  EXPECT_EQ(mem.read8(0xF0000), 0xEE);
  cfg_write(0, 0, 0x59, 1, 0x10);  // read RAM, writes to the ROM (dropped)
  EXPECT_EQ(mem.read8(0xF0000), 0x42);
  mem.write8(0xF0000, 0x00);
  EXPECT_EQ(mem.read8(0xF0000), 0x42);
  // PAM1 low nibble: C0000-C3FFF, high nibble: C4000-C7FFF.
  EXPECT_EQ(mem.read8(0xC4000), 0xFF);
  cfg_write(0, 0, 0x5A, 1, 0x30);
  mem.write8(0xC4000, 0x77);
  cfg_write(0, 0, 0x5A, 1, 0x10);
  EXPECT_EQ(mem.read8(0xC4000), 0x77);
  EXPECT_EQ(mem.read8(0xC0000), 0xFF);
  // A dword access at 0x58 (SeaBIOS's read-modify-write) reaches PAM0.
  cfg_write(0, 0, 0x58, 4, 0x00000000);
  EXPECT_EQ(mem.read8(0xF0000), 0xEE);
  i440fx.reset();
  EXPECT_EQ(cfg_read(0, 0, 0x5A, 1), 0x00u);
}

TEST_F(ChipsetTest, SmramDOpenMapsRamUnderTheVgaWindowUntilLocked) {
  EXPECT_EQ(cfg_read(0, 0, 0x72, 1), 0x02u);
  EXPECT_EQ(mem.read8(0xA0000), 0xFF);
  cfg_write(0, 0, 0x72, 1, 0x4A);  // D_OPEN | G_SMRAME
  mem.write8(0xA0000, 0x5A);
  EXPECT_EQ(mem.read8(0xA0000), 0x5A);
  cfg_write(0, 0, 0x72, 1, 0x1A);  // D_LCK closes it for good
  EXPECT_EQ(mem.read8(0xA0000), 0xFF);
  cfg_write(0, 0, 0x72, 1, 0x4A);
  EXPECT_EQ(cfg_read(0, 0, 0x72, 1) & 0x50, 0x10u);
  i440fx.reset();
  EXPECT_EQ(cfg_read(0, 0, 0x72, 1), 0x02u);
}

TEST_F(ChipsetTest, PirqRoutingRegisters) {
  EXPECT_EQ(isa.pirq_route(0), -1);  // reset: disabled
  cfg_write(1, 0, 0x60, 4, 0x0B0B0A0A);
  EXPECT_EQ(isa.pirq_route(0), 10);
  EXPECT_EQ(isa.pirq_route(3), 11);
  cfg_write(1, 0, 0x60, 1, 0x02);  // IRQ 2 is not a valid target
  EXPECT_EQ(isa.pirq_route(0), -1);
}

TEST_F(ChipsetTest, Port92DrivesA20AndResetsOnARisingBit0) {
  io.write8(0x92, 0x00);
  EXPECT_FALSE(machine.a20_on);
  EXPECT_EQ(io.read8(0x92) & 0x02, 0u);
  io.write8(0x92, 0x02);
  EXPECT_TRUE(machine.a20_on);
  EXPECT_EQ(io.read8(0x92) & 0x02, 0x02u);
  EXPECT_EQ(machine.resets, 0);
  io.write8(0x92, 0x03);
  EXPECT_EQ(machine.resets, 1);
  io.write8(0x92, 0x03);  // no new edge
  EXPECT_EQ(machine.resets, 1);
}

TEST_F(ChipsetTest, Cf9ResetsOnRstCpuRisingEdge) {
  io.write8(0xCF9, 0x02);
  EXPECT_EQ(machine.resets, 0);
  EXPECT_EQ(io.read8(0xCF9), 0x02u);
  io.write8(0xCF9, 0x06);
  EXPECT_EQ(machine.resets, 1);
  // The dword at 0xCF8 is still the address register.
  io.write32(0xCF8, 0x80000800u);
  EXPECT_EQ(io.read32(0xCF8), 0x80000800u);
}

}  // namespace
}  // namespace tx86::dev

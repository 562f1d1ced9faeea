// Save states of the PIIX3 IDE function: a state saved in the middle of a
// command, loaded into a machine built the same way, goes on as the
// original does, and a state that does not fit is refused.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "core/state/state_stream.h"
#include "devices/storage/ata/ata_disk.h"
#include "devices/storage/ata/atapi_cdrom.h"
#include "tests/unit/devices/ide_rig.h"

namespace tx86::dev {
namespace {

using namespace ata;

constexpr size_t kDiskSectors = 256;
constexpr size_t kDiscBlocks = 16;

class IdeStateTest : public IdeRig {
 protected:
  // A second machine, built as IdeRig builds its own, to load states into.
  struct Machine {
    Machine() : mem(1 << 20) {
      mem.map_ram(0, 1 << 20, 0);
      irq14.connect([this](bool level) {
        if (level) ++irqs;
      });
    }
    core::IoBus io;
    core::MemoryBus mem;
    core::IrqLine irq14, irq15;
    Piix3Ide ide{io, mem, irq14, irq15};
    int irqs = 0;
  };

  IdeStateTest() { attach_drives(ide); }

  // A disk (master) and a CD-ROM (slave) on the primary channel, their
  // media made alike for every machine, as the same command line would.
  static void attach_drives(Piix3Ide& ide, bool disc = true) {
    ide.channel(0).attach(0, std::make_unique<AtaDisk>(
                                 core::DiskImage::in_memory(pattern(kDiskSectors * 512)), "D0"));
    auto medium = disc
                      ? core::DiskImage::in_memory(pattern(kDiscBlocks * 2048), {.read_only = true})
                      : nullptr;
    ide.channel(0).attach(1, std::make_unique<AtapiCdrom>(std::move(medium), "CD0"));
  }

  // The state as the machine would save it: the IDE part, then what the
  // PCI host saves of it (the configuration space) and the board's IRQ line.
  static std::vector<uint8_t> save(const Piix3Ide& ide, const core::IrqLine& irq) {
    core::StateWriter w;
    w.begin("ide", 1);
    ide.save_state(w);
    w.end();
    w.begin("pci", 1);
    ide.save_config(w);
    w.end();
    w.boolean(irq.level());
    return w.data();
  }
  static void load(Machine& m, std::span<const uint8_t> state) {
    core::StateReader r(state);
    r.begin("ide", 1);
    m.ide.load_state(r);
    r.end();
    r.begin("pci", 1);
    m.ide.load_config(r);
    r.end();
    m.irq14.restore_level(r.boolean());
    if (!r.at_end()) r.fail("more");
  }

  // What a guest polling the status register sees from here to the end of
  // a PIO data-in command: per data word the status, the ATAPI interrupt
  // reason and byte count, and the word; then the final task file.
  static std::vector<uint64_t> rest_of_data_in(core::IoBus& io) {
    std::vector<uint64_t> seen;
    for (int guard = 0; guard < 1 << 16; ++guard) {
      const uint8_t st = io.read8(kBase + 7);
      if (!(st & kDrq)) break;
      const uint64_t reason = io.read8(kBase + 2);
      const uint64_t count = io.read8(kBase + 4) | io.read8(kBase + 5) << 8;
      seen.push_back(io.read16(kBase) | uint64_t{st} << 16 | reason << 24 | count << 32);
    }
    for (uint16_t reg = 1; reg <= 7; ++reg) seen.push_back(io.read8(kBase + reg));
    return seen;
  }
  // The data words of such a trace.
  static std::vector<uint8_t> data_of(const std::vector<uint64_t>& trace) {
    std::vector<uint8_t> bytes;
    for (size_t i = 0; i + 7 < trace.size(); ++i) {
      bytes.push_back(static_cast<uint8_t>(trace[i]));
      bytes.push_back(static_cast<uint8_t>(trace[i] >> 8));
    }
    return bytes;
  }
  static std::vector<uint8_t> slice(const std::vector<uint8_t>& v, size_t from, size_t n) {
    return {v.begin() + static_cast<std::ptrdiff_t>(from),
            v.begin() + static_cast<std::ptrdiff_t>(from + n)};
  }
};

TEST_F(IdeStateTest, ReadSectorsStoppedInsideASectorGoesOnAfterALoad) {
  select(0);
  lba28(10, 3);
  command(cmd::kReadSectors);
  status();
  EXPECT_EQ(read_data(256), slice(pattern(kDiskSectors * 512), 10 * 512, 256));
  const std::vector<uint8_t> state = save(ide, irq14);

  Machine m;
  attach_drives(m.ide);
  load(m, state);
  EXPECT_EQ(save(m.ide, m.irq14), state);

  const int irqs_before = irqs;
  const std::vector<uint64_t> original = rest_of_data_in(io);
  const std::vector<uint64_t> restored = rest_of_data_in(m.io);
  EXPECT_EQ(restored, original);
  EXPECT_EQ(data_of(restored), slice(pattern(kDiskSectors * 512), 10 * 512 + 256, 1280));
  EXPECT_EQ(restored.back(), kDrdy | kDsc);
  EXPECT_EQ(m.irqs, irqs - irqs_before) << "an interrupt for each further sector";
  EXPECT_EQ(m.irqs, 2);
}

TEST_F(IdeStateTest, CdRomReplyStoppedInsideAPieceGoesOnAfterALoad) {
  select(1, 0);
  auto packet = [this](std::vector<uint8_t> p, uint16_t limit) {
    p.resize(12, 0);
    io.write8(kBase + 1, 0);
    io.write8(kBase + 4, static_cast<uint8_t>(limit));
    io.write8(kBase + 5, static_cast<uint8_t>(limit >> 8));
    command(cmd::kPacket);
    write_data(p);
  };
  packet({0x00}, 0);  // TEST UNIT READY: the power-on UNIT ATTENTION
  EXPECT_EQ(error() >> 4, 6);
  packet({0x28, 0, 0, 0, 0, 3, 0, 0, 3}, 1000);  // READ(10) LBA 3, 3 blocks
  status();
  EXPECT_EQ(read_data(600), slice(pattern(kDiscBlocks * 2048), 3 * 2048, 600));
  const std::vector<uint8_t> state = save(ide, irq14);

  Machine m;
  attach_drives(m.ide);
  load(m, state);
  EXPECT_EQ(save(m.ide, m.irq14), state);

  const std::vector<uint64_t> original = rest_of_data_in(io);
  const std::vector<uint64_t> restored = rest_of_data_in(m.io);
  EXPECT_EQ(restored, original);
  EXPECT_EQ(data_of(restored), slice(pattern(kDiscBlocks * 2048), 3 * 2048 + 600, 3 * 2048 - 600));
  EXPECT_EQ(restored.back(), kDrdy) << "good status";
  EXPECT_EQ(restored[restored.size() - 6] & 3, kIo | kCoD) << "status phase";
}

TEST_F(IdeStateTest, DmaReadWaitingForTheBusMasterFinishesAfterALoad) {
  select(0);
  prd_table(0x1000, {{0x20000, 1024}});
  lba28(20, 2);
  command(cmd::kReadDma);
  const std::vector<uint8_t> state = save(ide, irq14);

  Machine m;
  attach_drives(m.ide);
  std::vector<uint8_t> prds(16);
  mem.read_block(0x1000, prds);
  m.mem.write_block(0x1000, prds);  // (RAM is the machine's to save)
  load(m, state);
  EXPECT_EQ(save(m.ide, m.irq14), state);

  for (core::IoBus* bus : {&io, &m.io}) {
    bus->write8(kBm, BusMaster::kCmdToMemory | BusMaster::kCmdStart);
  }
  std::vector<uint8_t> original(1024), restored(1024);
  mem.read_block(0x20000, original);
  m.mem.read_block(0x20000, restored);
  EXPECT_EQ(restored, original);
  EXPECT_EQ(restored, slice(pattern(kDiskSectors * 512), 20 * 512, 1024));
  EXPECT_EQ(m.io.read8(kBm + 2), io.read8(kBm + 2));
  EXPECT_EQ(m.io.read8(kBase + 7), kDrdy | kDsc);
  EXPECT_EQ(m.irqs, 1);
}

TEST_F(IdeStateTest, ATruncatedOrCorruptStateThrowsStateError) {
  select(0);
  lba28(10, 3);
  command(cmd::kReadSectors);
  read_data(256);
  const std::vector<uint8_t> state = save(ide, irq14);
  Machine m;
  attach_drives(m.ide);
  for (size_t cut = 0; cut < state.size(); ++cut) {
    EXPECT_THROW(load(m, std::span(state).first(cut)), core::StateError) << "cut at " << cut;
  }
  std::vector<uint8_t> corrupt = state;
  const std::string slave = "slave";
  auto at = std::search(corrupt.begin(), corrupt.end(), slave.begin(), slave.end());
  ASSERT_NE(at, corrupt.end());
  *at = 'k';
  EXPECT_THROW(load(m, corrupt), core::StateError);
}

TEST_F(IdeStateTest, ALoadWithoutTheSavedDiscNamesTheDrive) {
  const std::vector<uint8_t> state = save(ide, irq14);
  Machine m;
  attach_drives(m.ide, /*disc=*/false);
  try {
    load(m, state);
    FAIL() << "loaded";
  } catch (const core::StateError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("ide0/slave"), std::string::npos) << what;
    EXPECT_NE(what.find("CD-ROM drive held a disc"), std::string::npos) << what;
  }
  Machine empty;
  EXPECT_THROW(load(empty, state), core::StateError) << "no drives at all";
}

}  // namespace
}  // namespace tx86::dev

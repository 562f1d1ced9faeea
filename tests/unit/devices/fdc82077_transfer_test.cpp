// 82077AA data commands: reads and writes through DMA and the FIFO, their
// result phases, FORMAT TRACK, READ ID, VERIFY, and the errors a guest
// can provoke.
#include <gtest/gtest.h>

#include <numeric>

#include "tests/unit/devices/fdc82077_fixture.h"

namespace tx86::dev::fdc_test {
namespace {

constexpr uint8_t kRead = 0x46;    // MFM READ DATA
constexpr uint8_t kReadMt = 0xC6;  // MT MFM READ DATA
constexpr uint8_t kWrite = 0x45;   // MFM WRITE DATA
constexpr uint8_t kFormat = 0x4D;  // MFM FORMAT TRACK
constexpr uint8_t kReadId = 0x4A;  // MFM READ ID
constexpr uint8_t kVerify = 0x56;  // MFM VERIFY
constexpr uint8_t kGap = 0x1B;

class FdcTransfer : public FdcFixture {
 protected:
  // A read or write command with 512-byte sectors, run to its result.
  Bytes transfer(uint8_t cmd, uint8_t unit_head, uint8_t c, uint8_t h, uint8_t r, uint8_t eot,
                 uint8_t n = 2) {
    command({cmd, unit_head, c, h, r, n, eot, kGap, 0xFF});
    run_until_irq();
    return results();
  }

  Bytes sectors(std::initializer_list<std::array<unsigned, 3>> chr) {
    Bytes v;
    for (const auto& s : chr) {
      const Bytes one = image_sector(s[0], s[1], s[2]);
      v.insert(v.end(), one.begin(), one.end());
    }
    return v;
  }

  uint16_t dma_count_left() {
    io.write8(0x0C, 0);
    const uint8_t lo = io.read8(0x05);
    return static_cast<uint16_t>(lo | io.read8(0x05) << 8);
  }
};

TEST_F(FdcTransfer, ReadDataMovesASectorThroughDmaAfterTheCommandTime) {
  insert_medium();
  seek(0, 2);
  program_dma(kDmaToMemory, kSector);
  command({kReadMt | 0x20, 0x04, 2, 1, 3, 2, 3, kGap, 0xFF});  // SK too, as SeaBIOS sends it
  EXPECT_EQ(in(kRegMsr), kMsrCommandBusy);                     // DMA execution: no RQM
  run_for(Fdc82077::kCommandTime - 1);
  EXPECT_FALSE(irq.level());
  run_for(1);
  ASSERT_TRUE(irq.level());
  EXPECT_EQ(memory(kBuffer, kSector), image_sector(2, 1, 3));
  EXPECT_EQ(in(kRegMsr), kMsrRqm | kMsrDio | kMsrCommandBusy);
  // TC at EOT on side 1 with MT: the next cylinder, side 0, sector 1.
  EXPECT_EQ(results(), (Bytes{0x04, 0, 0, 3, 0, 1, 2}));
  EXPECT_EQ(in(kRegMsr), kMsrRqm);
}

TEST_F(FdcTransfer, FirstResultByteClearsTheInterrupt) {
  insert_medium();
  program_dma(kDmaToMemory, kSector);
  command({kRead, 0x00, 0, 0, 1, 2, 18, kGap, 0xFF});
  run_until_irq();
  EXPECT_EQ(in(kRegFifo), 0x00);
  EXPECT_FALSE(irq.level());
  EXPECT_EQ(results(), (Bytes{0, 0, 0, 0, 2, 2}));
}

TEST_F(FdcTransfer, MultiSectorReadEndsAtTerminalCount) {
  insert_medium();
  program_dma(kDmaToMemory, 3 * kSector);
  EXPECT_EQ(transfer(kRead, 0x00, 0, 0, 5, 18), (Bytes{0x00, 0, 0, 0, 0, 8, 2}));
  EXPECT_EQ(memory(kBuffer, 3 * kSector), sectors({{0, 0, 5}, {0, 0, 6}, {0, 0, 7}}));
  EXPECT_EQ(io.read8(0x08) & 0x04, 0x04);  // the 8237 reached TC on channel 2
}

TEST_F(FdcTransfer, MultiTrackReadContinuesOnSideOne) {
  insert_medium();
  program_dma(kDmaToMemory, 4 * kSector);
  EXPECT_EQ(transfer(kReadMt, 0x00, 0, 0, 17, 18), (Bytes{0x04, 0, 0, 0, 1, 3, 2}));
  EXPECT_EQ(memory(kBuffer, 4 * kSector), sectors({{0, 0, 17}, {0, 0, 18}, {0, 1, 1}, {0, 1, 2}}));
}

TEST_F(FdcTransfer, TerminalCountAtEotGivesTheResultTableIds) {
  insert_medium();
  // MT=0: the next cylinder, same head.
  program_dma(kDmaToMemory, 2 * kSector);
  EXPECT_EQ(transfer(kRead, 0x00, 0, 0, 17, 18), (Bytes{0x00, 0, 0, 1, 0, 1, 2}));
  // MT=1 ending on side 0: same cylinder, H complemented.
  program_dma(kDmaToMemory, 2 * kSector);
  EXPECT_EQ(transfer(kReadMt, 0x00, 0, 0, 17, 18), (Bytes{0x04, 0, 0, 0, 1, 1, 2}));
  // MT=1 over the whole cylinder: next cylinder, H complemented back to 0.
  program_dma(kDmaToMemory, 36 * kSector);
  EXPECT_EQ(transfer(kReadMt, 0x00, 0, 0, 1, 18), (Bytes{0x04, 0, 0, 1, 0, 1, 2}));
  EXPECT_EQ(memory(kBuffer + 35 * kSector, kSector), image_sector(0, 1, 18));
}

TEST_F(FdcTransfer, ReadPastEotWithoutTerminalCountIsEndOfCylinder) {
  insert_medium();
  program_dma(kDmaToMemory, 4 * kSector);
  EXPECT_EQ(transfer(kRead, 0x00, 0, 0, 17, 18), (Bytes{0x40, 0x80, 0, 1, 0, 1, 2}));
  EXPECT_EQ(memory(kBuffer, 2 * kSector), sectors({{0, 0, 17}, {0, 0, 18}}));
  EXPECT_EQ(dma_count_left(), 2 * kSector - 1);
}

TEST_F(FdcTransfer, EotBeyondTheTrackEndsWithNoData) {
  insert_medium();
  program_dma(kDmaToMemory, 4 * kSector);
  EXPECT_EQ(transfer(kRead, 0x00, 0, 0, 18, 20), (Bytes{0x40, 0x04, 0, 0, 0, 19, 2}));
  EXPECT_EQ(memory(kBuffer, kSector), image_sector(0, 0, 18));
}

TEST_F(FdcTransfer, WriteDataStoresSectorsInTheImage) {
  core::DiskImage& image = insert_medium();
  Bytes data(2 * kSector);
  std::iota(data.begin(), data.end(), uint8_t{0x40});
  mem.write_block(kBuffer, data);
  seek(0, 1);
  program_dma(kDmaFromMemory, 2 * kSector);
  EXPECT_EQ(transfer(kWrite, 0x04, 1, 1, 4, 18), (Bytes{0x04, 0, 0, 1, 1, 6, 2}));
  const uint64_t offset = ((1 * 2 + 1) * 18 + 3) * kSector;
  const Bytes& bytes = image.memory();
  EXPECT_EQ(Bytes(bytes.begin() + static_cast<long>(offset),
                  bytes.begin() + static_cast<long>(offset + 2 * kSector)),
            data);
  EXPECT_EQ(bytes[offset - 1], pattern(offset - 1));
  EXPECT_EQ(bytes[offset + 2 * kSector], pattern(offset + 2 * kSector));
}

TEST_F(FdcTransfer, TerminalCountInsideAWrittenSectorPadsItWithZeros) {
  core::DiskImage& image = insert_medium();
  mem.write_block(kBuffer, Bytes(100, 0xA5));
  program_dma(kDmaFromMemory, 100);
  EXPECT_EQ(transfer(kWrite, 0x00, 0, 0, 2, 18), (Bytes{0x00, 0, 0, 0, 0, 3, 2}));
  Bytes expected(kSector, 0);
  std::fill_n(expected.begin(), 100, 0xA5);
  EXPECT_EQ(Bytes(image.memory().begin() + kSector, image.memory().begin() + 2 * kSector),
            expected);
}

TEST_F(FdcTransfer, WriteToAReadOnlyImageIsNotWritable) {
  core::DiskImage& image = insert_medium(1'474'560, true);
  program_dma(kDmaFromMemory, kSector);
  EXPECT_EQ(transfer(kWrite | 0x80, 0x00, 0, 0, 1, 18), (Bytes{0x40, 0x02, 0, 0, 0, 1, 2}));
  EXPECT_EQ(dma_count_left(), kSector - 1);  // no byte taken
  EXPECT_EQ(image.memory(), patterned_image(1'474'560));
}

TEST_F(FdcTransfer, FormatTrackFillsEverySectorWithTheFillerByte) {
  core::DiskImage& image = insert_medium();
  seek(0, 3);
  Bytes ids;
  for (uint8_t r : {1, 10, 2, 11, 3, 12, 4, 13, 5, 14, 6, 15, 7, 16, 8, 17, 9, 18}) {
    ids.insert(ids.end(), {3, 1, r, 2});  // 2:1 interleave
  }
  mem.write_block(kBuffer, ids);
  program_dma(kDmaFromMemory, static_cast<uint32_t>(ids.size()));
  command({kFormat, 0x04, 2, 18, 0x6C, 0xF6});
  run_until_irq();
  EXPECT_EQ(results(), (Bytes{0x04, 0, 0, 3, 1, 18, 2}));
  const uint64_t track = (3 * 2 + 1) * 18 * uint64_t{kSector};
  const Bytes& bytes = image.memory();
  EXPECT_TRUE(std::all_of(bytes.begin() + static_cast<long>(track),
                          bytes.begin() + static_cast<long>(track + 18 * kSector),
                          [](uint8_t b) { return b == 0xF6; }));
  EXPECT_EQ(bytes[track - 1], pattern(track - 1));
  EXPECT_EQ(bytes[track + 18 * kSector], pattern(track + 18 * kSector));
  command({kCmdDumpreg});
  EXPECT_EQ(results()[6], 18);  // SC of the last FORMAT
}

TEST_F(FdcTransfer, FormatRefusesALayoutARawImageCannotHold) {
  core::DiskImage& image = insert_medium();
  command({kFormat, 0x00, 3, 9, 0x6C, 0xF6});  // 1024-byte sectors
  run_until_irq();
  EXPECT_EQ(results()[0], 0x40);
  mem.write_block(kBuffer, Bytes{5, 0, 1, 2});  // an ID for cylinder 5 on cylinder 0
  program_dma(kDmaFromMemory, 4);
  command({kFormat, 0x00, 2, 18, 0x6C, 0xF6});
  run_until_irq();
  EXPECT_EQ(results(), (Bytes{0x40, 0, 0, 5, 0, 1, 2}));
  EXPECT_EQ(image.memory(), patterned_image(1'474'560));
}

TEST_F(FdcTransfer, ReadIdReportsTheTrackUnderTheHeadAsTheDiskTurns) {
  insert_medium();
  seek(0, 5);
  command({kReadId, 0x04});
  EXPECT_EQ(in(kRegMsr), kMsrCommandBusy);
  run_until_irq();
  EXPECT_EQ(results(), (Bytes{0x04, 0, 0, 5, 1, 1, 2}));
  command({kReadId, 0x04});
  run_until_irq();
  EXPECT_EQ(results(), (Bytes{0x04, 0, 0, 5, 1, 2, 2}));
}

TEST_F(FdcTransfer, NonDmaReadMovesEachByteThroughTheFifo) {
  insert_medium();
  command({kCmdSpecify, 0xAF, 0x03});
  command({kRead, 0x00, 0, 0, 17, 2, 18, kGap, 0xFF});
  EXPECT_EQ(in(kRegMsr), kMsrCommandBusy);
  const int edges = irq_edges;
  run_until_irq();
  EXPECT_EQ(in(kRegMsr), kMsrRqm | kMsrDio | kMsrNonDma | kMsrCommandBusy);
  Bytes data;
  while ((in(kRegMsr) & (kMsrRqm | kMsrNonDma)) == (kMsrRqm | kMsrNonDma)) {
    data.push_back(in(kRegFifo));
  }
  EXPECT_EQ(data, sectors({{0, 0, 17}, {0, 0, 18}}));
  EXPECT_EQ(irq_edges - edges, 3);  // one request per sector, then the result phase
  // No TC in non-DMA mode: the transfer ends at EOT with EN.
  EXPECT_EQ(results(), (Bytes{0x40, 0x80, 0, 1, 0, 1, 2}));
}

TEST_F(FdcTransfer, NonDmaWriteTakesEachByteThroughTheFifo) {
  core::DiskImage& image = insert_medium();
  command({kCmdSpecify, 0xAF, 0x03});
  command({kWrite, 0x00, 0, 0, 1, 2, 1, kGap, 0xFF});
  run_until_irq();
  EXPECT_EQ(in(kRegMsr), kMsrRqm | kMsrNonDma | kMsrCommandBusy);
  for (uint32_t i = 0; i < kSector; ++i) out(kRegFifo, static_cast<uint8_t>(i ^ 0x5A));
  EXPECT_EQ(results(), (Bytes{0x40, 0x80, 0, 1, 0, 1, 2}));
  for (uint32_t i = 0; i < kSector; ++i)
    ASSERT_EQ(image.memory()[i], static_cast<uint8_t>(i ^ 0x5A));
  EXPECT_EQ(image.memory()[kSector], pattern(kSector));
}

TEST_F(FdcTransfer, NonDmaFormatTakesIdsThroughTheFifo) {
  core::DiskImage& image = insert_medium(737'280);
  command({kCmdSpecify, 0xAF, 0x03});
  command({kFormat, 0x00, 2, 9, 0x50, 0x00});
  run_until_irq();
  for (uint8_t r = 1; r <= 9; ++r) {
    ASSERT_EQ(in(kRegMsr), kMsrRqm | kMsrNonDma | kMsrCommandBusy);
    for (uint8_t b : {uint8_t{0}, uint8_t{0}, r, uint8_t{2}}) out(kRegFifo, b);
  }
  EXPECT_EQ(results(), (Bytes{0x00, 0, 0, 0, 0, 9, 2}));
  EXPECT_TRUE(std::all_of(image.memory().begin(), image.memory().begin() + 9 * kSector,
                          [](uint8_t b) { return b == 0; }));
  EXPECT_EQ(image.memory()[9 * kSector], pattern(9 * kSector));
}

TEST_F(FdcTransfer, AnEmptyDriveFindsNoAddressMark) {
  out(kRegDor, 0x1C);
  out(kRegCcr, 0x00);
  program_dma(kDmaToMemory, kSector);
  EXPECT_EQ(transfer(kRead, 0x00, 0, 0, 1, 18), (Bytes{0x40, 0x01, 0, 0, 0, 1, 2}));
  program_dma(kDmaFromMemory, kSector);
  EXPECT_EQ(transfer(kWrite, 0x00, 0, 0, 1, 18), (Bytes{0x40, 0x01, 0, 0, 0, 1, 2}));
  command({kReadId, 0x00});
  run_until_irq();
  EXPECT_EQ(results(), (Bytes{0x40, 0x01, 0, 0, 0, 0, 0}));
  command({kReadId, 0x01});  // drive 1: on the cable, empty
  run_until_irq();
  EXPECT_EQ(results(), (Bytes{0x41, 0x01, 0, 0, 0, 0, 0}));
}

// SeaBIOS's media sense: READ ID at each candidate rate until one works.
TEST_F(FdcTransfer, OnlyTheMediumsDataRateFindsItsSectors) {
  insert_medium();
  for (uint8_t rate : {0x02, 0x01, 0x03}) {
    SCOPED_TRACE(rate);
    out(kRegCcr, rate);
    command({kReadId, 0x00});
    run_until_irq();
    EXPECT_EQ(results(), (Bytes{0x40, 0x01, 0, 0, 0, 0, 0}));
  }
  program_dma(kDmaToMemory, kSector);
  EXPECT_EQ(transfer(kRead, 0x00, 0, 0, 1, 1), (Bytes{0x40, 0x01, 0, 0, 0, 1, 2}));
  out(kRegDsr, 0x00);  // DSR sets the same rate latch
  command({kReadId, 0x00});
  run_until_irq();
  EXPECT_EQ(results()[0], 0x00);

  fdc.insert(0, make_image(368'640));  // 360K: 300 kbps
  out(kRegCcr, 0x01);
  command({kReadId, 0x00});
  run_until_irq();
  EXPECT_EQ(results(), (Bytes{0x00, 0, 0, 0, 0, 1, 2}));
}

TEST_F(FdcTransfer, FmRecordingFindsNoAddressMarkOnMfmMedia) {
  insert_medium();
  program_dma(kDmaToMemory, kSector);
  EXPECT_EQ(transfer(0x06, 0x00, 0, 0, 1, 1), (Bytes{0x40, 0x01, 0, 0, 0, 1, 2}));
}

TEST_F(FdcTransfer, IdsOffTheMediumAreRefusedWithoutTouchingTheImage) {
  core::DiskImage& image = insert_medium();
  const Bytes before = image.memory();
  struct Case {
    uint8_t unit_head, c, h, r, n;
    Bytes expected;
  };
  const Case cases[] = {
      {0x00, 5, 0, 1, 2, {0x40, 0x04, 0x10, 5, 0, 1, 2}},  // head is on cylinder 0
      {0x00, 0, 0, 19, 2, {0x40, 0x04, 0, 0, 0, 19, 2}},   // 18 sectors per track
      {0x00, 0, 0, 0, 2, {0x40, 0x04, 0, 0, 0, 0, 2}},     // sectors count from 1
      {0x00, 0, 1, 1, 2, {0x40, 0x04, 0, 0, 1, 1, 2}},     // H differs from the side
      {0x00, 0, 0, 1, 3, {0x40, 0x04, 0, 0, 0, 1, 3}},     // 1024-byte sectors
      {0x00, 0, 0, 255, 2, {0x40, 0x04, 0, 0, 0, 255, 2}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(c.expected));
    program_dma(kDmaToMemory, kSector);
    EXPECT_EQ(transfer(kRead, c.unit_head, c.c, c.h, c.r, 255, c.n), c.expected);
    program_dma(kDmaFromMemory, kSector);
    Bytes expected = c.expected;
    EXPECT_EQ(transfer(kWrite, c.unit_head, c.c, c.h, c.r, 255, c.n), expected);
  }
  seek(0, 90);  // the head stops at cylinder 83: no track of the medium
  EXPECT_EQ(fdc.drive(0).cylinder(), FloppyDrive::kLastCylinder);
  program_dma(kDmaFromMemory, kSector);
  EXPECT_EQ(transfer(kWrite, 0x00, 90, 0, 1, 1), (Bytes{0x40, 0x01, 0, 90, 0, 1, 2}));
  EXPECT_EQ(image.memory(), before);

  fdc.insert(0, make_image(163'840));  // single-sided
  out(kRegCcr, 0x02);
  seek(0, 0);
  program_dma(kDmaToMemory, kSector);
  EXPECT_EQ(transfer(kRead, 0x04, 0, 1, 1, 8), (Bytes{0x44, 0x01, 0, 0, 1, 1, 2}));
}

TEST_F(FdcTransfer, ImpliedSeekStepsToTheCommandsCylinder) {
  insert_medium();
  command({kCmdConfigure, 0x00, kConfigImpliedSeek | kConfigFifoDisable, 0x00});
  program_dma(kDmaToMemory, kSector);
  EXPECT_EQ(transfer(kRead, 0x00, 10, 0, 1, 1), (Bytes{0x20, 0, 0, 11, 0, 1, 2}));
  EXPECT_EQ(memory(kBuffer, kSector), image_sector(10, 0, 1));
  EXPECT_EQ(fdc.present_cylinder(0), 10);
}

TEST_F(FdcTransfer, VerifyChecksSectorsWithoutDma) {
  insert_medium();
  command({kVerify, 0x00, 0, 0, 1, 2, 18, kGap, 0xFF});
  run_until_irq();
  EXPECT_EQ(results(), (Bytes{0x00, 0, 0, 1, 0, 1, 2}));  // ends at EOT, normally
  command({kVerify, 0x80, 0, 0, 1, 2, 18, kGap, 5});      // EC: five sectors
  run_until_irq();
  EXPECT_EQ(results(), (Bytes{0x00, 0, 0, 0, 0, 6, 2}));
  EXPECT_EQ(memory(kBuffer, 4), (Bytes{0, 0, 0, 0}));
}

TEST_F(FdcTransfer, AMaskedDmaChannelOverruns) {
  insert_medium();
  program_dma(kDmaToMemory, kSector);
  io.write8(0x0A, 0x06);  // mask channel 2 again
  EXPECT_EQ(transfer(kRead, 0x00, 0, 0, 1, 18), (Bytes{0x40, 0x10, 0, 0, 0, 1, 2}));
}

TEST_F(FdcTransfer, ReadTrackReadsSectorsInTrackOrder) {
  insert_medium();
  program_dma(kDmaToMemory, 3 * kSector);
  EXPECT_EQ(transfer(0x42, 0x00, 0, 0, 1, 18), (Bytes{0x00, 0, 0, 0, 0, 4, 2}));
  EXPECT_EQ(memory(kBuffer, 3 * kSector), sectors({{0, 0, 1}, {0, 0, 2}, {0, 0, 3}}));
}

// The sequence SeaBIOS runs to boot from drive A.
TEST_F(FdcTransfer, SeaBiosBootSectorRead) {
  fdc.insert(0, make_image(1'474'560));
  out(kRegDor, 0x1C);
  command({kCmdRecalibrate, 0x00});
  run_until_irq();
  EXPECT_EQ(sense_interrupt(), (Bytes{0x20, 0}));
  out(kRegDir, 0x00);  // FloppyInfo[4]: 500 kbps
  command({kReadId, 0x00});
  run_until_irq();
  EXPECT_EQ(results()[0] & 0xC0, 0);
  program_dma(kDmaToMemory, kSector, 0x7C00);
  // TC at EOT on side 0 with MT: side 1 is next, so ST0 shows head 1.
  EXPECT_EQ(transfer(0xE6, 0x00, 0, 0, 1, 1), (Bytes{0x04, 0, 0, 0, 1, 1, 2}));
  EXPECT_EQ(memory(0x7C00, kSector), image_sector(0, 0, 1));
}

}  // namespace
}  // namespace tx86::dev::fdc_test

// Save states of the 82077AA: a controller saved between commands, in a
// result phase, with a seek under way or in the middle of a non-DMA
// sector goes on after a load as the original does, and a state that does
// not fit is refused.
#include <gtest/gtest.h>

#include "core/state/state_stream.h"
#include "tests/unit/devices/fdc82077_fixture.h"

namespace tx86::dev::fdc_test {
namespace {

constexpr uint8_t kRead = 0x46;    // MFM READ DATA
constexpr uint8_t kReadId = 0x4A;  // MFM READ ID
constexpr uint8_t kGap = 0x1B;
constexpr uint64_t k144M = 1'474'560;

// The parts of a machine the controller's behaviour depends on.
struct Bench {
  core::IoBus& io;
  core::Scheduler& sched;
  core::IrqLine& irq;
  IsaDma& dma;
  Fdc82077& fdc;
  int& irq_edges;

  uint8_t in(unsigned reg) { return io.read8(static_cast<uint16_t>(kBase + reg)); }
  void out(unsigned reg, uint8_t v) { io.write8(static_cast<uint16_t>(kBase + reg), v); }
  Bytes results() {
    Bytes r;
    while (r.size() < 16 && (in(kRegMsr) & (kMsrRqm | kMsrDio)) == (kMsrRqm | kMsrDio)) {
      r.push_back(in(kRegFifo));
    }
    return r;
  }
  Bytes run(std::initializer_list<uint8_t> bytes) {
    for (uint8_t b : bytes) out(kRegFifo, b);
    while (!irq.level() && sched.next_deadline() != core::kNever) {
      sched.skip_to(sched.next_deadline());
      sched.run_due();
    }
    return results();
  }
  // Non-DMA data bytes while the FIFO offers them.
  Bytes fifo_data() {
    Bytes data;
    while ((in(kRegMsr) & (kMsrRqm | kMsrNonDma)) == (kMsrRqm | kMsrNonDma)) {
      data.push_back(in(kRegFifo));
    }
    return data;
  }

  // As the machine would save it: the scheduler (guest time and the
  // timers), the DMA controller, the FDC, and the board's IRQ line.
  std::vector<uint8_t> save() const {
    core::StateWriter w;
    sched.save_state(w);
    w.begin("dma", 1);
    dma.save_state(w);
    w.end();
    w.begin("fdc", 1);
    fdc.save_state(w);
    w.end();
    w.boolean(irq.level());
    return w.data();
  }
  void load(std::span<const uint8_t> state) {
    core::StateReader r(state);
    sched.load_state(r);
    r.begin("dma", 1);
    dma.load_state(r);
    r.end();
    r.begin("fdc", 1);
    fdc.load_state(r);
    r.end();
    irq.restore_level(r.boolean());
    if (!r.at_end()) r.fail("more");
  }
};

// A second machine built as FdcFixture builds its own, with the same
// medium in drive 0 (or none).
struct Machine {
  explicit Machine(bool medium = true) {
    mem.map_ram(0, 1ull << 20, 0);
    if (medium) fdc.insert(0, core::DiskImage::in_memory(patterned_image(k144M)));
  }
  Bench bench() { return {io, sched, irq, dma, fdc, irq_edges}; }

  int irq_edges = 0;
  core::IoBus io;
  core::MemoryBus mem{1ull << 20};
  core::Scheduler sched;
  core::IrqLine irq{[this](bool level) { irq_edges += level ? 1 : 0; }};
  IsaDma dma{io, mem};
  Fdc82077 fdc{io, sched, irq, dma.channel(Fdc82077::kDmaChannel)};
};

class FdcStateTest : public FdcFixture {
 protected:
  Bench bench() { return {io, sched, irq, dma, fdc, irq_edges}; }

  // The state now, loaded into a new machine, which must save it back
  // byte for byte.
  std::unique_ptr<Machine> restored() {
    const std::vector<uint8_t> state = bench().save();
    auto m = std::make_unique<Machine>();
    m->bench().load(state);
    EXPECT_EQ(m->bench().save(), state);
    return m;
  }
};

TEST_F(FdcStateTest, AResultPhaseHalfReadAfterASeekGoesOnAfterALoad) {
  insert_medium();
  seek(0, 5);
  command({kReadId, 0x00});
  run_until_irq();
  EXPECT_EQ(in(kRegFifo), 0x00);  // ST0
  EXPECT_EQ(in(kRegFifo), 0x00);  // ST1
  std::unique_ptr<Machine> m = restored();
  Bench original = bench();
  Bench copy = m->bench();

  EXPECT_EQ(copy.in(kRegMsr), original.in(kRegMsr));
  EXPECT_EQ(copy.results(), (Bytes{0x00, 5, 0, 1, 2}));
  EXPECT_EQ(original.results(), (Bytes{0x00, 5, 0, 1, 2}));
  // The head's position and the disk's rotation came along.
  for (Bench* b : {&original, &copy}) {
    EXPECT_EQ(b->run({kReadId, 0x00}), (Bytes{0x00, 0, 0, 5, 0, 2, 2}));
    EXPECT_EQ(b->run({kCmdDumpreg}).at(0), 5) << "PCN of drive 0";
    EXPECT_EQ(b->in(kRegDir), 0) << "the seek cleared disk change";
  }
  EXPECT_EQ(m->sched.now(), sched.now());
}

TEST_F(FdcStateTest, ASeekUnderWayEndsOnTimeAfterALoad) {
  insert_medium();
  command({kCmdSeek, 0x00, 40});
  std::unique_ptr<Machine> m = restored();
  Bench original = bench();
  Bench copy = m->bench();
  for (Bench* b : {&original, &copy}) {
    EXPECT_EQ(b->in(kRegMsr), kMsrRqm | kMsrDriveBusy0);
    EXPECT_EQ(b->run({}), Bytes{});
    EXPECT_TRUE(b->irq.level());
    EXPECT_EQ(b->run({kCmdSenseInterrupt}), (Bytes{kSt0SeekEnd, 40}));
  }
  EXPECT_EQ(m->sched.now(), sched.now()) << "the seek timer fired at the same guest time";
  EXPECT_EQ(m->irq_edges, 1);
}

TEST_F(FdcStateTest, ANonDmaReadStoppedInsideASectorGoesOnAfterALoad) {
  insert_medium();
  command({kCmdSpecify, 0xAF, 0x03});  // ND: non-DMA
  command({kRead, 0x00, 0, 0, 17, 2, 18, kGap, 0xFF});
  run_until_irq();
  Bytes first(200);
  for (uint8_t& b : first) b = in(kRegFifo);
  std::unique_ptr<Machine> m = restored();
  Bench original = bench();
  Bench copy = m->bench();

  Bytes expected = image_sector(0, 0, 17);
  const Bytes next = image_sector(0, 0, 18);
  expected.insert(expected.end(), next.begin(), next.end());
  expected.erase(expected.begin(), expected.begin() + 200);
  for (Bench* b : {&original, &copy}) {
    EXPECT_EQ(b->fifo_data(), expected);
    EXPECT_EQ(b->results(), (Bytes{0x40, 0x80, 0, 1, 0, 1, 2}));
  }
  EXPECT_EQ(m->irq_edges, irq_edges - 1) << "the second sector's request and the result";
}

TEST_F(FdcStateTest, ATruncatedStateOrAnotherMediumIsRefused) {
  insert_medium();
  seek(0, 3);
  const std::vector<uint8_t> state = bench().save();
  Machine m;
  for (size_t cut = 0; cut < state.size(); ++cut) {
    EXPECT_THROW(m.bench().load(std::span(state).first(cut)), core::StateError) << cut;
  }
  Machine empty(/*medium=*/false);
  try {
    empty.bench().load(state);
    FAIL() << "loaded";
  } catch (const core::StateError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("fdc/floppy0"), std::string::npos) << what;
    EXPECT_NE(what.find("held a diskette"), std::string::npos) << what;
  }
  Machine other;
  other.fdc.insert(0, core::DiskImage::in_memory(patterned_image(737'280)));
  EXPECT_THROW(other.bench().load(state), core::StateError) << "a 720K image for a 1.44M one";
}

}  // namespace
}  // namespace tx86::dev::fdc_test

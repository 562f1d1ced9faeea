// The machine's own part of a save state: CPU, RAM, guest time and timers.
// (tests/guests/linux_boot.sh savevm checks whole guests, every device with
// them.)
#include <gtest/gtest.h>

#include <cstring>

#include "core/firmware/bios_image.h"
#include "core/machine/machine.h"

namespace tx86::core {
namespace {

MachineConfig config(uint64_t ram = 2 << 20) {
  MachineConfig c;
  c.ram_bytes = ram;
  return c;
}

// The reset vector jumps to 0000:7C00, where RAM holds a loop that keeps
// changing registers, memory and flags:
//   L: inc ax; add bx, ax; mov [0x600+si], bl; inc si; and si, 0xFF; jmp L
void boot(Machine& m) {
  std::vector<uint8_t> rom(kPageSize, 0xF4);
  const uint8_t reset[] = {0xEA, 0x00, 0x7C, 0x00, 0x00};
  std::memcpy(rom.data() + rom.size() - 16, reset, sizeof reset);
  map_bios(m.memory(), rom);
  const uint8_t loop[] = {0x40, 0x01, 0xC3, 0x88, 0x9C, 0x00, 0x06,
                          0x46, 0x81, 0xE6, 0xFF, 0x00, 0xEB, 0xF2};
  m.memory().write_block(0x7C00, loop);
  m.reset();
}

// A timer that counts its firings and re-arms itself every 777 ns.
struct Ticker {
  explicit Ticker(Machine& m) : machine(m) {
    id = m.scheduler().add_timer("ticker", [this] {
      ++fired;
      machine.scheduler().arm(id, machine.scheduler().now() + 777);
    });
    m.scheduler().arm(id, 777);
  }
  Machine& machine;
  TimerId id = 0;
  int fired = 0;
};

void run_insns(Machine& m, uint64_t n) {
  // Deterministic time: a timer at the target ends the run there.
  bool done = false;
  const TimerId stop = m.scheduler().add_timer(
      "stop",
      [&] {
        done = true;
        m.request_exit(0);
      },
      false);
  m.scheduler().arm(stop, m.scheduler().now() + n);
  while (!done) ASSERT_EQ(m.run(10.0).outcome, RunOutcome::kExit);
}

TEST(MachineState, ALoadedMachineGoesOnExactlyAsTheOneThatSaved) {
  Machine a(config());
  boot(a);
  Ticker ta(a);
  run_insns(a, 10'000);
  StateWriter saved;
  a.save_state(saved);
  const int fired_at_save = ta.fired;
  run_insns(a, 50'000);

  Machine b(config());
  boot(b);
  Ticker tb(b);
  tb.fired = fired_at_save;
  StateReader r(saved.data());
  b.load_state(r);
  EXPECT_EQ(b.cpu().state.icount, 10'000u);
  run_insns(b, 50'000);

  EXPECT_EQ(std::memcmp(&a.cpu().state.gpr, &b.cpu().state.gpr, sizeof a.cpu().state.gpr), 0);
  EXPECT_EQ(a.cpu().state.eip, b.cpu().state.eip);
  EXPECT_EQ(a.cpu().state.eflags, b.cpu().state.eflags);
  EXPECT_EQ(a.cpu().state.icount, b.cpu().state.icount);
  EXPECT_EQ(a.scheduler().now(), b.scheduler().now());
  EXPECT_EQ(ta.fired, tb.fired);
  EXPECT_EQ(a.scheduler().deadline(ta.id), b.scheduler().deadline(tb.id));
  EXPECT_EQ(std::memcmp(a.memory().ram(), b.memory().ram(), a.memory().ram_size()), 0);
  // Saving both now gives the same bytes: nothing was left out or added.
  StateWriter wa;
  StateWriter wb;
  a.save_state(wa);
  b.save_state(wb);
  EXPECT_EQ(wa.data(), wb.data());
}

TEST(MachineState, AStateFromAMachineWithOtherRamIsRefused) {
  Machine a(config(2 << 20));
  boot(a);
  StateWriter saved;
  a.save_state(saved);
  Machine b(config(4 << 20));
  boot(b);
  StateReader r(saved.data());
  try {
    b.load_state(r);
    FAIL() << "no error";
  } catch (const StateError& e) {
    EXPECT_NE(std::string(e.what()).find("another RAM size"), std::string::npos) << e.what();
  }
}

TEST(MachineState, AStateFromAMachineWithOtherTimersIsRefused) {
  Machine a(config());
  boot(a);
  Ticker ta(a);
  StateWriter saved;
  a.save_state(saved);
  Machine b(config());
  boot(b);
  StateReader r(saved.data());
  EXPECT_THROW(b.load_state(r), StateError);
}

}  // namespace
}  // namespace tx86::core

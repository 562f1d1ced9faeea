#include "frontends/common/save_state.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/firmware/bios_image.h"

namespace tx86::fe {
namespace {

core::MachineConfig config() {
  core::MachineConfig c;
  c.ram_bytes = 2 << 20;
  return c;
}

TEST(SaveState, AStateThatFailsHalfwayLeavesTheMachineAsItWas) {
  const std::filesystem::path file =
      std::filesystem::temp_directory_path() /
      ("tx86-save-state-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
  // The saved machine has a timer the loading one lacks: the load gets past
  // the CPU and RAM before it finds out.
  core::Machine saved(config());
  core::map_bios(saved.memory(), std::vector<uint8_t>(core::kPageSize, 0x90));  // NOPs
  saved.reset();
  saved.scheduler().add_timer("extra", [] {});
  ASSERT_EQ(saved.step().outcome, core::RunOutcome::kDebugStop);
  saved.memory().write8(0x1000, 0x55);
  save_machine_state(saved, file);

  core::Machine m(config());
  core::map_bios(m.memory(), std::vector<uint8_t>(core::kPageSize, 0x90));
  m.reset();
  m.memory().write8(0x1000, 0xAA);
  try {
    load_machine_state(m, file);
    ADD_FAILURE() << "no error";
  } catch (const core::StateError& e) {
    EXPECT_NE(std::string(e.what()).find("another set of timers"), std::string::npos) << e.what();
  }
  EXPECT_EQ(m.cpu().state.eip, 0xFFF0u);
  EXPECT_EQ(m.cpu().state.icount, 0u);
  EXPECT_EQ(m.memory().read8(0x1000), 0xAAu);
  std::filesystem::remove(file);
}

}  // namespace
}  // namespace tx86::fe

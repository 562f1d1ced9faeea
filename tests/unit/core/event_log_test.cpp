// -d int: Cpu::set_event_log writes a line for each interrupt and
// exception delivered, before its delivery (QEMU's -d int fields).
#include <cstdio>
#include <cstdlib>
#include <string>

#include "tests/unit/core/interp_fixture.h"

namespace tx86::core::testing {
namespace {

class EventLogTest : public InterpTest {
 protected:
  EventLogTest() {
    log_ = open_memstream(&buffer_, &size_);
    cpu.set_event_log(log_);
    set_ivt(0x21, 0x0000, 0x0400);
    set_ivt(vec::kDe, 0x0000, 0x0500);
    load({0xCF}, 0x400);  // iret
    load({0xCF}, 0x500);
  }
  ~EventLogTest() override {
    std::fclose(log_);
    std::free(buffer_);
  }

  std::string text() {
    std::fflush(log_);
    return std::string(buffer_, size_);
  }

  std::FILE* log_ = nullptr;
  char* buffer_ = nullptr;
  size_t size_ = 0;
};

TEST_F(EventLogTest, AnIntNAndAnExceptionAreALineEachWithVectorAndReturnAddress) {
  exec({0xCD, 0x21});  // int 0x21
  EXPECT_EQ(cpu.state.eip, 0x400u);
  EXPECT_EQ(text(),
            "     0: int v=21 e=0000 i=1 cpl=0 IP=0000:00000102 pc=00000102 SP=0000:00008000 "
            "CR2=00000000 EFL=00000002\n");
  run();  // iret
  set(kEax, 7);
  set(kEcx, 0);
  exec({0xF6, 0xF1});  // div cl: #DE, which reports the DIV itself
  EXPECT_EQ(cpu.state.eip, 0x500u);
  const std::string lines = text();
  const std::string second = lines.substr(lines.find('\n') + 1);
  EXPECT_EQ(second,
            "     1: exc v=00 e=0000 i=0 cpl=0 IP=0000:00000102 pc=00000102 SP=0000:00008000 "
            "CR2=00000000 EFL=00000002\n");
}

TEST_F(EventLogTest, NothingIsLoggedWithoutALog) {
  cpu.set_event_log(nullptr);
  exec({0xCD, 0x21});
  EXPECT_EQ(cpu.state.eip, 0x400u);
  EXPECT_EQ(text(), "");
}

}  // namespace
}  // namespace tx86::core::testing

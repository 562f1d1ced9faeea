// The GDB stub's answers, packet by packet, on a machine at its reset vector
// (no sockets: tests/cli/gdb_test.sh runs the real gdb against the server).
#include "frontends/gdb/gdb_session.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/firmware/bios_image.h"
#include "frontends/gdb/gdb_packet.h"
#include "frontends/gdb/gdb_registers.h"

namespace tx86::fe::gdb {
namespace {

using Action = Session::Action;

class GdbSession : public ::testing::Test {
 protected:
  GdbSession() : machine_(config()), session_(machine_) {
    core::map_bios(machine_.memory(), std::vector<uint8_t>(core::kPageSize, 0xF4));
    machine_.reset();
  }
  static core::MachineConfig config() {
    core::MachineConfig c;
    c.ram_bytes = 2 << 20;
    return c;
  }
  std::string ask(std::string_view packet) {
    const Session::Reply r = session_.handle(packet);
    EXPECT_TRUE(r.packet.has_value()) << packet;
    EXPECT_EQ(r.action, Action::kNone) << packet;
    return r.packet.value_or("");
  }
  core::CpuState& state() { return machine_.cpu().state; }

  core::Machine machine_;
  Session session_;
};

TEST_F(GdbSession, ReadsAllRegistersInTheOrderOfTheTargetDescription) {
  state().gpr[core::kEcx] = 0x11223344;
  const std::string g = ask("g");
  // 16 of 4 bytes, 8 x87 registers of 10, 8 x87 control registers and
  // CR0, CR2, CR3, CR4 of 4: 192 bytes.
  ASSERT_EQ(g.size(), 2u * 192);
  EXPECT_EQ(g.substr(8, 8), "44332211");        // ecx
  EXPECT_EQ(g.substr(8 * 8, 8), "f0ff0000");    // eip
  EXPECT_EQ(g.substr(10 * 8, 8), "00f00000");   // cs
  EXPECT_EQ(g.substr(2 * 176, 8), "10000060");  // cr0 at reset: CD, NW, ET
  EXPECT_EQ(ask("p8"), "f0ff0000");
  EXPECT_EQ(ask("p20"), "10000060");
  EXPECT_EQ(ask("p24"), "E01");  // past the last
}

TEST_F(GdbSession, WritesRegisters) {
  EXPECT_EQ(ask("P0=78563412"), "OK");
  EXPECT_EQ(state().gpr[core::kEax], 0x12345678u);
  // A real-mode selector sets the base as the processor would.
  EXPECT_EQ(ask("Pc=00200000"), "OK");  // ds
  EXPECT_EQ(state().seg[core::kDs].selector, 0x2000);
  EXPECT_EQ(state().seg[core::kDs].base, 0x20000u);
  EXPECT_EQ(ask("P0=1234"), "E01");  // too short
  // G writes everything back as read, with eip changed.
  std::string g = ask("g");
  g.replace(8 * 8, 8, "00100000");
  g.insert(0, 1, 'G');
  EXPECT_EQ(ask(g), "OK");
  EXPECT_EQ(state().eip, 0x1000u);
  EXPECT_EQ(state().seg[core::kDs].base, 0x20000u);
}

TEST_F(GdbSession, ReadsAndWritesMemoryByLinearAddress) {
  EXPECT_EQ(ask("M500,4:deadbeef"), "OK");
  EXPECT_EQ(machine_.memory().read32(0x500), 0xEFBEADDEu);
  EXPECT_EQ(ask("m500,4"), "deadbeef");
  std::string binary = "X502,2:";
  binary.push_back('\x01');
  binary.push_back('\x02');
  EXPECT_EQ(ask(binary), "OK");
  EXPECT_EQ(ask("m500,4"), "dead0102");
  EXPECT_EQ(ask("m500"), "E01");
  EXPECT_EQ(ask("M500,4:dead"), "E01");  // fewer bytes than it says
}

TEST_F(GdbSession, MemoryGoesThroughThePageTablesAndStopsWhereTheyMapNothing) {
  // Page directory at 0x1000, a table at 0x2000 mapping linear 0 to
  // physical 0x3000, and nothing at linear 0x1000.
  machine_.memory().write32(0x1000, 0x2000 | 1);
  machine_.memory().write32(0x2000, 0x3000 | 1);
  machine_.memory().write32(0x3FFE, 0xCAFE);
  state().cr3 = 0x1000;
  state().cr0 |= core::cr0::kPe | core::cr0::kPg;
  EXPECT_EQ(ask("mffe,4"), "feca");  // the page that is mapped, then nothing
  EXPECT_EQ(ask("m1000,4"), "E14");
  EXPECT_EQ(ask("M1000,1:00"), "E14");
  // The walk set no accessed bits.
  EXPECT_EQ(machine_.memory().read32(0x1000), 0x2001u);
  EXPECT_EQ(machine_.memory().read32(0x2000), 0x3001u);
}

TEST_F(GdbSession, SetsAndRemovesBreakpointsAndWatchpoints) {
  const core::DebugPoints& d = machine_.cpu().debug;
  EXPECT_EQ(ask("Z0,fffffff0,1"), "OK");
  EXPECT_TRUE(d.armed());
  EXPECT_EQ(ask("z0,fffffff0,1"), "OK");
  EXPECT_FALSE(d.armed());
  EXPECT_EQ(ask("z0,fffffff0,1"), "E01");  // not set
  EXPECT_EQ(ask("Z2,500,4"), "OK");
  EXPECT_TRUE(d.watching());
  EXPECT_EQ(ask("z3,500,4"), "E01");  // a read watchpoint was not set there
  EXPECT_EQ(ask("z2,500,4"), "OK");
  EXPECT_FALSE(d.armed());
  EXPECT_EQ(ask("Z9,500,4"), "");  // not a kind the stub knows
}

TEST_F(GdbSession, ReportsWhyItStopped) {
  EXPECT_EQ(ask("?"), "S05");
  machine_.cpu().debug.add_watchpoint(0x500, 4, core::WatchKind::kRead);
  machine_.cpu().debug.note_access(0x502, 1, false);
  EXPECT_EQ(session_.stop_reply(core::RunOutcome::kDebugStop), "T05rwatch:500;thread:01;");
  EXPECT_EQ(ask("?"), "T05rwatch:500;thread:01;");
  EXPECT_EQ(session_.stop_reply(core::RunOutcome::kDebugStop), "T05thread:01;");
  EXPECT_EQ(session_.stop_reply(core::RunOutcome::kPaused), "T02thread:01;");
}

TEST_F(GdbSession, ServesTheTargetDescriptionInPieces) {
  std::string xml;
  for (;;) {
    const std::string part =
        ask(fmt::format("qXfer:features:read:target.xml:{:x},100", xml.size()));
    ASSERT_FALSE(part.empty());
    ASSERT_TRUE(part[0] == 'm' || part[0] == 'l') << part;
    EXPECT_LE(part.size(), 0x101u);
    xml += part.substr(1);
    if (part[0] == 'l') break;
  }
  EXPECT_EQ(xml, target_xml());
  EXPECT_NE(xml.find("<feature name=\"org.gnu.gdb.i386.core\">"), std::string::npos);
  EXPECT_NE(xml.find("<reg name=\"cr3\" bitsize=\"32\" type=\"int32\" regnum=\"34\""),
            std::string::npos);
  EXPECT_EQ(ask("qXfer:features:read:other.xml:0,100"), "E00");
}

TEST_F(GdbSession, AnswersTheQueriesGdbMakesOnConnecting) {
  EXPECT_EQ(ask("qSupported:multiprocess+;swbreak+"),
            "PacketSize=4000;qXfer:features:read+;QStartNoAckMode+");
  EXPECT_FALSE(session_.no_ack());
  EXPECT_EQ(ask("QStartNoAckMode"), "OK");
  EXPECT_TRUE(session_.no_ack());
  EXPECT_EQ(ask("qAttached"), "1");
  EXPECT_EQ(ask("qfThreadInfo"), "m01");
  EXPECT_EQ(ask("qsThreadInfo"), "l");
  EXPECT_EQ(ask("Hg0"), "OK");
  EXPECT_EQ(ask("vCont?"), "");  // gdb then uses c and s
  EXPECT_EQ(ask("qTStatus"), "");
}

TEST_F(GdbSession, ContinueStepDetachAndKillAreLeftToTheServer) {
  Session::Reply r = session_.handle("c");
  EXPECT_EQ(r.action, Action::kContinue);
  EXPECT_FALSE(r.packet.has_value());
  r = session_.handle("s1000");
  EXPECT_EQ(r.action, Action::kStep);
  EXPECT_EQ(state().eip, 0x1000u);  // resumes at the address given
  r = session_.handle("C05;2000");
  EXPECT_EQ(r.action, Action::kContinue);
  EXPECT_EQ(state().eip, 0x2000u);
  r = session_.handle("D");
  EXPECT_EQ(r.action, Action::kDetach);
  EXPECT_EQ(r.packet, std::optional<std::string>("OK"));
  r = session_.handle("k");
  EXPECT_EQ(r.action, Action::kKill);
  EXPECT_FALSE(r.packet.has_value());
  r = session_.handle("cxyz");
  EXPECT_EQ(r.action, Action::kNone);
  EXPECT_EQ(r.packet, std::optional<std::string>("E01"));
}

}  // namespace
}  // namespace tx86::fe::gdb

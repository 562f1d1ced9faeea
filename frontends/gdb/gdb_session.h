// What the GDB stub answers to each packet while the machine is stopped:
// registers, memory by linear address (through the guest's page tables),
// breakpoints and watchpoints, the target description, and the requests to
// go on (continue, step), detach or kill, which the server carries out.
// There are no sockets here; the server (gdb_server.h) moves the bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/machine/machine.h"

namespace tx86::fe::gdb {

class Session {
 public:
  explicit Session(core::Machine& machine) : machine_(machine) {}

  enum class Action : uint8_t { kNone, kContinue, kStep, kDetach, kKill };
  struct Reply {
    std::optional<std::string> packet;  // nullopt: none (continue and step answer when stopped)
    Action action = Action::kNone;
  };
  Reply handle(std::string_view payload);

  // The stop reply once the machine stops under the debugger: a breakpoint
  // or step (SIGTRAP, with the watchpoint hit if any), or a pause (SIGINT).
  // It is also what '?' answers until the next one.
  std::string stop_reply(core::RunOutcome why);

  // QStartNoAckMode was accepted: packets are no longer acknowledged.
  bool no_ack() const { return no_ack_; }

 private:
  std::string query(std::string_view q);
  std::string memory_read_reply(std::string_view args);
  std::string memory_write_reply(std::string_view args, bool binary);
  std::string point_reply(std::string_view args, bool insert);
  std::string register_reply(std::string_view args);
  std::string register_write_reply(std::string_view args);
  std::string features_reply(std::string_view args);
  // "c ADDR" / "s ADDR": resume at ADDR when given. False when it does not parse.
  bool resume_at(std::string_view addr);

  core::Machine& machine_;
  std::string last_stop_ = "S05";
  bool no_ack_ = false;
};

}  // namespace tx86::fe::gdb

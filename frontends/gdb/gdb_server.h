// The GDB stub's network side (--gdb tcp::PORT, -s, -S, as QEMU's): it
// listens on TCP and takes one gdb at a time. As a client of the run loop
// (frontends/common/client_loop.h) it sees gdb's packets, Ctrl+C and a gdb
// attaching between slices of the machine's run, and holds the machine
// stopped while gdb has it. A gdb that detaches or goes away leaves the
// machine running, without its breakpoints.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/machine/machine.h"
#include "frontends/common/machine_client.h"
#include "frontends/common/tcp_listener.h"
#include "frontends/gdb/gdb_packet.h"
#include "frontends/gdb/gdb_session.h"

namespace tx86::fe::gdb {

class Server final : public MachineClient {
 public:
  // spec: "tcp::PORT" (127.0.0.1) or "tcp:HOST:PORT"; PORT 0 picks a free
  // one. wait: -S, the machine stays stopped until a gdb lets it go. Throws
  // UserError for a bad spec or an address it cannot listen on.
  Server(core::Machine& machine, const std::string& spec, bool wait);
  ~Server() override;
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  uint16_t port() const { return listener_.port(); }

  int input_fd() const override { return client_fd_ >= 0 ? client_fd_ : listener_.fd(); }
  // Accepts a gdb, or handles what it sent (a step is carried out at once).
  void on_input() override;
  bool holds_machine() const override { return state_ == State::kStopped; }
  void on_stop(core::RunOutcome why) override;
  std::optional<core::RunResult> take_end() override;
  // Tells gdb the exit status (W) and hangs up.
  void on_end(int status) override;

 private:
  enum class State : uint8_t { kRunning, kStopped };

  // Accepts a gdb and handles what it sent, waiting up to timeout_ms for
  // something to happen.
  void serve_network(int timeout_ms);
  void accept_client();
  void drop_client();
  // Handles what gdb sent: answers, and carries out a step at once.
  void handle_input();
  void step();
  void send_packet(const std::string& payload);
  void send_raw(const std::string& bytes);
  void stopped(core::RunOutcome why);

  core::Machine& machine_;
  std::unique_ptr<Session> session_;  // a new one for each gdb
  PacketReader reader_;
  TcpListener listener_;
  int client_fd_ = -1;
  State state_ = State::kRunning;
  std::optional<core::RunResult> ended_;  // the run ended while gdb was in charge
};

}  // namespace tx86::fe::gdb

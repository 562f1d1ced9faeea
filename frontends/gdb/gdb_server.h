// The GDB stub's network side (--gdb tcp::PORT, -s, -S, as QEMU's): it
// listens on TCP, takes one gdb at a time, and runs the machine in short
// slices so that it notices gdb's Ctrl+C (and a gdb attaching) while the
// guest runs. While gdb holds the machine stopped it answers packets
// instead of running. A gdb that detaches or goes away leaves the machine
// running, without its breakpoints.
//
// Single-threaded: run() is called where the machine would be run, by the
// headless loop or the desktop app's machine thread.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/machine/machine.h"
#include "frontends/gdb/gdb_packet.h"
#include "frontends/gdb/gdb_session.h"

namespace tx86::fe::gdb {

class Server {
 public:
  // spec: "tcp::PORT" (127.0.0.1) or "tcp:HOST:PORT"; PORT 0 picks a free
  // one. wait: -S, the machine stays stopped until a gdb lets it go. Throws
  // UserError for a bad spec or an address it cannot listen on.
  Server(core::Machine& machine, const std::string& spec, bool wait);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  uint16_t port() const { return port_; }

  // Runs the machine (as Machine::run) for at most `seconds`, serving gdb.
  // Returns kTimeout when the time is up, or how the machine's run ended.
  core::RunResult run(std::optional<double> seconds);

  // The run is over with this exit status: tells gdb (W) and hangs up.
  void report_end(int status);

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
  int listen_fd_ = -1;
  int client_fd_ = -1;
  uint16_t port_ = 0;
  State state_ = State::kRunning;
  std::optional<core::RunResult> ended_;  // the run ended while gdb was in charge
};

}  // namespace tx86::fe::gdb

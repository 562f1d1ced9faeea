// The monitor's line (--monitor stdio|tcp::PORT): commands come a line at a
// time from the terminal or one TCP client (telnet, nc), and each line's
// output goes back there, followed by the "(tx86) " prompt. As a client of
// the run loop (frontends/common/client_loop.h) it runs each command
// between slices of the machine's run, and holds the machine while the
// monitor says `stop`.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "frontends/common/machine_client.h"
#include "frontends/common/tcp_listener.h"
#include "frontends/monitor/monitor.h"

namespace tx86::fe {

class MonitorServer final : public MachineClient {
 public:
  // spec: "stdio", or a TCP spec (tcp_listener.h). stopped: -S, the machine
  // waits for `cont`. Throws UserError for a bad spec.
  MonitorServer(Monitor::Context context, const std::string& spec, bool stopped);
  ~MonitorServer() override;
  MonitorServer(const MonitorServer&) = delete;
  MonitorServer& operator=(const MonitorServer&) = delete;

  int input_fd() const override;
  void on_input() override;
  bool holds_machine() const override { return monitor_.stopped(); }
  void on_stop(core::RunOutcome) override {}
  std::optional<core::RunResult> take_end() override { return monitor_.take_end(); }
  void on_end(int) override {}

 private:
  void greet();
  void write_out(const std::string& text);
  void hang_up();

  Monitor monitor_;
  std::unique_ptr<TcpListener> listener_;  // null for stdio
  int in_fd_ = -1;                         // stdin, or the TCP client
  int out_fd_ = -1;
  std::string line_;
};

}  // namespace tx86::fe

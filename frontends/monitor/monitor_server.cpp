#include "frontends/monitor/monitor_server.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "core/machine/user_error.h"

namespace tx86::fe {

namespace {

constexpr const char* kPrompt = "(tx86) ";

}  // namespace

MonitorServer::MonitorServer(Monitor::Context context, const std::string& spec, bool stopped)
    : monitor_(std::move(context)) {
  monitor_.set_stopped(stopped);
  if (spec == "stdio") {
    in_fd_ = STDIN_FILENO;
    out_fd_ = STDOUT_FILENO;
    greet();
    return;
  }
  if (!TcpListener::is_tcp(spec)) {
    throw core::UserError("--monitor: '" + spec + "' is not stdio, tcp::PORT or tcp:HOST:PORT");
  }
  listener_ = std::make_unique<TcpListener>(spec, "--monitor");
  std::fprintf(stderr, "tx86: monitor listening on %s:%u\n", listener_->host().c_str(),
               listener_->port());
}

MonitorServer::~MonitorServer() {
  if (listener_ && in_fd_ >= 0) close(in_fd_);
}

int MonitorServer::input_fd() const {
  if (in_fd_ >= 0) return in_fd_;
  return listener_ ? listener_->fd() : -1;
}

void MonitorServer::greet() {
  write_out("tx86 monitor - type 'help' for the commands\n");
  write_out(kPrompt);
}

void MonitorServer::on_input() {
  if (in_fd_ < 0) {
    in_fd_ = out_fd_ = listener_->accept_client();
    if (in_fd_ >= 0) greet();
    return;
  }
  char buf[1024];
  const ssize_t n = read(in_fd_, buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (n <= 0) {
    hang_up();
    return;
  }
  line_.append(buf, static_cast<size_t>(n));
  size_t newline = 0;
  while (in_fd_ >= 0 && (newline = line_.find('\n')) != std::string::npos) {
    std::string command = line_.substr(0, newline);
    line_.erase(0, newline + 1);
    if (!command.empty() && command.back() == '\r') command.pop_back();  // telnet
    write_out(monitor_.execute(command));
    if (monitor_.ending()) return;
    write_out(kPrompt);
  }
  // (a line longer than any command is dropped rather than kept growing)
  if (line_.size() > 4096) line_.clear();
}

void MonitorServer::write_out(const std::string& text) {
  size_t sent = 0;
  while (out_fd_ >= 0 && sent < text.size()) {
    const ssize_t n = listener_
                          ? send(out_fd_, text.data() + sent, text.size() - sent, MSG_NOSIGNAL)
                          : write(out_fd_, text.data() + sent, text.size() - sent);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      hang_up();
      return;
    }
    sent += static_cast<size_t>(n);
  }
}

void MonitorServer::hang_up() {
  // The terminal's end: nothing more to read. A TCP client's: the next
  // one may connect.
  if (listener_ && in_fd_ >= 0) close(in_fd_);
  in_fd_ = out_fd_ = -1;
  line_.clear();
}

}  // namespace tx86::fe

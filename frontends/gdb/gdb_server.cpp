#include "frontends/gdb/gdb_server.h"

#include <spdlog/spdlog.h>

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace tx86::fe::gdb {

Server::Server(core::Machine& machine, const std::string& spec, bool wait)
    : machine_(machine),
      listener_(spec, "--gdb"),
      state_(wait ? State::kStopped : State::kRunning) {
  // (on stderr whatever the log level: with port 0 it is the only way to
  // learn the port)
  std::fprintf(stderr, "tx86: gdb stub listening on %s:%u%s\n", listener_.host().c_str(),
               listener_.port(), wait ? ", the machine waits for gdb" : "");
}

Server::~Server() {
  if (client_fd_ >= 0) close(client_fd_);
}

void Server::on_input() {
  if (client_fd_ < 0) {
    accept_client();
  } else {
    handle_input();
  }
}

void Server::on_stop(core::RunOutcome why) {
  if (client_fd_ >= 0) stopped(why);
}

std::optional<core::RunResult> Server::take_end() {
  std::optional<core::RunResult> r = ended_;
  ended_.reset();
  return r;
}

void Server::accept_client() {
  const int fd = listener_.accept_client();
  if (fd < 0) return;
  client_fd_ = fd;
  session_ = std::make_unique<Session>(machine_);
  reader_ = PacketReader();
  // gdb attaching stops the machine where it is; it then asks why ('?').
  state_ = State::kStopped;
  spdlog::info("gdb: connected");
}

void Server::drop_client() {
  if (client_fd_ < 0) return;
  close(client_fd_);
  client_fd_ = -1;
  session_.reset();
  // What gdb left behind would stop a machine that nobody debugs.
  machine_.cpu().debug.clear();
  state_ = State::kRunning;
  spdlog::info("gdb: disconnected, the machine runs on");
}

void Server::handle_input() {
  uint8_t buf[4096];
  const ssize_t n = recv(client_fd_, buf, sizeof buf, 0);
  if (n <= 0) {
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
    drop_client();
    return;
  }
  reader_.feed({buf, static_cast<size_t>(n)});
  while (client_fd_ >= 0 && !ended_) {
    std::optional<PacketReader::Event> e = reader_.next();
    if (!e) return;
    if (e->kind == PacketReader::Event::Kind::kInterrupt) {
      if (state_ == State::kRunning) stopped(core::RunOutcome::kPaused);
      continue;
    }
    if (e->kind == PacketReader::Event::Kind::kBadChecksum) {
      if (!session_->no_ack()) send_raw("-");
      continue;
    }
    if (!session_->no_ack()) send_raw("+");
    const Session::Reply reply = session_->handle(e->payload);
    if (reply.packet) send_packet(*reply.packet);
    switch (reply.action) {
      case Session::Action::kNone: break;
      case Session::Action::kContinue: {
        const core::CpuState& s = machine_.cpu().state;
        // (gdb steps off its own breakpoints first; this covers a
        // continue at a breakpoint gdb does not know of)
        machine_.cpu().debug.resume_past(s.seg[core::kCs].base + s.eip);
        state_ = State::kRunning;
        break;
      }
      case Session::Action::kStep: step(); break;
      case Session::Action::kDetach: drop_client(); break;
      case Session::Action::kKill:
        drop_client();
        ended_ = core::RunResult{core::RunOutcome::kExit, 0, "killed by gdb"};
        break;
    }
  }
}

void Server::step() {
  const core::RunResult r = machine_.step();
  if (r.outcome == core::RunOutcome::kDebugStop || r.outcome == core::RunOutcome::kPaused) {
    stopped(core::RunOutcome::kDebugStop);
  } else {
    ended_ = r;
  }
}

void Server::stopped(core::RunOutcome why) {
  state_ = State::kStopped;
  if (session_) send_packet(session_->stop_reply(why));
}

void Server::on_end(int status) {
  if (client_fd_ < 0) return;
  send_packet(fmt::format("W{:02x}", status & 0xFF));
  drop_client();
}

void Server::send_packet(const std::string& payload) {
  send_raw(frame_packet(payload));
}

void Server::send_raw(const std::string& bytes) {
  size_t sent = 0;
  while (client_fd_ >= 0 && sent < bytes.size()) {
    const ssize_t n = send(client_fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      drop_client();
      return;
    }
    sent += static_cast<size_t>(n);
  }
}

}  // namespace tx86::fe::gdb

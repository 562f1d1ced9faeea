#include "frontends/gdb/gdb_server.h"

#include <spdlog/spdlog.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/machine/user_error.h"

namespace tx86::fe::gdb {

namespace {

struct Endpoint {
  std::string host;
  std::string port;
};

Endpoint parse_spec(const std::string& spec) {
  // tcp::PORT or tcp:HOST:PORT, as QEMU's -gdb
  const std::string bad = "--gdb: '" + spec + "' is not tcp::PORT or tcp:HOST:PORT";
  if (spec.rfind("tcp:", 0) != 0) throw core::UserError(bad);
  const std::string rest = spec.substr(4);
  const size_t colon = rest.rfind(':');
  if (colon == std::string::npos) throw core::UserError(bad);
  Endpoint e{rest.substr(0, colon), rest.substr(colon + 1)};
  if (e.host.empty()) e.host = "127.0.0.1";
  if (e.port.empty() || e.port.size() > 5 ||
      !std::all_of(e.port.begin(), e.port.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      std::stoul(e.port) > 65535) {
    throw core::UserError(bad);
  }
  return e;
}

}  // namespace

Server::Server(core::Machine& machine, const std::string& spec, bool wait)
    : machine_(machine), state_(wait ? State::kStopped : State::kRunning) {
  const Endpoint at = parse_spec(spec);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (const int rc = getaddrinfo(at.host.c_str(), at.port.c_str(), &hints, &found); rc != 0) {
    throw core::UserError("--gdb: " + at.host + ": " + gai_strerror(rc));
  }
  std::string why = "no address";
  for (addrinfo* a = found; a != nullptr && listen_fd_ < 0; a = a->ai_next) {
    const int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) {
      why = std::strerror(errno);
      continue;
    }
    const int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, a->ai_addr, a->ai_addrlen) != 0 || listen(fd, 1) != 0) {
      why = std::strerror(errno);
      close(fd);
      continue;
    }
    listen_fd_ = fd;
  }
  freeaddrinfo(found);
  if (listen_fd_ < 0) {
    throw core::UserError("--gdb: cannot listen on " + at.host + ":" + at.port + ": " + why);
  }
  sockaddr_storage bound{};
  socklen_t size = sizeof bound;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&bound), &size);
  port_ = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6&>(bound).sin6_port
                                            : reinterpret_cast<sockaddr_in&>(bound).sin_port);
  // (on stderr whatever the log level: with port 0 it is the only way to
  // learn the port)
  std::fprintf(stderr, "tx86: gdb stub listening on %s:%u%s\n", at.host.c_str(), port_,
               wait ? ", the machine waits for gdb" : "");
}

Server::~Server() {
  if (client_fd_ >= 0) close(client_fd_);
  if (listen_fd_ >= 0) close(listen_fd_);
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
  const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
  if (fd < 0) return;
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
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

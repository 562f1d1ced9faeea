#include "frontends/common/char_backends.h"

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <spdlog/spdlog.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/machine/user_error.h"

namespace tx86::fe {

namespace {

constexpr size_t kReadChunk = 256;
constexpr int kWriteWaitMs = 100;  // a blocked stdout gets this long per try

// Writes everything unless the descriptor fails; a non-blocking descriptor
// that stays full for kWriteWaitMs loses the rest.
void write_all(int fd, std::span<const uint8_t> bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n > 0) {
      bytes = bytes.subspan(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{fd, POLLOUT, 0};
      if (poll(&p, 1, kWriteWaitMs) > 0) continue;
    }
    return;
  }
}

bool input_waiting(int fd) {
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, 0) > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR)) != 0;
}

void set_fd_flags(int fd, bool nonblocking) {
  if (nonblocking) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC);
}

constexpr const char* kEscapeHelp =
    "\nCtrl+A X       quit tx86\n"
    "Ctrl+A Ctrl+A  send Ctrl+A to the guest\n"
    "Ctrl+A H       this help\n";

}  // namespace

StdioBackend::StdioBackend(int in_fd, int out_fd, std::function<void()> on_quit)
    : in_fd_(in_fd),
      out_fd_(out_fd),
      on_quit_(std::move(on_quit)),
      raw_(in_fd),
      escapes_(isatty(in_fd) != 0),
      // A background process that reads its terminal is stopped (SIGTTIN).
      input_open_(!escapes_ || terminal_readable_in_foreground(in_fd)) {
  if (!input_open_) spdlog::warn("serial: running in the background, terminal input ignored");
}

StdioBackend::~StdioBackend() {
  flush();
}

void StdioBackend::write(std::span<const uint8_t> bytes) {
  out_.insert(out_.end(), bytes.begin(), bytes.end());
  if (out_.size() >= 4096 || std::find(bytes.begin(), bytes.end(), '\n') != bytes.end()) flush();
}

void StdioBackend::flush() {
  if (out_.empty()) return;
  // Whatever else went to stdout through stdio buffers comes first.
  if (out_fd_ == STDOUT_FILENO) std::fflush(stdout);
  write_all(out_fd_, out_);
  out_.clear();
}

size_t StdioBackend::read(std::span<uint8_t> out) {
  flush();  // (the guest may be waiting for input after a prompt)
  if (pending_.empty()) poll_input();
  size_t n = 0;
  while (n < out.size() && !pending_.empty()) {
    out[n++] = pending_.front();
    pending_.pop_front();
  }
  return n;
}

void StdioBackend::poll_input() {
  if (!input_open_ || !input_waiting(in_fd_)) return;
  uint8_t buf[kReadChunk];
  const ssize_t n = ::read(in_fd_, buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) return;
  if (n <= 0) {
    input_open_ = false;  // end of file, or the terminal went away
    return;
  }
  for (ssize_t i = 0; i < n; ++i) take_key(buf[i]);
}

void StdioBackend::take_key(uint8_t key) {
  if (!escapes_) {
    pending_.push_back(key);
    return;
  }
  if (!escape_seen_) {
    if (key == kEscapeKey) {
      escape_seen_ = true;
    } else {
      pending_.push_back(key);
    }
    return;
  }
  escape_seen_ = false;
  switch (key) {
    case 'x':
    case 'X':
      if (on_quit_) {
        on_quit_();
      } else {
        spdlog::warn("serial: Ctrl+A X pressed but nothing is set up to quit");
      }
      break;
    case kEscapeKey: pending_.push_back(kEscapeKey); break;
    case 'h':
    case 'H':
    case '?':
      write_all(STDERR_FILENO,
                {reinterpret_cast<const uint8_t*>(kEscapeHelp), std::strlen(kEscapeHelp)});
      break;
    default: break;
  }
}

PtyBackend::PtyBackend() {
  char name[256] = {};
  if (openpty(&master_, &slave_, name, nullptr, nullptr) != 0) {
    throw core::UserError(std::string("cannot create a pty: ") + std::strerror(errno));
  }
  slave_path_ = name;
  set_fd_flags(master_, true);
  set_fd_flags(slave_, false);
  // A raw line: the terminal program at the other end sets its own modes,
  // but until it does, nothing should be echoed back to the guest.
  termios t{};
  if (tcgetattr(slave_, &t) == 0) {
    cfmakeraw(&t);
    tcsetattr(slave_, TCSANOW, &t);
  }
}

PtyBackend::~PtyBackend() {
  ::close(master_);
  ::close(slave_);
}

void PtyBackend::write(std::span<const uint8_t> bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(master_, bytes.data(), bytes.size());
    if (n > 0) {
      bytes = bytes.subspan(static_cast<size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      // Full buffer (nobody reading): drop rather than stall the guest.
      if (!warned_full_) spdlog::debug("serial pty {}: buffer full, output dropped", slave_path_);
      warned_full_ = true;
      return;
    }
  }
}

size_t PtyBackend::read(std::span<uint8_t> out) {
  if (out.empty()) return 0;
  for (;;) {
    const ssize_t n = ::read(master_, out.data(), out.size());
    if (n > 0) return static_cast<size_t>(n);
    if (n < 0 && errno == EINTR) continue;
    return 0;  // EAGAIN: nothing waiting
  }
}

std::unique_ptr<core::CharBackend> make_char_backend(const std::string& spec,
                                                     const std::string& what,
                                                     std::function<void()> on_quit) {
  if (spec == "none") return nullptr;
  if (spec == "stdio") {
    return std::make_unique<StdioBackend>(STDIN_FILENO, STDOUT_FILENO, std::move(on_quit));
  }
  if (spec == "pty") {
    std::unique_ptr<PtyBackend> pty;
    try {
      pty = std::make_unique<PtyBackend>();
    } catch (const core::UserError& e) {
      throw core::UserError(what + ": " + e.what());
    }
    std::fprintf(stderr, "char device redirected to %s (label %s)\n", pty->slave_path().c_str(),
                 what.c_str());
    return pty;
  }
  if (spec.rfind("file:", 0) == 0 && spec.size() > 5) {
    const std::string path = spec.substr(5);
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) throw core::UserError(what + " " + path + ": " + std::strerror(errno));
    return std::make_unique<FileBackend>(f);
  }
  throw core::UserError(what + ": '" + spec + "' is not one of stdio, file:PATH, pty, none");
}

}  // namespace tx86::fe

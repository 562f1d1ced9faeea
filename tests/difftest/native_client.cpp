#include "tests/difftest/native_client.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace tx86::difftest {

namespace {

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error("native runner: " + what + ": " + std::strerror(errno));
}

Bytes encode_requests(std::span<const TestCase> cases) {
  Bytes out;
  for (const TestCase& c : cases) {
    const Bytes code = c.code();
    dt_request rq{};
    rq.magic = DT_REQUEST_MAGIC;
    rq.code_len = static_cast<uint32_t>(code.size());
    for (int i = 0; i < 8; ++i) rq.gpr[i] = c.gpr[i];
    rq.eflags = c.eflags;
    std::memcpy(rq.window, c.window.data(), DT_WINDOW_SIZE);
    std::memcpy(rq.fpu, c.fpu.data(), DT_FSAVE_SIZE);
    const auto* p = reinterpret_cast<const uint8_t*>(&rq);
    out.insert(out.end(), p, p + sizeof rq);
    out.insert(out.end(), code.begin(), code.end());
  }
  return out;
}

// Parses the complete responses in buf from pos on; returns the new pos.
size_t decode_responses(const Bytes& buf, size_t pos, std::vector<NativeResult>& out) {
  for (;;) {
    if (buf.size() - pos < sizeof(dt_response)) return pos;
    dt_response rs;
    std::memcpy(&rs, buf.data() + pos, sizeof rs);
    if (rs.magic != DT_RESPONSE_MAGIC) throw std::runtime_error("native runner: bad response");
    const size_t need = sizeof rs + rs.snapshot_count * sizeof(dt_snapshot);
    if (buf.size() - pos < need) return pos;
    NativeResult r;
    r.status = rs.status;
    r.fault_eip = rs.fault_eip;
    r.outside_dirty = rs.outside_dirty != 0;
    std::memcpy(r.window.data(), rs.window, DT_WINDOW_SIZE);
    r.snapshots.resize(rs.snapshot_count);
    std::memcpy(r.snapshots.data(), buf.data() + pos + sizeof rs,
                rs.snapshot_count * sizeof(dt_snapshot));
    out.push_back(std::move(r));
    pos += need;
  }
}

}  // namespace

NativeClient::NativeClient(const std::string& runner_path) {
  int in[2];
  int out[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) fail("pipe");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  char* argv[] = {const_cast<char*>(runner_path.c_str()), nullptr};
  const int rc = posix_spawn(&pid_, runner_path.c_str(), &fa, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  close(in[0]);
  close(out[1]);
  to_child_ = in[1];
  from_child_ = out[0];
  // Partial writes, so that a full pipe never blocks the exchange.
  fcntl(to_child_, F_SETFL, fcntl(to_child_, F_GETFL) | O_NONBLOCK);
  if (rc != 0) {
    errno = rc;
    fail("cannot start " + runner_path);
  }
  // A dead runner must surface as an error, not kill the test with SIGPIPE.
  signal(SIGPIPE, SIG_IGN);
}

NativeClient::~NativeClient() {
  if (to_child_ >= 0) close(to_child_);
  if (from_child_ >= 0) close(from_child_);
  if (pid_ > 0) {
    int status = 0;
    waitpid(pid_, &status, 0);
  }
}

std::vector<NativeResult> NativeClient::run(std::span<const TestCase> cases) {
  const Bytes req = encode_requests(cases);
  std::vector<NativeResult> results;
  results.reserve(cases.size());
  Bytes in;
  size_t written = 0;
  size_t parsed = 0;
  uint8_t chunk[1 << 16];
  while (results.size() < cases.size()) {
    pollfd fds[2] = {{from_child_, POLLIN, 0}, {to_child_, POLLOUT, 0}};
    const nfds_t n = written < req.size() ? 2 : 1;
    if (poll(fds, n, 10000) <= 0) fail("no answer from the runner");
    if (n == 2 && (fds[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
      const ssize_t w = write(to_child_, req.data() + written, req.size() - written);
      if (w < 0 && errno != EINTR && errno != EAGAIN) fail("write");
      if (w > 0) written += static_cast<size_t>(w);
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      const ssize_t r = read(from_child_, chunk, sizeof chunk);
      if (r == 0) throw std::runtime_error("native runner: exited unexpectedly");
      if (r < 0 && errno != EINTR) fail("read");
      if (r > 0) {
        in.insert(in.end(), chunk, chunk + r);
        parsed = decode_responses(in, parsed, results);
      }
    }
  }
  return results;
}

}  // namespace tx86::difftest

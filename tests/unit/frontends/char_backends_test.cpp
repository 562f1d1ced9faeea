#include "frontends/common/char_backends.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "core/machine/user_error.h"

namespace tx86::fe {
namespace {

using std::chrono::steady_clock;
constexpr auto kPatience = std::chrono::seconds(2);
constexpr auto kQuietSpell = std::chrono::milliseconds(100);  // to see that nothing comes

std::span<const uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// Reads from the backend until `want` bytes came or patience ran out.
std::string read_backend(core::CharBackend& backend, size_t want,
                         steady_clock::duration patience = kPatience) {
  std::string got;
  const auto deadline = steady_clock::now() + patience;
  while (got.size() < want && steady_clock::now() < deadline) {
    uint8_t buf[64];
    const size_t n = backend.read(buf);
    if (n == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    got.append(buf, buf + n);
  }
  return got;
}

std::string read_fd(int fd, size_t want) {
  std::string got;
  const auto deadline = steady_clock::now() + kPatience;
  while (got.size() < want && steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 10) <= 0) continue;
    char buf[64];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
  }
  return got;
}

void write_fd(int fd, const std::string& s) {
  ASSERT_EQ(::write(fd, s.data(), s.size()), static_cast<ssize_t>(s.size()));
}

// A pseudo-terminal pair standing in for the user's terminal.
struct Pty {
  Pty() { EXPECT_EQ(openpty(&master, &slave, nullptr, nullptr, nullptr), 0); }
  ~Pty() {
    close(master);
    close(slave);
  }
  termios modes() const {
    termios t{};
    tcgetattr(slave, &t);
    return t;
  }
  int master = -1;
  int slave = -1;
};

std::string user_error_of(const std::string& spec) {
  try {
    make_char_backend(spec, "--serial");
  } catch (const core::UserError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(CharBackendFactory, NoneMeansNothingAttached) {
  EXPECT_EQ(make_char_backend("none", "--serial"), nullptr);
}

TEST(CharBackendFactory, UnknownSpecsAreOneLineUserErrors) {
  EXPECT_EQ(user_error_of("tcp:4444"),
            "--serial: 'tcp:4444' is not one of stdio, file:PATH, pty, none");
  EXPECT_EQ(user_error_of(""), "--serial: '' is not one of stdio, file:PATH, pty, none");
  EXPECT_EQ(user_error_of("file:"), "--serial: 'file:' is not one of stdio, file:PATH, pty, none");
  EXPECT_EQ(user_error_of("pty:x"), "--serial: 'pty:x' is not one of stdio, file:PATH, pty, none");
}

TEST(CharBackendFactory, UncreatableFileIsAUserError) {
  EXPECT_EQ(user_error_of("file:/nonexistent-dir/serial.log"),
            "--serial /nonexistent-dir/serial.log: No such file or directory");
}

TEST(CharBackendFactory, FileGetsTheOutputAndGivesNoInput) {
  const std::string path = ::testing::TempDir() + "tx86_serial_file_test.log";
  {
    auto backend = make_char_backend("file:" + path, "--serial");
    ASSERT_NE(dynamic_cast<FileBackend*>(backend.get()), nullptr);
    backend->write(bytes_of("boot\r\n"));
    backend->write(bytes_of("ok"));
    uint8_t buf[4];
    EXPECT_EQ(backend->read(buf), 0u);
  }
  std::ifstream f(path, std::ios::binary);
  std::stringstream text;
  text << f.rdbuf();
  EXPECT_EQ(text.str(), "boot\r\nok");
  std::remove(path.c_str());
}

std::string file_text(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream text;
  text << f.rdbuf();
  return text.str();
}

// Output reaches the file a line at a time, and the rest (a prompt) at the
// UART's next input poll (a read), not a byte at a time.
TEST(CharBackendFactory, FileGetsWholeLinesAndTheRestAtTheNextPoll) {
  const std::string path = ::testing::TempDir() + "tx86_serial_lines_test.log";
  {
    auto backend = make_char_backend("file:" + path, "--serial");
    backend->write(bytes_of("boot"));
    backend->write(bytes_of("\r\n"));
    EXPECT_EQ(file_text(path), "boot\r\n");
    backend->write(bytes_of("~ # "));
    EXPECT_EQ(file_text(path), "boot\r\n");
    uint8_t buf[4];
    EXPECT_EQ(backend->read(buf), 0u);
    EXPECT_EQ(file_text(path), "boot\r\n~ # ");
  }
  std::remove(path.c_str());
}

TEST(CharBackendFactory, StdioMakesAStdioBackend) {
  auto backend = make_char_backend("stdio", "--serial");
  EXPECT_NE(dynamic_cast<StdioBackend*>(backend.get()), nullptr);
}

TEST(CharBackendPty, BytesGoBothWaysUnchanged) {
  auto backend = make_char_backend("pty", "--serial");
  auto* pty = dynamic_cast<PtyBackend*>(backend.get());
  ASSERT_NE(pty, nullptr);
  EXPECT_EQ(pty->slave_path().rfind("/dev/pts/", 0), 0u) << pty->slave_path();
  const int client = open(pty->slave_path().c_str(), O_RDWR | O_NOCTTY);
  ASSERT_GE(client, 0);

  uint8_t none[8];
  EXPECT_EQ(backend->read(none), 0u);  // nothing yet, and no blocking
  // No line discipline in the way: CR, Ctrl+C and DEL pass as bytes.
  const std::string typed = "ls\r\x03\x7f";
  write_fd(client, typed);
  EXPECT_EQ(read_backend(*backend, typed.size()), typed);

  const std::string printed = "# \r\n\x1b[0m\n";
  backend->write(bytes_of(printed));
  EXPECT_EQ(read_fd(client, printed.size()), printed);
  close(client);
}

TEST(CharBackendPty, OutputWithNobodyAttachedDoesNotBlock) {
  PtyBackend pty;
  const std::string line(1000, 'x');
  for (int i = 0; i < 1000; ++i) pty.write(bytes_of(line));  // far beyond the pty buffer
  SUCCEED();
}

TEST(CharBackendStdio, TerminalGoesRawAndComesBack) {
  Pty term;
  const termios before = term.modes();
  ASSERT_NE(before.c_lflag & ICANON, 0u);
  {
    StdioBackend backend(term.slave, STDOUT_FILENO, {});
    EXPECT_TRUE(backend.raw_mode());
    const termios raw = term.modes();
    EXPECT_EQ(raw.c_lflag & (ECHO | ICANON | ISIG | IEXTEN), 0u);
    EXPECT_EQ(raw.c_iflag & (ICRNL | IXON), 0u);
    EXPECT_NE(raw.c_oflag & OPOST, 0u);  // host log lines still get CR
  }
  const termios after = term.modes();
  EXPECT_EQ(after.c_lflag, before.c_lflag);
  EXPECT_EQ(after.c_iflag, before.c_iflag);
  EXPECT_EQ(after.c_oflag, before.c_oflag);
}

TEST(CharBackendStdio, RestoreFromSignalPutsTheTerminalBack) {
  Pty term;
  const termios before = term.modes();
  TerminalRawMode raw(term.slave);
  ASSERT_TRUE(raw.active());
  TerminalRawMode second(term.slave);
  EXPECT_FALSE(second.active());  // one raw terminal at a time
  restore_terminal_from_signal();
  EXPECT_EQ(term.modes().c_lflag, before.c_lflag);
}

TEST(CharBackendStdio, CtrlCReachesTheGuestAndCtrlAXQuits) {
  Pty term;
  int quits = 0;
  StdioBackend backend(term.slave, STDOUT_FILENO, [&] { ++quits; });
  write_fd(term.master, "a\x03\r");
  EXPECT_EQ(read_backend(backend, 3), "a\x03\r");
  write_fd(term.master, "\x01x");
  EXPECT_EQ(read_backend(backend, 1, kQuietSpell), "");
  EXPECT_EQ(quits, 1);
  // Ctrl+A Ctrl+A sends one Ctrl+A; an unknown escape is dropped; the
  // escape state survives a split between reads.
  write_fd(term.master, "\x01");
  EXPECT_EQ(read_backend(backend, 1, kQuietSpell), "");
  write_fd(term.master,
           "\x01"
           "b\x01q"
           "c");
  EXPECT_EQ(read_backend(backend, 3),
            "\x01"
            "bc");
  EXPECT_EQ(quits, 1);
}

TEST(CharBackendStdio, PipedInputPassesUnchangedUntilEndOfFile) {
  int in[2];
  int out[2];
  ASSERT_EQ(pipe(in), 0);
  ASSERT_EQ(pipe(out), 0);
  int quits = 0;
  {
    StdioBackend backend(in[0], out[1], [&] { ++quits; });
    EXPECT_FALSE(backend.raw_mode());
    write_fd(in[1], "\x01x\n");
    close(in[1]);
    EXPECT_EQ(read_backend(backend, 3), "\x01x\n");
    uint8_t buf[4];
    EXPECT_EQ(backend.read(buf), 0u);  // end of file
    backend.write(bytes_of("out"));
  }
  EXPECT_EQ(read_fd(out[0], 3), "out");
  EXPECT_EQ(quits, 0);
  close(in[0]);
  close(out[0]);
  close(out[1]);
}

TEST(CharBackendStdio, OutputGoesOutByLineAndAtEachInputPoll) {
  int in[2];
  int out[2];
  ASSERT_EQ(pipe(in), 0);
  ASSERT_EQ(pipe(out), 0);
  const auto readable = [&] {
    pollfd p{out[0], POLLIN, 0};
    return poll(&p, 1, static_cast<int>(kQuietSpell.count())) > 0;
  };
  {
    StdioBackend backend(in[0], out[1], {});
    backend.write(bytes_of("a"));
    backend.write(bytes_of("b"));
    EXPECT_FALSE(readable());
    backend.write(bytes_of("c\n"));
    EXPECT_EQ(read_fd(out[0], 4), "abc\n");
    backend.write(bytes_of("$ "));
    EXPECT_FALSE(readable());
    uint8_t buf[4];
    EXPECT_EQ(backend.read(buf), 0u);  // (an input poll)
    EXPECT_EQ(read_fd(out[0], 2), "$ ");
    backend.write(bytes_of("bye"));
  }
  EXPECT_EQ(read_fd(out[0], 3), "bye");  // at the end
  close(in[0]);
  close(in[1]);
  close(out[0]);
  close(out[1]);
}

}  // namespace
}  // namespace tx86::fe

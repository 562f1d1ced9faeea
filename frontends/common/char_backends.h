// The host ends of a guest serial line a user can name with --serial:
// "stdio", "file:PATH", "pty" and "none". Reads never block: each read()
// polls its descriptor with a zero timeout.
#pragma once

#include <cstdio>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/io/char_backend.h"
#include "frontends/common/char_sinks.h"
#include "frontends/common/terminal_raw_mode.h"

namespace tx86::fe {

// The guest's console on the host terminal. When in_fd is a terminal it is
// put in raw mode (see TerminalRawMode), so Ctrl+C goes to the guest, and
// Ctrl+A is an escape key as in QEMU:
//   Ctrl+A X       calls on_quit (the frontend stops the emulator)
//   Ctrl+A Ctrl+A  sends one Ctrl+A to the guest
//   Ctrl+A H       prints this list on stderr
// Other keys after Ctrl+A are dropped. When in_fd is not a terminal (a pipe,
// a file) its bytes pass unchanged until end of file.
class StdioBackend final : public core::CharBackend {
 public:
  static constexpr uint8_t kEscapeKey = 0x01;  // Ctrl+A

  // Neither descriptor is closed. on_quit may be empty.
  StdioBackend(int in_fd, int out_fd, std::function<void()> on_quit);

  ~StdioBackend() override;
  StdioBackend(const StdioBackend&) = delete;
  StdioBackend& operator=(const StdioBackend&) = delete;

  // Output goes out a line at a time, and the rest (a prompt, an echoed
  // key) at the next input poll, within a millisecond of guest time: a
  // write() a byte was most of a Linux boot's system calls.
  void write(std::span<const uint8_t> bytes) override;
  void flush() override;
  size_t read(std::span<uint8_t> out) override;
  bool raw_mode() const { return raw_.active(); }

 private:
  void poll_input();
  void take_key(uint8_t key);

  int in_fd_;
  int out_fd_;
  std::function<void()> on_quit_;
  TerminalRawMode raw_;
  bool escapes_;     // in_fd is a terminal: Ctrl+A is the escape key
  bool input_open_;  // false after end of file, or when reading would stop us
  bool escape_seen_ = false;
  std::deque<uint8_t> pending_;  // input already read and filtered
  std::vector<uint8_t> out_;     // output not written yet
};

// Output to a file; no input.
class FileBackend final : public core::CharBackend {
 public:
  // Takes ownership of file.
  explicit FileBackend(std::FILE* file) : sink_(file) {}
  // A whole line at once; the rest (a prompt) at the UART's next input
  // poll, within a millisecond of guest time, for whoever watches the file
  // for it. A write() a byte was most of a Linux boot's system calls.
  void write(std::span<const uint8_t> bytes) override { sink_.write_lines(bytes); }
  void flush() override { sink_.flush(); }
  size_t read(std::span<uint8_t>) override {
    sink_.flush();
    return 0;
  }

 private:
  FileSink sink_;
};

// A new pseudo-terminal; a terminal program (screen, minicom, picocom)
// opens slave_path(). The backend keeps the slave open itself, so output
// sent while no program is attached waits in the pty's buffer (and is
// dropped once that is full) instead of failing.
class PtyBackend final : public core::CharBackend {
 public:
  PtyBackend();  // throws core::UserError when no pty can be made
  ~PtyBackend() override;
  PtyBackend(const PtyBackend&) = delete;
  PtyBackend& operator=(const PtyBackend&) = delete;

  void write(std::span<const uint8_t> bytes) override;
  size_t read(std::span<uint8_t> out) override;
  const std::string& slave_path() const { return slave_path_; }

 private:
  int master_ = -1;
  int slave_ = -1;
  std::string slave_path_;
  bool warned_full_ = false;
};

// Builds the backend a spec names; nullptr for "none" (nothing attached).
// "pty" prints the slave's path on stderr, as QEMU does. on_quit is called
// when the user presses the stdio quit key. Throws core::UserError for an
// unknown spec, a file that cannot be created or a pty that cannot be made;
// `what` names the option in messages.
std::unique_ptr<core::CharBackend> make_char_backend(const std::string& spec,
                                                     const std::string& what,
                                                     std::function<void()> on_quit = {});

}  // namespace tx86::fe

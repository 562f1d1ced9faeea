// libFuzzer target: save states that are not what tx86 wrote. A PC (the
// command line's: SeaBIOS, 4 MiB, a disk, a CD-ROM and a floppy, all with
// --snapshot) runs to 40 ms of guest time and saves its state once; each
// input patches bytes of that state, section by section (so that most
// patches land in a device's fields, not in RAM), or cuts it short, and
// loads it as --loadvm does. A state that does not fit must be refused
// with the machine as it was; one that loads must run on for a guest
// millisecond. Neither may crash or trip a sanitizer, whatever the fields
// hold. (The file around the state, with its zstd checksum, is fuzzed by
// the second half of each input: read_state_file on arbitrary bytes.)
//
// Input: patches, each [section][offset u32][length][bytes]; a length byte
// of 0xFF instead cuts the state at that offset.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "core/machine/machine.h"
#include "core/state/state_file.h"
#include "core/state/state_stream.h"
#include "frontends/common/options.h"
#include "frontends/common/pc_session.h"

namespace {

using namespace tx86;
namespace fs = std::filesystem;

struct Section {
  std::string name;
  size_t first;  // where its name starts
  size_t size;   // name, version, length and contents
};

class Fixture {
 public:
  Fixture() {
    dir_ = fs::temp_directory_path() / ("tx86-fuzz-state-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    image("disk.img", 2u << 20);
    image("cd.iso", 1u << 20);
    image("floppy.img", 1474560);
    std::vector<std::string> args = {"tx86",
                                     "--memory",
                                     "4M",
                                     "--serial",
                                     "none",
                                     "--hda",
                                     path("disk.img"),
                                     "--cdrom",
                                     path("cd.iso"),
                                     "--fda",
                                     path("floppy.img"),
                                     "--snapshot"};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    auto parsed = fe::parse_command_line(static_cast<int>(argv.size()), argv.data());
    options_ = std::get<fe::Options>(std::move(parsed));
    session_ = std::make_unique<fe::PcSession>(options_, core::ClockMode::kDeterministic, "none");
    core::Machine& m = session_->machine();
    stop_ = m.scheduler().add_timer(
        "fuzz-stop", [&m] { m.request_pause(); }, false);
    run_for(40'000'000);
    core::StateWriter w;
    m.save_state(w);
    state_ = w.data();
    // The top-level sections: name (u64 length, bytes), version u32,
    // length u64, contents.
    for (size_t at = 0; at < state_.size();) {
      uint64_t name = 0, length = 0;
      std::memcpy(&name, state_.data() + at, 8);
      std::memcpy(&length, state_.data() + at + 8 + name + 4, 8);
      const size_t size = 8 + name + 4 + 8 + length;
      sections_.push_back(
          {std::string(reinterpret_cast<const char*>(state_.data() + at + 8), name), at, size});
      at += size;
    }
    std::fprintf(stderr, "save state: %zu bytes in %zu sections\n", state_.size(),
                 sections_.size());
  }
  ~Fixture() {
    session_.reset();
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  core::Machine& machine() { return session_->machine(); }
  const std::vector<uint8_t>& state() const { return state_; }
  const std::vector<Section>& sections() const { return sections_; }
  const fs::path& dir() const { return dir_; }

  void run_for(core::GuestTime ns) {
    core::Machine& m = session_->machine();
    m.scheduler().arm(stop_, m.scheduler().now() + ns);
    m.run(10.0);
    m.scheduler().disarm(stop_);
  }

 private:
  std::string path(const char* name) const { return (dir_ / name).string(); }
  void image(const char* name, size_t bytes) const {
    std::vector<char> data(bytes);
    for (size_t i = 0; i < bytes; ++i) data[i] = static_cast<char>(i * 7 + (i >> 9));
    std::ofstream(dir_ / name, std::ios::binary)
        .write(data.data(), static_cast<std::streamsize>(bytes));
  }

  fs::path dir_;
  fe::Options options_;
  std::unique_ptr<fe::PcSession> session_;
  core::TimerId stop_ = 0;
  std::vector<uint8_t> state_;
  std::vector<Section> sections_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture fixture;
  std::vector<uint8_t> state = fixture.state();
  size_t at = 0;
  auto u8 = [&] { return at < size ? data[at++] : uint8_t{0}; };
  while (at + 6 <= size) {
    const Section& s = fixture.sections()[u8() % fixture.sections().size()];
    uint32_t offset = 0;
    for (int i = 0; i < 4; ++i) offset |= uint32_t{u8()} << (8 * i);
    const size_t where = s.first + offset % s.size;
    const uint8_t length = u8();
    if (length == 0xFF) {
      if (where < state.size()) state.resize(where);
      continue;
    }
    for (unsigned i = 0; i < length % 17 && at < size; ++i) {
      const uint8_t b = u8();
      if (where + i < state.size()) state[where + i] = b;
    }
  }

  core::Machine& m = fixture.machine();
  // As load_machine_state does it: a state that does not fit leaves the
  // machine as it was.
  core::StateWriter before;
  m.save_state(before);
  bool loaded = false;
  try {
    core::StateReader r(state);
    m.load_state(r);
    loaded = true;
  } catch (const core::StateError&) {
    core::StateReader back(before.data());
    m.load_state(back);
  }
  if (loaded) {
    fixture.run_for(1'000'000);
  } else {
    // Put back as it was: the same bytes again.
    core::StateWriter after;
    m.save_state(after);
    if (after.data() != before.data()) {
      const std::vector<uint8_t>& a = before.data();
      const std::vector<uint8_t>& b = after.data();
      size_t i = 0;
      while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
      std::string in = "?";
      for (const Section& sec : fixture.sections()) {
        if (i >= sec.first && i < sec.first + sec.size) in = sec.name;
      }
      std::fprintf(stderr, "a refused state changed the machine: byte %zu (in '%s') differs\n", i,
                   in.c_str());
      __builtin_trap();
    }
  }
  // Back to the saved machine for the next input.
  core::StateReader original(fixture.state());
  m.load_state(original);

  // The file around a state: arbitrary bytes are refused, never misread.
  const fs::path file = fixture.dir() / "input.state";
  std::ofstream(file, std::ios::binary)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  try {
    core::read_state_file(file, "fuzz");
  } catch (const core::StateError&) {
  }
  return 0;
}

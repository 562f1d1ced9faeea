// libFuzzer target: config files. Whatever a file holds, `tx86 --config
// FILE` ends in options or a usage error that names the file, the line and
// the key (core::UserError, or the parser's own message with status 2):
// never a crash, a sanitizer report or another exception. Options read
// from a file are printed back with --print-config's writer too, which
// must not fail on them either.
//
// Input: the file's bytes. It runs in a folder of its own holding a disk,
// a CD and a floppy that the file may name.
#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>
#include <variant>
#include <vector>

#include "core/machine/user_error.h"
#include "frontends/common/options.h"
#include "tests/fuzz/work_folder.h"

namespace {

int parse(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  try {
    const auto parsed = tx86::fe::parse_command_line(static_cast<int>(args.size()), argv.data());
    if (const int* status = std::get_if<int>(&parsed)) return *status;
  } catch (const tx86::core::UserError&) {
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "not a usage error: %s\n", e.what());
    __builtin_trap();
  }
  return 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const tx86::fuzz::WorkFolder folder("config");
  std::ofstream("c.toml", std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  if (parse({"tx86", "--config", "c.toml"}) == 0) {
    // Accepted: what it set can be written out as a config again.
    parse({"tx86", "--config", "c.toml", "--print-config"});
  }
  return 0;
}

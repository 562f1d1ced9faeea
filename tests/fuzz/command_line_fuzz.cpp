// libFuzzer target: command lines. Whatever the arguments, parsing them
// ends in options, --help's or --version's status, or a usage error with a
// message (core::UserError, which main prints): never a crash, a sanitizer
// report or another exception (main's "internal error").
//
// Input: the arguments after "tx86", separated by NUL bytes. It runs in a
// folder of its own holding a disk, a CD, a floppy and a config file, so
// that arguments may name real files; stdin is /dev/null (run_fuzzer.sh).
#include <cstdint>
#include <cstdio>
#include <exception>
#include <fstream>
#include <string>
#include <variant>
#include <vector>

#include "core/machine/user_error.h"
#include "frontends/common/options.h"
#include "tests/fuzz/work_folder.h"

namespace {

// The work folder, with a config file for --config too.
struct Folder : tx86::fuzz::WorkFolder {
  Folder() : WorkFolder("cli") {
    std::ofstream("c.toml") << "[machine]\nmemory = \"16M\"\n[drives]\nhda = \"disk.img\"\n";
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Folder folder;
  std::vector<std::string> args{"tx86"};
  std::string arg;
  for (size_t i = 0; i < size && args.size() < 64; ++i) {
    if (data[i] == 0) {
      args.push_back(arg);
      arg.clear();
    } else {
      arg += static_cast<char>(data[i]);
    }
  }
  if (!arg.empty()) args.push_back(arg);
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  try {
    tx86::fe::parse_command_line(static_cast<int>(args.size()), argv.data());
  } catch (const tx86::core::UserError&) {
  } catch (const std::exception& e) {
    std::fprintf(stderr, "not a usage error: %s\n", e.what());
    __builtin_trap();
  }
  return 0;
}

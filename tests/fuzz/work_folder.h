// A folder of the fuzz target's own, made its working directory, holding
// a disk, a CD and a floppy image that inputs may name (disk.img, cd.iso,
// fd.img); stdout goes to /dev/null (--help, --print-config). Removed at
// exit.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace tx86::fuzz {

struct WorkFolder {
  explicit WorkFolder(const char* name) {
    dir = std::filesystem::temp_directory_path() /
          (std::string("tx86-fuzz-") + name + "-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::filesystem::current_path(dir);
    if (std::freopen("/dev/null", "w", stdout) == nullptr) std::perror("stdout");
    std::ofstream("disk.img", std::ios::binary) << std::string(1 << 20, '\0');
    std::ofstream("cd.iso", std::ios::binary) << std::string(1 << 16, '\0');
    std::ofstream("fd.img", std::ios::binary) << std::string(1474560, '\0');
  }
  ~WorkFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
  WorkFolder(const WorkFolder&) = delete;
  WorkFolder& operator=(const WorkFolder&) = delete;

  std::filesystem::path dir;
};

}  // namespace tx86::fuzz

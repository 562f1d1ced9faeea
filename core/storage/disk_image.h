// A guest drive's medium on the host: a raw image file (or bytes in memory,
// for tests), the same format QEMU calls "raw".
//
// Guest writes go to the file at once (pwrite, so they sit in the host's
// page cache) and reach the disk on flush(): the drive calls it when the
// guest flushes its cache, and the destructor calls it, so every way out of
// tx86 that unwinds (normal exit, timeout, SIGINT/SIGTERM) keeps them.
// With snapshot set the file is only read: writes go to a temporary overlay
// file that disappears with the image.
//
// A save state holds an image's size and read-only flag, to check that the
// state is loaded with the same images, and in snapshot mode the overlay's
// sectors: the guest's writes, which the image file does not keep.
//
// An image opened for writing holds an exclusive lock (flock), one opened
// read-only a shared one, so a second tx86 cannot write an image another
// is using, as QEMU refuses it too.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/state/state_stream.h"

namespace tx86::core {

struct ImageOptions {
  bool read_only = false;  // the guest may not write it (readonly=on, CD-ROMs)
  bool snapshot = false;   // writes go to a throw-away overlay
};

class DiskImage {
 public:
  static constexpr uint32_t kSectorSize = 512;

  // Opens a file; throws UserError naming it when it is missing,
  // unreadable, a directory, empty, or locked by another process.
  static std::unique_ptr<DiskImage> open(const std::filesystem::path& path,
                                         const ImageOptions& options);
  // An image held in memory (tests).
  static std::unique_ptr<DiskImage> in_memory(std::vector<uint8_t> bytes,
                                              const ImageOptions& options = {});

  ~DiskImage();
  DiskImage(const DiskImage&) = delete;
  DiskImage& operator=(const DiskImage&) = delete;

  uint64_t size() const { return size_; }
  bool read_only() const { return options_.read_only; }
  const std::string& name() const { return name_; }

  // false: a host I/O error (or a range past the end), which the drive
  // reports to the guest as a media error.
  bool read(uint64_t offset, std::span<uint8_t> out);
  bool write(uint64_t offset, std::span<const uint8_t> data);
  bool flush();

  // Save states. Loading fails (StateError) for the state of an image of
  // another size or mode.
  void save_state(StateWriter& w) const;
  void load_state(StateReader& r);

  // The bytes of an in-memory image (tests).
  const std::vector<uint8_t>& memory() const { return memory_; }

 private:
  DiskImage() = default;

  bool read_base(uint64_t offset, std::span<uint8_t> out);
  bool write_overlay(uint64_t offset, std::span<const uint8_t> data);

  std::string name_;
  ImageOptions options_;
  uint64_t size_ = 0;
  int fd_ = -1;                  // the image file, or -1 in memory
  std::vector<uint8_t> memory_;  // an in-memory image
  // Snapshot mode: written sectors live in the overlay file at their own
  // offsets (sparse), and the bitmap says which.
  int overlay_fd_ = -1;
  std::vector<bool> in_overlay_;
};

}  // namespace tx86::core

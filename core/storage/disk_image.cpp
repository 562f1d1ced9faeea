#include "core/storage/disk_image.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "core/machine/user_error.h"

namespace tx86::core {

namespace {

std::string errno_text() {
  return std::strerror(errno);
}

// pread/pwrite until done: they may move less than asked.
bool read_all(int fd, uint64_t offset, std::span<uint8_t> out) {
  size_t done = 0;
  while (done < out.size()) {
    const ssize_t n =
        ::pread(fd, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

bool write_all(int fd, uint64_t offset, std::span<const uint8_t> data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n =
        ::pwrite(fd, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

// An unnamed file for the snapshot overlay, in $TMPDIR (or /tmp).
int make_overlay(uint64_t size) {
  const char* dir = std::getenv("TMPDIR");
  std::string path = std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") + "/tx86-XXXXXX";
  const int fd = ::mkstemp(path.data());
  if (fd < 0)
    throw UserError("--snapshot: cannot create an overlay in " + path + ": " + errno_text());
  ::unlink(path.c_str());
  if (::ftruncate(fd, static_cast<off_t>(size)) != 0) {
    ::close(fd);
    throw UserError("--snapshot: cannot size the overlay: " + errno_text());
  }
  return fd;
}

}  // namespace

std::unique_ptr<DiskImage> DiskImage::open(const std::filesystem::path& path,
                                           const ImageOptions& options) {
  std::unique_ptr<DiskImage> image(new DiskImage);
  image->name_ = path.string();
  image->options_ = options;
  const std::string& name = image->name_;
  const bool writable = !options.read_only && !options.snapshot;
  image->fd_ = ::open(path.c_str(), (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
  if (image->fd_ < 0) throw UserError("cannot open image " + name + ": " + errno_text());
  struct stat st {};
  if (::fstat(image->fd_, &st) != 0)
    throw UserError("cannot read image " + name + ": " + errno_text());
  if (S_ISDIR(st.st_mode)) throw UserError("image " + name + " is a directory");
  if (::flock(image->fd_, (writable ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      throw UserError("image " + name + " is in use by another process (locked for " +
                      (writable ? "writing)" : "reading)"));
    }
    throw UserError("cannot lock image " + name + ": " + errno_text());
  }
  const off_t end = ::lseek(image->fd_, 0, SEEK_END);
  if (end < 0) throw UserError("cannot read image " + name + ": " + errno_text());
  if (end == 0) throw UserError("image " + name + " is empty");
  image->size_ = static_cast<uint64_t>(end);
  // A first read, so an unreadable file fails here rather than in the guest.
  uint8_t first[1];
  if (!read_all(image->fd_, 0, first))
    throw UserError("cannot read image " + name + ": " + errno_text());
  if (options.snapshot) image->overlay_fd_ = make_overlay(image->size_);
  image->in_overlay_.assign(options.snapshot ? (image->size_ + kSectorSize - 1) / kSectorSize : 0,
                            false);
  return image;
}

std::unique_ptr<DiskImage> DiskImage::in_memory(std::vector<uint8_t> bytes,
                                                const ImageOptions& options) {
  std::unique_ptr<DiskImage> image(new DiskImage);
  image->name_ = "(memory)";
  image->options_ = options;
  image->size_ = bytes.size();
  image->memory_ = std::move(bytes);
  if (options.snapshot) {
    image->overlay_fd_ = make_overlay(image->size_);
    image->in_overlay_.assign((image->size_ + kSectorSize - 1) / kSectorSize, false);
  }
  return image;
}

DiskImage::~DiskImage() {
  flush();
  if (overlay_fd_ >= 0) ::close(overlay_fd_);
  if (fd_ >= 0) ::close(fd_);  // (releases the lock)
}

bool DiskImage::read_base(uint64_t offset, std::span<uint8_t> out) {
  if (fd_ < 0) {
    std::memcpy(out.data(), memory_.data() + offset, out.size());
    return true;
  }
  return read_all(fd_, offset, out);
}

bool DiskImage::read(uint64_t offset, std::span<uint8_t> out) {
  if (offset > size_ || out.size() > size_ - offset) return false;
  if (overlay_fd_ < 0) return read_base(offset, out);
  // Runs of sectors from the overlay or from the base, whichever holds them.
  size_t done = 0;
  while (done < out.size()) {
    const uint64_t at = offset + done;
    const uint64_t sector = at / kSectorSize;
    const bool overlay = in_overlay_[sector];
    uint64_t end = (sector + 1) * kSectorSize;
    while (end < offset + out.size() && in_overlay_[end / kSectorSize] == overlay)
      end += kSectorSize;
    const size_t n = static_cast<size_t>(std::min<uint64_t>(end, offset + out.size()) - at);
    const std::span<uint8_t> part = out.subspan(done, n);
    if (!(overlay ? read_all(overlay_fd_, at, part) : read_base(at, part))) return false;
    done += n;
  }
  return true;
}

bool DiskImage::write(uint64_t offset, std::span<const uint8_t> data) {
  if (options_.read_only || offset > size_ || data.size() > size_ - offset) return false;
  if (overlay_fd_ >= 0) return write_overlay(offset, data);
  if (fd_ < 0) {
    std::memcpy(memory_.data() + offset, data.data(), data.size());
    return true;
  }
  return write_all(fd_, offset, data);
}

// A sector written only in part gets the rest of its bytes from the base
// first, so the overlay always holds whole sectors.
bool DiskImage::write_overlay(uint64_t offset, std::span<const uint8_t> data) {
  const uint64_t first = offset / kSectorSize;
  const uint64_t last = (offset + data.size() - 1) / kSectorSize;
  for (const uint64_t s : {first, last}) {
    if (in_overlay_[s]) continue;
    const uint64_t start = s * kSectorSize;
    const bool whole = offset <= start && offset + data.size() >= start + kSectorSize;
    if (whole) continue;
    std::vector<uint8_t> sector(
        static_cast<size_t>(std::min<uint64_t>(kSectorSize, size_ - start)));
    if (!read_base(start, sector) || !write_all(overlay_fd_, start, sector)) return false;
    in_overlay_[s] = true;
  }
  if (!write_all(overlay_fd_, offset, data)) return false;
  for (uint64_t s = first; s <= last; ++s) in_overlay_[s] = true;
  return true;
}

bool DiskImage::flush() {
  if (fd_ < 0 || options_.read_only || options_.snapshot) return true;
  return ::fdatasync(fd_) == 0;
}

// The overlay goes in as a bitmap of the written sectors (a bit each) and
// their bytes one after the other, so a state holds what the guest wrote
// and nothing more.
void DiskImage::save_state(StateWriter& w) const {
  w.u64(size_);
  w.boolean(options_.read_only);
  w.boolean(options_.snapshot);
  if (!options_.snapshot) return;
  std::vector<uint8_t> bitmap((in_overlay_.size() + 7) / 8, 0);
  std::vector<uint8_t> data;
  for (uint64_t s = 0; s < in_overlay_.size(); ++s) {
    if (!in_overlay_[s]) continue;
    bitmap[s / 8] |= static_cast<uint8_t>(1u << (s % 8));
    const uint64_t start = s * kSectorSize;
    const size_t n = static_cast<size_t>(std::min<uint64_t>(kSectorSize, size_ - start));
    data.resize(data.size() + n);
    if (!read_all(overlay_fd_, start, std::span<uint8_t>(data).last(n)))
      throw UserError("cannot read the snapshot overlay of " + name_ + ": " + errno_text());
  }
  w.bytes(bitmap);
  w.bytes(data);
}

void DiskImage::load_state(StateReader& r) {
  const uint64_t size = r.u64();
  if (size != size_)
    r.fail(fmt::format("image {} has {} bytes, the saved one had {}", name_, size_, size));
  const bool read_only = r.boolean();
  if (read_only != options_.read_only)
    r.fail(fmt::format("image {} was {}read-only when saved", name_, read_only ? "" : "not "));
  const bool snapshot = r.boolean();
  if (snapshot != options_.snapshot) {
    r.fail(fmt::format("image {} was {}in snapshot mode (--snapshot) when saved", name_,
                       snapshot ? "" : "not "));
  }
  if (!options_.snapshot) return;
  std::vector<uint8_t> bitmap((in_overlay_.size() + 7) / 8);
  r.bytes_into(bitmap);
  std::vector<bool> in_overlay(in_overlay_.size(), false);
  uint64_t expected = 0;
  for (uint64_t s = 0; s < bitmap.size() * 8; ++s) {
    if (!(bitmap[s / 8] & (1u << (s % 8)))) continue;
    if (s >= in_overlay.size()) r.fail("a sector past the end of image " + name_);
    in_overlay[s] = true;
    expected += std::min<uint64_t>(kSectorSize, size_ - s * kSectorSize);
  }
  const std::vector<uint8_t> data = r.bytes();
  if (data.size() != expected) r.fail("the written sectors of image " + name_ + " do not add up");
  size_t at = 0;
  for (uint64_t s = 0; s < in_overlay.size(); ++s) {
    if (!in_overlay[s]) continue;
    const uint64_t start = s * kSectorSize;
    const size_t n = static_cast<size_t>(std::min<uint64_t>(kSectorSize, size_ - start));
    if (!write_all(overlay_fd_, start, std::span<const uint8_t>(data).subspan(at, n)))
      throw UserError("cannot write the snapshot overlay of " + name_ + ": " + errno_text());
    at += n;
  }
  in_overlay_ = std::move(in_overlay);
}

}  // namespace tx86::core

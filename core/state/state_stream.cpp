#include "core/state/state_stream.h"

#include <fmt/format.h>

namespace tx86::core {

void StateWriter::begin(std::string_view name, uint32_t version) {
  str(name);
  u32(version);
  open_.push_back(data_.size());
  u64(0);  // the length, once known
}

void StateWriter::end() {
  const size_t at = open_.back();
  open_.pop_back();
  const uint64_t length = data_.size() - at - 8;
  std::memcpy(data_.data() + at, &length, 8);
}

void StateReader::raw(void* out, size_t n) {
  const size_t limit = open_.empty() ? data_.size() : open_.back().second;
  if (n > limit - pos_) fail("it ends too soon");
  std::memcpy(out, data_.data() + pos_, n);
  pos_ += n;
}

bool StateReader::boolean() {
  const uint8_t v = u8();
  if (v > 1) fail("a bad value");
  return v != 0;
}

std::string StateReader::str() {
  const uint64_t n = u64();
  const size_t limit = open_.empty() ? data_.size() : open_.back().second;
  if (n > limit - pos_) fail("it ends too soon");
  std::string s(reinterpret_cast<const char*>(data_.data() + pos_), n);
  pos_ += n;
  return s;
}

std::vector<uint8_t> StateReader::bytes() {
  const uint64_t n = u64();
  const size_t limit = open_.empty() ? data_.size() : open_.back().second;
  if (n > limit - pos_) fail("it ends too soon");
  std::vector<uint8_t> b(data_.begin() + static_cast<ptrdiff_t>(pos_),
                         data_.begin() + static_cast<ptrdiff_t>(pos_ + n));
  pos_ += n;
  return b;
}

void StateReader::bytes_into(std::span<uint8_t> out) {
  if (u64() != out.size()) fail("a block of another size");
  raw(out.data(), out.size());
}

void StateReader::begin(std::string_view name, uint32_t version) {
  const std::string got = str();
  if (got != name) fail(fmt::format("'{}' where '{}' belongs (another machine?)", got, name));
  const uint32_t v = u32();
  if (v != version) fail(fmt::format("'{}' at version {}, not {}", name, v, version));
  const uint64_t length = u64();
  const size_t limit = open_.empty() ? data_.size() : open_.back().second;
  if (length > limit - pos_) fail("it ends too soon");
  open_.emplace_back(std::string(name), pos_ + length);
}

void StateReader::end() {
  if (pos_ != open_.back().second)
    fail(fmt::format("'{}' holds more than tx86 read", open_.back().first));
  open_.pop_back();
}

void StateReader::fail(const std::string& what) const {
  std::string in;
  for (const auto& [name, end] : open_) in += (in.empty() ? " in " : "/") + name;
  throw StateError("the save state does not fit this machine" + in + ": " + what);
}

}  // namespace tx86::core

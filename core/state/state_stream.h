// The machine's state as bytes: each part writes its fields into a named,
// versioned section of a StateWriter, and reads them back, in the same
// order, from a StateReader. A reader never reads past its data: a short,
// corrupt or mismatched stream is a StateError (a UserError: the user gave
// tx86 a file it cannot use), never a crash.
//
// Structs of plain bytes and integers go in whole (pod()), with their size
// in front, so that a state from a build whose layout differs is refused
// rather than misread. Not a struct with padding (its bytes would differ
// from save to save), nor one with a bool, an enum or a field that must
// stay in range: a file can hold any bytes, so those go field by field,
// checked.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/machine/user_error.h"

namespace tx86::core {

class StateError : public UserError {
 public:
  using UserError::UserError;
};

class StateWriter {
 public:
  void u8(uint8_t v) { raw(&v, 1); }
  void u16(uint16_t v) { raw(&v, 2); }
  void u32(uint32_t v) { raw(&v, 4); }
  void u64(uint64_t v) { raw(&v, 8); }
  void i64(int64_t v) { raw(&v, 8); }
  void boolean(bool v) { u8(v ? 1 : 0); }
  void f64(double v) { raw(&v, 8); }
  void str(std::string_view s) {
    u64(s.size());
    raw(s.data(), s.size());
  }
  void bytes(std::span<const uint8_t> b) {
    u64(b.size());
    raw(b.data(), b.size());
  }
  template <class T>
  void pod(const T& v) {
    static_assert(std::is_trivially_copyable_v<T> && std::has_unique_object_representations_v<T>);
    u32(sizeof(T));
    raw(&v, sizeof(T));
  }

  // A section: its name, its version and its length, then what the part
  // writes until end().
  void begin(std::string_view name, uint32_t version);
  void end();

  const std::vector<uint8_t>& data() const { return data_; }

 private:
  void raw(const void* p, size_t n) {
    const auto* b = static_cast<const uint8_t*>(p);
    data_.insert(data_.end(), b, b + n);
  }
  std::vector<uint8_t> data_;
  std::vector<size_t> open_;  // where each open section's length goes
};

class StateReader {
 public:
  explicit StateReader(std::span<const uint8_t> data) : data_(data) {}

  uint8_t u8() { return get<uint8_t>(); }
  uint16_t u16() { return get<uint16_t>(); }
  uint32_t u32() { return get<uint32_t>(); }
  uint64_t u64() { return get<uint64_t>(); }
  int64_t i64() { return get<int64_t>(); }
  double f64() { return get<double>(); }
  bool boolean();
  std::string str();
  std::vector<uint8_t> bytes();
  // Exactly out.size() bytes, written with bytes().
  void bytes_into(std::span<uint8_t> out);
  template <class T>
  void pod(T& v) {
    static_assert(std::is_trivially_copyable_v<T> && std::has_unique_object_representations_v<T>);
    if (u32() != sizeof(T)) fail("a structure of another size (another build of tx86)");
    raw(&v, sizeof(T));
  }

  // The next section must be this one, at this version.
  void begin(std::string_view name, uint32_t version);
  // ... and is read to its end.
  void end();
  bool at_end() const { return pos_ == data_.size(); }

  [[noreturn]] void fail(const std::string& what) const;

 private:
  template <class T>
  T get() {
    T v;
    raw(&v, sizeof v);
    return v;
  }
  void raw(void* out, size_t n);

  std::span<const uint8_t> data_;
  size_t pos_ = 0;
  std::vector<std::pair<std::string, size_t>> open_;  // name, end offset
};

}  // namespace tx86::core

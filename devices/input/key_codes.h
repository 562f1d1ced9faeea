// Keyboard-independent key ids and the scan codes a PS/2 keyboard sends for
// them. The frontend speaks Key; the keyboard turns a Key into the byte
// sequence of its current scan code set. Set 1 is derived from set 2 through
// the 8042 translation table, exactly as a controller with XLATE on would.
#pragma once

#include <array>
#include <cstdint>
#include <span>

namespace tx86::dev {

enum class Key : uint8_t {
#define TX86_KEY(name, set2, extended, set3) name,
#include "devices/input/keys.inc"
#undef TX86_KEY
  kCount,
};

inline constexpr unsigned kKeyCount = static_cast<unsigned>(Key::kCount);

// A make or break sequence; the longest is Pause's eight bytes in set 2.
class ScanCodes {
 public:
  void push(uint8_t byte) { bytes_[size_++] = byte; }
  std::span<const uint8_t> bytes() const { return {bytes_.data(), size_}; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

 private:
  std::array<uint8_t, 8> bytes_{};
  size_t size_ = 0;
};

// Modifier keys held while Print Screen or Pause goes down change what those
// keys send (Microsoft Keyboard Scan Code Specification, "Print Screen" and
// "Pause" notes).
struct HeldModifiers {
  bool shift = false;
  bool ctrl = false;
  bool alt = false;
};

// The bytes sent when key goes down (make) or up (break) in scan code set
// 1, 2 or 3. Pause has no break code in sets 1 and 2: its release is empty.
ScanCodes scan_codes(Key key, bool make, unsigned set, HeldModifiers held);

// The 8042's set 2 to set 1 translation of one byte (IBM PS/2 Technical
// Reference, keyboard controller "translate" mode). The controller folds a
// 0xF0 prefix into bit 7 of the following translated byte itself.
uint8_t translate_to_set1(uint8_t set2_byte);

// A name for logs and tests, e.g. "kLeftShift".
const char* key_name(Key key);

}  // namespace tx86::dev

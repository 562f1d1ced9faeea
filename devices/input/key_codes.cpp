#include "devices/input/key_codes.h"

#include <initializer_list>

namespace tx86::dev {

namespace {

struct KeyInfo {
  const char* name;
  uint8_t set2;
  bool extended;
  uint8_t set3;
};

constexpr std::array<KeyInfo, kKeyCount> kKeys = {{
#define TX86_KEY(name, set2, extended, set3) {#name, set2, extended, set3},
#include "devices/input/keys.inc"
#undef TX86_KEY
}};

// Set 2 codes 0x00-0x7F to set 1. Above 0x7F the 8042 passes bytes through,
// except 0x83 (F7) and 0x84 (Alt+SysRq), which fold into the set-1 range.
constexpr std::array<uint8_t, 0x80> kTranslate = {
    0xFF, 0x43, 0x41, 0x3F, 0x3D, 0x3B, 0x3C, 0x58, 0x64, 0x44, 0x42, 0x40, 0x3E, 0x0F, 0x29, 0x59,
    0x65, 0x38, 0x2A, 0x70, 0x1D, 0x10, 0x02, 0x5A, 0x66, 0x71, 0x2C, 0x1F, 0x1E, 0x11, 0x03, 0x5B,
    0x67, 0x2E, 0x2D, 0x20, 0x12, 0x05, 0x04, 0x5C, 0x68, 0x39, 0x2F, 0x21, 0x14, 0x13, 0x06, 0x5D,
    0x69, 0x31, 0x30, 0x23, 0x22, 0x15, 0x07, 0x5E, 0x6A, 0x72, 0x32, 0x24, 0x16, 0x08, 0x09, 0x5F,
    0x6B, 0x33, 0x25, 0x17, 0x18, 0x0B, 0x0A, 0x60, 0x6C, 0x34, 0x35, 0x26, 0x27, 0x19, 0x0C, 0x61,
    0x6D, 0x73, 0x28, 0x74, 0x1A, 0x0D, 0x62, 0x6E, 0x3A, 0x36, 0x1C, 0x1B, 0x75, 0x2B, 0x63, 0x76,
    0x55, 0x56, 0x77, 0x78, 0x79, 0x7A, 0x0E, 0x7B, 0x7C, 0x4F, 0x7D, 0x4B, 0x47, 0x7E, 0x7F, 0x6F,
    0x52, 0x53, 0x50, 0x4C, 0x4D, 0x48, 0x01, 0x45, 0x57, 0x4E, 0x51, 0x4A, 0x37, 0x49, 0x46, 0x54,
};

constexpr uint8_t kExtended = 0xE0;
constexpr uint8_t kBreakPrefix = 0xF0;

void push_all(ScanCodes& out, std::initializer_list<uint8_t> bytes) {
  for (uint8_t b : bytes) out.push(b);
}

// Print Screen is "E0 12 E0 7C": a fake left Shift around the real code,
// left out when Shift or Ctrl is already held; with Alt it is SysRq (84).
ScanCodes print_screen_set2(bool make, HeldModifiers held) {
  ScanCodes out;
  if (held.alt) {
    if (!make) out.push(kBreakPrefix);
    out.push(0x84);
  } else if (held.shift || held.ctrl) {
    out.push(kExtended);
    if (!make) out.push(kBreakPrefix);
    out.push(0x7C);
  } else if (make) {
    push_all(out, {kExtended, 0x12, kExtended, 0x7C});
  } else {
    push_all(out, {kExtended, kBreakPrefix, 0x7C, kExtended, kBreakPrefix, 0x12});
  }
  return out;
}

// Pause is a Ctrl+NumLock make/break pair sent at once on press; nothing on
// release. With Ctrl held it is Break (E0 7E E0 F0 7E).
ScanCodes pause_set2(bool make, HeldModifiers held) {
  ScanCodes out;
  if (!make) return out;
  if (held.ctrl) {
    push_all(out, {kExtended, 0x7E, kExtended, kBreakPrefix, 0x7E});
  } else {
    push_all(out, {0xE1, 0x14, 0x77, 0xE1, kBreakPrefix, 0x14, kBreakPrefix, 0x77});
  }
  return out;
}

ScanCodes set2_codes(Key key, bool make, HeldModifiers held) {
  if (key == Key::kPrintScreen) return print_screen_set2(make, held);
  if (key == Key::kPause) return pause_set2(make, held);
  const KeyInfo& info = kKeys[static_cast<unsigned>(key)];
  ScanCodes out;
  if (info.extended) out.push(kExtended);
  if (!make) out.push(kBreakPrefix);
  out.push(info.set2);
  return out;
}

}  // namespace

uint8_t translate_to_set1(uint8_t set2_byte) {
  if (set2_byte < kTranslate.size()) return kTranslate[set2_byte];
  if (set2_byte == 0x83) return 0x41;
  if (set2_byte == 0x84) return 0x54;
  return set2_byte;
}

ScanCodes scan_codes(Key key, bool make, unsigned set, HeldModifiers held) {
  if (key >= Key::kCount) return {};
  if (set == 3) {
    // Set 3 has one code per key and F0 before it on release; the per-key
    // make-only/typematic modes are not modelled (every key is make/break).
    ScanCodes out;
    if (!make) out.push(kBreakPrefix);
    out.push(kKeys[static_cast<unsigned>(key)].set3);
    return out;
  }
  ScanCodes set2 = set2_codes(key, make, held);
  if (set != 1) return set2;
  ScanCodes out;
  bool released = false;
  for (uint8_t b : set2.bytes()) {
    if (b == kBreakPrefix) {
      released = true;
      continue;
    }
    out.push(static_cast<uint8_t>(translate_to_set1(b) | (released ? 0x80 : 0)));
    released = false;
  }
  return out;
}

const char* key_name(Key key) {
  return key < Key::kCount ? kKeys[static_cast<unsigned>(key)].name : "?";
}

}  // namespace tx86::dev

// Decoded instructions, remembered by where they were fetched: code that
// runs a few times before the JIT translates it (or in the interpreter
// alone) is decoded once, not every time.
//
// decode() depends only on the instruction's own bytes and the code size,
// so an entry is used only when both match what was fetched now; nothing
// has to be told when code changes, and a wrong address only costs a miss.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>

#include "core/decoder/decoded_insn.h"
#include "core/decoder/decoder.h"

namespace tx86::core {

class DecodeCache {
 public:
  DecodeCache() : entries_(std::make_unique<Entry[]>(kEntries)) {}

  // As decode(bytes, code32, out), for the instruction fetched at linear
  // address `lin`.
  DecodeStatus decode(uint32_t lin, std::span<const uint8_t> bytes, bool code32,
                      DecodedInsn& out) {
    Entry& e = entries_[(lin ^ (lin >> kBits)) & (kEntries - 1)];
    const uint8_t len = e.insn.length;
    if (len != 0 && len <= bytes.size() && e.code32 == code32 &&
        std::memcmp(e.bytes.data(), bytes.data(), len) == 0) {
      out = e.insn;
      return DecodeStatus::kOk;
    }
    const DecodeStatus st = core::decode(bytes, code32, out);
    if (st == DecodeStatus::kOk) {
      e.insn = out;
      e.code32 = code32;
      std::memcpy(e.bytes.data(), bytes.data(), out.length);
    }
    return st;
  }

 private:
  static constexpr unsigned kBits = 12;
  static constexpr uint32_t kEntries = 1u << kBits;
  struct Entry {
    DecodedInsn insn;  // length 0: empty
    bool code32 = false;
    std::array<uint8_t, kMaxInsnLength> bytes{};
  };
  std::unique_ptr<Entry[]> entries_;
};

}  // namespace tx86::core

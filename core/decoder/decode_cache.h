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
#include "core/mem/zeroed_array.h"

namespace tx86::core {

class DecodeCache {
 public:
  DecodeCache() : entries_(kEntries) {}

  // Starts loading the entry for `lin` into the host's cache, so that its
  // miss overlaps the fetch of the instruction's bytes instead of following
  // it.
  void prefetch(uint32_t lin) const { __builtin_prefetch(&entries_[index(lin)]); }

  // As decode(bytes, code32, out), for the instruction fetched at linear
  // address `lin` (a failed decode gives what core::decode gives: the
  // length of a kInvalid instruction, which the translator uses).
  DecodeStatus decode(uint32_t lin, std::span<const uint8_t> bytes, bool code32, DecodedInsn& out) {
    Entry& e = entries_[index(lin)];
    if (hit(e, lin, bytes, code32)) {
      out = e.insn;
      return DecodeStatus::kOk;
    }
    const DecodeStatus st = core::decode(bytes, code32, out);
    if (st == DecodeStatus::kOk) fill(e, out, bytes, code32);
    return st;
  }

  // The same without the copy, for the interpreter: `out` points into the
  // cache (valid until its next decode or lookup), and is set only for kOk.
  DecodeStatus lookup(uint32_t lin, std::span<const uint8_t> bytes, bool code32,
                      const DecodedInsn*& out) {
    Entry& e = entries_[index(lin)];
    if (!hit(e, lin, bytes, code32)) {
      // (Straight into the entry: a copy would read the decoder's byte
      // stores back at once, which the host cannot forward.)
      const DecodeStatus st = core::decode(bytes, code32, e.insn);
      if (st != DecodeStatus::kOk) {
        e.insn.length = 0;  // empty
        return st;
      }
      filled(e, bytes, code32);
    } else {
      // The instructions that came after it last time, two of them: one
      // instruction ahead is too little for entries that come from memory.
      if (e.next != 0) prefetch(lin + e.next);
      if (e.next2 != 0) prefetch(lin + e.next2);
    }
    // This instruction came after the last two looked up: their entries
    // learn where it is, for the prefetches above.
    note_successor(last_, last_lin_, lin, &Entry::next);
    note_successor(last2_, last2_lin_, lin, &Entry::next2);
    last2_ = last_;
    last2_lin_ = last_lin_;
    last_ = &e;
    last_lin_ = lin;
    out = &e.insn;
    return DecodeStatus::kOk;
  }

 private:
  struct Entry;
  bool hit(const Entry& e, uint32_t lin, std::span<const uint8_t> bytes, bool code32) const {
    const uint8_t len = e.insn.length;
    if (len == 0 || len > bytes.size() || e.code32 != code32 || !same_bytes(e, bytes, len)) {
      return false;
    }
    // The next instruction's entry starts loading now, an instruction
    // ahead: most entries come from memory, and at the next lookup a
    // prefetch would be too late.
    prefetch(lin + len);
    return true;
  }
  static void fill(Entry& e, const DecodedInsn& insn, std::span<const uint8_t> bytes, bool code32) {
    e.insn = insn;
    filled(e, bytes, code32);
  }
  // The rest of an entry whose instruction is in place.
  static void filled(Entry& e, std::span<const uint8_t> bytes, bool code32) {
    e.code32 = code32;
    e.next = 0;
    e.next2 = 0;
    std::memcpy(e.bytes.data(), bytes.data(), e.insn.length);
  }
  // The first `len` bytes agree (without a call to memcmp, which most of
  // an interpreted instruction's time went to).
  static bool same_bytes(const Entry& e, std::span<const uint8_t> bytes, unsigned len) {
    if (bytes.size() < kMaxInsnLength) return std::memcmp(e.bytes.data(), bytes.data(), len) == 0;
    uint64_t a0, a1, b0, b1;  // bytes 0-7 and 7-14
    std::memcpy(&a0, e.bytes.data(), 8);
    std::memcpy(&a1, e.bytes.data() + 7, 8);
    std::memcpy(&b0, bytes.data(), 8);
    std::memcpy(&b1, bytes.data() + 7, 8);
    const uint64_t lo = len >= 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * len)) - 1;
    const uint64_t hi = len <= 8    ? 0
                        : len >= 15 ? ~uint64_t{0}
                                    : (uint64_t{1} << (8 * (len - 7))) - 1;
    return ((a0 ^ b0) & lo) == 0 && ((a1 ^ b1) & hi) == 0;
  }

  // 64 Ki entries of one cache line each (4 MiB): with 16 Ki entries of 60
  // bytes, a quarter of the instructions the JIT left to the interpreter in
  // a Linux boot missed (1.5 M decodes; 0.8 M now), and most entries spanned
  // two lines.
  static constexpr unsigned kBits = 16;
  static uint32_t index(uint32_t lin) { return (lin ^ (lin >> kBits)) & (kEntries - 1); }
  static constexpr uint32_t kEntries = 1u << kBits;
  struct alignas(64) Entry {
    DecodedInsn insn;  // length 0: empty
    bool code32 = false;
    std::array<uint8_t, kMaxInsnLength> bytes{};
    // Where the next instruction and the one after it were, the last time
    // this one ran (from its own address; 0: not known, or too far).
    int16_t next = 0;
    int16_t next2 = 0;
  };
  static_assert(sizeof(Entry) == 64);
  static void note_successor(Entry* e, uint32_t e_lin, uint32_t lin, int16_t Entry::*field) {
    if (e == nullptr) return;
    const auto delta = static_cast<int32_t>(lin - e_lin);
    e->*field = delta >= INT16_MIN && delta <= INT16_MAX ? static_cast<int16_t>(delta) : 0;
  }
  ZeroedArray<Entry> entries_;  // (all-zero: empty)
  // lookup()'s last two entries
  Entry* last_ = nullptr;
  uint32_t last_lin_ = 0;
  Entry* last2_ = nullptr;
  uint32_t last2_lin_ = 0;
};

}  // namespace tx86::core

// Filling IDENTIFY (PACKET) DEVICE data: 256 little-endian words, ATA
// strings with the two bytes of each word swapped, and the integrity word.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

namespace tx86::dev {

class IdentifyWords {
 public:
  void set(unsigned word, uint16_t value) { w_[word] = value; }
  void set32(unsigned word, uint32_t value) {
    w_[word] = static_cast<uint16_t>(value);
    w_[word + 1] = static_cast<uint16_t>(value >> 16);
  }
  void set64(unsigned word, uint64_t value) {
    for (unsigned i = 0; i < 4; ++i) w_[word + i] = static_cast<uint16_t>(value >> (16 * i));
  }
  // An ATA string over `words` words, space padded.
  void set_string(unsigned word, unsigned words, std::string_view text) {
    for (unsigned i = 0; i < words; ++i) {
      const auto at = [&](size_t k) -> uint16_t {
        return k < text.size() ? static_cast<uint8_t>(text[k]) : uint16_t{' '};
      };
      w_[word + i] = static_cast<uint16_t>(at(2 * i) << 8 | at(2 * i + 1));
    }
  }
  // Words 63 and 88: the multiword DMA and Ultra DMA modes supported, and
  // which one SET FEATURES 03h (`transfer_mode`) selected.
  void set_dma_modes(uint8_t transfer_mode) {
    const bool mwdma = (transfer_mode & 0xF8) == 0x20;
    const bool udma = (transfer_mode & 0xF8) == 0x40;
    w_[63] = static_cast<uint16_t>(0x0007 | (mwdma ? 0x100 << (transfer_mode & 7) : 0));
    w_[88] = static_cast<uint16_t>(0x003F | (udma ? 0x100 << (transfer_mode & 7) : 0));
  }
  // Word 255: signature A5h and a checksum making all 512 bytes sum to 0
  // (ATA-6 8.15.61), which Linux checks when the signature is there.
  std::vector<uint8_t> bytes() {
    w_[255] = 0x00A5;
    uint8_t sum = 0;
    for (unsigned i = 0; i < 256; ++i) {
      sum = static_cast<uint8_t>(sum + (w_[i] & 0xFF) + (w_[i] >> 8));
    }
    w_[255] = static_cast<uint16_t>(static_cast<uint8_t>(-sum) << 8 | 0xA5);
    std::vector<uint8_t> out(512);
    for (unsigned i = 0; i < 256; ++i) {
      out[2 * i] = static_cast<uint8_t>(w_[i]);
      out[2 * i + 1] = static_cast<uint8_t>(w_[i] >> 8);
    }
    return out;
  }

 private:
  std::array<uint16_t, 256> w_{};
};

}  // namespace tx86::dev

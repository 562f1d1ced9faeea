// QEMU's firmware configuration device, the traditional (non-DMA) I/O
// interface (PLATFORM.md A.4; QEMU docs/specs/fw_cfg.txt): a 16-bit write
// to 0x510 selects an item and rewinds it; each byte read from 0x511 is the
// item's next byte. Unknown items and reads past the end return 0. Named
// items ("files") are listed in the directory at key 0x19.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/io/io_bus.h"
#include "core/state/state_part.h"

namespace tx86::dev {

class FwCfg final : public core::IoHandler, public core::StatePart {
 public:
  static constexpr uint16_t kSelectorPort = 0x510;
  static constexpr uint16_t kDataPort = 0x511;
  static constexpr uint16_t kKeySignature = 0x00;
  static constexpr uint16_t kKeyId = 0x01;
  static constexpr uint16_t kKeyRamSize = 0x03;
  static constexpr uint16_t kKeyNoGraphic = 0x04;
  static constexpr uint16_t kKeyNbCpus = 0x05;
  static constexpr uint16_t kKeyBootMenu = 0x0E;
  static constexpr uint16_t kKeyMaxCpus = 0x0F;
  static constexpr uint16_t kKeyFileDir = 0x19;
  static constexpr uint16_t kFirstFileKey = 0x20;

  explicit FwCfg(core::IoBus& io);

  void add_item(uint16_t key, std::vector<uint8_t> data);
  void add_u16(uint16_t key, uint16_t v);
  void add_u32(uint16_t key, uint32_t v);
  void add_u64(uint16_t key, uint64_t v);
  // A named file; returns its key.
  uint16_t add_file(const std::string& name, std::vector<uint8_t> data);

  void reset();

  uint32_t io_read(uint16_t port, unsigned size) override;
  void io_write(uint16_t port, unsigned size, uint32_t value) override;

  void save_state(core::StateWriter& w) const override;
  void load_state(core::StateReader& r) override;

 private:
  void rebuild_directory();

  std::map<uint16_t, std::vector<uint8_t>> items_;
  std::vector<std::pair<std::string, uint16_t>> files_;
  uint16_t selected_ = 0;
  size_t offset_ = 0;
};

// Little-endian helpers for building items.
std::vector<uint8_t> le_bytes(uint64_t v, unsigned width);

}  // namespace tx86::dev

#include "devices/firmware/fw_cfg.h"

#include <stdexcept>

namespace tx86::dev {

std::vector<uint8_t> le_bytes(uint64_t v, unsigned width) {
  std::vector<uint8_t> out(width);
  for (unsigned i = 0; i < width; ++i) out[i] = static_cast<uint8_t>(v >> (8 * i));
  return out;
}

FwCfg::FwCfg(core::IoBus& io) {
  io.register_ports(kSelectorPort, 2, this, core::kIoWidth8 | core::kIoWidth16, "fw_cfg");
  add_item(kKeySignature, {'Q', 'E', 'M', 'U'});
  add_u32(kKeyId, 1);  // traditional interface only: bit 1 (DMA) clear
  rebuild_directory();
}

void FwCfg::add_item(uint16_t key, std::vector<uint8_t> data) {
  items_[key] = std::move(data);
}
void FwCfg::add_u16(uint16_t key, uint16_t v) {
  add_item(key, le_bytes(v, 2));
}
void FwCfg::add_u32(uint16_t key, uint32_t v) {
  add_item(key, le_bytes(v, 4));
}
void FwCfg::add_u64(uint16_t key, uint64_t v) {
  add_item(key, le_bytes(v, 8));
}

uint16_t FwCfg::add_file(const std::string& name, std::vector<uint8_t> data) {
  if (name.size() >= 56) throw std::invalid_argument("fw_cfg file name too long: " + name);
  const auto key = static_cast<uint16_t>(kFirstFileKey + files_.size());
  files_.emplace_back(name, key);
  add_item(key, std::move(data));
  rebuild_directory();
  return key;
}

// The directory: a big-endian count, then per file {u32 size BE, u16 key
// BE, u16 reserved, char name[56]}.
void FwCfg::rebuild_directory() {
  std::vector<uint8_t> dir;
  auto be = [&](uint64_t v, unsigned width) {
    for (unsigned i = width; i-- > 0;) dir.push_back(static_cast<uint8_t>(v >> (8 * i)));
  };
  be(files_.size(), 4);
  for (const auto& [name, key] : files_) {
    be(items_[key].size(), 4);
    be(key, 2);
    be(0, 2);
    for (size_t i = 0; i < 56; ++i)
      dir.push_back(i < name.size() ? static_cast<uint8_t>(name[i]) : 0);
  }
  items_[kKeyFileDir] = std::move(dir);
}

void FwCfg::reset() {
  selected_ = 0;
  offset_ = 0;
}

uint32_t FwCfg::io_read(uint16_t port, unsigned size) {
  if (port != kDataPort) return size == 2 ? 0xFFFF : 0xFF;
  uint32_t v = 0;
  const auto it = items_.find(selected_);
  for (unsigned i = 0; i < size; ++i) {
    uint8_t b = 0;
    if (it != items_.end() && offset_ < it->second.size()) b = it->second[offset_];
    ++offset_;
    v |= uint32_t{b} << (8 * i);
  }
  return v;
}

void FwCfg::io_write(uint16_t port, unsigned size, uint32_t value) {
  if (port == kSelectorPort && size == 2) {
    selected_ = static_cast<uint16_t>(value);
    offset_ = 0;
  }
  // Writes to the data port are ignored (QEMU 2.4+).
}

void FwCfg::save_state(core::StateWriter& w) const {
  w.u16(selected_);
  w.u64(offset_);
}

void FwCfg::load_state(core::StateReader& r) {
  selected_ = r.u16();
  offset_ = r.u64();
}

}  // namespace tx86::dev

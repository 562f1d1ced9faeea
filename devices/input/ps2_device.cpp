#include "devices/input/ps2_device.h"

#include <stdexcept>

namespace tx86::dev {

uint8_t Ps2Device::read() {
  uint8_t byte = 0;
  if (!mid_sequence() && !replies_.empty()) {
    byte = replies_.front();
    replies_.pop_front();
  } else if (!input_.empty()) {
    byte = take_input();
    if (input_.empty()) on_input_drained();
  } else {
    throw std::logic_error("PS/2 device read with nothing to send");
  }
  last_sent_ = byte;
  return byte;
}

uint8_t Ps2Device::take_input() {
  Chunk& chunk = input_.front();
  const uint8_t byte = chunk.bytes[chunk.sent++];
  --input_bytes_;
  if (chunk.sent == chunk.size) input_.pop_front();
  return byte;
}

void Ps2Device::reply(uint8_t byte) {
  replies_.push_back(byte);
  notify();
}

bool Ps2Device::queue_input(std::span<const uint8_t> bytes) {
  if (input_bytes_ + bytes.size() > kInputCapacity) return false;
  force_input(bytes);
  return true;
}

void Ps2Device::force_input(std::span<const uint8_t> bytes) {
  if (bytes.empty()) return;
  Chunk chunk;
  if (bytes.size() > chunk.bytes.size()) throw std::logic_error("PS/2 input sequence too long");
  for (size_t i = 0; i < bytes.size(); ++i) chunk.bytes[i] = bytes[i];
  chunk.size = static_cast<uint8_t>(bytes.size());
  input_.push_back(chunk);
  input_bytes_ += bytes.size();
  notify();
}

void Ps2Device::drop_pending_input() {
  while (!input_.empty() && input_.back().sent == 0) {
    input_bytes_ -= input_.back().size;
    input_.pop_back();
  }
}

void Ps2Device::clear_queues() {
  replies_.clear();
  input_.clear();
  input_bytes_ = 0;
}

void Ps2Device::notify() {
  if (listener_) listener_();
}

void Ps2Device::save_queues(core::StateWriter& w) const {
  w.bytes(std::vector<uint8_t>(replies_.begin(), replies_.end()));
  w.u64(input_.size());
  for (const Chunk& c : input_) w.pod(c);
  w.u64(input_bytes_);
  w.u8(last_sent_);
}

void Ps2Device::load_queues(core::StateReader& r) {
  const std::vector<uint8_t> replies = r.bytes();
  replies_.assign(replies.begin(), replies.end());
  const uint64_t chunks = r.u64();
  if (chunks > 4096) r.fail("a PS/2 queue longer than any device keeps");
  input_.clear();
  for (uint64_t i = 0; i < chunks; ++i) {
    Chunk c;
    r.pod(c);
    if (c.size > c.bytes.size() || c.sent > c.size) r.fail("a bad PS/2 queue");
    input_.push_back(c);
  }
  input_bytes_ = r.u64();
  last_sent_ = r.u8();
}

}  // namespace tx86::dev

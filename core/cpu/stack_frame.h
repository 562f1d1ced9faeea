// Pushes onto a stack that is not yet SS:ESP — the stack an interrupt or a
// call gate switches to — with every check of a push, so that a fault part
// way through leaves the registers untouched (the frame is only committed
// by the caller afterwards).
#pragma once

#include "core/cpu/cpu.h"

namespace tx86::core {

class StackFrame {
 public:
  // fault_code: the #SS error code if a push leaves the segment.
  StackFrame(Cpu& cpu, const SegmentCache& ss, uint32_t esp, bool user, uint32_t fault_code)
      : cpu_(cpu), ss_(ss), esp_(esp), user_(user), fault_code_(fault_code) {}

  void push(uint32_t value, unsigned size) {
    const bool big = (ss_.attrs & seg_attr::kDefaultBig) != 0;
    const uint32_t sp = (esp_ - size) & (big ? 0xFFFFFFFFu : 0xFFFFu);
    if (!segment_range_ok(ss_, sp, size)) raise_fault(vec::kSs, fault_code_);
    cpu_.mmu.write(cpu_.state, ss_.base + sp, size, value, user_);
    esp_ = big ? sp : (esp_ & 0xFFFF0000u) | sp;
  }

  uint32_t esp() const { return esp_; }

 private:
  Cpu& cpu_;
  const SegmentCache& ss_;
  uint32_t esp_;
  bool user_;
  uint32_t fault_code_;
};

}  // namespace tx86::core

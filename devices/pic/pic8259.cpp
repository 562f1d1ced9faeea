#include "devices/pic/pic8259.h"

#include <spdlog/spdlog.h>

namespace tx86::dev {

namespace {

constexpr uint8_t kIcw1 = 0x10;  // command port, D4=1
constexpr uint8_t kIcw1Ic4 = 0x01;
constexpr uint8_t kIcw1Single = 0x02;
constexpr uint8_t kIcw1Ltim = 0x08;
constexpr uint8_t kIcw4Upm = 0x01;
constexpr uint8_t kIcw4Aeoi = 0x02;
constexpr uint8_t kIcw4Sfnm = 0x10;
constexpr uint8_t kOcw3 = 0x08;  // command port, D4=0 D3=1
constexpr uint8_t kOcw3Ris = 0x01;
constexpr uint8_t kOcw3Rr = 0x02;
constexpr uint8_t kOcw3Poll = 0x04;
constexpr uint8_t kOcw3Smm = 0x20;
constexpr uint8_t kOcw3Esmm = 0x40;

}  // namespace

void Pic8259::reset() {
  icw1(kIcw1);  // clears every mode, as ICW1 does
  init_step_ = InitStep::kReady;
  vector_base_ = 0;
  icw3_ = 0;
  elcr_ = 0;
}

uint8_t Pic8259::irr() const {
  const uint8_t level = level_mask();
  return static_cast<uint8_t>((edge_irr_ & ~level) | (pins_ & level));
}

void Pic8259::set_elcr(uint8_t value) {
  elcr_ = value & elcr_mask_;
  // An input now level-triggered requests by its level; an input now
  // edge-triggered waits for its next rising edge.
  edge_irr_ &= static_cast<uint8_t>(~level_mask());
}

void Pic8259::set_input(unsigned ir, bool level) {
  const uint8_t bit = static_cast<uint8_t>(1u << ir);
  if (level && !(pins_ & bit) && !(level_mask() & bit)) edge_irr_ |= bit;
  pins_ = level ? (pins_ | bit) : static_cast<uint8_t>(pins_ & ~bit);
}

unsigned Pic8259::best_rank(uint8_t mask) const {
  for (unsigned rank = 0; rank < 8; ++rank) {
    if ((mask >> ir_of_rank(rank)) & 1) return rank;
  }
  return 8;
}

std::optional<unsigned> Pic8259::pending_ir() const {
  const uint8_t requests = irr() & static_cast<uint8_t>(~imr_);
  if (requests == 0) return std::nullopt;  // the common case, checked per instruction
  if (special_mask_) {
    // Special mask mode: every unmasked level that is not itself in service
    // may interrupt, lower ones included (datasheet, "Special Mask Mode").
    const unsigned rank = best_rank(requests & static_cast<uint8_t>(~isr_));
    if (rank == 8) return std::nullopt;
    return ir_of_rank(rank);
  }
  const unsigned rank = best_rank(requests);
  if (rank == 8) return std::nullopt;
  const unsigned in_service = best_rank(isr_);
  const unsigned ir = ir_of_rank(rank);
  if (rank < in_service) return ir;
  // Special fully nested mode: a slave's request reaches the CPU even while
  // that slave's IR is in service, so its higher levels can nest.
  if (rank == in_service && special_fully_nested_ && has_slave_on(ir)) return ir;
  return std::nullopt;
}

std::optional<unsigned> Pic8259::acknowledge() {
  const std::optional<unsigned> ir = pending_ir();
  if (!ir) return std::nullopt;
  const uint8_t bit = static_cast<uint8_t>(1u << *ir);
  edge_irr_ &= static_cast<uint8_t>(~bit);  // a level input keeps requesting
  if (auto_eoi_) {
    // AEOI: the IS bit is reset at the end of the second INTA pulse.
    if (rotate_on_aeoi_) highest_ = static_cast<uint8_t>((*ir + 1) & 7);
  } else {
    isr_ |= bit;
  }
  return ir;
}

void Pic8259::write(unsigned a0, uint8_t value) {
  if (a0 != 0) {
    write_data(value);
  } else if (value & kIcw1) {
    icw1(value);
  } else if (value & kOcw3) {
    ocw3(value);
  } else {
    ocw2(value);
  }
}

void Pic8259::icw1(uint8_t value) {
  // ICW1 resets the edge sense circuit (a high input must go low and high
  // again), clears the IMR, gives IR7 the lowest priority, clears special
  // mask mode, selects IRR for reads, and zeroes ICW4's functions when IC4=0.
  // The ISR is cleared too, as QEMU does, so a re-initialised PIC does not
  // stay blocked by an interrupt whose EOI never came.
  edge_irr_ = 0;
  isr_ = 0;
  imr_ = 0;
  highest_ = 0;
  special_mask_ = false;
  read_isr_ = false;
  poll_ = false;
  auto_eoi_ = false;
  rotate_on_aeoi_ = false;
  special_fully_nested_ = false;
  icw4_expected_ = (value & kIcw1Ic4) != 0;
  single_ = (value & kIcw1Single) != 0;
  ltim_ = (value & kIcw1Ltim) != 0;
  if (single_) icw3_ = 0;
  init_step_ = InitStep::kIcw2;
}

void Pic8259::write_data(uint8_t value) {
  switch (init_step_) {
    case InitStep::kReady: imr_ = value; return;  // OCW1
    case InitStep::kIcw2:
      vector_base_ = value & 0xF8;  // T7-T3 in 8086 mode
      init_step_ = !single_ ? InitStep::kIcw3 : icw4_expected_ ? InitStep::kIcw4 : InitStep::kReady;
      return;
    case InitStep::kIcw3:
      icw3_ = value;
      init_step_ = icw4_expected_ ? InitStep::kIcw4 : InitStep::kReady;
      return;
    case InitStep::kIcw4:
      if (!(value & kIcw4Upm)) {
        spdlog::warn("8259A: ICW4 selects 8080 mode; vectors are delivered as in 8086 mode");
      }
      auto_eoi_ = (value & kIcw4Aeoi) != 0;
      special_fully_nested_ = (value & kIcw4Sfnm) != 0;
      init_step_ = InitStep::kReady;
      return;
  }
}

void Pic8259::ocw2(uint8_t value) {
  const unsigned level = value & 7;
  switch (value >> 5) {  // R, SL, EOI
    case 0b001:          // non-specific EOI
    case 0b101: {        // rotate on non-specific EOI
      // In special mask mode the masked IS bits are left alone (datasheet,
      // "End of Interrupt").
      const uint8_t candidates = special_mask_ ? isr_ & static_cast<uint8_t>(~imr_) : isr_;
      const unsigned rank = best_rank(candidates);
      if (rank == 8) return;
      const unsigned ir = ir_of_rank(rank);
      isr_ &= static_cast<uint8_t>(~(1u << ir));
      if (value & 0x80) highest_ = static_cast<uint8_t>((ir + 1) & 7);
      return;
    }
    case 0b011: isr_ &= static_cast<uint8_t>(~(1u << level)); return;  // specific EOI
    case 0b111:                                                        // rotate on specific EOI
      isr_ &= static_cast<uint8_t>(~(1u << level));
      highest_ = static_cast<uint8_t>((level + 1) & 7);
      return;
    case 0b110: highest_ = static_cast<uint8_t>((level + 1) & 7); return;  // set priority
    case 0b100: rotate_on_aeoi_ = true; return;
    case 0b000: rotate_on_aeoi_ = false; return;
    default: return;  // 0b010: no operation
  }
}

void Pic8259::ocw3(uint8_t value) {
  if (value & kOcw3Esmm) special_mask_ = (value & kOcw3Smm) != 0;
  if (value & kOcw3Rr) read_isr_ = (value & kOcw3Ris) != 0;
  if (value & kOcw3Poll) poll_ = true;  // overrides the register read once
}

uint8_t Pic8259::poll() {
  // The next read after a poll command is an interrupt acknowledge; it
  // returns I (bit 7) and the level W2-W0.
  poll_ = false;
  const std::optional<unsigned> ir = acknowledge();
  return ir ? static_cast<uint8_t>(0x80 | *ir) : 0;
}

uint8_t Pic8259::read(unsigned a0) {
  if (poll_) return poll();
  if (a0 != 0) return imr_;
  return read_isr_ ? isr_ : irr();
}

void Pic8259::save_state(core::StateWriter& w) const {
  for (const uint8_t v : {elcr_, pins_, edge_irr_, isr_, imr_, vector_base_, icw3_, highest_}) {
    w.u8(v);
  }
  w.u8(static_cast<uint8_t>(init_step_));
  for (const bool b : {icw4_expected_, single_, ltim_, auto_eoi_, rotate_on_aeoi_,
                       special_fully_nested_, special_mask_, read_isr_, poll_}) {
    w.boolean(b);
  }
}

void Pic8259::load_state(core::StateReader& r) {
  for (uint8_t* v : {&elcr_, &pins_, &edge_irr_, &isr_, &imr_, &vector_base_, &icw3_, &highest_}) {
    *v = r.u8();
  }
  const uint8_t step = r.u8();
  if (step > static_cast<uint8_t>(InitStep::kIcw4)) r.fail("a bad PIC state");
  init_step_ = static_cast<InitStep>(step);
  for (bool* b : {&icw4_expected_, &single_, &ltim_, &auto_eoi_, &rotate_on_aeoi_,
                  &special_fully_nested_, &special_mask_, &read_isr_, &poll_}) {
    *b = r.boolean();
  }
}

}  // namespace tx86::dev

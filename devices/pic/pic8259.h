// One Intel 8259A programmable interrupt controller, without its ports: the
// pair (pic8259_pair.h) decodes the ports and wires the slave's INT output to
// the master's IR2. Everything here follows the 8259A datasheet.
//
// IRR is kept as two parts: rising edges latched for edge-triggered inputs,
// and the live pin level for level-triggered ones (ELCR bit or ICW1 LTIM).
// An edge stays latched when the pin falls again, until INTA or ICW1: device
// models pulse their lines, and a PIT in mode 2 is low for only one clock.
#pragma once

#include <cstdint>
#include <optional>
#include "core/state/state_part.h"

namespace tx86::dev {

class Pic8259 {
 public:
  // elcr_mask: the ELCR bits that exist; the others are hardwired to edge.
  explicit Pic8259(uint8_t elcr_mask) : elcr_mask_(elcr_mask) {}

  // Power-on state. Pin levels survive: they belong to the devices driving
  // them, which only report changes.
  void reset();

  // The level of input pin IR0-7.
  void set_input(unsigned ir, bool level);

  // a0 is address line A0: 0 for the command port, 1 for the data port.
  void write(unsigned a0, uint8_t value);
  // A read may act as an interrupt acknowledge (OCW3 poll command).
  uint8_t read(unsigned a0);

  // The INT output: an unmasked request that the nesting rules let through.
  bool int_output() const { return pending_ir().has_value(); }
  // The INTA sequence: the IR level put in service, or nullopt when nothing
  // is requesting (the caller then supplies the IR7 vector: a spurious IRQ).
  std::optional<unsigned> acknowledge();

  uint8_t vector(unsigned ir) const { return static_cast<uint8_t>(vector_base_ | ir); }
  // ICW3 of a master in cascade mode: a slave sits on this IR.
  bool has_slave_on(unsigned ir) const { return !single_ && ((icw3_ >> ir) & 1) != 0; }

  uint8_t irr() const;
  uint8_t isr() const { return isr_; }
  uint8_t imr() const { return imr_; }
  uint8_t elcr() const { return elcr_; }
  void set_elcr(uint8_t value);

  void save_state(core::StateWriter& w) const;
  void load_state(core::StateReader& r);

 private:
  enum class InitStep : uint8_t { kReady, kIcw2, kIcw3, kIcw4 };

  void icw1(uint8_t value);
  void write_data(uint8_t value);
  void ocw2(uint8_t value);
  void ocw3(uint8_t value);
  uint8_t poll();

  uint8_t level_mask() const { return ltim_ ? 0xFF : elcr_; }
  // Rank 0 is the highest priority; 8 means no bit of mask is set.
  unsigned best_rank(uint8_t mask) const;
  unsigned ir_of_rank(unsigned rank) const { return (rank + highest_) & 7; }
  std::optional<unsigned> pending_ir() const;

  const uint8_t elcr_mask_;
  uint8_t elcr_ = 0;
  uint8_t pins_ = 0;      // input levels
  uint8_t edge_irr_ = 0;  // latched rising edges of edge-triggered inputs
  uint8_t isr_ = 0;
  uint8_t imr_ = 0;
  uint8_t vector_base_ = 0;
  uint8_t icw3_ = 0;
  uint8_t highest_ = 0;  // the IR with the highest priority (rotation)
  InitStep init_step_ = InitStep::kReady;
  bool icw4_expected_ = false;
  bool single_ = false;
  bool ltim_ = false;
  bool auto_eoi_ = false;
  bool rotate_on_aeoi_ = false;
  bool special_fully_nested_ = false;
  bool special_mask_ = false;
  bool read_isr_ = false;
  bool poll_ = false;
};

}  // namespace tx86::dev

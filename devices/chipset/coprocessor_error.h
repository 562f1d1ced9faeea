// The PC's coprocessor error logic, in the PIIX3 (ports F0h-F1h): an x87
// error reported with CR0.NE clear drives FERR#, which is latched onto
// IRQ 13. A write to port F0h clears the latch and asserts IGNNE#, so the
// x87 instruction that found the error goes on when the handler returns
// (SDM Vol. 1, Appendix D; PLATFORM.md, ports 0xF0-0xF1). Port F1h (the
// 287's reset) does nothing on a 387 and later.
#pragma once

#include <cstdint>
#include <functional>

#include "core/io/io_bus.h"
#include "core/irq/irq_line.h"

namespace tx86::dev {

class CoprocessorError final : public core::IoHandler {
 public:
  // assert_ignne reaches the CPU's IGNNE# input.
  CoprocessorError(core::IoBus& io, core::IrqLine& irq13, std::function<void()> assert_ignne);

  void reset();
  // FERR# from the CPU: latched onto IRQ 13.
  void ferr();

  uint32_t io_read(uint16_t port, unsigned size) override;
  void io_write(uint16_t port, unsigned size, uint32_t value) override;

 private:
  core::IrqLine& irq13_;
  std::function<void()> assert_ignne_;
};

}  // namespace tx86::dev

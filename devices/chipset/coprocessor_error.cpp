#include "devices/chipset/coprocessor_error.h"

#include <utility>

namespace tx86::dev {

CoprocessorError::CoprocessorError(core::IoBus& io, core::IrqLine& irq13,
                                   std::function<void()> assert_ignne)
    : irq13_(irq13), assert_ignne_(std::move(assert_ignne)) {
  io.register_ports(0xF0, 2, this, core::kIoWidth8, "fpu-error");
}

void CoprocessorError::reset() {
  irq13_.lower();
}

void CoprocessorError::ferr() {
  irq13_.raise();
}

// Nothing to read: the ports float.
uint32_t CoprocessorError::io_read(uint16_t, unsigned) {
  return 0xFF;
}

void CoprocessorError::io_write(uint16_t port, unsigned, uint32_t) {
  if (port != 0xF0) return;
  irq13_.lower();
  if (assert_ignne_) assert_ignne_();
}

}  // namespace tx86::dev

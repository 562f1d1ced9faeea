// An 8042 with a keyboard and a mouse on an I/O bus, no CPU: the tests play
// the guest's port accesses and the frontend's input, and advance guest time
// by hand.
#pragma once

#include <cstdint>
#include <vector>

#include "core/io/io_bus.h"
#include "core/irq/irq_line.h"
#include "core/machine/machine_control.h"
#include "core/sched/scheduler.h"
#include "devices/input/i8042.h"
#include "devices/input/ps2_keyboard.h"
#include "devices/input/ps2_mouse.h"

namespace tx86::dev::test {

class RecordingMachine : public core::MachineControl {
 public:
  void request_exit(int) override {}
  void request_reset() override { ++resets; }
  void request_power_off() override {}
  void set_a20(bool enabled) override {
    a20_ = enabled;
    a20_writes.push_back(enabled);
  }
  bool a20() const override { return a20_; }

  int resets = 0;
  std::vector<bool> a20_writes;

 private:
  bool a20_ = true;
};

// Counts rising edges, which is what an edge-triggered 8259 input sees.
struct EdgeCounter {
  core::IrqLine line{[this](bool level) {
    if (level) ++rises;
  }};
  int rises = 0;
};

struct Ps2Rig {
  core::Scheduler sched;
  core::IoBus io;
  RecordingMachine machine;
  EdgeCounter irq1;
  EdgeCounter irq12;
  Ps2Keyboard kbd{sched};
  Ps2Mouse mouse{sched};
  I8042 kbc{io, machine, irq1.line, irq12.line, kbd, mouse};

  void command(uint8_t c) { io.write8(I8042::kCommandPort, c); }
  void data(uint8_t d) { io.write8(I8042::kDataPort, d); }
  uint8_t status() { return io.read8(I8042::kCommandPort); }
  uint8_t read() { return io.read8(I8042::kDataPort); }
  bool output_full() { return (status() & I8042::kStatusOutputFull) != 0; }

  // Reads while OBF is set, as the flush loops of Linux and SeaBIOS do.
  std::vector<uint8_t> drain() {
    std::vector<uint8_t> bytes;
    while (output_full()) bytes.push_back(read());
    return bytes;
  }
  // The same, keeping only bytes with the given AUX-OBF state.
  std::vector<uint8_t> drain_from(bool aux) {
    std::vector<uint8_t> bytes;
    while (output_full()) {
      const bool is_aux = (status() & I8042::kStatusAuxData) != 0;
      const uint8_t b = read();
      if (is_aux == aux) bytes.push_back(b);
    }
    return bytes;
  }

  uint8_t read_ctr() {
    command(0x20);
    return read();
  }
  void write_ctr(uint8_t ctr) {
    command(0x60);
    data(ctr);
  }
  void mouse_write(uint8_t b) {
    command(0xD4);
    data(b);
  }

  // Lets guest time pass, firing the devices' timers.
  void advance(core::GuestTime ns) {
    sched.skip_to(sched.now() + ns);
    sched.run_due();
  }
};

using Bytes = std::vector<uint8_t>;

}  // namespace tx86::dev::test

#include "devices/storage/ata/ide_channel.h"

namespace tx86::dev {

using namespace ata;

namespace {

// An empty slot: it latches register writes like a device would (a probe
// reads them back) but never takes a command.
class NoDevice final : public IdeDevice {
 protected:
  void set_signature() override {
    count_ = lba_low_ = lba_mid_ = lba_high_ = device_ = 0;
    status_ = 0;
  }
  void execute(uint8_t) override {}
  void dma_finished(bool) override {}
  void continue_pio(uint8_t, std::span<const uint8_t>) override {}
};

}  // namespace

IdeChannel::IdeChannel(core::IoBus& io, core::IrqLine& irq, core::MemoryBus& memory, uint16_t base,
                       uint16_t control, const std::string& name)
    : io_(io), irq_(irq), base_(base), control_port_(control), name_(name), bus_master_(memory) {
  for (Slot& s : slots_) {
    s.device = std::make_unique<NoDevice>();
    s.device->reset();
  }
  bus_master_.set_device_source([this] { return &selected(); });
  io.register_ports(base, 1, this, core::kIoWidthAll, name + " data");
  io.register_ports(static_cast<uint16_t>(base + 1), 7, this, core::kIoWidth8, name);
  io.register_ports(control, 1, this, core::kIoWidth8, name + " control");
}

IdeChannel::~IdeChannel() {
  io_.unregister_ports(base_, 8);
  io_.unregister_ports(control_port_, 1);
}

void IdeChannel::attach(unsigned slot, std::unique_ptr<IdeDevice> device) {
  Slot& s = slots_.at(slot);
  s.device = std::move(device);
  s.present = true;
  s.device->set_irq_listener([this] { update_irq(); });
  s.device->reset();
}

void IdeChannel::reset() {
  control_ = 0;
  selected_ = 0;
  bus_master_.reset();
  for (Slot& s : slots_) s.device->power_on();
  update_irq();
}

uint32_t IdeChannel::io_read(uint16_t port, unsigned size) {
  if (port == control_port_) {
    // Alternate status: no interrupt acknowledge.
    if (empty() || !slots_[selected_].present) return 0;
    return selected().status();
  }
  const unsigned reg = port - base_;
  if (empty()) return 0;
  IdeDevice& dev = selected();
  switch (reg) {
    case 0: return dev.read_data(size);
    case 7:
      if (!slots_[selected_].present) return 0;
      dev.acknowledge();
      return dev.status();
    default: return dev.read_register(static_cast<AtaReg>(reg), (control_ & kHob) != 0);
  }
}

unsigned IdeChannel::io_read_string(uint16_t port, unsigned size, uint8_t* dst, unsigned count) {
  if (port != base_ || empty()) return 0;
  return selected().read_data_string(size, dst, count);
}

void IdeChannel::io_write(uint16_t port, unsigned size, uint32_t value) {
  const auto v = static_cast<uint8_t>(value);
  if (port == control_port_) return write_control(v);
  const unsigned reg = port - base_;
  if (reg == 0) {
    selected().write_data(size, value);
    bus_master_.run();
    return;
  }
  control_ &= static_cast<uint8_t>(~kHob);
  if (reg == 7) {
    // EXECUTE DEVICE DIAGNOSTIC runs on both devices; others on the
    // selected one (an empty slot ignores them).
    if (v == cmd::kExecuteDiagnostic) {
      for (Slot& s : slots_) {
        if (s.present) s.device->command(v);
      }
    } else {
      selected().command(v);
    }
    bus_master_.run();
    update_irq();
    return;
  }
  for (Slot& s : slots_) s.device->write_register(static_cast<AtaReg>(reg), v);
  if (reg == static_cast<unsigned>(AtaReg::kDevice)) {
    selected_ = (v & kDev) ? 1 : 0;
    update_irq();
  }
}

void IdeChannel::write_control(uint8_t value) {
  const bool was_reset = control_ & kSrst;
  control_ = value;
  // Soft reset: the devices reset when SRST goes back to 0 (ATA-6 9.2),
  // and BSY shows while it is held.
  if ((value & kSrst) && !was_reset) {
    for (Slot& s : slots_) s.device->reset();
  } else if (!(value & kSrst) && was_reset) {
    for (Slot& s : slots_) s.device->reset();
    selected_ = 0;
  }
  update_irq();
}

// The bus master's interrupt bit follows the device's request even with
// nIEN set, as QEMU's does, so a driver that polls can poll it.
void IdeChannel::update_irq() {
  const bool request = slots_[selected_].present && selected().intrq();
  if (request && !request_) bus_master_.note_interrupt();
  request_ = request;
  irq_.set(request && !(control_ & kNien));
}

}  // namespace tx86::dev

// One device on an IDE channel, as the channel sees it: its copy of the
// task file (both devices latch every register write; only the selected
// one answers reads and takes commands), its status, its interrupt request
// and the data it moves through the data port or by bus-master DMA. The
// command sets live in the subclasses: AtaDisk, AtapiCdrom.
//
// What a command does once the host has moved a PIO block is a number the
// subclass defines, not a closure, so that a save state can hold a command
// stopped between blocks.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "core/state/state_stream.h"
#include "devices/storage/ata/ata_regs.h"

namespace tx86::dev {

// The command-block registers at base+1 .. base+6 (base+7 is the command).
enum class AtaReg : uint8_t {
  kFeature = 1,  // reads: error
  kCount = 2,
  kLbaLow = 3,
  kLbaMid = 4,
  kLbaHigh = 5,
  kDevice = 6,
};

// A transfer waiting for the bus master: to memory (data ready in `data`),
// or from memory (`data` sized to what the device wants filled).
struct DmaRequest {
  bool to_memory = true;
  std::vector<uint8_t> data;
};

class IdeDevice {
 public:
  virtual ~IdeDevice() = default;
  IdeDevice(const IdeDevice&) = delete;
  IdeDevice& operator=(const IdeDevice&) = delete;

  // The channel calls this whenever the device's interrupt request may have
  // changed.
  void set_irq_listener(std::function<void()> listener) { irq_listener_ = std::move(listener); }

  void write_register(AtaReg reg, uint8_t value);
  uint8_t read_register(AtaReg reg, bool hob) const;
  uint8_t status() const { return status_; }
  // A command written while this device is selected.
  void command(uint8_t code);
  // The data port (2 or 4 bytes per access; 1 moves one byte).
  uint32_t read_data(unsigned size);
  // Up to `count` data reads of `size` bytes at once, none past the end of
  // the data block (whose last read moves on as read_data's does).
  unsigned read_data_string(unsigned size, uint8_t* dst, unsigned count);
  void write_data(unsigned size, uint32_t value);

  // The soft reset (SRST) and DEVICE RESET: the signature in the task
  // file, the device idle.
  void reset();
  // Power-on and hardware reset: also the settings commands changed.
  virtual void power_on() { reset(); }

  bool intrq() const { return intrq_; }
  // Reading the status register acknowledges the interrupt.
  void acknowledge() {
    intrq_ = false;
    notify();
  }

  // Bus-master DMA: the request the device waits on, if any, and its end.
  DmaRequest* dma_request() { return dma_pending_ ? &dma_ : nullptr; }
  void dma_done(bool ok);

  // Save states: the task file and the transfer in progress; a subclass
  // adds its own, in a section of its kind.
  virtual void save_state(core::StateWriter& w) const;
  virtual void load_state(core::StateReader& r);

 protected:
  // The step after a PIO block that every device has: the command is over.
  static constexpr uint8_t kThenIdle = 0;

  IdeDevice() = default;

  // The task file after a reset: ATA or ATAPI signature and status.
  virtual void set_signature() = 0;
  // Status when ready between commands (ATAPI has no DSC: that bit is SERV).
  virtual uint8_t idle_status() const { return ata::kDrdy | ata::kDsc; }
  virtual void execute(uint8_t code) = 0;
  // A DMA transfer ended; ok false when the bus master ran out of PRD
  // entries or hit an error.
  virtual void dma_finished(bool ok) = 0;
  // The host has moved a PIO block: step `then` (not kThenIdle) of the
  // command, with the block it wrote (empty after data in).
  virtual void continue_pio(uint8_t then, std::span<const uint8_t> written) = 0;

  // The task file as commands read it.
  uint64_t lba28() const;
  uint64_t lba48() const;
  uint32_t count28() const { return count_ == 0 ? 256u : count_; }
  uint32_t count48() const;
  void set_lba28(uint64_t lba);
  void set_lba48(uint64_t lba);

  // Ending a command.
  void complete(uint8_t extra_status = 0);  // DRDY|DSC (+extra), interrupt
  void abort_command(uint8_t error = ata::kAbrt);
  void raise_irq() {
    intrq_ = true;
    notify();
  }

  // PIO through the data port: `bytes` for the host to read, or a buffer of
  // `size` for it to fill; then step `then` runs. DRQ stays set until then.
  void pio_in(std::vector<uint8_t> bytes, uint8_t then, bool irq = true);
  void pio_out(size_t size, uint8_t then, bool irq);
  // The step a PIO block in progress leads to (load_state checks it).
  uint8_t pio_then() const { return then_; }
  // Waits for the bus master with a request; dma_finished() follows, with
  // the request's data still here.
  void wait_dma(DmaRequest request);
  DmaRequest& dma_data() { return dma_; }

  uint8_t feature_ = 0, count_ = 0, lba_low_ = 0, lba_mid_ = 0, lba_high_ = 0;
  uint8_t hob_feature_ = 0, hob_count_ = 0, hob_lba_low_ = 0, hob_lba_mid_ = 0, hob_lba_high_ = 0;
  uint8_t device_ = 0;
  uint8_t status_ = 0;
  uint8_t error_ = 0;

 private:
  void data_in_done();
  void next_step(std::span<const uint8_t> written);
  void notify() {
    if (irq_listener_) irq_listener_();
  }

  std::function<void()> irq_listener_;
  bool intrq_ = false;

  enum class Pio : uint8_t { kNone, kIn, kOut };
  Pio pio_ = Pio::kNone;
  std::vector<uint8_t> buffer_;
  size_t pos_ = 0;
  uint8_t then_ = kThenIdle;

  bool dma_pending_ = false;
  DmaRequest dma_;
};

}  // namespace tx86::dev

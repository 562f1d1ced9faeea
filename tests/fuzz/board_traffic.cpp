#include "tests/fuzz/board_traffic.h"

#include <algorithm>
#include <iterator>

#include "devices/input/ps2_keyboard.h"
#include "devices/input/ps2_mouse.h"

namespace tx86::fuzz {

namespace {

constexpr uint32_t kLfb = 0xFD000000;
constexpr uint32_t kVgaMmio = 0xFEBF0000;
constexpr uint16_t kBusMaster = 0xC040;

struct PortRange {
  uint16_t first;
  uint16_t count;
};
// Every device's ports (PLATFORM.md), so that most accesses reach one.
constexpr PortRange kPorts[] = {
    {0x00, 16}, {0x20, 2},  {0xA0, 2},  {0x40, 4},        {0x61, 1},  {0x60, 1},
    {0x64, 1},  {0x70, 2},  {0x80, 16}, {0x92, 1},        {0xC0, 32}, {0xF0, 1},
    {0x170, 8}, {0x376, 1}, {0x1F0, 8}, {0x3F6, 1},       {0x1CE, 2}, {0x3B0, 48},
    {0x3F0, 8}, {0x3F8, 8}, {0x2F8, 8}, {0x402, 1},       {0x501, 1}, {0x510, 12},
    {0xCF8, 8}, {0xCF9, 1}, {0x4D0, 2}, {kBusMaster, 16}, {0xE9, 1},  {0x1F0, 1},
};

struct MemRange {
  uint32_t first;
  uint32_t size;
};
constexpr MemRange kMemory[] = {
    {0xA0000, 0x20000},  // the VGA window
    {kLfb, 16u << 20},   // the LFB (BAR0)
    {kVgaMmio, 0x1000},  // the VGA's MMIO BAR (VBE and VGA registers)
    {0xC0000, 0x40000},  // option ROMs and BIOS (PAM shadow)
    {0, kBoardRam},      // RAM (what DMA reads and writes)
    {0xFFFC0000, 0x40000},
};

uint16_t pick_port(Input& in) {
  const uint8_t sel = in.u8();
  if (sel >= 0xF0) return in.u16();  // anywhere
  const PortRange& r = kPorts[sel % std::size(kPorts)];
  return static_cast<uint16_t>(r.first + in.u8() % r.count);
}

uint32_t pick_address(Input& in) {
  const uint8_t sel = in.u8();
  if (sel >= 0xF0) return in.u32();
  const MemRange& r = kMemory[sel % std::size(kMemory)];
  return r.first + in.u32() % r.size;
}

unsigned pick_size(uint8_t b) {
  return 1u << (b % 3);
}

void pci_write(core::Machine& m, unsigned dev, unsigned fn, unsigned reg, uint32_t value) {
  m.io().write32(0xCF8, 0x80000000u | dev << 11 | fn << 8 | reg);
  m.io().write32(0xCFC, value);
}

}  // namespace

size_t FuzzLine::read(std::span<uint8_t> out) {
  const size_t n = std::min(out.size(), pending_.size());
  std::copy_n(pending_.begin(), n, out.begin());
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<ptrdiff_t>(n));
  return n;
}

BoardUnderTest::BoardUnderTest(dev::BoardConfig config)
    : machine([] {
        core::MachineConfig c;
        c.ram_bytes = kBoardRam;
        return c;
      }()) {
  config.debugcon = &debugcon;
  config.serial = {&com1, &com2};
  board = std::make_unique<dev::Board>(machine, config);
  machine.reset();
  pci_write(machine, 1, 1, 0x20, kBusMaster | 1);
  pci_write(machine, 1, 1, 0x40, 0x80008000);
  pci_write(machine, 1, 1, 0x04, 0x0005);
  pci_write(machine, 2, 0, 0x10, kLfb);
  pci_write(machine, 2, 0, 0x18, kVgaMmio);
  pci_write(machine, 2, 0, 0x04, 0x0003);
}

void run_traffic(BoardUnderTest& pc, Input& in, unsigned max_ops) {
  core::IoBus& io = pc.machine.io();
  core::MemoryBus& mem = pc.machine.memory();
  core::Scheduler& sched = pc.machine.scheduler();
  for (unsigned ops = 0; ops < max_ops && !in.empty(); ++ops) {
    const uint8_t op = in.u8();
    // The low nibble picks the operation, bits 4-5 the width.
    switch ((op & 0x0F) % 13) {
      case 0:
      case 1: {  // OUT
        const unsigned width = pick_size(op >> 4);
        const uint16_t port = pick_port(in);
        io.write(port, width, in.u32());
        break;
      }
      case 2:
      case 3: {  // IN
        const unsigned width = pick_size(op >> 4);
        io.read(pick_port(in), width);
        break;
      }
      case 4: {  // REP INS's fast path, into a buffer of exactly the size asked
        const unsigned width = (op & 0x10) ? 4 : 2;
        const uint16_t port = pick_port(in);
        const unsigned count = 1 + in.u16() % 2048;
        std::vector<uint8_t> buffer(size_t{count} * width);
        const unsigned done = io.read_string(port, width, buffer.data(), count);
        if (done > count) __builtin_trap();
        break;
      }
      case 5: {  // memory write
        const unsigned width = pick_size(op >> 4);
        const uint32_t addr = pick_address(in);
        const uint32_t value = in.u32();
        if (width == 1) mem.write8(addr, static_cast<uint8_t>(value));
        if (width == 2) mem.write16(addr, static_cast<uint16_t>(value));
        if (width == 4) mem.write32(addr, value);
        break;
      }
      case 6: {  // memory read
        const unsigned width = pick_size(op >> 4);
        const uint32_t addr = pick_address(in);
        if (width == 1) mem.read8(addr);
        if (width == 2) mem.read16(addr);
        if (width == 4) mem.read32(addr);
        break;
      }
      case 7: {  // bytes into low RAM: PRD tables, fw_cfg DMA descriptors, buffers
        const uint32_t addr = in.u16() * 16u;
        const std::span<const uint8_t> bytes = in.bytes(in.u8());
        mem.write_block(addr, bytes);
        break;
      }
      case 8: {  // guest time goes on: up to 65 ms, or up to 4 s
        const uint64_t step_ns = (op & 0x10) ? 64'000 : 1'000;
        sched.skip_to(sched.now() + (in.u16() + 1u) * step_ns);
        sched.run_due();
        break;
      }
      case 9: {  // the CPU takes an interrupt
        core::InterruptSource* intr = pc.machine.cpu().interrupt_source();
        if (intr != nullptr && intr->intr_pending()) intr->intr_acknowledge();
        break;
      }
      case 10: {  // a block write across a device (the loader's or DMA's way)
        const uint32_t addr = pick_address(in);
        mem.write_block(addr, in.bytes(in.u8()));
        break;
      }
      case 11: {  // bytes arrive on a serial line; a key or the mouse moves
        const uint8_t what = in.u8();
        if (what < 0x80) {
          ((what & 1) ? pc.com2 : pc.com1).give(in.bytes(what % 32));
        } else if (what < 0xC0) {
          const auto key = static_cast<dev::Key>(in.u8() % dev::kKeyCount);
          if (what & 1) {
            pc.board->keyboard().key_up(key);
          } else {
            pc.board->keyboard().key_down(key);
          }
        } else {
          pc.board->mouse().move(static_cast<int8_t>(in.u8()), static_cast<int8_t>(in.u8()),
                                 static_cast<int8_t>(in.u8()) % 2, in.u8() & 7);
        }
        break;
      }
      case 12:  // the display shows a frame (rendering reads VRAM as the registers say)
        pc.board->frame(pc.machine.scheduler().now());
        break;
    }
  }
}

}  // namespace tx86::fuzz

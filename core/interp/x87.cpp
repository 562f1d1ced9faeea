// The x87 escapes D8-DF, FWAIT, FXSAVE and FXRSTOR. Arithmetic, loads,
// stores and compares run on the host's x87 (core/fpu/host_x87.h); the
// control instructions, the environment images and the exception
// reporting are here. Every memory operand is read before anything
// changes and written only once it cannot fault, so a fault leaves the FPU
// as it was (exceptions are precise).
#include "core/fpu/fpu_env.h"
#include "core/fpu/host_x87.h"
#include "core/fpu/x87_forms.h"
#include "core/interp/handlers.h"
#include "core/interp/operands.h"

namespace tx86::core::interp {

namespace {

constexpr unsigned kMaxImage = 108;

uint32_t operand_offset(const DecodedInsn& insn, uint32_t base, unsigned delta) {
  const uint32_t off = base + delta;
  return insn.addrsize == 2 ? off & 0xFFFFu : off;
}

void read_bytes(Cpu& cpu, const DecodedInsn& insn, uint8_t* out, unsigned n) {
  const uint32_t base = effective_offset(cpu.state, insn);
  for (unsigned i = 0; i < n;) {
    const unsigned size = n - i >= 4 ? 4 : n - i >= 2 ? 2 : 1;
    const uint32_t v = cpu.read(insn.mem.seg, operand_offset(insn, base, i), size);
    for (unsigned k = 0; k < size; ++k) out[i + k] = static_cast<uint8_t>(v >> (8 * k));
    i += size;
  }
}

// All pieces are checked before the first is written.
void write_bytes(Cpu& cpu, const DecodedInsn& insn, const uint8_t* in, unsigned n) {
  const uint32_t base = effective_offset(cpu.state, insn);
  auto for_each_piece = [&](auto&& fn) {
    for (unsigned i = 0; i < n;) {
      const unsigned size = n - i >= 4 ? 4 : n - i >= 2 ? 2 : 1;
      fn(operand_offset(insn, base, i), i, size);
      i += size;
    }
  };
  for_each_piece(
      [&](uint32_t off, unsigned, unsigned size) { cpu.probe_write(insn.mem.seg, off, size); });
  for_each_piece([&](uint32_t off, unsigned i, unsigned size) {
    uint32_t v = 0;
    for (unsigned k = 0; k < size; ++k) v |= uint32_t{in[i + k]} << (8 * k);
    cpu.write(insn.mem.seg, off, size, v);
  });
}

EnvLayout env_layout(const CpuState& s, const DecodedInsn& insn) {
  return EnvLayout{insn.opsize == 4, s.protected_mode() && !s.flag(flags::kVm)};
}

// A waiting instruction first reports an unmasked exception left pending
// by an earlier one (SDM Vol. 1, 8.6).
void wait_for_fpu(Cpu& cpu) {
  if (cpu.state.fpu.pending() != 0) {
    cpu.report_fpu_error();
  } else {
    cpu.fpu_error_cleared();
  }
}

// The last non-control instruction, for FSTENV, FSAVE and FXSAVE.
void record_pointers(Cpu& cpu, const DecodedInsn& insn) {
  CpuState& s = cpu.state;
  FpuState& f = s.fpu;
  f.fop = static_cast<uint16_t>(((insn.opcode & 7u) << 8) | insn.modrm);
  f.fcs = s.seg[kCs].selector;
  f.fip = s.eip - insn.length;
  if (!s.code32()) f.fip &= 0xFFFFu;
  if (insn.modrm < 0xC0) {
    f.fds = s.seg[insn.mem.seg].selector;
    f.fdp = effective_offset(s, insn);
  }
}

constexpr uint8_t kAhFlags = 0xD5;  // SF ZF AF PF CF
constexpr uint32_t kFcomiClears =
    flags::kCf | flags::kPf | flags::kAf | flags::kZf | flags::kSf | flags::kOf;

void run_host_form(Cpu& cpu, const DecodedInsn& insn, const X87Form& form) {
  CpuState& s = cpu.state;
  uint8_t mem[16] = {};
  if (form.load != 0) read_bytes(cpu, insn, mem, form.load);
  FpuState next = s.fpu;
  uint8_t ah = static_cast<uint8_t>((s.eflags & kAhFlags) | 2u);
  run_on_host_x87(next, insn.opcode, insn.modrm, mem, ah);
  if (form.store != 0) {
    // An unmasked invalid-operation, overflow or underflow leaves the
    // destination unwritten; precision does not (checked on the host).
    constexpr uint16_t kNoStore = fsw::kIe | fsw::kDe | fsw::kZe | fsw::kOe | fsw::kUe;
    const uint16_t raised_unmasked = next.sw & ~s.fpu.sw & ~next.cw & kNoStore;
    if (raised_unmasked == 0) write_bytes(cpu, insn, mem, form.store);
  }
  s.fpu = next;
  if (form.fcomi)
    s.eflags = (s.eflags & ~kFcomiClears) | (ah & (flags::kCf | flags::kPf | flags::kZf));
}

void store_environment(Cpu& cpu, const DecodedInsn& insn, bool with_registers) {
  CpuState& s = cpu.state;
  const EnvLayout layout = env_layout(s, insn);
  uint8_t image[kMaxImage];
  store_env(s.fpu, layout, image);
  unsigned n = layout.env_bytes();
  if (with_registers) {
    store_registers(s.fpu, image + n);
    n = layout.save_bytes();
  }
  write_bytes(cpu, insn, image, n);
  if (with_registers) {
    s.fpu.init();  // FNSAVE ends with FNINIT
  } else {
    s.fpu.cw |= fsw::kExceptions;  // FNSTENV masks every exception
    s.fpu.update_summary();
  }
}

void load_environment(Cpu& cpu, const DecodedInsn& insn, bool with_registers) {
  CpuState& s = cpu.state;
  const EnvLayout layout = env_layout(s, insn);
  uint8_t image[kMaxImage];
  const unsigned n = with_registers ? layout.save_bytes() : layout.env_bytes();
  read_bytes(cpu, insn, image, n);
  load_env(s.fpu, layout, image);
  if (with_registers) load_registers(s.fpu, image + layout.env_bytes());
}

void exec_x87(Cpu& cpu, const DecodedInsn& insn) {
  CpuState& s = cpu.state;
  FpuState& f = s.fpu;
  const X87Form form = x87_form(insn.opcode, insn.modrm);
  if (form.kind == X87Kind::kInvalid) raise_fault(vec::kUd);
  if (form.waits()) wait_for_fpu(cpu);
  switch (form.kind) {
    case X87Kind::kInvalid: break;
    case X87Kind::kHost: run_host_form(cpu, insn, form); break;
    case X87Kind::kFldcw: {
      uint8_t b[2];
      read_bytes(cpu, insn, b, 2);
      f.cw = control_word_from(static_cast<uint16_t>(b[0] | (b[1] << 8)));
      f.update_summary();
      break;
    }
    case X87Kind::kFnstcw: cpu.write(insn.mem.seg, effective_offset(s, insn), 2, f.cw); break;
    case X87Kind::kFnstsw: cpu.write(insn.mem.seg, effective_offset(s, insn), 2, f.sw); break;
    case X87Kind::kFnstswAx: s.set_reg16(kEax, f.sw); break;
    case X87Kind::kFldenv: load_environment(cpu, insn, false); break;
    case X87Kind::kFrstor: load_environment(cpu, insn, true); break;
    case X87Kind::kFnstenv: store_environment(cpu, insn, false); break;
    case X87Kind::kFnsave: store_environment(cpu, insn, true); break;
    case X87Kind::kFnclex: f.sw &= ~(fsw::kExceptions | fsw::kSf | fsw::kEs | fsw::kB); break;
    case X87Kind::kFninit: f.init(); break;
    case X87Kind::kNop: break;
  }
  if (!form.control()) record_pointers(cpu, insn);
}

// WAIT/FWAIT: #NM when CR0.MP and CR0.TS are both set; otherwise it reports
// a pending unmasked exception.
void exec_fwait(Cpu& cpu, const DecodedInsn&) {
  const uint32_t cr0 = cpu.state.cr0;
  if ((cr0 & cr0::kMp) && (cr0 & cr0::kTs)) raise_fault(vec::kNm);
  wait_for_fpu(cpu);
}

// FXSAVE and FXRSTOR (0F AE /0 /1) never report pending exceptions. The
// area must be 16-byte aligned (#GP(0)). CPUID does not advertise FXSR
// (PLATFORM.md: Linux would then need CR4.OSFXSR); the instructions work
// for software that uses them anyway.
void checked_fxsave_area(Cpu& cpu, const DecodedInsn& insn) {
  CpuState& s = cpu.state;
  if (s.cr0 & (cr0::kEm | cr0::kTs)) raise_fault(vec::kNm);
  if (((s.seg[insn.mem.seg].base + effective_offset(s, insn)) & 15u) != 0) {
    raise_fault(vec::kGp, 0);
  }
}

// Bytes 0-159: the x87/MMX part. With no SSE, MXCSR and its mask (24-31)
// are stored as zero and the XMM area is left alone.
void exec_fxsave(Cpu& cpu, const DecodedInsn& insn) {
  checked_fxsave_area(cpu, insn);
  uint8_t image[kFxsaveBytes] = {};
  store_fxsave(cpu.state.fpu, image);
  write_bytes(cpu, insn, image, kFxsaveX87Bytes);
}

void exec_fxrstor(Cpu& cpu, const DecodedInsn& insn) {
  checked_fxsave_area(cpu, insn);
  uint8_t image[kFxsaveBytes] = {};
  read_bytes(cpu, insn, image, kFxsaveX87Bytes);
  load_fxsave(cpu.state.fpu, image);
}

}  // namespace

void register_x87(HandlerTable& t) {
  set(t, Mnemonic::kFpu, exec_x87);
  set(t, Mnemonic::kFwait, exec_fwait);
  set(t, Mnemonic::kFxsave, exec_fxsave);
  set(t, Mnemonic::kFxrstor, exec_fxrstor);
}

}  // namespace tx86::core::interp

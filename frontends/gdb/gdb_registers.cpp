#include "frontends/gdb/gdb_registers.h"

#include <array>
#include <cstring>

#include "core/cpu/descriptors.h"
#include "core/cpu/guest_fault.h"

namespace tx86::fe::gdb {

namespace {

using core::Cpu;

constexpr unsigned kEip = 8;
constexpr unsigned kEflags = 9;
constexpr unsigned kFirstSegment = 10;
constexpr unsigned kFirstSt = 16;
constexpr unsigned kFctrl = 24;
constexpr unsigned kFirstCr = 32;
constexpr unsigned kStBytes = 10;

// gdb's order of the segment registers (cs ss ds es fs gs) in CpuState's.
constexpr std::array<uint8_t, 6> kSegmentOrder = {core::kCs, core::kSs, core::kDs,
                                                  core::kEs, core::kFs, core::kGs};

std::string build_target_xml() {
  std::string x =
      "<?xml version=\"1.0\"?>\n"
      "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
      "<target version=\"1.0\">\n"
      "<architecture>i386</architecture>\n"
      "<feature name=\"org.gnu.gdb.i386.core\">\n"
      "<flags id=\"i386_eflags\" size=\"4\">\n";
  const std::pair<const char*, int> flag_bits[] = {
      {"CF", 0},  {"PF", 2},   {"AF", 4},   {"ZF", 6},  {"SF", 7},  {"TF", 8},
      {"IF", 9},  {"DF", 10},  {"OF", 11},  {"NT", 14}, {"RF", 16}, {"VM", 17},
      {"AC", 18}, {"VIF", 19}, {"VIP", 20}, {"ID", 21}};
  for (const auto& [name, bit] : flag_bits) {
    x += "<field name=\"" + std::string(name) + "\" start=\"" + std::to_string(bit) + "\" end=\"" +
         std::to_string(bit) + "\"/>\n";
  }
  x += "</flags>\n";
  unsigned regnum = 0;
  auto reg = [&](const std::string& name, unsigned bits, const char* type, const char* group) {
    x += "<reg name=\"" + name + "\" bitsize=\"" + std::to_string(bits) + "\" type=\"" + type +
         "\" regnum=\"" + std::to_string(regnum++) + "\"";
    if (group != nullptr) x += " group=\"" + std::string(group) + "\"";
    x += "/>\n";
  };
  for (const char* name : {"eax", "ecx", "edx", "ebx"}) reg(name, 32, "int32", nullptr);
  reg("esp", 32, "data_ptr", nullptr);
  reg("ebp", 32, "data_ptr", nullptr);
  reg("esi", 32, "int32", nullptr);
  reg("edi", 32, "int32", nullptr);
  reg("eip", 32, "code_ptr", nullptr);
  reg("eflags", 32, "i386_eflags", nullptr);
  for (const char* name : {"cs", "ss", "ds", "es", "fs", "gs"}) reg(name, 32, "int32", nullptr);
  for (int i = 0; i < 8; ++i) reg("st" + std::to_string(i), 80, "i387_ext", nullptr);
  for (const char* name : {"fctrl", "fstat", "ftag", "fiseg", "fioff", "foseg", "fooff", "fop"}) {
    reg(name, 32, "int", "float");
  }
  x += "</feature>\n<feature name=\"org.tx86.gdb.i386.control\">\n";
  for (const char* name : {"cr0", "cr2", "cr3", "cr4"}) reg(name, 32, "int32", "system");
  x += "</feature>\n</target>\n";
  return x;
}

std::vector<uint8_t> le32(uint32_t v) {
  return {static_cast<uint8_t>(v), static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v >> 16),
          static_cast<uint8_t>(v >> 24)};
}

uint32_t read_le32(std::span<const uint8_t> b) {
  return uint32_t{b[0]} | uint32_t{b[1]} << 8 | uint32_t{b[2]} << 16 | uint32_t{b[3]} << 24;
}

unsigned register_size(unsigned n) {
  return n >= kFirstSt && n < kFctrl ? kStBytes : 4;
}

bool load_selector(Cpu& cpu, uint8_t seg, uint16_t selector) {
  core::CpuState& s = cpu.state;
  core::SegmentCache& cache = s.seg[seg];
  // (gdb's G packet sends every register back: an unchanged selector keeps
  // its cache, which the guest may have loaded from a table since changed)
  if (cache.selector == selector) return true;
  if (!s.protected_mode() || s.flag(core::flags::kVm)) {
    cache.selector = selector;
    cache.base = uint32_t{selector} << 4;
    return true;
  }
  if ((selector & 0xFFFC) == 0) {
    if (seg == core::kCs || seg == core::kSs) return false;
    cache = core::SegmentCache{selector, 0, 0, 0};
    return true;
  }
  core::Descriptor d;
  try {
    if (!cpu.fetch_descriptor(selector, d)) return false;
  } catch (const core::GuestFault&) {
    return false;  // the descriptor table is not mapped
  }
  cache = core::make_cache(selector, d);
  return true;
}

}  // namespace

const std::string& target_xml() {
  static const std::string xml = build_target_xml();
  return xml;
}

std::vector<uint8_t> read_register(Cpu& cpu, unsigned n) {
  const core::CpuState& s = cpu.state;
  if (n < kEip) return le32(s.gpr[n]);
  if (n == kEip) return le32(s.eip);
  if (n == kEflags) return le32(s.eflags);
  if (n < kFirstSt) return le32(s.seg[kSegmentOrder[n - kFirstSegment]].selector);
  const core::FpuState& f = s.fpu;
  if (n < kFctrl) {
    const core::X87Reg& r = f.st(n - kFirstSt);
    std::vector<uint8_t> b(kStBytes);
    std::memcpy(b.data(), &r.mantissa, 8);
    std::memcpy(b.data() + 8, &r.sign_exp, 2);
    return b;
  }
  switch (n) {
    case kFctrl: return le32(f.cw);
    case kFctrl + 1: return le32(f.sw);
    case kFctrl + 2: return le32(f.full_tag_word());
    case kFctrl + 3: return le32(f.fcs);
    case kFctrl + 4: return le32(f.fip);
    case kFctrl + 5: return le32(f.fds);
    case kFctrl + 6: return le32(f.fdp);
    case kFctrl + 7: return le32(f.fop);
    case kFirstCr: return le32(s.cr0);
    case kFirstCr + 1: return le32(s.cr2);
    case kFirstCr + 2: return le32(s.cr3);
    case kFirstCr + 3: return le32(s.cr4);
    default: return {};
  }
}

bool write_register(Cpu& cpu, unsigned n, std::span<const uint8_t> bytes) {
  if (n >= kRegisterCount || bytes.size() != register_size(n)) return false;
  core::CpuState& s = cpu.state;
  core::FpuState& f = s.fpu;
  if (n >= kFirstSt && n < kFctrl) {
    core::X87Reg& r = f.st(n - kFirstSt);
    std::memcpy(&r.mantissa, bytes.data(), 8);
    std::memcpy(&r.sign_exp, bytes.data() + 8, 2);
    return true;
  }
  const uint32_t v = read_le32(bytes);
  if (n < kEip) {
    s.gpr[n] = v;
    return true;
  }
  if (n >= kFirstSegment && n < kFirstSt) {
    return load_selector(cpu, kSegmentOrder[n - kFirstSegment], static_cast<uint16_t>(v));
  }
  switch (n) {
    case kEip: s.eip = v; return true;
    case kEflags: cpu.write_eflags(v, ~0u); return true;
    case kFctrl: f.cw = static_cast<uint16_t>(v); return true;
    case kFctrl + 1:
      f.sw = static_cast<uint16_t>(v);
      f.update_summary();
      return true;
    case kFctrl + 2: f.load_tag_word(static_cast<uint16_t>(v)); return true;
    case kFctrl + 3: f.fcs = static_cast<uint16_t>(v); return true;
    case kFctrl + 4: f.fip = v; return true;
    case kFctrl + 5: f.fds = static_cast<uint16_t>(v); return true;
    case kFctrl + 6: f.fdp = v; return true;
    case kFctrl + 7: f.fop = static_cast<uint16_t>(v & 0x7FF); return true;
    case kFirstCr: cpu.write_cr0(v); return true;
    case kFirstCr + 1: s.cr2 = v; return true;
    case kFirstCr + 2: cpu.write_cr3(v); return true;
    case kFirstCr + 3: cpu.write_cr4(v); return true;
    default: return false;
  }
}

std::vector<uint8_t> read_all_registers(Cpu& cpu) {
  std::vector<uint8_t> out;
  for (unsigned n = 0; n < kRegisterCount; ++n) {
    const std::vector<uint8_t> r = read_register(cpu, n);
    out.insert(out.end(), r.begin(), r.end());
  }
  return out;
}

bool write_all_registers(Cpu& cpu, std::span<const uint8_t> bytes) {
  size_t at = 0;
  for (unsigned n = 0; n < kRegisterCount && at < bytes.size(); ++n) {
    const unsigned size = register_size(n);
    if (at + size > bytes.size()) return false;
    // (gdb sends every register; one it does not know is all 'x', which
    // from_hex refused before we got here)
    if (!write_register(cpu, n, bytes.subspan(at, size))) return false;
    at += size;
  }
  return true;
}

}  // namespace tx86::fe::gdb

#include "tests/difftest/generator.h"

#include <algorithm>
#include <utility>

#include "tests/difftest/fp_values.h"
#include "tests/difftest/gen_context.h"

namespace tx86::difftest {

namespace {

constexpr uint32_t kEdges[] = {0,          1,          0x7F,       0x80,       0xFF,
                               0x7FFF,     0x8000,     0xFFFF,     0x7FFFFFFF, 0x80000000,
                               0xFFFFFFFF, 0xFFFFFF80, 0xFFFF8000, 0x00010000, 2};
constexpr uint8_t kCounts[] = {0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 63, 64, 255};
constexpr uint8_t kEsp = 4;

struct WeightedForm {
  Form form;
  unsigned weight;
};

// Weights: roughly equal per family; the big families a little more.
constexpr WeightedForm kForms[] = {
    {form_alu, 8},          {form_alu_imm, 6},   {form_test, 3},     {form_unary, 5},
    {form_shift, 10},       {form_mul, 5},       {form_div, 5},      {form_bcd, 4},
    {form_flag_op, 2},      {form_convert, 2},   {form_bit_test, 6}, {form_bit_scan, 3},
    {form_double_shift, 5}, {form_xadd, 2},      {form_cmpxchg, 3},  {form_cmpxchg8b, 2},
    {form_string, 6},       {form_cmov, 3},      {form_setcc, 3},    {form_bswap, 1},
    {form_movx, 2},         {form_xchg, 2},      {form_lea, 3},      {form_mov, 3},
    {form_xlat, 1},         {form_lahf_sahf, 2}, {form_nop, 1},
};

// The x87 sequences: the FPU forms, and integer ones that meet them
// (SAHF after FNSTSW AX, flags for FCMOVcc, stores the FPU reads back).
constexpr WeightedForm kX87Forms[] = {
    {form_x87_load, 14},
    {form_x87_arith_mem, 10},
    {form_x87_arith_reg, 12},
    {form_x87_store, 10},
    {form_x87_unary, 14},
    {form_x87_stack, 8},
    {form_x87_compare, 6},
    {form_x87_fcmov, 4},
    {form_x87_control, 8},
    {form_x87_env, 3},
    {form_alu, 2},
    {form_lahf_sahf, 2},
    {form_mov, 1},
};

constexpr WeightedForm kMmxForms[] = {
    {form_mmx_binary, 24}, {form_mmx_shift, 10}, {form_mmx_move, 12},
    {form_x87_load, 3},    {form_x87_store, 3},  {form_x87_stack, 2},
    {form_x87_control, 2}, {form_x87_env, 2},    {form_alu, 1},
};

template <size_t N>
constexpr unsigned total_weight(const WeightedForm (&forms)[N]) {
  unsigned t = 0;
  for (const WeightedForm& f : forms) t += f.weight;
  return t;
}

template <size_t N>
Form pick_form(Rng& rng, const WeightedForm (&forms)[N]) {
  unsigned w = rng.below(total_weight(forms));
  for (const WeightedForm& f : forms) {
    if (w < f.weight) return f.form;
    w -= f.weight;
  }
  return forms[0].form;
}

void put_u16(FpuImage& img, unsigned at, uint32_t v) {
  img[at] = static_cast<uint8_t>(v);
  img[at + 1] = static_cast<uint8_t>(v >> 8);
}

// A random x87 state: the FNINIT one now and then; otherwise a random
// control word, TOP and condition codes, masked exception flags (rarely an
// unmasked one, which the first waiting instruction reports), and each
// register full with an interesting value or empty.
FpuImage random_fpu(Rng& rng) {
  FpuImage img = fninit_image();
  if (rng.chance(20)) return img;
  const uint16_t cw = control_word(rng);
  uint32_t sw = rng.u32() & 0x7F00u;  // C3, TOP, C2, C1, C0
  if (rng.chance(30)) sw |= rng.u32() & 0x3Fu & (rng.chance(90) ? cw : 0x3Fu);
  uint32_t tw = 0;
  for (unsigned i = 0; i < 8; ++i) {
    if (rng.chance(40)) tw |= 3u << (2 * i);
  }
  put_u16(img, 0, cw);
  put_u16(img, 4, sw);
  put_u16(img, 8, tw);
  for (unsigned i = 0; i < 8; ++i) {
    const Fp80 v = fp80_value(rng);
    std::copy(v.begin(), v.end(), img.begin() + 28 + 10 * i);
  }
  return img;
}

uint32_t initial_register(Rng& rng) {
  switch (rng.below(10)) {
    case 0:
    case 1:
    case 2: return rng.pick<uint32_t>(kEdges);
    case 3: return rng.below(0x40);
    case 4: return static_cast<uint32_t>(-static_cast<int32_t>(rng.below(0x40)));
    case 5: return DT_WINDOW + rng.below(DT_WINDOW_SIZE);
    default: return rng.u32();
  }
}

void fill_window(Rng& rng, Window& w) {
  for (uint8_t& b : w) b = rng.u8();
  // Runs of zeros and of repeated bytes: BSF/BSR of 0, CMPS/SCAS matches.
  for (int i = 0; i < 3; ++i) {
    const uint32_t at = rng.below(DT_WINDOW_SIZE);
    const uint32_t len = std::min<uint32_t>(rng.below(24) + 1, DT_WINDOW_SIZE - at);
    const uint8_t v = rng.chance(50) ? 0 : rng.u8();
    for (uint32_t k = 0; k < len; ++k) w[at + k] = v;
  }
}

}  // namespace

uint32_t Gen::value(unsigned size) {
  const uint32_t v = rng.chance(35) ? rng.pick<uint32_t>(kEdges) : rng.u32();
  return size == 4 ? v : v & ((1u << (8 * size)) - 1);
}

uint8_t Gen::count() {
  return rng.chance(70) ? rng.pick<uint8_t>(kCounts) : rng.u8();
}

uint32_t Gen::target(unsigned size) {
  uint32_t off = rng.below(DT_WINDOW_SIZE - size + 1);
  if (rng.chance(50)) off &= ~(size - 1);
  return DT_WINDOW + off;
}

RmOperand Gen::mem(uint32_t ea, uint32_t protect) {
  // Without an exact prediction of the registers only [disp32] is safe.
  if (!b.exact()) return absolute_operand(ea);
  if (rng.chance(20)) {
    const uint8_t base = reg();
    if (base != kEsp && (protect & bit(base)) == 0) {
      const int32_t disp = rng.chance(40) ? 0 : static_cast<int32_t>(rng.below(256)) - 128;
      mov_reg(base, 4, ea - static_cast<uint32_t>(disp));
      RmOperand r = base_disp_operand(base, disp);
      if (rng.chance(15)) r.seg_prefix = 0x3E;
      return r;
    }
  }
  return mem_operand(rng, b.state(), ea);
}

RmOperand Gen::rm(unsigned size, uint32_t protect) {
  if (rng.chance(50)) return reg_operand(reg());
  return mem(target(size), protect);
}

void Gen::emit(const Enc& enc) {
  Bytes bytes = enc.bytes();
  if (rng.chance(4)) {
    static constexpr uint8_t kFlat[] = {0x26, 0x36, 0x3E};
    bytes.insert(bytes.begin(), rng.pick<uint8_t>(kFlat));
  }
  b.emit(std::move(bytes));
}

void Gen::mov_reg(uint8_t r, unsigned size, uint32_t v) {
  Enc e;
  if (size == 1) {
    e.op(static_cast<uint8_t>(0xB0 + r)).imm(v, 1);
  } else {
    e.opsize(size).op(static_cast<uint8_t>(0xB8 + r)).imm(v, size);
  }
  emit(e);
}

void Gen::mov_mem(uint32_t addr, unsigned size, uint32_t v) {
  Enc e;
  e.opsize(size).op(size == 1 ? 0xC6 : 0xC7).modrm(0, absolute_operand(addr)).imm(v, size);
  emit(e);
}

TestCase Generator::next() {
  TestCase tc;
  for (uint32_t& r : tc.gpr) r = initial_register(rng_);
  tc.gpr[kEsp] = DT_STACK_TOP;
  tc.eflags = rng_.u32() & (DT_EFLAGS_MASK & ~core::flags::kDf);
  if (rng_.chance(25)) tc.eflags |= core::flags::kDf;
  fill_window(rng_, tc.window);
  const Family family = options_.family;
  if (family != Family::kInteger) tc.fpu = random_fpu(rng_);

  SeqBuilder b(sim_, tc);
  Gen g(rng_, b);
  const unsigned n = 1 + rng_.below(family == Family::kInteger ? 8 : 12);
  const auto pick = [&] {
    switch (family) {
      case Family::kX87: return pick_form(rng_, kX87Forms);
      case Family::kMmx: return pick_form(rng_, kMmxForms);
      default: return pick_form(rng_, kForms);
    }
  };
  for (unsigned i = 0; i < n && !b.broken(); ++i) {
    while (!pick()(g)) {
    }
  }
  if (family == Family::kInteger && !b.broken() && rng_.chance(4)) {
    form_fault(g, options_.lock_ud);
  }
  return tc;
}

}  // namespace tx86::difftest

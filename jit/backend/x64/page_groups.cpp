// Page groups: a block's accesses to the stack frame (ESP + 4, ESP + 8,
// the pushes of a call) or to one structure (EBX + 0, EBX + 4) sit at
// constant distances from one address. When their whole span fits in a
// page, the first access of the group checks that once, looks the page up
// in the TLB (for writing when any of them stores; a group translated
// without paging tries the RAM window first, one that writes only where no
// translated code is near: emit_memory.cpp)
// and keeps its host base in a register; the others then access host
// memory directly. When the span crosses a page or the lookup fails, the
// base kept is 0 and each access looks itself up as usual (out of line).
// The window's span check is on RAM, not on a page: a reading group whose
// span crosses a page boundary still maps once there.
//
// The saved base stays right for the rest of the group: between its first
// and last access there is no call, so nothing changes the memory map or
// flushes the TLB (a guest's own page-table stores take effect after an
// INVLPG or CR3 write, as on the hardware's TLB); a page that holds
// translated code never has a write entry, and no page gains translated
// code while a block runs.
#include <algorithm>

#include "core/mem/memory_bus.h"
#include "jit/backend/x64/block_emitter.h"

namespace tx86::jit::x64 {

namespace {

using ir::Op;

// An address as base + index * scale + displacement (either may be absent).
struct Shape {
  PageGroupPlace place;
  int32_t displacement = 0;
};

Shape shape_of(const ir::Block& b, const ir::Inst& access) {
  Shape s;
  s.place.seg = access.aux;
  const ir::Arg& addr = access.a[0];
  if (addr.is_imm()) {
    s.displacement = static_cast<int32_t>(addr.v);
    return s;
  }
  const ir::Inst& def = b[addr.v];
  const bool sum = (def.op == Op::kAdd || def.op == Op::kSub) && def.size == 4 &&
                   def.a[0].is_value() && def.a[1].is_imm();
  if (sum) {
    s.place.base = def.a[0].v;
    s.displacement = static_cast<int32_t>(def.op == Op::kAdd ? def.a[1].v : 0u - def.a[1].v);
    return s;
  }
  if (def.op == Op::kLea) {
    uint32_t d = def.a[2].v;
    if (def.a[0].is_value()) {
      s.place.base = def.a[0].v;
    } else {
      d += def.a[0].v;
    }
    if (def.a[1].is_value()) {
      s.place.index = def.a[1].v;
      s.place.scale = def.aux;
    } else {
      d += def.a[1].v << def.aux;
    }
    s.displacement = static_cast<int32_t>(d);
    return s;
  }
  s.place.base = addr.v;
  return s;
}

}  // namespace

void BlockEmitter::plan_page_groups() {
  const size_t n = block.insts.size();
  group_of_.assign(n, -1);
  displacement_.assign(n, 0);
  groups_.clear();
  std::vector<PageGroupPlace>& places = w_.places;  // per group
  std::vector<int>& open = w_.open_groups;          // groups a later access may join
  places.clear();
  open.clear();
  for (ir::Ref r = 0; r < n; ++r) {
    const ir::Inst& in = block.insts[r];
    if (in.dead) continue;
    if (ir::info(in.op).kind == ir::Kind::kCall) {
      open.clear();
      continue;
    }
    if (in.op != Op::kLoad && in.op != Op::kStore) continue;
    if (!((ctx.flat_segments >> in.aux) & 1u)) continue;
    const Shape s = shape_of(block, in);
    int g = -1;
    for (int o : open) {
      if (places[o] == s.place) g = o;
    }
    if (g < 0) {
      g = static_cast<int>(groups_.size());
      PageGroup fresh{r};
      fresh.span_low = s.displacement;
      fresh.span_high = int64_t{s.displacement} + in.size;
      groups_.push_back(fresh);
      places.push_back(s.place);
      open.push_back(g);
    }
    PageGroup& group = groups_[g];
    group.last = r;
    group.stores = group.stores || in.op == Op::kStore;
    ++group.members;
    group.span_low = std::min<int64_t>(group.span_low, s.displacement);
    group.span_high = std::max<int64_t>(group.span_high, int64_t{s.displacement} + in.size);
    group_of_[r] = g;
    displacement_[r] = s.displacement;
  }
  // Groups of two or more whose span fits a page keep their base as a value
  // of the register allocator, from the first access to the last: a test
  // at each access instead of a TLB check (and a load from the frame only
  // when the allocator had to spill it).
  std::vector<bool>& taken = w_.group_taken;
  taken.assign(groups_.size(), false);
  for (size_t g = 0; g < groups_.size(); ++g) {
    PageGroup& group = groups_[g];
    group.low = static_cast<int32_t>(group.span_low);
    group.high = static_cast<int32_t>(group.span_high);
    if (group.members < 2 ||
        group.span_high - group.span_low > static_cast<int64_t>(core::kPageSize))
      continue;
    taken[g] = true;
    group.base = ra.add_value(group.first, group.last);
  }
  for (ir::Ref r = 0; r < n; ++r) {
    if (group_of_[r] >= 0 && !taken[group_of_[r]]) group_of_[r] = -1;
  }
  plan_folding();
}

// A group with a base value and no index is folded: its accesses address
// host memory as [host base + base value + displacement], so the base +
// displacement sums (a stack frame's ESP + 4, ESP + 8, ...) need neither an
// instruction nor a register. That 64-bit sum is the guest's 32-bit one
// unless the guest's wraps past 4 GiB; the first access maps the page of
// base + lowest displacement as a 64-bit sum, which no page matches then,
// and the group's accesses take their own lookups (the 32-bit offset). A
// displacement below -64 KiB is most often a large unsigned one (an array
// at 0xC1234560 indexed by the "base"), whose 64-bit sum would miss every
// time: such groups keep the sums.
void BlockEmitter::plan_folding() {
  const size_t n = block.insts.size();
  std::vector<PageGroupPlace>& places = w_.places;
  for (size_t g = 0; g < groups_.size(); ++g) {
    PageGroup& group = groups_[g];
    const PageGroupPlace& place = places[g];
    if (group.base == ir::kNoRef || place.base == ir::kNoRef || place.index != ir::kNoRef ||
        group.span_low < -0x10000)
      continue;
    group.folded = true;
    group.address_base = place.base;
  }
  for (ir::Ref r = 0; r < n; ++r) {
    if (group_of_[r] < 0 || !groups_[group_of_[r]].folded) continue;
    const PageGroup& group = groups_[group_of_[r]];
    ra.extend(group.address_base, r);
    // An address value only folded accesses read is not emitted.
    const ir::Arg& addr = block.insts[r].a[0];
    if (!addr.is_value() || addr.v == group.address_base || skipped_[addr.v] ||
        result_kept_[addr.v])
      continue;
    bool only_folded = true;
    for (const Use& u : uses_[addr.v]) {
      only_folded =
          only_folded && u.arg == 0 && group_of_[u.by] >= 0 && groups_[group_of_[u.by]].folded;
    }
    if (only_folded) skipped_[addr.v] = true;
  }
}

const PageGroup* BlockEmitter::page_group_of(ir::Ref r) const {
  return group_of_[r] >= 0 ? &groups_[group_of_[r]] : nullptr;
}

x86::Gp BlockEmitter::page_group_base(ir::Ref r, const x86::Gp& lin, const x86::Gp& tmp,
                                      const asmjit::Label& lookup) {
  const PageGroup& g = groups_[group_of_[r]];
  if (g.first != r) {
    const x86::Gp base = ra.use(g.base).r64();
    a.test(base, base);
    a.jz(lookup);
    return base;
  }
  asmjit::Label fail = a.newLabel();
  const int32_t span = g.high - g.low;
  const x86::Gp base = ra.def(g.base).r64();
  if (g.folded) {
    // The page of base value + lowest displacement, summed in 64 bits.
    tlb_lookup(lin.r64(), static_cast<unsigned>(span), g.stores, tmp, fail, base, true, g.low,
               true);
  } else {
    page_group_lookup(r, lin, tmp, fail, base);
  }
  add_stub([this, fail, lookup, base] {
    a.bind(fail);
    a.xor_(base.r32(), base.r32());
    a.jmp(lookup);
  });
  return base;
}

void BlockEmitter::page_group_lookup(ir::Ref r, const x86::Gp& lin, const x86::Gp& tmp,
                                     const asmjit::Label& fail, const x86::Gp& base) {
  const PageGroup& g = groups_[group_of_[r]];
  // low = lin - (this access's displacement - the lowest), mod 2^32. The
  // TLB maps [low, low + span) only if the span stays in low's page: the
  // tag compare is on the page of its last byte (a span that wraps past
  // 4 GiB ends in page 0, not low's).
  const auto to_low =
      static_cast<int32_t>(static_cast<uint32_t>(g.low) - static_cast<uint32_t>(displacement_[r]));
  x86::Gp low = lin;
  if (to_low != 0) {
    a.lea(kScratch0.r32(), x86::dword_ptr(lin.r64(), to_low));
    low = kScratch0.r32();
  }
  tlb_lookup(low, static_cast<unsigned>(g.high - g.low), g.stores, tmp, fail, base, false, 0, true);
}

}  // namespace tx86::jit::x64

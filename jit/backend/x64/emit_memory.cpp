// Loads and stores: segmentation and the TLB lookup inline, everything
// else (segment faults, TLB misses, MMIO, pages holding code) in a helper
// called from an out-of-line stub.
//
// Fast path, with the linear address in r10:
//   index = (lin >> 12) & (TLB size - 1); entry = tlb + index * 32
//   if entry.tag != page of the access's last byte -> slow path
//   host = lin + entry.addend
// (without paging, the entry a slot of the access site kept, and reads
// first try the RAM window: host = lin + guest RAM's address).
#include <cstring>
#include <optional>

#include "core/mem/mmu.h"
#include "jit/backend/x64/block_emitter.h"
#include "jit/runtime/helpers.h"

namespace tx86::jit::x64 {

namespace {

constexpr int32_t kTagRead = static_cast<int32_t>(offsetof(core::TlbEntry, read_tag));
constexpr int32_t kTagWrite = static_cast<int32_t>(offsetof(core::TlbEntry, write_tag));
constexpr int32_t kAddend = static_cast<int32_t>(offsetof(core::TlbEntry, addend));
constexpr int32_t kOffTlb = static_cast<int32_t>(offsetof(core::CpuState, tlb));
static_assert(sizeof(core::TlbEntry) == 32, "the inline lookup scales the index by 32");

}  // namespace

namespace {

// Computes the linear address (zero-extended) and returns its register:
// the offset's own for a flat segment, else r10. Jumps to `slow` when the
// inline segment checks cannot decide. Returns no register when the
// segment can never be handled inline (the access always goes slow).
std::optional<x86::Gp> linear_address(BlockEmitter& e, const ir::Inst& in, const x86::Gp& offset,
                                      const asmjit::Label& slow) {
  x86::Assembler& a = e.a;
  const unsigned seg = in.aux;
  const uint8_t bit = static_cast<uint8_t>(1u << seg);
  if (e.ctx.flat_segments & bit) return offset;
  if (!(e.ctx.plain_segments & bit)) return std::nullopt;
  // offset + size - 1 <= limit (in 64 bits: no wrap), then add the base.
  const int32_t seg_off = kOffSeg + static_cast<int32_t>(seg) * kSegSize;
  a.mov(kScratch0.r32(), offset);
  a.lea(kScratch1, x86::qword_ptr(kScratch0, in.size - 1));
  a.mov(kScratch0.r32(), state_dword(seg_off + kOffSegLimit));
  a.cmp(kScratch1, kScratch0);
  a.ja(slow);
  a.mov(kScratch0.r32(), offset);
  a.add(kScratch0.r32(), state_dword(seg_off + kOffSegBase));
  return kScratch0.r32();
}

// An operand in a register for the whole IR instruction: a value's own
// register, or a temporary holding an immediate.
x86::Gp operand(BlockEmitter& e, const ir::Arg& arg) {
  if (arg.is_value()) return e.ra.use(arg.v);
  const x86::Gp r = e.ra.temp();
  e.a.mov(r, arg.v);
  return r;
}

}  // namespace

// Compares the TLB entry of `lin`'s page with the page of the access's last
// byte (computed in `tmp`) and jumps to slow on a mismatch; otherwise leaves
// r11 = the entry's addend (host = lin + addend).
// Each lookup site keeps a slot with the TLB entry it used last, which the
// fast path reads without waiting for the address: when that entry's tag
// is the access's page (tags are exact, so a flushed or refilled entry
// fails), the only load after the address is the access. Otherwise the
// out-of-line path indexes the TLB as the slot's first value (an entry no
// tag matches) makes it do the first time, and keeps the entry found.
uint8_t* BlockEmitter::tlb_slot() {
  std::vector<uint8_t*>& slots = *ctx.tlb_slots;
  if (slot_index_ < slots.size()) return slots[slot_index_++];
  static const core::TlbEntry kNoEntry{};  // kTlbInvalid tags
  uint8_t* slot = ctx.arena->allocate_data(sizeof(void*));
  if (slot != nullptr) {
    const core::TlbEntry* none = &kNoEntry;
    std::memcpy(ctx.arena->writable(slot), &none, sizeof none);
  }
  slots.push_back(slot);
  ++slot_index_;
  return slot;
}

namespace {

// A register of RAX, RCX, RDX that neither a nor b is (a temporary that an
// out-of-line path saves on the host stack around its use).
x86::Gp other_than(const x86::Gp& a, const x86::Gp& b) {
  for (const x86::Gp& r : {x86::rax, x86::rcx, x86::rdx}) {
    if (r.id() != a.id() && r.id() != b.id()) return r;
  }
  return x86::rax;  // (unreachable: three candidates, two excluded at most)
}

}  // namespace

// A read in a block translated without paging first tries the RAM window
// (Mmu::set_ram_window): when CpuState::ram_window allows it, guest RAM is
// read at lin with no load before the access's own. The kernel's
// decompressor, whose loops read a byte or a probability at a time,
// spends most of its time there: the direct boot took 7% less time. A
// page group that also writes (a probability read, updated and written
// back) takes it too when its pages hold no translated code
// (MemoryBus::code_near_map): its reads then wait for no lookup's loads.
// (Not single writes, which wait for nothing: the window's check and the
// code check are more instructions than the slot's write lookup, and the
// boot took longer.)
void BlockEmitter::tlb_lookup(const x86::Gp& lin, unsigned size, bool write, const x86::Gp& tmp,
                              const asmjit::Label& slow, const x86::Gp& addend, bool wide,
                              int32_t disp, bool window_writes) {
  auto summed = [this, lin, disp] {
    if (disp == 0) return lin;
    a.lea(kScratch0, x86::qword_ptr(lin.r64(), disp));
    return kScratch0;
  };
  const bool window =
      ctx.ram_base != 0 && size <= core::Mmu::kRamWindowSlack &&
      (!write || (window_writes && code_near_displacement() && size <= core::kPageSize));
  if (!window) {
    tlb_entry_lookup(summed(), size, write, tmp, slow, addend, wide);
    return;
  }
  asmjit::Label outside = a.newLabel();
  asmjit::Label found = a.newLabel();
  window_check(lin, tmp, wide, outside, disp);
  if (write) {
    // tmp = lin - 1 MiB, in the window: its page's byte (and with it the
    // next page's, where the run may end) says no translated code.
    constexpr auto kFirst = static_cast<int32_t>(core::MemoryBus::kRamIdentityStart >> 12);
    a.shr(tmp.r64(), core::kPageShift);
    a.cmp(x86::byte_ptr(tmp.r64(), *code_near_displacement() + kFirst), 0);
    a.jne(outside);
  }
  a.mov(addend, ctx.ram_base);
  a.bind(found);
  add_stub([this, outside, found, summed, lin, size, write, tmp, slow, addend, wide] {
    a.bind(outside);
    if (tmp.id() != kScratch0.id()) {
      tlb_entry_lookup(summed(), size, write, tmp, slow, addend, wide);
      a.jmp(found);
      return;
    }
    // r10 was the check's temporary (a pinned load's, emit_folded_load):
    // the lookup, whose address r10 may hold, takes another, saved.
    const x86::Gp saved = other_than(lin, addend);
    asmjit::Label miss = a.newLabel();
    a.push(saved);
    tlb_entry_lookup(summed(), size, write, saved, miss, addend, wide);
    a.pop(saved);
    a.jmp(found);
    a.bind(miss);
    a.pop(saved);
    a.jmp(slow);
  });
}

void BlockEmitter::window_check(const x86::Gp& lin, const x86::Gp& tmp, bool wide,
                                const asmjit::Label& outside, int32_t disp) {
  // lin - 1 MiB below the window, in 64 bits: an address under 1 MiB
  // wraps (in 32 bits) or goes negative (a 64-bit sum), and fails too.
  // (A folded group's displacement is at least -64 KiB: no overflow.)
  constexpr auto kStart = static_cast<int32_t>(core::MemoryBus::kRamIdentityStart);
  if (wide) {
    a.lea(tmp.r64(), x86::qword_ptr(lin.r64(), disp - kStart));
  } else {
    a.lea(tmp.r32(), x86::dword_ptr(lin.r64(), disp - kStart));
  }
  a.cmp(tmp.r64(), state_qword(kOffRamWindow));
  a.jae(outside);
}

std::optional<int32_t> BlockEmitter::ram_displacement() const {
  if (ctx.ram_base == 0 || ctx.ram_base > uint64_t{INT32_MAX}) return std::nullopt;
  return static_cast<int32_t>(ctx.ram_base);
}

std::optional<int32_t> BlockEmitter::code_near_displacement() const {
  // (The map is at most 1 MiB.)
  if (ctx.code_near == 0 || ctx.code_near > uint64_t{INT32_MAX} - (1u << 20)) return std::nullopt;
  return static_cast<int32_t>(ctx.code_near);
}

void BlockEmitter::tlb_entry_lookup(const x86::Gp& lin, unsigned size, bool write,
                                    const x86::Gp& tmp, const asmjit::Label& slow,
                                    const x86::Gp& addend, bool wide) {
  const int32_t tag = write ? kTagWrite : kTagRead;
  uint8_t* const slot = ctx.tlb_slots != nullptr ? tlb_slot() : nullptr;
  // One compare tests both the page and that [lin, lin + size) stays in
  // it: lin - tag, in 64 bits, is at most kPageSize - size only then (a
  // tag with a flag bit, above 4 GiB, leaves it "negative").
  const auto last_start = static_cast<int32_t>(core::kPageSize - size);
  auto offset_in_page = [this, lin, tmp, tag, last_start, wide](const x86::Gp& entry) {
    if (wide) {
      a.mov(tmp.r64(), lin.r64());
    } else {
      a.mov(tmp.r32(), lin.r32());
    }
    a.sub(tmp.r64(), x86::qword_ptr(entry, tag));
    a.cmp(tmp.r64(), last_start);
  };
  asmjit::Label index = a.newLabel();
  asmjit::Label found = a.newLabel();
  if (slot != nullptr) {
    a.mov(kScratch1, x86::qword_ptr(reinterpret_cast<uint64_t>(slot)));
    offset_in_page(kScratch1);
    a.ja(index);
  } else {
    a.bind(index);
  }
  auto by_index = [this, lin, tmp, slow, slot, found, offset_in_page] {
    a.mov(kScratch1.r32(), lin.r32());
    a.shr(kScratch1.r32(), core::kPageShift - 5);
    a.and_(kScratch1.r32(), (core::Mmu::kTlbSize - 1) << 5);
    a.add(kScratch1, state_qword(kOffTlb + (ctx.user ? 8 : 0)));
    offset_in_page(kScratch1);
    a.ja(slow);
    if (slot != nullptr) {
      a.mov(tmp.r64(), reinterpret_cast<uint64_t>(ctx.arena->writable(slot)));
      a.mov(x86::qword_ptr(tmp.r64()), kScratch1);
      a.jmp(found);
    }
  };
  if (slot != nullptr) {
    add_stub([this, index, by_index] {
      a.bind(index);
      by_index();
    });
  } else {
    by_index();
  }
  a.bind(found);
  a.mov(addend, x86::qword_ptr(kScratch1, kAddend));
}

void BlockEmitter::emit_guard_code(const ir::Inst& in) {
  // (The block's first instruction: nothing to write back before leaving.)
  const uint32_t lin = in.a[0].v;
  const unsigned count = in.aux;
  const uint64_t bytes = uint64_t{in.a[2].v} << 32 | in.a[1].v;
  const unsigned drop = 64 - 8 * count;  // the bits of bytes past the instruction
  const auto entry = static_cast<int32_t>(((lin >> core::kPageShift) & (core::Mmu::kTlbSize - 1)) *
                                          sizeof(core::TlbEntry));
  asmjit::Label leave = a.newLabel();
  a.mov(kScratch1, state_qword(kOffTlb + (ctx.user ? 8 : 0)));
  a.mov(kScratch0.r32(), lin);
  a.cmp(kScratch0, x86::qword_ptr(kScratch1, entry + kTagRead));
  a.jne(leave);
  a.mov(kScratch1, x86::qword_ptr(kScratch1, entry + kAddend));
  a.mov(kScratch1, x86::qword_ptr(kScratch1, kScratch0));  // 8 bytes from the page's start
  if (drop != 0) a.shl(kScratch1, drop);
  a.mov(kScratch0, drop != 0 ? bytes << drop : bytes);
  a.cmp(kScratch1, kScratch0);
  a.jne(leave);
  add_stub([this, leave] {
    a.bind(leave);
    exit_with(static_cast<uint32_t>(ExitStatus::kInterpret), block.start_eip, true, 0);
  });
}

namespace {

// The access itself at host address base + lin (+ disp: a folded page
// group's access, lin its base value).
void access_load(x86::Assembler& a, const x86::Gp& dst, const x86::Mem& src, unsigned size) {
  switch (size) {
    case 1: a.movzx(dst, src.cloneResized(1)); break;
    case 2: a.movzx(dst, src.cloneResized(2)); break;
    default: a.mov(dst, src.cloneResized(4)); break;
  }
}
void access_load(x86::Assembler& a, const x86::Gp& dst, const x86::Gp& base, const x86::Gp& lin,
                 unsigned size, int32_t disp = 0) {
  access_load(a, dst, x86::ptr(base, lin.r64(), 0, disp), size);
}
// ... or at host address lin + disp (guest RAM's, below 2 GiB).
void access_load(x86::Assembler& a, const x86::Gp& dst, const x86::Gp& lin, int32_t disp,
                 unsigned size) {
  access_load(a, dst, x86::ptr(lin.r64(), disp), size);
}

void access_store(x86::Assembler& a, const x86::Gp& value, const x86::Gp& base, const x86::Gp& lin,
                  unsigned size, int32_t disp = 0) {
  const x86::Mem where = x86::ptr(base, lin.r64(), 0, disp);
  switch (size) {
    case 1: a.mov(where.cloneResized(1), value.r8()); break;
    case 2: a.mov(where.cloneResized(2), value.r16()); break;
    default: a.mov(where.cloneResized(4), value); break;
  }
}

// The 32-bit offset of a folded access (its base value's register + its
// displacement, wrapping as the guest's) into r10, for its out-of-line paths.
void offset_into_scratch0(x86::Assembler& a, const x86::Gp& base_value, int32_t disp) {
  a.lea(kScratch0.r32(), x86::dword_ptr(base_value.r64(), disp));
}

}  // namespace

void BlockEmitter::emit_folded_load(ir::Ref r, const ir::Inst& in, const PageGroup& group) {
  const x86::Gp base_value = ra.use(group.address_base);
  const int32_t disp = displacement_[r];
  const x86::Gp dst = ra.def(r);
  asmjit::Label slow = a.newLabel();
  asmjit::Label done = a.newLabel();
  asmjit::Label lookup = a.newLabel();
  // The first access's lookup needs a temporary: a pinned dst must keep the
  // guest's value until the load succeeds (r10 then, plan_pinned_defs).
  const bool pinned = is_pinned_host(static_cast<int>(dst.id()));
  const bool window_first = group.first == r && ctx.ram_base != 0 && !group.stores;
  const x86::Gp tmp = pinned && window_first ? kScratch0.r32() : dst;
  access_load(a, dst, page_group_base(r, base_value, tmp, lookup), base_value, in.size, disp);
  a.bind(done);
  // A pinned dst (plan_pinned_defs) must keep the guest's value until the
  // load succeeds: the lookup's temporary is then another register, saved
  // around it.
  add_stub([this, lookup, slow, done, base_value, disp, dst, in, pinned] {
    a.bind(lookup);
    offset_into_scratch0(a, base_value, disp);
    if (!pinned) {
      tlb_lookup(kScratch0.r32(), in.size, false, dst, slow);
      access_load(a, dst, kScratch1, kScratch0, in.size);
      a.jmp(done);
      return;
    }
    const x86::Gp saved = other_than(base_value, dst);
    asmjit::Label miss = a.newLabel();
    a.push(saved);
    tlb_lookup(kScratch0.r32(), in.size, false, saved, miss);
    a.pop(saved);
    access_load(a, dst, kScratch1, kScratch0, in.size);
    a.jmp(done);
    a.bind(miss);
    a.pop(saved);
    a.jmp(slow);
  });
  emit_load_slow(in, slow, done, dst,
                 [this, base_value, disp] { offset_into_scratch0(a, base_value, disp); });
}

void BlockEmitter::emit_folded_store(ir::Ref r, const ir::Inst& in, const PageGroup& group) {
  const x86::Gp base_value = ra.use(group.address_base);
  const int32_t disp = displacement_[r];
  const x86::Gp value = operand(*this, in.a[1]);
  // The first access's lookup needs a temporary; the others' main path none.
  const x86::Gp tmp = group.first == r ? ra.temp() : kScratch0.r32();
  asmjit::Label slow = a.newLabel();
  asmjit::Label done = a.newLabel();
  asmjit::Label lookup = a.newLabel();
  access_store(a, value, page_group_base(r, base_value, tmp, lookup), base_value, in.size, disp);
  a.bind(done);
  // The lookup's temporary (r10 holds the offset, r11 the entry): a
  // register saved around it, which is cheaper than taking one for the
  // main path, where the allocator would spill for it.
  add_stub([this, lookup, slow, done, base_value, disp, value, in] {
    a.bind(lookup);
    const x86::Gp saved = other_than(base_value, value);
    asmjit::Label miss = a.newLabel();
    a.push(saved);
    offset_into_scratch0(a, base_value, disp);
    tlb_lookup(kScratch0.r32(), in.size, true, saved, miss);
    access_store(a, value, kScratch1, kScratch0, in.size);
    a.pop(saved);
    a.jmp(done);
    a.bind(miss);
    a.pop(saved);
    a.jmp(slow);
  });
  emit_store_slow(r, in, slow, done, value,
                  [this, base_value, disp] { offset_into_scratch0(a, base_value, disp); });
}

void BlockEmitter::emit_load(ir::Ref r, const ir::Inst& in) {
  if (const PageGroup* group = page_group_of(r); group != nullptr && group->folded) {
    emit_folded_load(r, in, *group);
    return;
  }
  const x86::Gp offset = operand(*this, in.a[0]);  // it survives for the slow path
  const x86::Gp dst = ra.def(r);
  asmjit::Label slow = a.newLabel();
  asmjit::Label done = a.newLabel();
  if (const std::optional<x86::Gp> lin = linear_address(*this, in, offset, slow)) {
    if (page_group_of(r) != nullptr) {
      // The group's page, mapped once (its base), or its own lookup when not.
      asmjit::Label lookup = a.newLabel();
      access_load(a, dst, page_group_base(r, *lin, dst, lookup), *lin, in.size);
      const x86::Gp l = *lin;
      add_stub([this, lookup, slow, done, l, dst, in] {
        a.bind(lookup);
        tlb_lookup(l, in.size, false, dst, slow);
        access_load(a, dst, kScratch1, l, in.size);
        a.jmp(done);
      });
    } else if (ram_displacement()) {
      // RAM below 2 GiB of the host's addresses: the window's access needs
      // no register for RAM's address either. (An access is at most 255
      // bytes, well inside the window's slack.)
      static_assert(core::Mmu::kRamWindowSlack > UINT8_MAX);
      const x86::Gp l = *lin;
      asmjit::Label outside = a.newLabel();
      window_check(l, dst, false, outside);
      access_load(a, dst, l, *ram_displacement(), in.size);
      add_stub([this, outside, slow, done, l, dst, in] {
        a.bind(outside);
        tlb_entry_lookup(l, in.size, false, dst, slow, kScratch1, false);
        access_load(a, dst, kScratch1, l, in.size);
        a.jmp(done);
      });
    } else {
      tlb_lookup(*lin, in.size, false, dst, slow);
      access_load(a, dst, kScratch1, *lin, in.size);
    }
  } else {
    a.jmp(slow);
  }
  a.bind(done);
  emit_load_slow(in, slow, done, dst, [this, offset] { a.mov(kScratch0.r32(), offset); });
}

// The helper call of a load (the page not mapped for it inline, or not
// RAM); offset_to_r10 puts the access's offset in r10.
template <class F>
void BlockEmitter::emit_load_slow(const ir::Inst& in, const asmjit::Label& slow,
                                  const asmjit::Label& done, const x86::Gp& dst, F offset_to_r10) {
  const uint32_t insn = in.insn;
  const uint32_t synced_here = synced();
  ExitState state = deferred_state();
  const uint8_t* thunk = ctx.trampoline->access_thunk(false, in.aux, in.size);
  add_stub([this, slow, done, offset_to_r10, dst, thunk, insn, synced_here, state] {
    a.bind(slow);
    offset_to_r10();
    a.call(reinterpret_cast<uint64_t>(thunk));
    // (dst only once the load succeeded: it may be a pinned guest register,
    // which a fault's exit must find unchanged)
    a.mov(kScratch1, kScratch0);
    a.shr(kScratch1, 32);  // the status
    asmjit::Label fault = a.newLabel();
    a.jnz(fault);
    a.mov(dst, kScratch0.r32());
    a.jmp(done);
    a.bind(fault);
    exit_fault(insn, synced_here, state);  // precise: nothing of the instruction happened
  });
}

void BlockEmitter::emit_store(ir::Ref r, const ir::Inst& in) {
  if (const PageGroup* group = page_group_of(r); group != nullptr && group->folded) {
    emit_folded_store(r, in, *group);
    return;
  }
  const x86::Gp offset = operand(*this, in.a[0]);
  const x86::Gp value = operand(*this, in.a[1]);
  // A page group's later store needs no temporary on its own path, and
  // with a flat segment its lookup (out of line) may use r10 for one: a
  // temporary taken here cost a spill and a reload whenever the registers
  // were all in use (in the kernel decompressor's loops, often).
  const PageGroup* group = page_group_of(r);
  const bool flat = (ctx.flat_segments & (1u << in.aux)) != 0;
  const x86::Gp tmp = group != nullptr && group->first != r && flat ? kScratch0.r32() : ra.temp();
  asmjit::Label slow = a.newLabel();
  asmjit::Label done = a.newLabel();
  if (const std::optional<x86::Gp> lin = linear_address(*this, in, offset, slow)) {
    if (group != nullptr) {
      asmjit::Label lookup = a.newLabel();
      access_store(a, value, page_group_base(r, *lin, tmp, lookup), *lin, in.size);
      const x86::Gp l = *lin;
      add_stub([this, lookup, slow, done, l, tmp, value, in] {
        a.bind(lookup);
        tlb_lookup(l, in.size, true, tmp, slow);
        access_store(a, value, kScratch1, l, in.size);
        a.jmp(done);
      });
    } else {
      tlb_lookup(*lin, in.size, true, tmp, slow);
      access_store(a, value, kScratch1, *lin, in.size);
    }
  } else {
    a.jmp(slow);
  }
  a.bind(done);
  emit_store_slow(r, in, slow, done, value, [this, offset] { a.mov(kScratch0.r32(), offset); });
}

// The helper call of a store, as emit_load_slow's.
template <class F>
void BlockEmitter::emit_store_slow(ir::Ref r, const ir::Inst& in, const asmjit::Label& slow,
                                   const asmjit::Label& done, const x86::Gp& value,
                                   F offset_to_r10) {
  const uint32_t insn = in.insn;
  const uint32_t synced_here = synced();
  ExitState state = deferred_state();
  // The code-modified exit of a self-checking store (plan_store_checks):
  // the rest of the instruction's state writes, then leave before the next.
  const bool checks_itself = store_checks_itself(r);
  asmjit::Label modified = a.newLabel();
  if (checks_itself)
    add_code_modified_exit(modified, insn + 1, synced_here, state_after_instruction(r));
  const uint8_t* thunk = ctx.trampoline->access_thunk(true, in.aux, in.size);
  add_stub([this, slow, done, offset_to_r10, value, thunk, insn, synced_here, state, checks_itself,
            modified] {
    a.bind(slow);
    offset_to_r10();
    a.mov(kScratch1.r32(), value);
    a.call(reinterpret_cast<uint64_t>(thunk));
    asmjit::Label fault = a.newLabel();
    a.test(kScratch0.r32(), kScratch0.r32());
    a.jnz(fault);
    // A store into translated code set code_modified: see run().
    if (checks_itself) {
      a.cmp(x86::byte_ptr(kState, kOffCodeModified), 0);
      a.jne(modified);
    }
    a.jmp(done);
    a.bind(fault);
    exit_fault(insn, synced_here, state);
  });
}

}  // namespace tx86::jit::x64

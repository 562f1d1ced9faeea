#include "jit/backend/x64/trampoline.h"

#include <cstring>
#include <iterator>
#include <stdexcept>

#include "jit/runtime/helpers.h"
#include "jit/runtime/lazy_flags.h"

namespace tx86::jit::x64 {

namespace {
const x86::Gp kSaved[] = {x86::rbp, x86::rbx, x86::r12, x86::r13, x86::r14, x86::r15};
// The caller-saved registers the register allocator hands out: an odd
// count, so that with the thunk's return address rsp is 16-byte aligned
// at the helper call.
const x86::Gp kCallerSaved[] = {x86::rax, x86::rcx, x86::rdx, x86::rsi, x86::rdi, x86::r8, x86::r9};
static_assert(std::size(kCallerSaved) % 2 == 1);
constexpr size_t kReserved = 4608;

void emit_access_thunk(x86::Assembler& a, bool store, unsigned seg, unsigned size) {
  // (A device the access reaches may read the time, which counts it.)
  a.mov(state_qword(kOffIcount), kIcount);
  for (const x86::Gp& r : kCallerSaved) a.push(r);
  a.mov(x86::rdi, kState);
  a.mov(x86::esi, seg);
  a.mov(x86::edx, kScratch0.r32());
  a.mov(x86::ecx, size);
  if (store) {
    a.mov(x86::r8d, kScratch1.r32());
    a.mov(x86::rax, reinterpret_cast<uint64_t>(&helper_store));
  } else {
    a.mov(x86::rax, reinterpret_cast<uint64_t>(&helper_load));
  }
  a.call(x86::rax);
  a.mov(kScratch0, x86::rax);
  for (size_t i = std::size(kCallerSaved); i-- > 0;) a.pop(kCallerSaved[i]);
  a.ret();
}
}  // namespace

Trampoline emit_trampoline(CodeArena& arena) {
  // Assemble twice: once to learn the size, once at the final address.
  uint8_t* where = arena.allocate(kReserved);
  if (where == nullptr) throw std::runtime_error("jit: code arena too small");
  asmjit::CodeHolder code;
  code.init(asmjit::Environment::host(), reinterpret_cast<uint64_t>(where));
  x86::Assembler a(&code);
  asmjit::Label epilogue = a.newLabel();
  asmjit::Label jump_miss = a.newLabel();

  for (const x86::Gp& r : kSaved) a.push(r);
  a.sub(x86::rsp, kFrameBytes);
  a.mov(kState, x86::rdi);
  for (const PinnedGpr& p : kPinned) a.mov(pinned_reg(p.guest), gpr_mem(p.guest));
  a.mov(kIcount, state_qword(kOffIcount));
  a.jmp(x86::rsi);

  a.bind(epilogue);
  for (const PinnedGpr& p : kPinned) a.mov(gpr_mem(p.guest), pinned_reg(p.guest));
  a.mov(state_qword(kOffIcount), kIcount);
  a.add(x86::rsp, kFrameBytes);
  for (int i = 5; i >= 0; --i) a.pop(kSaved[i]);
  a.ret();

  a.bind(jump_miss);
  a.mov(state_dword(kOffEip), kScratch0.r32());
  a.xor_(x86::eax, x86::eax);  // ExitStatus::kNext
  a.jmp(epilogue);

  // lazy_flags.h's materialize_flags without a call into C++, for block
  // entries that read the flags the block before them left raw (the
  // caller has seen lazy_flags non-zero). Each kind: host mask, then the
  // mask of the bits kept.
  asmjit::Label materialize = a.newLabel();
  asmjit::Label kinds = a.newLabel();
  a.bind(materialize);
  a.mov(x86::r10d, state_dword(kOffLazyFlags));
  a.mov(x86::eax, x86::r10d);
  a.and_(x86::eax, 1);
  a.shl(x86::eax, 11);  // SETO's byte → OF
  a.movzx(x86::edx, x86::r10w);
  a.shr(x86::edx, 8);  // LAHF's byte: SF ZF AF PF CF in place
  a.or_(x86::eax, x86::edx);
  a.shr(x86::r10d, 16);
  a.lea(x86::r11, x86::ptr(kinds));
  a.and_(x86::eax, x86::dword_ptr(x86::r11, x86::r10, 3));
  a.mov(x86::ecx, state_dword(kOffEflags));
  a.and_(x86::ecx, x86::dword_ptr(x86::r11, x86::r10, 3, 4));
  a.or_(x86::ecx, x86::eax);
  a.mov(state_dword(kOffEflags), x86::ecx);
  a.mov(state_dword(kOffLazyFlags), 0);
  a.ret();
  a.align(asmjit::AlignMode::kData, 8);
  a.bind(kinds);
  for (const LazyKind& k : kLazyKinds) {
    a.embedUInt32(k.host);
    a.embedUInt32(~(k.host | k.zero));
  }

  asmjit::Label thunks[2][core::kSegCount][3];
  for (int store = 0; store < 2; ++store) {
    for (unsigned seg = 0; seg < core::kSegCount; ++seg) {
      for (unsigned i = 0; i < 3; ++i) {
        thunks[store][seg][i] = a.newLabel();
        a.bind(thunks[store][seg][i]);
        emit_access_thunk(a, store != 0, seg, 1u << i);
      }
    }
  }

  code.flatten();
  code.relocateToBase(reinterpret_cast<uint64_t>(where));
  const size_t size = code.codeSize();
  if (size > kReserved) throw std::runtime_error("jit: trampoline larger than reserved");
  code.copyFlattenedData(arena.writable(where), size);
  Trampoline t;
  t.enter = reinterpret_cast<EntryFn>(where);
  t.epilogue = where + code.labelOffset(epilogue);
  t.jump_miss = where + code.labelOffset(jump_miss);
  t.materialize = where + code.labelOffset(materialize);
  for (unsigned seg = 0; seg < core::kSegCount; ++seg) {
    for (unsigned i = 0; i < 3; ++i) {
      t.load_thunk[seg][i] = where + code.labelOffset(thunks[0][seg][i]);
      t.store_thunk[seg][i] = where + code.labelOffset(thunks[1][seg][i]);
    }
  }
  t.bytes = arena.used();
  return t;
}

}  // namespace tx86::jit::x64

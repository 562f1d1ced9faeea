// The JIT's intermediate representation: a basic block is an ordered list
// of instructions in SSA form (an instruction's index names its result).
// Guest registers and flags are explicit values, read and written through
// GetReg/SetReg and GetFlags/SetFlags, so the passes in jit/opt can forward
// and drop them; the backend allocates host registers for the rest.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/decoder/decoded_insn.h"

namespace tx86::jit::ir {

enum class Op : uint8_t {
#define OP(name, result, args, kind) k##name,
#include "jit/ir/ops.inc"
#undef OP
  kCount
};

enum class Kind : uint8_t { kPure, kReadState, kWriteState, kMemory, kCall, kBranch, kExit };

struct OpInfo {
  const char* name;
  bool has_result;
  uint8_t arg_count;
  Kind kind;
};
const OpInfo& info(Op op);

using Ref = uint32_t;  // an instruction's index in its block
inline constexpr Ref kNoRef = 0xFFFFFFFF;
// Fallback's aux: the instruction may leave EIP on itself (ops.inc).
inline constexpr uint8_t kFallbackMayRepeat = 1;
// Fallback's aux: the instruction may change what the rest of the block
// assumed or what the dispatcher must act on (the block's mode bits, IF,
// TF): the helper checks, and the block leaves after it when it did.
inline constexpr uint8_t kFallbackMayLeave = 2;
// Fallback's aux: the instruction crosses into the next page, whose mapping
// and bytes the block cache does not track: it is fetched again each time
// it runs (decoded again when its bytes changed), and the block ends after
// it (translate_block, ExitStateEip).
inline constexpr uint8_t kFallbackFetch = 4;
// SetFlags's aux: only out-of-line exits (faults, code-modified exits)
// observe this value before the next SetFlags, so only they write it.
inline constexpr uint8_t kSetFlagsDeferred = 1;
// SetReg's aux: the Gpr, with this bit when only out-of-line exits observe
// the value before the register's next SetReg (as kSetFlagsDeferred).
inline constexpr uint8_t kSetRegDeferred = 0x80;

struct Arg {
  enum class Kind : uint8_t { kNone, kValue, kImm };
  Kind kind = Kind::kNone;
  uint32_t v = 0;

  static Arg value(Ref r) { return Arg{Kind::kValue, r}; }
  static Arg imm(uint32_t i) { return Arg{Kind::kImm, i}; }
  bool is_value() const { return kind == Kind::kValue; }
  bool is_imm() const { return kind == Kind::kImm; }
};

struct Inst {
  Op op = Op::kCopy;
  uint8_t size = 4;
  uint8_t aux = 0;
  uint16_t insn = 0;       // the guest instruction (index in the block) it belongs to
  uint32_t host_mask = 0;  // FlagsFrom: flags taken from the host
  uint32_t zero_mask = 0;  // FlagsFrom: flags cleared
  Arg a[3];
  bool dead = false;  // removed by a pass
};

// One guest instruction of the block.
struct GuestInsn {
  core::DecodedInsn decoded;
  uint32_t eip = 0;                 // EIP of its first byte
  std::array<uint8_t, 15> bytes{};  // its encoding (decoded.length of them)
};

struct Block {
  std::vector<Inst> insts;
  std::vector<GuestInsn> guest;
  uint32_t start_eip = 0;
  uint32_t end_eip = 0;  // EIP after the last guest instruction
  // The EIPs the block's bytes came from: [lo_eip, hi_eip), all on the
  // start's page (a block may follow a direct JMP or CALL within it).
  uint32_t lo_eip = 0;
  uint32_t hi_eip = 0;
  bool code32 = false;

  const Inst& operator[](Ref r) const { return insts[r]; }
  Inst& operator[](Ref r) { return insts[r]; }
};

// Appends instructions to a block.
class Builder {
 public:
  explicit Builder(Block& b) : block_(b) {}

  void set_insn(uint16_t index) { insn_ = index; }
  Ref emit(Op op, uint8_t size, uint8_t aux, Arg a0 = {}, Arg a1 = {}, Arg a2 = {});
  Ref flags_from(Ref op, Ref old_flags, uint32_t host_mask, uint32_t zero_mask);

 private:
  Block& block_;
  uint16_t insn_ = 0;
};

// A readable listing, for --jit-log and the golden IR tests.
std::string dump(const Block& b);

}  // namespace tx86::jit::ir

#include "tests/difftest/seq_builder.h"

#include "core/decoder/decoder.h"
#include "tests/difftest/flag_effects.h"

namespace tx86::difftest {

SeqBuilder::SeqBuilder(Tx86Machine& sim, TestCase& tc) : sim_(sim), tc_(tc) {
  sim_.load(tc_);
  for (size_t i = 0; i < tc_.insns.size() && !broken_; ++i) {
    broken_ = !sim_.step(tc_.boundary(i + 1)).empty();
  }
}

void SeqBuilder::emit(Bytes insn) {
  const uint32_t at = tc_.boundary(tc_.insns.size());
  core::DecodedInsn d;
  if (core::decode(insn, true, d) == core::DecodeStatus::kOk) {
    const FlagEffects fx = flag_effects(d, sim_.state());
    if (fx.read & undefined_) exact_ = false;
    undefined_ = (undefined_ & ~fx.written) | fx.undefined;
  }
  tc_.insns.push_back(std::move(insn));
  sim_.poke(at, tc_.insns.back());
  if (!broken_) broken_ = !sim_.step(at + static_cast<uint32_t>(tc_.insns.back().size())).empty();
}

}  // namespace tx86::difftest

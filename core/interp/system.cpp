// NOP and hint NOPs, HLT, UD2, and the undefined encodings.
#include "core/interp/handlers.h"
#include "core/interp/operands.h"

namespace tx86::core::interp {

namespace {

// Instructions of later processors, or of modes this CPU lacks (RSM outside
// system-management mode, SYSENTER/SYSEXIT without SEP): #UD.
constexpr Mnemonic kNotOnThisCpu[] = {
    Mnemonic::kRsm,
    Mnemonic::kSysenter,
    Mnemonic::kSysexit,
    Mnemonic::kSyscall,
    Mnemonic::kSysret,
    Mnemonic::kGetsec,
    Mnemonic::kVmread,
    Mnemonic::kVmwrite,
    Mnemonic::kVmcall,
    Mnemonic::kVmlaunch,
    Mnemonic::kVmresume,
    Mnemonic::kVmxoff,
    Mnemonic::kVmptrld,
    Mnemonic::kVmptrst,
    Mnemonic::kMonitor,
    Mnemonic::kMwait,
    Mnemonic::kClac,
    Mnemonic::kStac,
    Mnemonic::kXgetbv,
    Mnemonic::kXsetbv,
    Mnemonic::kXend,
    Mnemonic::kXtest,
    Mnemonic::kRdtscp,
    Mnemonic::kPopcnt,
    Mnemonic::kRdrand,
    Mnemonic::kRdseed,
    Mnemonic::kXsave,
    Mnemonic::kXrstor,
    Mnemonic::kXsaveopt,
    Mnemonic::kClflush,
    Mnemonic::kLfence,
    Mnemonic::kMfence,
    Mnemonic::kSfence,
    Mnemonic::kFemms,
    Mnemonic::kAmd3dnow,
    Mnemonic::kSse38,
    Mnemonic::kSse3a,
    // The MMX-register instructions SSE and SSE2 added.
    Mnemonic::kPshufw,
    Mnemonic::kPinsrw,
    Mnemonic::kPextrw,
    Mnemonic::kPmovmskb,
    Mnemonic::kPminub,
    Mnemonic::kPmaxub,
    Mnemonic::kPavgb,
    Mnemonic::kPavgw,
    Mnemonic::kPmulhuw,
    Mnemonic::kPminsw,
    Mnemonic::kPmaxsw,
    Mnemonic::kPsadbw,
    Mnemonic::kMaskmovq,
    Mnemonic::kMovntq,
    Mnemonic::kPaddq,
    Mnemonic::kPsubq,
    Mnemonic::kPmuludq,
};

void exec_nop(Cpu&, const DecodedInsn&) {}

void exec_ud(Cpu&, const DecodedInsn&) {
  raise_fault(vec::kUd);
}

// HLT is privileged in protected mode; the engine sees `halted` and idles
// until an interrupt arrives.
void exec_hlt(Cpu& cpu, const DecodedInsn&) {
  CpuState& s = cpu.state;
  if (s.protected_mode() && (s.flag(flags::kVm) || (s.seg[kCs].selector & 3u) != 0)) {
    raise_fault(vec::kGp, 0);
  }
  s.halted = true;
}

}  // namespace

void register_system(HandlerTable& t) {
  set(t, Mnemonic::kNop, exec_nop);
  set(t, Mnemonic::kHintNop, exec_nop);
  set(t, Mnemonic::kPrefetch, exec_nop);
  set(t, Mnemonic::kHlt, exec_hlt);
  set(t, Mnemonic::kInvalid, exec_ud);
  set(t, Mnemonic::kUd2, exec_ud);
  set(t, Mnemonic::kUd1, exec_ud);
  set(t, Mnemonic::kUd0, exec_ud);
  for (Mnemonic m : kNotOnThisCpu) set(t, m, exec_ud);
}

}  // namespace tx86::core::interp

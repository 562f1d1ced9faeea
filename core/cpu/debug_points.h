// What a debugger (the GDB stub) asks the CPU to stop at: breakpoints at
// the linear address of an instruction's first byte, and watchpoints on
// ranges of linear addresses that the guest's data reads and/or writes hit.
// Unlike DR0-DR7 they are invisible to the guest, and there is no limit on
// how many. Engines check breakpoints before each instruction they
// interpret and translate no block that holds one (the JIT ends a block
// before one); while a watchpoint is set the machine runs the interpreter,
// which checks every data access (Machine::run).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace tx86::core {

enum class WatchKind : uint8_t { kWrite, kRead, kAccess };

struct WatchHit {
  WatchKind kind;
  uint32_t addr;  // the watchpoint's start, as the debugger set it
};

class DebugPoints {
 public:
  // A breakpoint or watchpoint set twice must be removed twice (gdb can set
  // a software and a hardware breakpoint at one address).
  void add_breakpoint(uint32_t lin);
  bool remove_breakpoint(uint32_t lin);
  void add_watchpoint(uint32_t lin, uint32_t len, WatchKind kind);
  bool remove_watchpoint(uint32_t lin, uint32_t len, WatchKind kind);
  void clear();

  // Any breakpoint or watchpoint: the interpreter must check them.
  bool armed() const { return armed_; }
  bool watching() const { return watching_; }
  bool has_breakpoints() const { return !breakpoints_.empty(); }
  // Whether a breakpoint is at `lin`, without breaks_at's resume rule.
  bool has_breakpoint(uint32_t lin) const {
    for (const uint32_t b : breakpoints_) {
      if (b == lin) return true;
    }
    return false;
  }
  // Goes up whenever the set of breakpoints changes: translated code made
  // for another set must go.
  uint64_t breakpoint_generation() const { return breakpoint_generation_; }

  // Before each instruction, at its linear address: whether to stop there.
  // The first check after resume_past(lin) does not stop at lin, so that a
  // run resumed at a breakpoint executes the instruction there.
  bool breaks_at(uint32_t lin) {
    if (skip_armed_) {
      skip_armed_ = false;
      if (lin == skip_) return false;
    }
    for (const uint32_t b : breakpoints_) {
      if (b == lin) return true;
    }
    return false;
  }
  void resume_past(uint32_t lin) {
    skip_ = lin;
    skip_armed_ = true;
  }

  // A data access by the guest: records the first watchpoint it hits. The
  // access itself goes ahead; the run stops after the instruction.
  void note_access(uint32_t lin, unsigned size, bool write);
  bool hit_pending() const { return hit_.has_value(); }
  std::optional<WatchHit> take_hit() {
    std::optional<WatchHit> h = hit_;
    hit_.reset();
    return h;
  }

 private:
  struct Watch {
    uint32_t lin;
    uint32_t len;
    WatchKind kind;
  };
  void breakpoints_changed() {
    ++breakpoint_generation_;
    update_armed();
  }
  void update_armed() {
    watching_ = !watches_.empty();
    armed_ = !breakpoints_.empty() || watching_;
  }

  std::vector<uint32_t> breakpoints_;  // a few: a scan beats a hash
  std::vector<Watch> watches_;
  std::optional<WatchHit> hit_;
  uint32_t skip_ = 0;
  bool skip_armed_ = false;
  bool armed_ = false;
  bool watching_ = false;
  uint64_t breakpoint_generation_ = 0;
};

}  // namespace tx86::core

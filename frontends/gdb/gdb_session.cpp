#include "frontends/gdb/gdb_session.h"

#include <fmt/format.h>

#include <vector>

#include "frontends/common/debug_memory.h"
#include "frontends/gdb/gdb_packet.h"
#include "frontends/gdb/gdb_registers.h"

namespace tx86::fe::gdb {

namespace {

constexpr size_t kMaxPacket = 0x4000;  // PacketSize, in bytes of payload
constexpr const char* kSigTrap = "05";
constexpr const char* kSigInt = "02";
constexpr const char* kError = "E01";

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// "ADDR,LEN" (then whatever follows LEN, if `rest` is given).
bool parse_addr_len(std::string_view args, uint64_t& addr, uint64_t& len,
                    std::string_view* rest = nullptr) {
  const size_t comma = args.find(',');
  if (comma == std::string_view::npos) return false;
  size_t end = args.size();
  if (rest != nullptr) {
    end = args.find(':', comma);
    if (end == std::string_view::npos) return false;
    *rest = args.substr(end + 1);
  }
  const auto a = parse_hex_number(args.substr(0, comma));
  const auto l = parse_hex_number(args.substr(comma + 1, end - comma - 1));
  if (!a || !l || *a > 0xFFFFFFFFu) return false;
  addr = *a;
  len = *l;
  return true;
}

}  // namespace

std::string Session::stop_reply(core::RunOutcome why) {
  if (why == core::RunOutcome::kPaused) {
    last_stop_ = fmt::format("T{}thread:01;", kSigInt);
    return last_stop_;
  }
  std::string watch;
  if (const std::optional<core::WatchHit> hit = machine_.cpu().debug.take_hit()) {
    const char* kind = hit->kind == core::WatchKind::kWrite  ? "watch"
                       : hit->kind == core::WatchKind::kRead ? "rwatch"
                                                             : "awatch";
    watch = fmt::format("{}:{:x};", kind, hit->addr);
  }
  last_stop_ = fmt::format("T{}{}thread:01;", kSigTrap, watch);
  return last_stop_;
}

Session::Reply Session::handle(std::string_view p) {
  if (p.empty()) return {std::string()};
  const std::string_view args = p.substr(1);
  switch (p[0]) {
    case '?': return {last_stop_};
    case 'g': return {to_hex(read_all_registers(machine_.cpu()))};
    case 'G': {
      std::string bytes;
      if (!from_hex(args, bytes)) return {kError};
      const auto* b = reinterpret_cast<const uint8_t*>(bytes.data());
      return {write_all_registers(machine_.cpu(), {b, bytes.size()}) ? "OK" : kError};
    }
    case 'p': return {register_reply(args)};
    case 'P': return {register_write_reply(args)};
    case 'm': return {memory_read_reply(args)};
    case 'M': return {memory_write_reply(args, false)};
    case 'X': return {memory_write_reply(args, true)};
    case 'Z': return {point_reply(args, true)};
    case 'z': return {point_reply(args, false)};
    case 'c':
    case 's':
      if (!resume_at(args)) return {kError};
      return {std::nullopt, p[0] == 'c' ? Action::kContinue : Action::kStep};
    case 'C':
    case 'S': {
      // A signal to deliver means nothing to a bare machine; the address
      // after it still counts.
      const size_t semi = args.find(';');
      if (semi != std::string_view::npos && !resume_at(args.substr(semi + 1))) return {kError};
      return {std::nullopt, p[0] == 'C' ? Action::kContinue : Action::kStep};
    }
    case 'D': return {"OK", Action::kDetach};
    case 'k': return {std::nullopt, Action::kKill};
    case 'H':
    case 'T': return {"OK"};
    case 'q':
    case 'Q': return {query(p)};
    case 'v':
      if (starts_with(p, "vKill")) return {"OK", Action::kKill};
      return {std::string()};  // (no vCont: gdb then uses c and s)
    default: return {std::string()};
  }
}

bool Session::resume_at(std::string_view addr) {
  if (addr.empty()) return true;
  const auto a = parse_hex_number(addr);
  if (!a) return false;
  machine_.cpu().state.eip = static_cast<uint32_t>(*a);
  return true;
}

std::string Session::query(std::string_view q) {
  if (starts_with(q, "qSupported")) {
    return fmt::format("PacketSize={:x};qXfer:features:read+;QStartNoAckMode+", kMaxPacket);
  }
  if (q == "QStartNoAckMode") {
    no_ack_ = true;
    return "OK";
  }
  if (starts_with(q, "qXfer:features:read:")) return features_reply(q.substr(20));
  if (q == "qAttached") return "1";
  if (q == "qC") return "QC01";
  if (q == "qfThreadInfo") return "m01";
  if (q == "qsThreadInfo") return "l";
  if (starts_with(q, "qSymbol")) return "OK";
  return std::string();
}

std::string Session::features_reply(std::string_view args) {
  // "target.xml:OFFSET,LENGTH"
  const size_t colon = args.find(':');
  if (colon == std::string_view::npos || args.substr(0, colon) != "target.xml") return "E00";
  uint64_t offset = 0;
  uint64_t length = 0;
  if (!parse_addr_len(args.substr(colon + 1), offset, length)) return kError;
  const std::string& xml = target_xml();
  if (offset >= xml.size()) return "l";
  const size_t n = std::min<uint64_t>({length, xml.size() - offset, kMaxPacket - 1});
  std::string reply(1, offset + n < xml.size() ? 'm' : 'l');
  reply.append(xml, offset, n);
  return reply;
}

std::string Session::register_reply(std::string_view args) {
  const auto n = parse_hex_number(args);
  if (!n || *n >= kRegisterCount) return kError;
  return to_hex(read_register(machine_.cpu(), static_cast<unsigned>(*n)));
}

std::string Session::register_write_reply(std::string_view args) {
  const size_t eq = args.find('=');
  if (eq == std::string_view::npos) return kError;
  const auto n = parse_hex_number(args.substr(0, eq));
  std::string bytes;
  if (!n || *n >= kRegisterCount || !from_hex(args.substr(eq + 1), bytes)) return kError;
  const auto* b = reinterpret_cast<const uint8_t*>(bytes.data());
  return write_register(machine_.cpu(), static_cast<unsigned>(*n), {b, bytes.size()}) ? "OK"
                                                                                      : kError;
}

std::string Session::memory_read_reply(std::string_view args) {
  uint64_t addr = 0;
  uint64_t len = 0;
  if (!parse_addr_len(args, addr, len)) return kError;
  len = std::min<uint64_t>(len, kMaxPacket / 2);
  std::vector<uint8_t> bytes(len);
  const size_t n = read_linear(machine_, static_cast<uint32_t>(addr), bytes.data(), len);
  // Part of what was asked is an answer; none of it is an error.
  if (n == 0 && len != 0) return "E14";
  bytes.resize(n);
  return to_hex(bytes);
}

std::string Session::memory_write_reply(std::string_view args, bool binary) {
  uint64_t addr = 0;
  uint64_t len = 0;
  std::string_view data;
  if (!parse_addr_len(args, addr, len, &data)) return kError;
  std::string bytes;
  if (binary) {
    bytes = std::string(data);
  } else if (!from_hex(data, bytes)) {
    return kError;
  }
  if (bytes.size() != len) return kError;
  const auto* b = reinterpret_cast<const uint8_t*>(bytes.data());
  return write_linear(machine_, static_cast<uint32_t>(addr), b, len) == len ? "OK" : "E14";
}

std::string Session::point_reply(std::string_view args, bool insert) {
  // "TYPE,ADDR,KIND"
  if (args.size() < 2 || args[1] != ',') return kError;
  const char type = args[0];
  uint64_t addr = 0;
  uint64_t kind = 0;
  if (!parse_addr_len(args.substr(2), addr, kind)) return kError;
  core::DebugPoints& d = machine_.cpu().debug;
  const auto lin = static_cast<uint32_t>(addr);
  const auto len = static_cast<uint32_t>(kind);
  core::WatchKind watch{};
  switch (type) {
    case '0':  // software breakpoint: tx86 checks the address, nothing is written
    case '1':  // hardware breakpoint: the same, and no limit of four
      if (insert) {
        d.add_breakpoint(lin);
        return "OK";
      }
      return d.remove_breakpoint(lin) ? "OK" : kError;
    case '2': watch = core::WatchKind::kWrite; break;
    case '3': watch = core::WatchKind::kRead; break;
    case '4': watch = core::WatchKind::kAccess; break;
    default: return std::string();
  }
  if (insert) {
    d.add_watchpoint(lin, len, watch);
    return "OK";
  }
  return d.remove_watchpoint(lin, len, watch) ? "OK" : kError;
}

}  // namespace tx86::fe::gdb

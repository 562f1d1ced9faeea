// Builds the decoder's lookup tables from the .inc opcode maps at compile time.
#include "core/decoder/opcode_tables.h"

namespace tx86::core::decoder_tables {

namespace {

using namespace attr;  // the .inc rows name attributes unqualified
using S = Spec;

constexpr Row make_row(Mnemonic m, Spec a, Spec b, Spec c, uint16_t attrs) {
  Row r;
  r.mnemonic = m;
  r.ops = {a, b, c};
  r.attrs = attrs;
  return with_modrm_facts(r);
}

constexpr Row group_row(Group g) {
  Row r;
  r.group = g;
  return with_modrm_facts(r);
}

constexpr Row prefix_row() {
  Row r;
  r.is_prefix = true;
  return r;
}

constexpr std::array<Row, 256> build_one_byte() {
  std::array<Row, 256> t{};
#define OP(op, mn, a, b, c, at) t[op] = make_row(Mnemonic::k##mn, S::a, S::b, S::c, at);
#define GROUP(op, g) t[op] = group_row(Group::g);
#define PREFIX(op) t[op] = prefix_row();
#include "core/decoder/one_byte_map.inc"
#undef OP
#undef GROUP
#undef PREFIX
  return t;
}

constexpr std::array<Row, 256> build_two_byte() {
  std::array<Row, 256> t{};
#define OP(op, mn, a, b, c, at) t[op] = make_row(Mnemonic::k##mn, S::a, S::b, S::c, at);
#define GROUP(op, g) t[op] = group_row(Group::g);
#include "core/decoder/two_byte_map.inc"
#undef OP
#undef GROUP
  return t;
}

// [kF3] F3 forms, [kF2] F2 forms.
constexpr std::size_t kF3 = 0;
constexpr std::size_t kF2 = 1;

constexpr std::array<std::array<Row, 256>, 2> build_rep_forms() {
  std::array<std::array<Row, 256>, 2> t{};
#define REP_FORM(op, pfx, mn, a, b, c, at) \
  t[k##pfx][op] = make_row(Mnemonic::k##mn, S::a, S::b, S::c, at);
#include "core/decoder/rep_forms.inc"
#undef REP_FORM
  return t;
}

constexpr std::array<GroupRows, static_cast<std::size_t>(Group::Count)> build_groups() {
  std::array<GroupRows, static_cast<std::size_t>(Group::Count)> t{};
#define ROW(g, reg, forms, mn, a, b, c, at)                                                \
  {                                                                                        \
    const Row r = make_row(Mnemonic::k##mn, S::a, S::b, S::c, at);                         \
    if (Forms::forms != Forms::RegOnly) t[static_cast<std::size_t>(Group::g)][0][reg] = r; \
    if (Forms::forms != Forms::MemOnly) t[static_cast<std::size_t>(Group::g)][1][reg] = r; \
  }
#include "core/decoder/groups.inc"
#undef ROW
  return t;
}

constexpr std::array<Mnemonic, 64> build_group7_reg() {
  std::array<Mnemonic, 64> t{};
  for (auto& m : t) m = Mnemonic::kInvalid;
#define REG7(modrm, mn) t[(modrm)&0x3F] = Mnemonic::k##mn;
#include "core/decoder/group7_reg.inc"
#undef REG7
  return t;
}

}  // namespace

constexpr std::array<Row, 256> kOneByteMap = build_one_byte();
constexpr std::array<Row, 256> kTwoByteMap = build_two_byte();
constexpr std::array<std::array<Row, 256>, 2> kRepFormMaps = build_rep_forms();
constexpr std::array<GroupRows, static_cast<std::size_t>(Group::Count)> kGroupMaps = build_groups();
constexpr std::array<Mnemonic, 64> kGroup7RegisterForms = build_group7_reg();

}  // namespace tx86::core::decoder_tables

// Every integer, system, x87 and MMX instruction the decoder knows has an
// interpreter handler: nothing the guest can encode stops the machine as
// unimplemented. SSE rows raise #UD by attribute (this CPU has no SSE).
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "core/decoder/opcode_tables.h"
#include "core/interp/handlers.h"

namespace tx86::core {
namespace {

using decoder_tables::Group;
using decoder_tables::Row;

void collect(const Row& row, std::set<Mnemonic>& out) {
  if (row.is_prefix || row.group != Group::None) return;
  if (row.attrs & attr::kSse) return;
  out.insert(row.mnemonic);
}

TEST(HandlerCoverage, EveryNonSseMnemonicHasAHandler) {
  std::set<Mnemonic> used;
  for (const Row& r : decoder_tables::one_byte_map()) collect(r, used);
  for (const Row& r : decoder_tables::two_byte_map()) collect(r, used);
  for (int g = 1; g < static_cast<int>(Group::Count); ++g) {
    for (const auto& forms : decoder_tables::group_rows(static_cast<Group>(g))) {
      for (const Row& r : forms) collect(r, used);
    }
  }
  for (int modrm = 0xC0; modrm <= 0xFF; ++modrm) {
    used.insert(decoder_tables::group7_register_form(static_cast<uint8_t>(modrm)));
  }

  std::string missing;
  const auto& table = interp::handler_table();
  for (Mnemonic m : used) {
    if (table[static_cast<size_t>(m)] == nullptr) missing += std::string(mnemonic_name(m)) + " ";
  }
  EXPECT_EQ(missing, "");
}

}  // namespace
}  // namespace tx86::core

// Differential-test cases kept as fixed tests: each holds an input and the
// host CPU's results (EFLAGS after each instruction, final registers and
// window), so they run without the 32-bit runner. A mismatch the random
// tester finds is printed in this form (tests/difftest/README.md): paste it
// into kCases. The first entries are host-verified edge cases of BT*, BSF,
// SHLD/SHRD, CMPXCHG*, XADD, AAA/AAS, shifts, and of a flag left undefined
// by MUL being read by LAHF.
#include <gtest/gtest.h>

#include "tests/difftest/regression.h"

namespace tx86::difftest {
namespace {

// clang-format off
const RegressionCase kCases[] = {
    {"bts_dword_negative_register_offset",
     // bts dword ptr [eax], ecx   [0f ab 08]
     {0x10000880, 0xFFFFFFDF, 0x00000000, 0x00000000, 0x30000800, 0x00000000, 0x00000000, 0x00000000},
     0x0000,
     "0f ab 08",
     "78:01 7b:80",
     {0x0001},
     {0x10000880, 0xFFFFFFDF, 0x00000000, 0x00000000, 0x30000800, 0x00000000, 0x00000000, 0x00000000},
     "78:01 7b:80"},
    {"btc_word_offset_beyond_operand",
     // btc word ptr [eax], cx   [66 0f bb 08]
     {0x10000880, 0x00000023, 0x00000000, 0x00000000, 0x30000800, 0x00000000, 0x00000000, 0x00000000},
     0x0001,
     "66 0f bb 08",
     "",
     {0x0000},
     {0x10000880, 0x00000023, 0x00000000, 0x00000000, 0x30000800, 0x00000000, 0x00000000, 0x00000000},
     "84:08"},
    {"bsf_zero_source_keeps_destination",
     // bsf eax, ecx   [0f bc c1]
     // bsr ax, cx   [66 0f bd c1]
     {0xDEADBEEF, 0x00000000, 0x00000000, 0x00000000, 0x30000800, 0x00000000, 0x00000000, 0x00000000},
     0x08D5,
     "0f bc c1|66 0f bd c1",
     "",
     {0x0044, 0x0044},
     {0xDEADBEEF, 0x00000000, 0x00000000, 0x00000000, 0x30000800, 0x00000000, 0x00000000, 0x00000000},
     ""},
    {"shld16_count16_and_shrd32_count31",
     // shld ax, bx, cl   [66 0f a5 d8]
     // shrd esi, edi, 0x1f   [0f ac fe 1f]
     {0x00001234, 0x00000010, 0x00000000, 0x0000ABCD, 0x30000800, 0x00000000, 0x80000001, 0x7FFFFFFE},
     0x0000,
     "66 0f a5 d8|0f ac fe 1f",
     "",
     {0x0090, 0x0090},
     {0x0000ABCD, 0x00000010, 0x00000000, 0x0000ABCD, 0x30000800, 0x00000000, 0xFFFFFFFD, 0x7FFFFFFE},
     ""},
    {"cmpxchg_failure_loads_accumulator",
     // cmpxchg byte ptr [ebx], cl   [0f b0 0b]
     // cmpxchg word ptr [ebx], cx   [66 0f b1 0b]
     {0x00000012, 0x00000099, 0x00000000, 0x10000880, 0x30000800, 0x00000000, 0x00000000, 0x00000000},
     0x0000,
     "0f b0 0b|66 0f b1 0b",
     "80:3412",
     {0x0095, 0x0085},
     {0x00001234, 0x00000099, 0x00000000, 0x10000880, 0x30000800, 0x00000000, 0x00000000, 0x00000000},
     "80:3412"},
    {"cmpxchg8b_equal_then_different",
     // cmpxchg8b qword ptr [esi]   [0f c7 0e]
     // cmpxchg8b qword ptr [esi]   [0f c7 0e]
     {0x11111111, 0x44444444, 0x22222222, 0x33333333, 0x30000800, 0x00000000, 0x10000880, 0x00000000},
     0x08C1,
     "0f c7 0e|0f c7 0e",
     "80:1111111122222222",
     {0x08C1, 0x0881},
     {0x33333333, 0x44444444, 0x44444444, 0x33333333, 0x30000800, 0x00000000, 0x10000880, 0x00000000},
     "80:3333333344444444"},
    {"xadd_register_with_itself",
     // xadd eax, eax   [0f c1 c0]
     // xadd ah, ah   [0f c0 e4]
     {0x80008080, 0x00000000, 0x00000000, 0x00000000, 0x30000800, 0x00000000, 0x00000000, 0x00000000},
     0x0000,
     "0f c1 c0|0f c0 e4",
     "",
     {0x0805, 0x0000},
     {0x00010200, 0x00000000, 0x00000000, 0x00000000, 0x30000800, 0x00000000, 0x00000000, 0x00000000},
     ""},
    {"lahf_reads_flags_mul_left_undefined",
     // mul ecx   [f7 e1]
     // lahf    [9f]
     // and al, 0xf0   [24 f0]
     // lahf    [9f]
     {0x00001234, 0x00005678, 0x00000000, 0x00000000, 0x30000800, 0x00000000, 0x00000000, 0x00000000},
     0x0000,
     "f7 e1|9f|24 f0|9f",
     "",
     {0x0000, 0x0000, 0x0004, 0x0004},
     {0x06260660, 0x00005678, 0x00000000, 0x00000000, 0x30000800, 0x00000000, 0x00000000, 0x00000000},
     ""},
    {"aaa_carry_from_al_into_ah",
     // aaa    [37]
     {0x000000FA, 0x00000000, 0x00000000, 0x00000000, 0x30000800, 0x00000000, 0x00000000, 0x00000000},
     0x0000,
     "37",
     "",
     {0x0015},
     {0x00000200, 0x00000000, 0x00000000, 0x00000000, 0x30000800, 0x00000000, 0x00000000, 0x00000000},
     ""},
    {"aas_borrow_from_al_into_ah",
     // aas    [3f]
     {0x00000105, 0x00000000, 0x00000000, 0x00000000, 0x30000800, 0x00000000, 0x00000000, 0x00000000},
     0x0010,
     "3f",
     "",
     {0x0095},
     {0x0000FF0F, 0x00000000, 0x00000000, 0x00000000, 0x30000800, 0x00000000, 0x00000000, 0x00000000},
     ""},
    {"rcl8_count9_and_shl8_count9",
     // rcl al, cl   [d2 d0]
     // shl bl, cl   [d2 e3]
     {0x00000081, 0x00000009, 0x00000000, 0x00000080, 0x30000800, 0x00000000, 0x00000000, 0x00000000},
     0x0001,
     "d2 d0|d2 e3",
     "",
     {0x0001, 0x0054},
     {0x00000081, 0x00000009, 0x00000000, 0x00000000, 0x30000800, 0x00000000, 0x00000000, 0x00000000},
     ""},

};
// clang-format on

class DifftestRegressionTest : public ::testing::TestWithParam<RegressionCase> {};

TEST_P(DifftestRegressionTest, MatchesTheHostResults) {
  Tx86Machine interp(Engine::kInterp);
  EXPECT_EQ(run_regression(GetParam(), interp), "") << "interpreter";
  Tx86Machine jit(Engine::kJit);
  EXPECT_EQ(run_regression(GetParam(), jit), "") << "JIT";
}

INSTANTIATE_TEST_SUITE_P(Cases, DifftestRegressionTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<RegressionCase>& param) {
                           return std::string(param.param.name);
                         });

}  // namespace
}  // namespace tx86::difftest

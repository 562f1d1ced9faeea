#include "core/fpu/host_x87.h"

#include <array>
#include <cstddef>
#include <cstring>
#include <utility>

#include "core/fpu/fpu_env.h"

namespace tx86::core {

namespace {

// The FSAVE image in the 32-bit protected-mode layout, which is what
// FNSAVE and FRSTOR use in 64-bit mode (SDM Vol. 1, Figure 8-9).
struct alignas(16) HostImage {
  uint32_t cw;
  uint32_t sw;
  uint32_t tw;
  uint32_t fip;
  uint32_t fcs_fop;
  uint32_t fdp;
  uint32_t fds;
  uint8_t st[8][10];
};
static_assert(offsetof(HostImage, st) == 28);

using Stub = void (*)(HostImage* image, uint8_t* mem, uint8_t* ah);

// One instruction, its two bytes fixed at compile time. Memory forms
// address [rsi] (mod 00, r/m 110), which holds `mem`.
template <unsigned Esc, unsigned Modrm>
void host_stub(HostImage* image, uint8_t* mem, uint8_t* ah) {
  asm volatile(
      "frstor %[image]\n\t"
      "movb %[ah], %%ah\n\t"
      "sahf\n\t"
      ".byte %c[esc], %c[modrm]\n\t"
      "lahf\n\t"
      "movb %%ah, %[ah]\n\t"
      "fnsave %[image]\n\t"
      : [image] "+m"(*image), [ah] "+m"(*ah)
      : [esc] "i"(Esc), [modrm] "i"(Modrm), "S"(mem)
      : "rax", "cc", "memory");
}

template <size_t... I>
constexpr std::array<Stub, sizeof...(I)> register_stubs(std::index_sequence<I...>) {
  return {{&host_stub<0xD8 + I / 64, 0xC0 + I % 64>...}};
}

template <size_t... I>
constexpr std::array<Stub, sizeof...(I)> memory_stubs(std::index_sequence<I...>) {
  return {{&host_stub<0xD8 + I / 8, ((I % 8) << 3) | 6>...}};
}

constexpr auto kRegisterStubs = register_stubs(std::make_index_sequence<8 * 64>());
constexpr auto kMemoryStubs = memory_stubs(std::make_index_sequence<8 * 8>());

void store_reg(uint8_t* out, const X87Reg& r) {
  std::memcpy(out, &r.mantissa, 8);
  std::memcpy(out + 8, &r.sign_exp, 2);
}

X87Reg load_reg(const uint8_t* in) {
  X87Reg r;
  std::memcpy(&r.mantissa, in, 8);
  std::memcpy(&r.sign_exp, in + 8, 2);
  return r;
}

// The guest state as the host's FRSTOR image; flags that are set and
// unmasked are held out (returned) so that nothing is pending on the host.
uint16_t to_image(const FpuState& f, HostImage& image) {
  const uint16_t held = f.pending();
  image.cw = f.cw;
  image.sw = f.sw & ~(held | fsw::kEs | fsw::kB);
  uint32_t tw = 0;
  for (unsigned i = 0; i < 8; ++i) {
    if (!((f.valid >> i) & 1u)) tw |= 3u << (2 * i);
  }
  image.tw = tw;
  for (unsigned i = 0; i < 8; ++i) store_reg(image.st[i], f.st(i));
  return held;
}

void from_image(const HostImage& image, uint16_t held, FpuState& f) {
  // (Translated code runs FLDCW natively: the control word can change too.)
  f.cw = control_word_from(static_cast<uint16_t>(image.cw));
  f.sw = static_cast<uint16_t>(image.sw | held);
  f.update_summary();
  f.load_tag_word(static_cast<uint16_t>(image.tw));
  for (unsigned i = 0; i < 8; ++i) f.st(i) = load_reg(image.st[i]);
}

}  // namespace

void run_on_host_x87(FpuState& f, uint8_t esc, uint8_t modrm, uint8_t* mem, uint8_t& ah_flags) {
  HostImage image{};
  const uint16_t held = to_image(f, image);
  const unsigned e = (esc - 0xD8u) & 7u;
  const Stub stub = modrm >= 0xC0 ? kRegisterStubs[e * 64 + (modrm & 63u)]
                                  : kMemoryStubs[e * 8 + ((modrm >> 3) & 7u)];
  stub(&image, mem, &ah_flags);
  from_image(image, held, f);
}

bool load_into_host_x87(const FpuState& f, uint32_t cr0) {
  constexpr uint32_t kEm = 1u << 2, kTs = 1u << 3;
  if ((cr0 & (kEm | kTs)) || (f.cw & fsw::kExceptions) != fsw::kExceptions) return false;
  HostImage image{};
  to_image(f, image);  // (nothing is held: every exception is masked)
  asm volatile("frstor %[image]" : : [image] "m"(image) : "memory");
  return true;
}

void save_from_host_x87(FpuState& f) {
  HostImage image{};
  asm volatile("fnsave %[image]" : [image] "=m"(image) : : "memory");
  from_image(image, 0, f);
}

void run_emms_on_host(FpuState& f) {
  HostImage image{};
  const uint16_t held = to_image(f, image);
  asm volatile("frstor %[image]\n\temms\n\tfnsave %[image]" : [image] "+m"(image) : : "memory");
  from_image(image, held, f);
}

}  // namespace tx86::core

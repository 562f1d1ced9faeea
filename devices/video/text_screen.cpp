// The text-mode screen as UTF-8 text, for --screendump-text and tests.
#include <string>

#include "devices/video/std_vga.h"

namespace tx86::dev {

namespace {

// Code page 437 above 0x7F, and the glyphs of the control codes.
constexpr const char* kCp437High[128] = {
    "Ç", "ü", "é", "â", "ä", "à", "å", "ç", "ê", "ë", "è", "ï", "î", "ì", "Ä", "Å", "É", "æ", "Æ",
    "ô", "ö", "ò", "û", "ù", "ÿ", "Ö", "Ü", "¢", "£", "¥", "₧", "ƒ", "á", "í", "ó", "ú", "ñ", "Ñ",
    "ª", "º", "¿", "⌐", "¬", "½", "¼", "¡", "«", "»", "░", "▒", "▓", "│", "┤", "╡", "╢", "╖", "╕",
    "╣", "║", "╗", "╝", "╜", "╛", "┐", "└", "┴", "┬", "├", "─", "┼", "╞", "╟", "╚", "╔", "╩", "╦",
    "╠", "═", "╬", "╧", "╨", "╤", "╥", "╙", "╘", "╒", "╓", "╫", "╪", "┘", "┌", "█", "▄", "▌", "▐",
    "▀", "α", "ß", "Γ", "π", "Σ", "σ", "µ", "τ", "Φ", "Θ", "Ω", "δ", "∞", "φ", "ε", "∩", "≡", "±",
    "≥", "≤", "⌠", "⌡", "÷", "≈", "°", "∙", "·", "√", "ⁿ", "²", "■", " ",
};
constexpr const char* kCp437Low[32] = {
    " ", "☺", "☻", "♥", "♦", "♣", "♠", "•", "◘", "○", "◙", "♂", "♀", "♪", "♫", "☼",
    "►", "◄", "↕", "‼", "¶", "§", "▬", "↨", "↑", "↓", "→", "←", "∟", "↔", "▲", "▼",
};

void append_cp437(std::string& out, uint8_t c) {
  if (c < 0x20) {
    out += kCp437Low[c];
  } else if (c < 0x7F) {
    out += static_cast<char>(c);
  } else if (c == 0x7F) {
    out += "⌂";
  } else {
    out += kCp437High[c - 0x80];
  }
}

}  // namespace

std::string text_screen(const VgaRegisters& regs, std::span<const uint8_t> vram) {
  if (regs.attr[0x10] & 0x01) return "(the display is in a graphics mode)\n";
  const unsigned columns = regs.crtc[vga_reg::kCrtcHorizDisplayEnd] + 1u;
  const uint8_t overflow = regs.crtc[vga_reg::kCrtcOverflow];
  const unsigned vde =
      regs.crtc[vga_reg::kCrtcVertDisplayEnd] | ((overflow & 0x02) << 7) | ((overflow & 0x40) << 3);
  const unsigned char_height = (regs.crtc[vga_reg::kCrtcMaxScanLine] & 0x1F) + 1u;
  const unsigned rows = (vde + 1) / char_height;
  const uint32_t start =
      (uint32_t{regs.crtc[vga_reg::kCrtcStartHigh]} << 8) | regs.crtc[vga_reg::kCrtcStartLow];

  std::string out;
  for (unsigned r = 0; r < rows && r < 100; ++r) {
    std::string line;
    size_t last_visible = 0;
    for (unsigned c = 0; c < columns && c < 256; ++c) {
      // Cell n: the character in plane 0, the attribute in plane 1 of
      // dword (start + n) (see vga_memory.h for the layout).
      const size_t at = (size_t{start} + r * columns + c) * 4;
      const uint8_t ch = at < vram.size() ? vram[at] : 0;
      append_cp437(line, ch);
      if (ch != 0 && ch != 0x20) last_visible = line.size();
    }
    line.resize(last_visible);
    out += line;
    out += '\n';
  }
  return out;
}

}  // namespace tx86::dev

#include "frontends/sdl/sdl_keymap.h"

namespace tx86::fe {

std::optional<dev::Key> key_for_scancode(SDL_Scancode code) {
  using dev::Key;
  if (code >= SDL_SCANCODE_A && code <= SDL_SCANCODE_Z) {
    static constexpr Key kLetters[] = {
        Key::kA, Key::kB, Key::kC, Key::kD, Key::kE, Key::kF, Key::kG, Key::kH, Key::kI,
        Key::kJ, Key::kK, Key::kL, Key::kM, Key::kN, Key::kO, Key::kP, Key::kQ, Key::kR,
        Key::kS, Key::kT, Key::kU, Key::kV, Key::kW, Key::kX, Key::kY, Key::kZ};
    return kLetters[code - SDL_SCANCODE_A];
  }
  if (code >= SDL_SCANCODE_1 && code <= SDL_SCANCODE_0) {
    static constexpr Key kDigits[] = {Key::kDigit1, Key::kDigit2, Key::kDigit3, Key::kDigit4,
                                      Key::kDigit5, Key::kDigit6, Key::kDigit7, Key::kDigit8,
                                      Key::kDigit9, Key::kDigit0};
    return kDigits[code - SDL_SCANCODE_1];
  }
  if (code >= SDL_SCANCODE_F1 && code <= SDL_SCANCODE_F12) {
    static constexpr Key kFunction[] = {Key::kF1, Key::kF2,  Key::kF3,  Key::kF4,
                                        Key::kF5, Key::kF6,  Key::kF7,  Key::kF8,
                                        Key::kF9, Key::kF10, Key::kF11, Key::kF12};
    return kFunction[code - SDL_SCANCODE_F1];
  }
  switch (code) {
    case SDL_SCANCODE_RETURN: return Key::kEnter;
    case SDL_SCANCODE_ESCAPE: return Key::kEscape;
    case SDL_SCANCODE_BACKSPACE: return Key::kBackspace;
    case SDL_SCANCODE_TAB: return Key::kTab;
    case SDL_SCANCODE_SPACE: return Key::kSpace;
    case SDL_SCANCODE_MINUS: return Key::kMinus;
    case SDL_SCANCODE_EQUALS: return Key::kEqual;
    case SDL_SCANCODE_LEFTBRACKET: return Key::kLeftBracket;
    case SDL_SCANCODE_RIGHTBRACKET: return Key::kRightBracket;
    case SDL_SCANCODE_BACKSLASH: return Key::kBackslash;
    case SDL_SCANCODE_NONUSHASH:
      return Key::kBackslash;  // the ISO key left of Enter: same position
    case SDL_SCANCODE_SEMICOLON: return Key::kSemicolon;
    case SDL_SCANCODE_APOSTROPHE: return Key::kQuote;
    case SDL_SCANCODE_GRAVE: return Key::kBackquote;
    case SDL_SCANCODE_COMMA: return Key::kComma;
    case SDL_SCANCODE_PERIOD: return Key::kPeriod;
    case SDL_SCANCODE_SLASH: return Key::kSlash;
    case SDL_SCANCODE_CAPSLOCK: return Key::kCapsLock;
    case SDL_SCANCODE_PRINTSCREEN: return Key::kPrintScreen;
    case SDL_SCANCODE_SCROLLLOCK: return Key::kScrollLock;
    case SDL_SCANCODE_PAUSE: return Key::kPause;
    case SDL_SCANCODE_INSERT: return Key::kInsert;
    case SDL_SCANCODE_HOME: return Key::kHome;
    case SDL_SCANCODE_PAGEUP: return Key::kPageUp;
    case SDL_SCANCODE_DELETE: return Key::kDelete;
    case SDL_SCANCODE_END: return Key::kEnd;
    case SDL_SCANCODE_PAGEDOWN: return Key::kPageDown;
    case SDL_SCANCODE_RIGHT: return Key::kRight;
    case SDL_SCANCODE_LEFT: return Key::kLeft;
    case SDL_SCANCODE_DOWN: return Key::kDown;
    case SDL_SCANCODE_UP: return Key::kUp;
    case SDL_SCANCODE_NUMLOCKCLEAR: return Key::kNumLock;
    case SDL_SCANCODE_KP_DIVIDE: return Key::kKpDivide;
    case SDL_SCANCODE_KP_MULTIPLY: return Key::kKpMultiply;
    case SDL_SCANCODE_KP_MINUS: return Key::kKpMinus;
    case SDL_SCANCODE_KP_PLUS: return Key::kKpPlus;
    case SDL_SCANCODE_KP_ENTER: return Key::kKpEnter;
    case SDL_SCANCODE_KP_1: return Key::kKp1;
    case SDL_SCANCODE_KP_2: return Key::kKp2;
    case SDL_SCANCODE_KP_3: return Key::kKp3;
    case SDL_SCANCODE_KP_4: return Key::kKp4;
    case SDL_SCANCODE_KP_5: return Key::kKp5;
    case SDL_SCANCODE_KP_6: return Key::kKp6;
    case SDL_SCANCODE_KP_7: return Key::kKp7;
    case SDL_SCANCODE_KP_8: return Key::kKp8;
    case SDL_SCANCODE_KP_9: return Key::kKp9;
    case SDL_SCANCODE_KP_0: return Key::kKp0;
    case SDL_SCANCODE_KP_PERIOD: return Key::kKpPeriod;
    case SDL_SCANCODE_NONUSBACKSLASH: return Key::kIntlBackslash;
    case SDL_SCANCODE_APPLICATION: return Key::kMenu;
    case SDL_SCANCODE_LCTRL: return Key::kLeftCtrl;
    case SDL_SCANCODE_LSHIFT: return Key::kLeftShift;
    case SDL_SCANCODE_LALT: return Key::kLeftAlt;
    case SDL_SCANCODE_LGUI: return Key::kLeftGui;
    case SDL_SCANCODE_RCTRL: return Key::kRightCtrl;
    case SDL_SCANCODE_RSHIFT: return Key::kRightShift;
    case SDL_SCANCODE_RALT: return Key::kRightAlt;
    case SDL_SCANCODE_RGUI: return Key::kRightGui;
    default: return std::nullopt;
  }
}

}  // namespace tx86::fe

#include "frontends/sdl/desktop_app.h"

#include <SDL2/SDL.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "devices/input/ps2_keyboard.h"
#include "devices/input/ps2_mouse.h"
#include "frontends/common/pc_session.h"
#include "frontends/headless/headless_run.h"
#include "frontends/sdl/sdl_keymap.h"
#include "frontends/sdl/sdl_library.h"

namespace tx86::fe {

namespace {

using Action = std::function<void(PcSession&)>;

// What the window thread and the machine thread share.
class Exchange {
 public:
  void post(Action a) {
    std::lock_guard lock(mutex_);
    actions_.push_back(std::move(a));
  }
  std::vector<Action> take_actions() {
    std::lock_guard lock(mutex_);
    std::vector<Action> out;
    out.swap(actions_);
    return out;
  }
  void publish(dev::Frame f) {
    std::lock_guard lock(mutex_);
    frame_ = std::move(f);
    ++frame_seq_;
  }
  // The frame, if newer than `seen`.
  bool latest(uint64_t& seen, dev::Frame& out) {
    std::lock_guard lock(mutex_);
    if (frame_seq_ == seen) return false;
    seen = frame_seq_;
    out = frame_;
    return true;
  }
  void set_paused(bool p) {
    {
      std::lock_guard lock(mutex_);
      paused_ = p;
    }
    wake_.notify_all();
  }
  void stop() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
  }
  // The machine thread, between slices: false once it should stop.
  bool wait_while_paused() {
    std::unique_lock lock(mutex_);
    wake_.wait(lock, [this] { return !paused_ || stop_; });
    return !stop_;
  }
  bool stopping() {
    std::lock_guard lock(mutex_);
    return stop_;
  }

  std::atomic<double> mips{0};

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Action> actions_;
  dev::Frame frame_;
  uint64_t frame_seq_ = 0;
  bool paused_ = false;
  bool stop_ = false;
};

// Runs the machine in slices of a display frame, applying input between
// them and publishing a picture after each.
void machine_thread(PcSession& session, Exchange& ex, uint32_t wake_event,
                    std::optional<core::RunResult>& result) {
  core::Machine& machine = session.machine();
  auto window_start = std::chrono::steady_clock::now();
  uint64_t window_insns = machine.cpu().state.icount;
  uint64_t shown_version = 0;
  while (ex.wait_while_paused()) {
    for (Action& a : ex.take_actions()) a(session);
    const core::RunResult r = session.run(1.0 / 60);
    // The window redraws only when the picture changed.
    const dev::Frame& f = session.board().frame(machine.scheduler().now());
    if (session.board().frame_version() != shown_version) {
      shown_version = session.board().frame_version();
      ex.publish(f);
      SDL_Event e{};
      e.type = wake_event;
      sdl::api().PushEvent(&e);
    }
    const auto now = std::chrono::steady_clock::now();
    const double dt = std::chrono::duration<double>(now - window_start).count();
    if (dt >= 1.0) {
      ex.mips = (machine.cpu().state.icount - window_insns) / dt / 1e6;
      window_start = now;
      window_insns = machine.cpu().state.icount;
    }
    if (r.outcome != core::RunOutcome::kTimeout) {
      if (!(r.outcome == core::RunOutcome::kInterrupted && ex.stopping())) result = r;
      break;
    }
  }
  SDL_Event quit{};
  quit.type = SDL_QUIT;
  sdl::api().PushEvent(&quit);
}

// Where the frame goes in the window: its aspect kept, centred; with
// integer scaling, the largest whole multiple of its pixels that fits.
SDL_Rect place(const dev::Frame& f, int win_w, int win_h, bool integer) {
  double w = win_w;
  double h = w / f.aspect;
  if (h > win_h) {
    h = win_h;
    w = h * f.aspect;
  }
  if (integer && f.width > 0 && f.height > 0) {
    const int k = std::max(
        1, std::min(win_w / static_cast<int>(f.width), win_h / static_cast<int>(f.height)));
    w = static_cast<double>(f.width) * k;
    h = static_cast<double>(f.height) * k;
  }
  return SDL_Rect{static_cast<int>((win_w - w) / 2), static_cast<int>((win_h - h) / 2),
                  static_cast<int>(w), static_cast<int>(h)};
}

class Window {
 public:
  Window(Exchange& ex, bool middle_releases) : ex_(ex), middle_releases_(middle_releases) {
    window_ = sdl::api().CreateWindow("tx86", SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED, 960,
                                      720, SDL_WINDOW_RESIZABLE);
    if (window_ == nullptr) return;
    renderer_ = sdl::api().CreateRenderer(window_, -1, 0);
  }
  ~Window() {
    if (texture_ != nullptr) sdl::api().DestroyTexture(texture_);
    if (renderer_ != nullptr) sdl::api().DestroyRenderer(renderer_);
    if (window_ != nullptr) sdl::api().DestroyWindow(window_);
  }
  bool ok() const { return renderer_ != nullptr; }
  const dev::Frame& shown() const { return frame_; }

  // The event loop; returns when the user quits, the machine stops or the
  // deadline (--timeout) passes (then true).
  bool run(uint32_t wake_event, std::optional<std::chrono::steady_clock::time_point> deadline) {
    auto last_title = std::chrono::steady_clock::now() - std::chrono::seconds(2);
    for (;;) {
      if (deadline && std::chrono::steady_clock::now() >= *deadline) return true;
      SDL_Event e;
      if (!sdl::api().WaitEventTimeout(&e, 250)) e.type = 0;
      do {
        if (e.type == SDL_QUIT) return false;
        if (e.type != 0 && e.type != wake_event) handle(e);
      } while (sdl::api().PollEvent(&e));
      if (ex_.latest(frame_seq_, frame_)) draw();
      const auto now = std::chrono::steady_clock::now();
      if (now - last_title >= std::chrono::seconds(1)) {
        update_title();
        last_title = now;
      }
    }
  }

 private:
  void handle(const SDL_Event& e) {
    switch (e.type) {
      case SDL_KEYDOWN:
      case SDL_KEYUP: key(e.key); break;
      case SDL_MOUSEBUTTONDOWN:
      case SDL_MOUSEBUTTONUP: button(e.button); break;
      case SDL_MOUSEMOTION:
        if (captured_) post_mouse(e.motion.xrel, e.motion.yrel, 0);
        break;
      case SDL_MOUSEWHEEL:
        if (captured_) post_mouse(0, 0, -e.wheel.y);
        break;
      case SDL_WINDOWEVENT:
        if (e.window.event == SDL_WINDOWEVENT_FOCUS_LOST) {
          // Keys held when the window lost focus would stay down in the guest.
          ex_.post([](PcSession& s) { s.board().keyboard().release_all(); });
          set_capture(false);
        } else if (e.window.event == SDL_WINDOWEVENT_SIZE_CHANGED ||
                   e.window.event == SDL_WINDOWEVENT_EXPOSED) {
          draw();
        }
        break;
      default: break;
    }
  }

  void key(const SDL_KeyboardEvent& k) {
    const bool down = k.type == SDL_KEYDOWN;
    // The modifiers when this key was pressed: sdl::api().GetModState() is the state
    // after every event pumped so far, and a burst of key events (a paste, a
    // slow frame) may already hold the release of Ctrl and Alt.
    const uint16_t mods = k.keysym.mod;
    const bool ctrl_alt = (mods & KMOD_CTRL) && (mods & KMOD_ALT);
    if (down && ctrl_alt && hotkey(k.keysym.scancode)) {
      swallowed_.push_back(k.keysym.scancode);
      return;
    }
    if (!down) {
      const auto it = std::find(swallowed_.begin(), swallowed_.end(), k.keysym.scancode);
      if (it != swallowed_.end()) {
        swallowed_.erase(it);
        return;
      }
    }
    // Ctrl+Alt releases the mouse (the guest sees the keys too).
    if (down && ctrl_alt && captured_ && !middle_releases_) set_capture(false);
    if (k.repeat) return;  // the guest's keyboard repeats at its own typematic rate
    const std::optional<dev::Key> guest = key_for_scancode(k.keysym.scancode);
    if (!guest) return;
    const dev::Key g = *guest;
    ex_.post([g, down](PcSession& s) {
      if (down) {
        s.board().keyboard().key_down(g);
      } else {
        s.board().keyboard().key_up(g);
      }
    });
  }

  bool hotkey(SDL_Scancode code) {
    switch (code) {
      case SDL_SCANCODE_F:
        fullscreen_ = !fullscreen_;
        sdl::api().SetWindowFullscreen(window_, fullscreen_ ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
        return true;
      case SDL_SCANCODE_S:
        integer_scale_ = !integer_scale_;
        draw();
        return true;
      case SDL_SCANCODE_P:
        paused_ = !paused_;
        ex_.set_paused(paused_);
        update_title();
        return true;
      case SDL_SCANCODE_R: ex_.post([](PcSession& s) { s.machine().request_reset(); }); return true;
      case SDL_SCANCODE_Q: {
        SDL_Event quit{};
        quit.type = SDL_QUIT;
        sdl::api().PushEvent(&quit);
        return true;
      }
      case SDL_SCANCODE_END:
        // Ctrl+Alt+Del for the guest; the host keeps the real one.
        ex_.post([](PcSession& s) {
          dev::Ps2Keyboard& kb = s.board().keyboard();
          kb.key_down(dev::Key::kLeftCtrl);
          kb.key_down(dev::Key::kLeftAlt);
          kb.key_down(dev::Key::kDelete);
          kb.key_up(dev::Key::kDelete);
          kb.key_up(dev::Key::kLeftAlt);
          kb.key_up(dev::Key::kLeftCtrl);
        });
        return true;
      default: return false;
    }
  }

  void button(const SDL_MouseButtonEvent& b) {
    if (!captured_) {
      if (b.type == SDL_MOUSEBUTTONDOWN && b.button == SDL_BUTTON_LEFT) set_capture(true);
      return;
    }
    if (middle_releases_ && b.button == SDL_BUTTON_MIDDLE) {
      if (b.type == SDL_MOUSEBUTTONDOWN) set_capture(false);
      return;
    }
    uint8_t bit = 0;
    switch (b.button) {
      case SDL_BUTTON_LEFT: bit = dev::Ps2Mouse::kButtonLeft; break;
      case SDL_BUTTON_RIGHT: bit = dev::Ps2Mouse::kButtonRight; break;
      case SDL_BUTTON_MIDDLE: bit = dev::Ps2Mouse::kButtonMiddle; break;
      case SDL_BUTTON_X1: bit = dev::Ps2Mouse::kButton4; break;
      case SDL_BUTTON_X2: bit = dev::Ps2Mouse::kButton5; break;
      default: return;
    }
    buttons_ = b.type == SDL_MOUSEBUTTONDOWN ? (buttons_ | bit) : (buttons_ & ~bit);
    post_mouse(0, 0, 0);
  }

  void post_mouse(int dx, int dy, int dz) {
    const uint8_t buttons = buttons_;
    ex_.post([dx, dy, dz, buttons](PcSession& s) { s.board().mouse().move(dx, dy, dz, buttons); });
  }

  void set_capture(bool on) {
    if (on == captured_) return;
    captured_ = on;
    sdl::api().SetRelativeMouseMode(on ? SDL_TRUE : SDL_FALSE);
    if (!on && buttons_ != 0) {
      buttons_ = 0;
      post_mouse(0, 0, 0);
    }
    update_title();
  }

  void update_title() {
    char title[200];
    std::snprintf(title, sizeof title, "tx86 (i440FX PC) - %.0f MIPS%s - %s", ex_.mips.load(),
                  paused_ ? " - paused (Ctrl+Alt+P)" : "",
                  captured_ ? (middle_releases_ ? "the middle button releases the mouse"
                                                : "Ctrl+Alt releases the mouse")
                            : "click to capture the mouse");
    sdl::api().SetWindowTitle(window_, title);
  }

  void draw() {
    if (frame_.width == 0 || frame_.height == 0) return;
    if (texture_ == nullptr || tex_w_ != frame_.width || tex_h_ != frame_.height) {
      if (texture_ != nullptr) sdl::api().DestroyTexture(texture_);
      texture_ =
          sdl::api().CreateTexture(renderer_, SDL_PIXELFORMAT_ABGR8888, SDL_TEXTUREACCESS_STREAMING,
                                   static_cast<int>(frame_.width), static_cast<int>(frame_.height));
      tex_w_ = frame_.width;
      tex_h_ = frame_.height;
    }
    if (texture_ == nullptr) return;
    sdl::api().UpdateTexture(texture_, nullptr, frame_.pixels.data(),
                             static_cast<int>(frame_.width * 4));
    int w = 0, h = 0;
    sdl::api().GetRendererOutputSize(renderer_, &w, &h);
    const SDL_Rect dst = place(frame_, w, h, integer_scale_);
    sdl::api().SetRenderDrawColor(renderer_, 0, 0, 0, 255);
    sdl::api().RenderClear(renderer_);
    sdl::api().RenderCopy(renderer_, texture_, nullptr, &dst);
    sdl::api().RenderPresent(renderer_);
  }

  Exchange& ex_;
  SDL_Window* window_ = nullptr;
  SDL_Renderer* renderer_ = nullptr;
  SDL_Texture* texture_ = nullptr;
  uint32_t tex_w_ = 0, tex_h_ = 0;
  dev::Frame frame_;
  uint64_t frame_seq_ = 0;
  bool captured_ = false;
  bool fullscreen_ = false;
  bool integer_scale_ = false;
  bool paused_ = false;
  bool middle_releases_ = false;
  uint8_t buttons_ = 0;
  std::vector<SDL_Scancode> swallowed_;  // hotkeys whose release is the host's too
};

// A display a user can see: SDL would otherwise settle for a driver with
// no screen (offscreen, a console's KMS device), and the run would show
// nothing.
struct SdlVideo {
  SdlVideo() {
    const char* x11 = std::getenv("DISPLAY");
    const char* wayland = std::getenv("WAYLAND_DISPLAY");
    if ((x11 == nullptr || *x11 == '\0') && (wayland == nullptr || *wayland == '\0')) {
      why = "neither DISPLAY nor WAYLAND_DISPLAY is set";
      return;
    }
    if (!sdl::load(why)) return;
    if (sdl::api().Init(SDL_INIT_VIDEO) != 0) {
      why = sdl::api().GetError();
      return;
    }
    initialized = true;
    const std::string driver = sdl::api().GetCurrentVideoDriver();
    ok = driver == "x11" || driver == "wayland";
    if (!ok) why = "SDL chose the " + driver + " video driver";
  }
  ~SdlVideo() {
    if (initialized) sdl::api().Quit();
  }
  bool initialized = false;
  bool ok = false;
  std::string why;
};

}  // namespace

int run_desktop(const Options& options) {
  SdlVideo video;
  if (!video.ok) {
    std::fprintf(stderr, "tx86: no display available (%s): running headless\n", video.why.c_str());
    return run_headless(options);
  }
  // The desktop has no terminal console by default: COM1 stays unconnected
  // unless --serial says where.
  Exchange ex;
  Window window(ex, options.mouse_release == "middle");
  if (!window.ok()) {
    std::fprintf(stderr, "tx86: cannot open a window (%s): running headless\n",
                 sdl::api().GetError());
    return run_headless(options);
  }
  // (built after the window, so the headless fallback opens the images
  // itself)
  PcSession session(options, core::ClockMode::kRealtime, "none");
  const uint32_t wake_event = sdl::api().RegisterEvents(1);
  std::optional<core::RunResult> ended;  // how the machine ended on its own, if it did
  const auto started = std::chrono::steady_clock::now();
  std::optional<std::chrono::steady_clock::time_point> deadline;
  if (options.timeout_seconds) {
    deadline = started + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                             std::chrono::duration<double>(*options.timeout_seconds));
  }
  std::thread machine(machine_thread, std::ref(session), std::ref(ex), wake_event, std::ref(ended));
  const bool timed_out = window.run(wake_event, deadline);
  ex.stop();
  session.machine().interrupt();
  machine.join();  // (`ended` is the machine thread's until here)
  // The user quitting is a normal end (status 0), as closing QEMU's window.
  core::RunResult result{core::RunOutcome::kExit, 0, {}};
  if (ended) {
    result = *ended;
  } else if (timed_out) {
    result = core::RunResult{core::RunOutcome::kTimeout, 0, {}};
  }
  const double host_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return session.finish(result, host_s, &window.shown());
}

}  // namespace tx86::fe

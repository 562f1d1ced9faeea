// tx86: parse the command line, pick the frontend, run, exit with a status
// that says how the run ended.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>
#include <exception>
#include <new>

#include "core/machine/user_error.h"
#include "frontends/common/options.h"
#include "frontends/headless/headless_run.h"
#include "frontends/sdl/desktop_app.h"

namespace {

void setup_logging(const tx86::fe::Options& o) {
  auto logger = spdlog::stderr_color_st("tx86");
  logger->set_pattern("tx86: %^%l%$: %v");
  spdlog::set_default_logger(logger);
  auto level = o.log_level;
  // --trace writes at info level; make sure it is seen.
  if (o.trace && level > spdlog::level::info) level = spdlog::level::info;
  spdlog::set_level(level);
}

}  // namespace

int main(int argc, char** argv) {
  using tx86::fe::exit_status::kInternal;
  using tx86::fe::exit_status::kUsage;
  // Under a file-size limit (ulimit -f) a guest's write past it would kill
  // tx86 with SIGXFSZ; ignored, the write fails (EFBIG) and the guest's
  // disk reports the error, as with a full disk.
  std::signal(SIGXFSZ, SIG_IGN);
  try {
    auto parsed = tx86::fe::parse_command_line(argc, argv);
    if (const int* status = std::get_if<int>(&parsed)) return *status;
    const auto& options = std::get<tx86::fe::Options>(parsed);
    setup_logging(options);
    if (options.display == "sdl") return tx86::fe::run_desktop(options);
    return tx86::fe::run_headless(options);
  } catch (const tx86::core::UserError& e) {
    std::fprintf(stderr, "tx86: %s\n", e.what());
    return kUsage;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "tx86: out of host memory\n");
    return kInternal;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tx86: internal error: %s\n", e.what());
    return kInternal;
  }
}

#include "core/state/state_file.h"

#include <zstd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "core/state/state_stream.h"

namespace tx86::core {

namespace {

constexpr char kMagic[8] = {'T', 'X', '8', '6', 'S', 'A', 'V', 'E'};
constexpr uint32_t kFormatVersion = 1;
// More than any machine's state (RAM is at most 3.5 GiB): a larger length
// is a corrupt header, not an allocation to attempt.
constexpr uint64_t kMaxState = 4ull << 30;
constexpr int kLevel = 3;

void put32(std::vector<uint8_t>& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

void put64(std::vector<uint8_t>& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

}  // namespace

void write_state_file(const std::filesystem::path& path, std::span<const uint8_t> state,
                      std::string_view tx86_version) {
  std::vector<uint8_t> out(kMagic, kMagic + sizeof kMagic);
  put32(out, kFormatVersion);
  put32(out, static_cast<uint32_t>(tx86_version.size()));
  out.insert(out.end(), tx86_version.begin(), tx86_version.end());
  put64(out, state.size());
  const size_t header = out.size();
  out.resize(header + ZSTD_compressBound(state.size()));
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, kLevel);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
  const size_t n =
      ZSTD_compress2(cctx, out.data() + header, out.size() - header, state.data(), state.size());
  ZSTD_freeCCtx(cctx);
  if (ZSTD_isError(n)) {
    throw StateError(std::string("cannot compress the save state: ") + ZSTD_getErrorName(n));
  }
  out.resize(header + n);

  std::filesystem::path temp = path;
  temp += ".tmp";
  {
    std::ofstream f(temp, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(out.data()), static_cast<std::streamsize>(out.size()));
    f.flush();
    if (!f) {
      const std::string why = std::strerror(errno);
      std::filesystem::remove(temp);
      throw StateError("cannot write the save state " + path.string() + ": " + why);
    }
  }
  std::error_code ec;
  std::filesystem::rename(temp, path, ec);
  if (ec) throw StateError("cannot write the save state " + path.string() + ": " + ec.message());
}

std::vector<uint8_t> read_state_file(const std::filesystem::path& path,
                                     std::string_view tx86_version) {
  std::ifstream f(path, std::ios::binary);
  if (!f)
    throw StateError("cannot read the save state " + path.string() + ": " + std::strerror(errno));
  const std::vector<uint8_t> file((std::istreambuf_iterator<char>(f)),
                                  std::istreambuf_iterator<char>());
  const std::string name = path.string();
  size_t at = 0;
  auto need = [&](size_t n) {
    if (file.size() - at < n) throw StateError(name + " is truncated: not a whole save state");
  };
  auto get32 = [&] {
    need(4);
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= uint32_t{file[at++]} << (8 * i);
    return v;
  };
  if (file.size() < sizeof kMagic || std::memcmp(file.data(), kMagic, sizeof kMagic) != 0) {
    throw StateError(name + " is not a tx86 save state");
  }
  at = sizeof kMagic;
  const uint32_t format = get32();
  if (format != kFormatVersion) {
    throw StateError(name + " is a save state of format " + std::to_string(format) +
                     "; this tx86 reads format " + std::to_string(kFormatVersion));
  }
  const uint32_t version_size = get32();
  need(version_size);
  const std::string version(reinterpret_cast<const char*>(file.data() + at), version_size);
  at += version_size;
  if (version != tx86_version) {
    throw StateError(name + " was saved by tx86 " + version + "; this is tx86 " +
                     std::string(tx86_version) + ", which cannot load it");
  }
  need(8);
  uint64_t size = 0;
  for (int i = 0; i < 8; ++i) size |= uint64_t{file[at++]} << (8 * i);
  const unsigned long long framed = ZSTD_getFrameContentSize(file.data() + at, file.size() - at);
  if (size > kMaxState || framed != size) {
    throw StateError(name + " is corrupt (its sizes disagree) or truncated");
  }
  std::vector<uint8_t> state(size);
  const size_t n = ZSTD_decompress(state.data(), state.size(), file.data() + at, file.size() - at);
  if (ZSTD_isError(n) || n != size) {
    throw StateError(name + " is corrupt: " +
                     (ZSTD_isError(n) ? ZSTD_getErrorName(n) : "it holds less than it says"));
  }
  return state;
}

}  // namespace tx86::core

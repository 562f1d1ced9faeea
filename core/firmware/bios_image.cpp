#include "core/firmware/bios_image.h"

#include <cerrno>
#include <cstring>
#include <fstream>

#include "core/machine/user_error.h"

namespace tx86::core {

std::vector<uint8_t> read_firmware_file(const std::filesystem::path& path, const std::string& what,
                                        uint64_t max_size) {
  const std::string name = path.string();
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) throw UserError(name + ": no such " + what + " file");
  if (std::filesystem::is_directory(status)) {
    throw UserError(name + ": is a directory, not a " + what + " image");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError(name + ": cannot open: " + std::strerror(errno));
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size <= 0) throw UserError(name + ": " + what + " image is empty");
  if (static_cast<uint64_t>(size) > max_size) {
    const std::string limit = max_size >= (1u << 20) ? std::to_string(max_size >> 20) + " MiB"
                                                     : std::to_string(max_size >> 10) + " KiB";
    throw UserError(name + ": " + what + " image is " + std::to_string(size) +
                    " bytes, larger than the " + limit + " limit");
  }
  std::vector<uint8_t> bytes(static_cast<size_t>(size));
  in.seekg(0);
  if (!in.read(reinterpret_cast<char*>(bytes.data()), size)) {
    throw UserError(name + ": cannot read the " + what + " image");
  }
  return bytes;
}

void map_bios(MemoryBus& bus, std::span<const uint8_t> image) {
  if (image.empty() || image.size() > kMaxBiosSize) throw UserError("BIOS image size out of range");
  const size_t padded = (image.size() + kPageSize - 1) & ~size_t{kPageMask};
  std::vector<uint8_t> rom(padded, 0xFF);
  std::memcpy(rom.data() + (padded - image.size()), image.data(), image.size());

  bus.map_rom(static_cast<PhysAddr>(kPhysSpace - padded), rom);
  const size_t low = padded < kBiosLowAliasMax ? padded : kBiosLowAliasMax;
  bus.map_rom(static_cast<PhysAddr>(0x100000 - low),
              std::span<const uint8_t>(rom).subspan(padded - low));
}

}  // namespace tx86::core

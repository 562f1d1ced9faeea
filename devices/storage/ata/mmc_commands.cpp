// The packet commands of the ATAPI CD-ROM (MMC-3, SPC-2): what SeaBIOS's
// El Torito boot, DOS CD drivers and Linux's sr driver send.
#include <algorithm>

#include "devices/storage/ata/atapi_cdrom.h"

namespace tx86::dev {

namespace {

// Sense keys and additional sense codes (SPC-2 tables 27 and 28).
constexpr uint8_t kNotReady = 0x02;
constexpr uint8_t kMediumError = 0x03;
constexpr uint8_t kIllegalRequest = 0x05;
constexpr uint8_t kUnitAttention = 0x06;
constexpr uint8_t kAscInvalidOpcode = 0x20;
constexpr uint8_t kAscLbaOutOfRange = 0x21;
constexpr uint8_t kAscInvalidField = 0x24;
constexpr uint8_t kAscMediumChanged = 0x28;
constexpr uint8_t kAscNoMedium = 0x3A;
constexpr uint8_t kAscRemovalPrevented = 0x53;

// Transfers larger than this are refused rather than buffered whole.
constexpr uint64_t kMaxTransferBlocks = 16384;  // 32 MiB

uint32_t be16(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) << 8 | p[1];
}
uint32_t be32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 |
         static_cast<uint32_t>(p[2]) << 8 | p[3];
}
void put16(std::vector<uint8_t>& v, uint32_t x) {
  v.push_back(static_cast<uint8_t>(x >> 8));
  v.push_back(static_cast<uint8_t>(x));
}
void put32(std::vector<uint8_t>& v, uint32_t x) {
  put16(v, x >> 16);
  put16(v, x & 0xFFFF);
}
void set16(std::vector<uint8_t>& v, size_t at, uint32_t x) {
  v[at] = static_cast<uint8_t>(x >> 8);
  v[at + 1] = static_cast<uint8_t>(x);
}
// An address in a TOC: an LBA, or MSF (minute, second, frame; LBA 0 is
// 00:02:00, after the 150-frame pregap).
void put_address(std::vector<uint8_t>& v, uint32_t lba, bool msf) {
  if (!msf) return put32(v, lba);
  const uint32_t f = lba + 150;
  v.push_back(0);
  v.push_back(static_cast<uint8_t>(f / (75 * 60)));
  v.push_back(static_cast<uint8_t>(f / 75 % 60));
  v.push_back(static_cast<uint8_t>(f % 75));
}

// SCSI opcodes.
namespace op {
constexpr uint8_t kTestUnitReady = 0x00;
constexpr uint8_t kRequestSense = 0x03;
constexpr uint8_t kInquiry = 0x12;
constexpr uint8_t kModeSelect6 = 0x15;
constexpr uint8_t kModeSense6 = 0x1A;
constexpr uint8_t kStartStopUnit = 0x1B;
constexpr uint8_t kPreventAllow = 0x1E;
constexpr uint8_t kReadCapacity = 0x25;
constexpr uint8_t kRead10 = 0x28;
constexpr uint8_t kSeek10 = 0x2B;
constexpr uint8_t kReadSubchannel = 0x42;
constexpr uint8_t kReadToc = 0x43;
constexpr uint8_t kGetConfiguration = 0x46;
constexpr uint8_t kGetEventStatus = 0x4A;
constexpr uint8_t kReadDiscInfo = 0x51;
constexpr uint8_t kModeSelect10 = 0x55;
constexpr uint8_t kModeSense10 = 0x5A;
constexpr uint8_t kRead12 = 0xA8;
constexpr uint8_t kSetCdSpeed = 0xBB;
constexpr uint8_t kMechanismStatus = 0xBD;
constexpr uint8_t kReadCd = 0xBE;
}  // namespace op

}  // namespace

// UNIT ATTENTION after a disc change is reported once, to the first
// command that may fail with it; commands that only ask about the drive
// pass (SPC-2 5.6.5, MMC-3 4.1.6.1).
bool AtapiCdrom::medium_ready(const Packet& p) {
  (void)p;
  if (media_changed_) {
    media_changed_ = false;
    check_condition(kUnitAttention, kAscMediumChanged);
    return false;
  }
  if (medium_ == nullptr) {
    check_condition(kNotReady, kAscNoMedium);
    return false;
  }
  return true;
}

void AtapiCdrom::run_command(const Packet& p) {
  switch (p[0]) {
    case op::kTestUnitReady:
      if (medium_ready(p)) good();
      break;
    case op::kRequestSense: {
      std::vector<uint8_t> d(18, 0);
      d[0] = 0x70;  // current error, fixed format
      d[2] = sense_.key;
      d[7] = 10;
      d[12] = sense_.asc;
      d[13] = sense_.ascq;
      // (a pending disc change is what the host asks about next)
      if (sense_.key == 0 && media_changed_) {
        d[2] = kUnitAttention;
        d[12] = kAscMediumChanged;
        media_changed_ = false;
      }
      reply(std::move(d), p[4]);
      break;
    }
    case op::kInquiry: {
      std::vector<uint8_t> d(36, 0);
      d[0] = 0x05;  // CD/DVD device
      d[1] = 0x80;  // removable
      d[2] = 0x00;
      d[3] = 0x21;  // ATAPI, response data format 1
      d[4] = 31;
      const char* id = "TX86    TX86 CD-ROM     1.0 ";
      std::copy(id, id + 28, d.begin() + 8);
      reply(std::move(d), be16(&p[3]));
      break;
    }
    case op::kModeSelect6: receive(p[4]); break;
    case op::kModeSelect10: receive(be16(&p[7])); break;
    case op::kModeSense6: mode_sense(p, false); break;
    case op::kModeSense10: mode_sense(p, true); break;
    case op::kStartStopUnit: start_stop(p); break;
    case op::kPreventAllow:
      locked_ = (p[4] & 1) != 0;
      good();
      break;
    case op::kReadCapacity: {
      if (!medium_ready(p)) break;
      std::vector<uint8_t> d;
      put32(d, blocks() - 1);
      put32(d, kBlockSize);
      reply(std::move(d), d.size());
      break;
    }
    case op::kRead10:
      if (medium_ready(p)) read_blocks(be32(&p[2]), be16(&p[7]));
      break;
    case op::kRead12:
      if (medium_ready(p)) read_blocks(be32(&p[2]), be32(&p[6]));
      break;
    case op::kReadCd: {
      // Only the user data of data sectors (flags 10h: 2048 bytes each).
      if (!medium_ready(p)) break;
      const uint32_t count = static_cast<uint32_t>(p[6]) << 16 | be16(&p[7]);
      if (count == 0) {
        good();
      } else if ((p[9] & 0xF8) != 0x10) {
        check_condition(kIllegalRequest, kAscInvalidField);
      } else {
        read_blocks(be32(&p[2]), count);
      }
      break;
    }
    case op::kSeek10:
      if (!medium_ready(p)) break;
      if (be32(&p[2]) >= blocks()) {
        check_condition(kIllegalRequest, kAscLbaOutOfRange);
      } else {
        good();
      }
      break;
    case op::kReadToc:
      if (medium_ready(p)) read_toc(p);
      break;
    case op::kReadSubchannel: {
      // No audio: a header with "no current audio status" (15h).
      std::vector<uint8_t> d = {0, 0x15, 0, 0};
      reply(std::move(d), be16(&p[7]));
      break;
    }
    case op::kGetConfiguration: get_configuration(p); break;
    case op::kGetEventStatus: get_event_status(p); break;
    case op::kReadDiscInfo: {
      if (!medium_ready(p)) break;
      std::vector<uint8_t> d(34, 0);
      set16(d, 0, 32);
      d[2] = 0x0E;  // complete disc, last session complete
      d[3] = 1;     // first track
      d[4] = 1;     // sessions
      d[5] = 1;     // first and last track of the last session
      d[6] = 1;
      d[7] = 0x20;  // unrestricted use
      reply(std::move(d), be16(&p[7]));
      break;
    }
    case op::kSetCdSpeed: good(); break;
    case op::kMechanismStatus: {
      std::vector<uint8_t> d(8, 0);
      d[1] = medium_ == nullptr ? 0x10 : 0x00;  // door open when empty
      reply(std::move(d), be16(&p[8]));
      break;
    }
    default: check_condition(kIllegalRequest, kAscInvalidOpcode); break;
  }
}

void AtapiCdrom::read_blocks(uint64_t lba, uint64_t count) {
  if (count == 0) return good();
  if (lba >= blocks() || count > blocks() - lba) {
    return check_condition(kIllegalRequest, kAscLbaOutOfRange);
  }
  if (count > kMaxTransferBlocks) return check_condition(kIllegalRequest, kAscInvalidField);
  std::vector<uint8_t> data(static_cast<size_t>(count) * kBlockSize);
  if (!medium_->read(lba * kBlockSize, data)) return check_condition(kMediumError, 0x11);
  reply(std::move(data), data.size());
}

// Formats 0 (tracks), 1 (sessions) and 2 (raw, the Q sub-channel entries of
// the lead-in) of a one-track data disc.
void AtapiCdrom::read_toc(const Packet& p) {
  const bool msf = (p[1] & 0x02) != 0;
  unsigned format = p[2] & 0x0F;
  if (format == 0) format = p[9] >> 6;  // the older place (SFF-8020i)
  const uint8_t start = p[6];
  const uint32_t allocation = be16(&p[7]);
  const uint32_t lead_out = blocks();
  std::vector<uint8_t> d = {0, 0, 1, 1};
  switch (format) {
    case 0:
      if (start > 1 && start != 0xAA) return check_condition(kIllegalRequest, kAscInvalidField);
      if (start <= 1) {
        d.insert(d.end(), {0, 0x14, 1, 0});  // ADR 1, data track
        put_address(d, 0, msf);
      }
      d.insert(d.end(), {0, 0x14, 0xAA, 0});
      put_address(d, lead_out, msf);
      break;
    case 1:
      d.insert(d.end(), {0, 0x14, 1, 0});
      put_address(d, 0, msf);
      break;
    case 2: {
      const auto entry = [&d](uint8_t point, uint8_t pm, uint8_t ps, uint8_t pf) {
        d.insert(d.end(), {1, 0x14, 0, point, 0, 0, 0, 0, pm, ps, pf});
      };
      const uint32_t f = lead_out + 150;
      entry(0xA0, 1, 0x00, 0);  // first track 1, disc type CD-ROM
      entry(0xA1, 1, 0, 0);     // last track 1
      entry(0xA2, static_cast<uint8_t>(f / 4500), static_cast<uint8_t>(f / 75 % 60),
            static_cast<uint8_t>(f % 75));
      entry(0x01, 0, 2, 0);  // track 1 at 00:02:00
      break;
    }
    default: return check_condition(kIllegalRequest, kAscInvalidField);
  }
  set16(d, 0, static_cast<uint32_t>(d.size() - 2));
  reply(std::move(d), allocation);
}

// Pages 01h (read error recovery) and 2Ah (capabilities), or all (3Fh).
void AtapiCdrom::mode_sense(const Packet& p, bool ten) {
  const unsigned page = p[2] & 0x3F;
  const unsigned control = p[2] >> 6;
  std::vector<uint8_t> pages;
  const auto error_recovery = [&] { pages.insert(pages.end(), {0x01, 0x06, 0, 5, 0, 0, 0, 0}); };
  const auto capabilities = [&] {
    std::vector<uint8_t> c(20, 0);
    c[0] = 0x2A;
    c[1] = 0x12;
    if (control != 1) {
      c[2] = 0x00;  // reads CD-R/RW: no
      c[4] = 0x71;  // audio play, composite, digital ports, multi-session
      c[5] = 0x00;
      c[6] = static_cast<uint8_t>(0x29 | (locked_ ? 0x02 : 0));  // lock, eject, tray
      c[7] = 0x00;
      set16(c, 8, 706);   // maximum speed, KB/s (4x)
      set16(c, 10, 256);  // volume levels
      set16(c, 12, 512);  // buffer, KB
      set16(c, 14, 706);  // current speed
    }
    pages.insert(pages.end(), c.begin(), c.end());
  };
  switch (page) {
    case 0x01: error_recovery(); break;
    case 0x2A: capabilities(); break;
    case 0x3F:
      error_recovery();
      capabilities();
      break;
    default: return check_condition(kIllegalRequest, kAscInvalidField);
  }
  const uint8_t medium_type = medium_ != nullptr ? 0x01 : 0x70;  // data CD, or no disc
  std::vector<uint8_t> d;
  if (ten) {
    d = {0, 0, medium_type, 0, 0, 0, 0, 0};
    d.insert(d.end(), pages.begin(), pages.end());
    set16(d, 0, static_cast<uint32_t>(d.size() - 2));
    reply(std::move(d), be16(&p[7]));
  } else {
    d = {0, medium_type, 0, 0};
    d.insert(d.end(), pages.begin(), pages.end());
    d[0] = static_cast<uint8_t>(d.size() - 1);
    reply(std::move(d), p[4]);
  }
}

// The features of a CD-ROM drive (MMC-3 5.3): profile list, core,
// morphing, removable medium, random readable, CD read.
void AtapiCdrom::get_configuration(const Packet& p) {
  const unsigned rt = p[1] & 0x03;
  const uint32_t first = be16(&p[2]);
  const bool loaded = medium_ != nullptr;
  struct Feature {
    uint16_t code;
    bool current;
    std::vector<uint8_t> data;
  };
  const std::vector<Feature> features = {
      {0x0000, true, {0x00, 0x08, loaded ? uint8_t{1} : uint8_t{0}, 0}},
      {0x0001, true, {0, 0, 0, 2, 0, 0, 0, 0}},  // ATAPI
      {0x0002, true, {0, 0, 0, 0}},
      {0x0003, true, {static_cast<uint8_t>(0x29 | (locked_ ? 0x01 : 0)), 0, 0, 0}},
      {0x0010, loaded, {0, 0, 0x08, 0x00, 0, 1, 0, 0}},
      {0x001E, loaded, {0, 0, 0, 0}},
  };
  std::vector<uint8_t> d(8, 0);
  set16(d, 6, loaded ? 0x0008 : 0x0000);  // current profile: CD-ROM
  for (const Feature& f : features) {
    const bool wanted = rt == 2 ? f.code == first : f.code >= first && (rt == 0 || f.current);
    if (!wanted) continue;
    put16(d, f.code);
    d.push_back(static_cast<uint8_t>((f.code == 0x0000 || f.code == 0x0001 ? 0x03 : 0x00) |
                                     (f.current ? 0x01 : 0x00)));
    d.push_back(static_cast<uint8_t>(f.data.size()));
    d.insert(d.end(), f.data.begin(), f.data.end());
  }
  const auto length = static_cast<uint32_t>(d.size() - 4);
  d[0] = static_cast<uint8_t>(length >> 24);
  d[1] = static_cast<uint8_t>(length >> 16);
  set16(d, 2, length & 0xFFFF);
  reply(std::move(d), be16(&p[7]));
}

// Polled media events only (MMC-3 6.1.5).
void AtapiCdrom::get_event_status(const Packet& p) {
  if (!(p[1] & 0x01)) return check_condition(kIllegalRequest, kAscInvalidField);
  const uint8_t classes = p[4];
  std::vector<uint8_t> d;
  if (classes & 0x10) {
    d = {0, 6, 0x04, 0x10};                            // media class
    const uint8_t event = media_event_ ? 0x02 : 0x00;  // new media
    media_event_ = false;
    d.insert(d.end(), {event, static_cast<uint8_t>(medium_ != nullptr ? 0x02 : 0x00), 0, 0});
  } else {
    d = {0, 2, 0x80, 0x10};  // no event available, media class supported
  }
  reply(std::move(d), be16(&p[7]));
}

void AtapiCdrom::start_stop(const Packet& p) {
  const bool load_eject = (p[4] & 0x02) != 0;
  const bool start = (p[4] & 0x01) != 0;
  if (load_eject && !start) {
    if (locked_) return check_condition(kIllegalRequest, kAscRemovalPrevented, 0x02);
    medium_.reset();
    media_event_ = false;
  }
  good();
}

}  // namespace tx86::dev

#include "core/io/io_bus.h"

#include <gtest/gtest.h>

#include <vector>

namespace tx86::core {
namespace {

class RecordingDevice : public IoHandler {
 public:
  struct Access {
    bool write;
    uint16_t port;
    unsigned size;
    uint32_t value;
    bool operator==(const Access&) const = default;
  };
  uint32_t io_read(uint16_t port, unsigned size) override {
    log.push_back({false, port, size, 0});
    return 0x40u + port;
  }
  void io_write(uint16_t port, unsigned size, uint32_t value) override {
    log.push_back({true, port, size, value});
  }
  std::vector<Access> log;
};

TEST(IoBus, UnhandledPortsReadAllOnesAtEveryWidth) {
  IoBus io;
  EXPECT_EQ(io.read8(0x1234), 0xFF);
  EXPECT_EQ(io.read16(0x1234), 0xFFFF);
  EXPECT_EQ(io.read32(0x1234), 0xFFFFFFFFu);
  io.write32(0x1234, 0);  // vanishes
}

TEST(IoBus, HandlerSeesAccessesOfItsWidths) {
  IoBus io;
  RecordingDevice dev;
  io.register_ports(0x60, 5, &dev, kIoWidthAll, "dev");
  EXPECT_EQ(io.read16(0x62), 0x40u + 0x62);
  io.write32(0x60, 0xCAFEBABE);
  ASSERT_EQ(dev.log.size(), 2u);
  EXPECT_EQ(dev.log[0], (RecordingDevice::Access{false, 0x62, 2, 0}));
  EXPECT_EQ(dev.log[1], (RecordingDevice::Access{true, 0x60, 4, 0xCAFEBABE}));
  EXPECT_EQ(io.owner(0x64), "dev");
  EXPECT_EQ(io.owner(0x65), "");
}

TEST(IoBus, WideAccessToByteDeviceIsSplitIntoConsecutivePorts) {
  IoBus io;
  RecordingDevice dev;
  io.register_ports(0x70, 2, &dev, kIoWidth8, "rtc");
  EXPECT_EQ(io.read16(0x70), 0xB1B0u);  // 0x40 + port, byte by byte
  io.write16(0x70, 0xBBAA);
  ASSERT_EQ(dev.log.size(), 4u);
  EXPECT_EQ(dev.log[2], (RecordingDevice::Access{true, 0x70, 1, 0xAA}));
  EXPECT_EQ(dev.log[3], (RecordingDevice::Access{true, 0x71, 1, 0xBB}));
}

TEST(IoBus, WideAccessStraddlingAnUnhandledPortFillsOnes) {
  IoBus io;
  RecordingDevice dev;
  io.register_ports(0x80, 1, &dev, kIoWidth8, "post");
  EXPECT_EQ(io.read32(0x7F), 0xFFFFC0FFu);
}

TEST(IoBus, OverlappingRegistrationIsRejected) {
  IoBus io;
  RecordingDevice a;
  RecordingDevice b;
  io.register_ports(0x3F8, 8, &a, kIoWidth8, "com1");
  EXPECT_THROW(io.register_ports(0x3FF, 2, &b, kIoWidth8, "other"), std::logic_error);
  EXPECT_THROW(io.register_ports(0xFFFF, 2, &b, kIoWidth8, "past-end"), std::invalid_argument);
}

TEST(IoBus, UnregisteredPortsBecomeUnhandled) {
  IoBus io;
  RecordingDevice dev;
  io.register_ports(0x60, 1, &dev, kIoWidth8, "kbd");
  io.unregister_ports(0x60, 1);
  EXPECT_EQ(io.read8(0x60), 0xFF);
  EXPECT_TRUE(dev.log.empty());
}

}  // namespace
}  // namespace tx86::core

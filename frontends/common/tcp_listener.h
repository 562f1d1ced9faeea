// A listening TCP socket for the GDB stub and the monitor, spelled as
// QEMU's character devices: "tcp::PORT" (127.0.0.1) or "tcp:HOST:PORT";
// PORT 0 picks a free port.
#pragma once

#include <cstdint>
#include <string>

namespace tx86::fe {

class TcpListener {
 public:
  // option: the flag being parsed, for errors ("--gdb"). Throws UserError
  // for a bad spec or an address it cannot listen on.
  TcpListener(const std::string& spec, const char* option);
  ~TcpListener();
  TcpListener(const TcpListener&) = delete;
  TcpListener& operator=(const TcpListener&) = delete;

  int fd() const { return fd_; }
  const std::string& host() const { return host_; }
  uint16_t port() const { return port_; }
  // A connection (TCP_NODELAY, close-on-exec), or -1.
  int accept_client() const;

  // Whether `spec` is a TCP spec at all (starts "tcp:").
  static bool is_tcp(const std::string& spec) { return spec.rfind("tcp:", 0) == 0; }

 private:
  int fd_ = -1;
  std::string host_;
  uint16_t port_ = 0;
};

}  // namespace tx86::fe

#include "keepalive.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

namespace pgwire::detail {

namespace {

void set_int(int fd, int level, int name, long long value) {
  if (value <= 0) return;  // the system default
  int v = static_cast<int>(value);
  ::setsockopt(fd, level, name, &v, sizeof v);
}

}  // namespace

void apply_keepalive(int fd, const ServerOptions::Keepalive& keepalive) {
  int on = keepalive.enabled ? 1 : 0;
  ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
  if (!keepalive.enabled) return;
#ifdef TCP_KEEPIDLE
  set_int(fd, IPPROTO_TCP, TCP_KEEPIDLE, keepalive.idle.count());
#endif
#ifdef TCP_KEEPINTVL
  set_int(fd, IPPROTO_TCP, TCP_KEEPINTVL, keepalive.interval.count());
#endif
#ifdef TCP_KEEPCNT
  set_int(fd, IPPROTO_TCP, TCP_KEEPCNT, keepalive.count);
#endif
}

}  // namespace pgwire::detail

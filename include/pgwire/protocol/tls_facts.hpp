#pragma once
// What the driver learned from a completed TLS handshake, for the session
// (ALPN rules, SCRAM-SHA-256-PLUS channel binding, ClientInfo).

#include <string>

namespace pgwire::protocol {

struct TlsFacts {
  std::string version;           // "TLSv1.3"
  std::string alpn;              // negotiated ALPN protocol, empty for none
  std::string server_end_point;  // tls-server-end-point channel-binding data (RFC 5929)
};

}  // namespace pgwire::protocol

#pragma once
// What the driver learned from a completed TLS handshake, for the session
// (ALPN rules, SCRAM-SHA-256-PLUS channel binding, ClientInfo).

#include <optional>
#include <string>
#include <vector>

namespace pgwire {

// A client certificate that the TLS handshake verified against
// TlsOptions::ca_file, for PostgreSQL's `cert` authentication (the CN is
// the user name there) or a product's own mapping.
struct TlsClientCertificate {
  std::string subject_cn;              // the subject's commonName (UTF-8), empty if none
  std::vector<std::string> dns_names;  // subjectAltName DNS entries
  std::string subject;                 // the whole subject, RFC 2253 ("CN=alice,O=Example")
};

}  // namespace pgwire

namespace pgwire::protocol {

struct TlsFacts {
  std::string version;           // "TLSv1.3"
  std::string alpn;              // negotiated ALPN protocol, empty for none
  std::string server_end_point;  // tls-server-end-point channel-binding data (RFC 5929)
  std::optional<TlsClientCertificate> client_certificate;  // verified, when the client sent one
};

}  // namespace pgwire::protocol

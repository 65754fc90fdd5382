#pragma once
// tls-server-end-point channel binding data (RFC 5929 section 4.1), the only
// type PostgreSQL and libpq use for SCRAM-SHA-256-PLUS.
//
// The data is the hash of the server's DER-encoded certificate, with the hash
// function of the certificate's signature algorithm, except that MD5 and
// SHA-1 are replaced by SHA-256. The certificate is the one the server
// presented in this TLS session (SSL_get_certificate on the server side,
// SSL_get0_peer_certificate on a client). The signature's digest is found
// with X509_get_signature_info, so RSA-PSS works as in PostgreSQL.

#include <optional>
#include <string>
#include <string_view>

struct x509_st;  // OpenSSL's X509, without including OpenSSL headers

namespace pgwire::auth {

// The hash bytes (32 for SHA-256, 48 for SHA-384, 64 for SHA-512), or nullopt
// when cert is null or its signature algorithm names no usable digest (e.g.
// Ed25519/Ed448: RFC 5929 defines nothing, and PostgreSQL then fails with
// "could not find digest for NID"); do not offer PLUS then.
std::optional<std::string> tls_server_end_point(const x509_st* cert);

// Same from a DER-encoded certificate; nullopt also when der does not parse.
std::optional<std::string> tls_server_end_point_der(std::string_view der);

}  // namespace pgwire::auth

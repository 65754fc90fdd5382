#pragma once
// TLS helpers of the server driver (internal).

#include <memory>
#include <optional>
#include <string>

#include <asio/ssl/context.hpp>

#include "pgwire/server/server.hpp"

namespace pgwire::detail {

// Server context: certificate + key, the protocol floor (TLS 1.2 at least),
// ciphers, client-certificate verification, ALPN "postgresql" (a client
// offering ALPN without it is refused, as PostgreSQL 17 does). Throws
// std::invalid_argument / std::system_error when something cannot be loaded.
std::unique_ptr<asio::ssl::context> make_server_tls_context(const TlsOptions& options);
std::string negotiated_alpn(SSL* ssl);
// The client's certificate when it sent one and it was verified.
std::optional<TlsClientCertificate> verified_client_certificate(SSL* ssl);

}  // namespace pgwire::detail

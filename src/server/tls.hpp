#pragma once
// TLS helpers of the server driver (internal).

#include <memory>
#include <string>

#include <asio/ssl/context.hpp>

#include "pgwire/server/server.hpp"

namespace pgwire::detail {

// Server context: certificate + key, TLS 1.2+, ALPN "postgresql" (a client
// offering ALPN without it is refused, as PostgreSQL 17 does).
std::unique_ptr<asio::ssl::context> make_server_tls_context(const TlsOptions& options);
std::string negotiated_alpn(SSL* ssl);

}  // namespace pgwire::detail

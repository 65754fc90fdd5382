// Fixed results over TLS only: SSLRequest is answered 'S', PostgreSQL 17
// direct SSL (ALPN "postgresql") is accepted, and plaintext sessions are
// refused with FATAL 28000 as a pg_hba "hostssl" line would.
//
//   examples/make-cert.sh /tmp/pgwire-tls      # self-signed CA + server certificate
//   secure_server --tls-cert /tmp/pgwire-tls/server.crt --tls-key /tmp/pgwire-tls/server.key
//   psql "host=localhost port=5432 user=postgres sslmode=verify-full sslrootcert=/tmp/pgwire-tls/ca.crt"

#include "common.hpp"
#include "fixed_results.hpp"

namespace {

// Refuses sessions without TLS before running the real authentication.
class RequireTls final : public pgwire::StartupHandler {
 public:
  explicit RequireTls(std::shared_ptr<pgwire::StartupHandler> inner) : inner_(std::move(inner)) {}
  asio::awaitable<void> authenticate(pgwire::AuthExchange& ex) override {
    if (!ex.client().tls)
      throw pgwire::PgError(pgwire::ErrorInfo::fatal(
          pgwire::sqlstate::invalid_authorization,
          "no encryption: this server accepts TLS connections only (use sslmode=require)"));
    co_await inner_->authenticate(ex);
  }
  std::vector<std::pair<std::string, std::string>> server_parameters(
      const pgwire::ClientInfo& client) override {
    return inner_->server_parameters(client);
  }

 private:
  std::shared_ptr<pgwire::StartupHandler> inner_;
};

}  // namespace

int main(int argc, char** argv) {
  auto flags = example::parse(argc, argv, "Fixed results over TLS only (needs --tls-cert and --tls-key).");
  if (flags.tls_cert.empty() || flags.tls_key.empty()) {
    std::cerr << "secure_server needs --tls-cert and --tls-key (see examples/make-cert.sh)\n";
    return 2;
  }
  pgwire::Server server(example::server_options(flags),
                        {std::make_shared<RequireTls>(example::auth_handler(flags)),
                         std::make_shared<example::FixedResults>()});
  return example::serve(server, flags);
}

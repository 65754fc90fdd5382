// Test server: the examples' flags, and a StartupHandler that refuses every
// login with what it was told of the client's certificate, so a test with a
// real client (psql) can read the facts the TLS layer handed over
// (ClientInfo::client_certificate: CN, DNS SANs, subject).

#include <fmt/format.h>

#include "common.hpp"
#include "fixed_results.hpp"

namespace {

class ShowCertificate final : public pgwire::StartupHandler {
 public:
  asio::awaitable<void> authenticate(pgwire::AuthExchange& ex) override {
    const auto& cert = ex.client().client_certificate;
    if (!cert) throw pgwire::PgError(pgwire::ErrorInfo::fatal("28000", "no client certificate"));
    throw pgwire::PgError(pgwire::ErrorInfo::fatal(
        "28000", fmt::format("cn=[{}] dns=[{}] subject=[{}]", cert->subject_cn, fmt::join(cert->dns_names, ","),
                             cert->subject)));
    co_return;
  }
};

}  // namespace

int main(int argc, char** argv) {
  auto flags = example::parse(argc, argv, "Refuses every login, naming the client certificate's facts.");
  pgwire::Handlers handlers;
  handlers.startup = std::make_shared<ShowCertificate>();
  handlers.simple_query = std::make_shared<example::FixedResults>();
  pgwire::Server server(example::server_options(flags), handlers);
  return example::serve(server, flags);
}

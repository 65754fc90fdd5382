// SCRAM-SHA-256 and SCRAM-SHA-256-PLUS (channel binding tls-server-end-point)
// over TLS. The password is kept only as a SCRAM secret, as PostgreSQL keeps
// it in pg_authid: the server never holds the plaintext.
//
//   examples/make-cert.sh /tmp/pgwire-tls
//   scram_server --tls-cert /tmp/pgwire-tls/server.crt --tls-key /tmp/pgwire-tls/server.key
//   psql "host=localhost port=5432 user=postgres password=postgres sslmode=require channel_binding=require"

#include <pgwire/auth/scram.hpp>

#include "common.hpp"
#include "fixed_results.hpp"

int main(int argc, char** argv) {
  auto flags = example::parse(argc, argv,
                              "SCRAM-SHA-256(-PLUS) over TLS with a stored secret instead of a password.",
                              {"--iterations"}, "  --iterations N         SCRAM iteration count (default 4096)\n");
  if (!flags.hba_file.empty()) {
    // pg_hba.conf rules pick the method (and --users the users).
    pgwire::Server server(example::server_options(flags),
                          {example::auth_handler(flags), std::make_shared<example::FixedResults>()});
    return example::serve(server, flags);
  }
  int iterations = std::stoi(example::extra(flags, "--iterations", "4096"));
  std::shared_ptr<pgwire::AuthSource> source;
  if (!flags.users_file.empty()) {
    source = example::user_store_or_exit(flags);  // secrets as stored in the file
  } else {
    auto one = std::make_shared<pgwire::StaticAuthSource>();
    // What a product would store: "SCRAM-SHA-256$<iter>:<salt>$<StoredKey>:<ServerKey>".
    one->add(flags.user, pgwire::auth::ScramSecret::generate(flags.password, iterations).to_string());
    source = one;
  }
  pgwire::ScramOptions scram;
  scram.iterations = iterations;
  pgwire::Server server(example::server_options(flags),
                        {pgwire::make_scram_auth(source, scram), std::make_shared<example::FixedResults>()});
  return example::serve(server, flags);
}

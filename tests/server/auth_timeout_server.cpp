// Test server: the example `server` (fixed results, common flags) with a
// configurable ServerOptions::authentication_timeout, which the examples do
// not expose (their 60 s default is too long for a test).
//
//   auth_timeout_server --auth-timeout-ms 500 --listen 127.0.0.1:0 --auth cleartext

#include <chrono>

#include "common.hpp"
#include "fixed_results.hpp"

int main(int argc, char** argv) {
  auto flags = example::parse(argc, argv, "Fixed results with a short authentication timeout.",
                              {"--auth-timeout-ms"},
                              "  --auth-timeout-ms N    authentication_timeout (default 500)\n");
  auto options = example::server_options(flags);
  options.authentication_timeout =
      std::chrono::milliseconds(std::stol(example::extra(flags, "--auth-timeout-ms", "500")));
  pgwire::Handlers handlers;
  handlers.startup = example::auth_handler(flags);
  handlers.simple_query = std::make_shared<example::FixedResults>();
  pgwire::Server server(options, handlers);
  return example::serve(server, flags);
}

// The "hello world" of a product: fixed results for any query (see
// fixed_results.hpp), with any of the auth methods.

#include "common.hpp"
#include "fixed_results.hpp"

int main(int argc, char** argv) {
  auto flags = example::parse(argc, argv, "Fixed results for any query: a minimal pgwire product.");
  pgwire::Server server(example::server_options(flags),
                        {example::auth_handler(flags), std::make_shared<example::FixedResults>()});
  return example::serve(server, flags);
}

#pragma once
// Helpers for the SCRAM tests: a client/server exchange in one call.

#include <optional>
#include <string>

#include "pgwire/auth/scram.hpp"
#include "support/catch.hpp"

namespace pgwire::auth::test {

struct Outcome {
  ScramStep first;                         // server-first or its error
  ScramStep final;                         // server-final or its error
  std::optional<ScramError> client_check;  // the client's verdict on server-final
  std::string server_first_message;
  std::string client_final_message;

  // The first error the server reported, if any.
  std::optional<ScramError> server_error() const {
    if (first.error) return first.error;
    return final.error;
  }
};

inline Outcome exchange(ScramServer& server, ScramClient& client) {
  Outcome o;
  o.first = server.handle_client_first(client.mechanism(), client.client_first_message());
  if (!o.first) return o;
  o.server_first_message = o.first.message;
  ScramStep client_final = client.handle_server_first(o.first.message);
  REQUIRE(client_final);
  o.client_final_message = client_final.message;
  o.final = server.handle_client_final(client_final.message);
  if (o.final) o.client_check = client.verify_server_final(o.final.message);
  return o;
}

inline ScramServerOptions server_options(std::string user = "alice") {
  ScramServerOptions o;
  o.user = std::move(user);
  o.mock_auth_key = "test mock key";
  return o;
}

}  // namespace pgwire::auth::test

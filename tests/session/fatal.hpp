#pragma once
// How a session ends on a FATAL, as the driver tests check it.

#include <string>
#include <variant>

#include "session/client.hpp"
#include "support/catch.hpp"

namespace pgwire::test {

// The next message is a FATAL with `code` (and `message`, when one is
// given), then the server closes the connection.
inline void expect_fatal(Client& c, const std::string& code, const std::string& message = {}) {
  BackendMessage m = c.recv();
  auto* e = std::get_if<ErrorResponse>(&m);
  REQUIRE(e != nullptr);
  CHECK(std::string(e->get(field::severity)) == "FATAL");
  CHECK(std::string(e->get(field::sqlstate)) == code);
  if (!message.empty()) CHECK(std::string(e->get(field::message)) == message);
  CHECK(c.closed_by_server());
}

}  // namespace pgwire::test

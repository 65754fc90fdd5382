#pragma once
// A SQL cursor as the session keeps it (internal to src/protocol/).

#include <cstdint>
#include <memory>
#include <optional>

#include "pgwire/protocol/session_machine.hpp"

namespace pgwire::protocol {

struct SessionMachine::SqlCursor {
  SchemaPtr schema;
  std::optional<Response> result;  // the query's rows; reset once read to the end
  std::unique_ptr<Portal> portal;  // the query's portal (keeps its parameters)
  bool binary = false;
  bool hold = false;
  std::uint64_t position = 0;  // rows read so far
};

}  // namespace pgwire::protocol

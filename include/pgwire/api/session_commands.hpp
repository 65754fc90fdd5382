#pragma once
// Statements every PostgreSQL driver sends in passing that a product should
// not have to implement: SET / RESET / SHOW, SELECT version(),
// current_setting(), set_config(), DISCARD ALL, DEALLOCATE, and (opt-in)
// transaction control. A product calls answer() first and handles the
// statement itself only when it returns nullopt:
//
//   SessionCommands commands;
//   for (auto stmt : split_statements(sql))
//     out.push_back(commands.answer(session, stmt).value_or(my_engine(stmt)));
//
// Settings live in the Session (Session::parameter / set_parameter), so
// reported ones (DateStyle, TimeZone, application_name, ...) reach the client
// as ParameterStatus, as after SET in PostgreSQL.

#include <optional>
#include <string>
#include <string_view>

#include "pgwire/api/results.hpp"
#include "pgwire/api/session.hpp"

namespace pgwire {

class SessionCommands {
 public:
  struct Options {
    // What SELECT version() says.
    std::string version = "PostgreSQL 15.0 (pgwire-cpp)";
    // Answer BEGIN/START TRANSACTION/COMMIT/END/ROLLBACK/ABORT with the
    // matching transaction status (for products without transactions).
    bool transactions = false;
  };

  SessionCommands() = default;
  explicit SessionCommands(Options options) : options_(std::move(options)) {}

  // The result of `statement` (one statement, no trailing ';' needed) when
  // it is one of the session commands, else nullopt.
  std::optional<Response> answer(Session& session, std::string_view statement) const;

  // For Parse (Describe before Bind): true when answer() handles the
  // statement; `columns` receives its result schema (null for commands).
  bool describe(std::string_view statement, SchemaPtr& columns) const;

 private:
  Options options_;
};

}  // namespace pgwire

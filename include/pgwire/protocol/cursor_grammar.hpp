#pragma once
// SQL cursors: DECLARE / FETCH / MOVE / CLOSE.
//
// Drivers use them for large results (psql's FETCH_COUNT, psycopg2 and
// psycopg named cursors, libpqxx stream cursors, psqlODBC UseDeclareFetch).
// With ServerOptions::sql_cursors (the default) the library implements them
// for every product over its ordinary handlers: DECLARE runs the query
// through the product (prepare + execute, or the simple query handler) and
// keeps the RowSource; FETCH pulls the next rows from it, so a cursor never
// holds more than one batch in memory. As in PostgreSQL a cursor is also a
// portal: Describe/Execute of a portal named like the cursor reads it (psycopg
// 3 does that). Cursors are forward-only: motions that need a scrollable
// cursor (BACKWARD, PRIOR, LAST, ABSOLUTE behind the position) fail with
// 55000, as PostgreSQL's NO SCROLL cursors do. Cursors without HOLD close at
// the end of their transaction; WITH HOLD ones live until CLOSE.
//
// parse_cursor_command() is public so that a product implementing cursors
// itself (with sql_cursors off) can reuse the grammar.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace pgwire {

struct Statement;

struct CursorCommand {
  enum class Kind { declare, fetch, move, close };
  // How far FETCH/MOVE go from the current position (rows already read).
  enum class Motion {
    forward,   // the next `count` rows (NEXT, FORWARD, n, FORWARD n)
    all,       // every remaining row (ALL, FORWARD ALL)
    absolute,  // to row `count` (1-based): ABSOLUTE n, FIRST
    relative,  // `count` rows on: RELATIVE n
    backward,  // needs a scrollable cursor: BACKWARD, PRIOR, LAST, negative counts
  };

  Kind kind = Kind::fetch;
  std::string name;  // folded to lower case unless quoted; empty for CLOSE ALL
  // DECLARE name [BINARY] [[NO] SCROLL] CURSOR [WITH[OUT] HOLD] FOR query
  bool binary = false;
  bool hold = false;
  std::string query;
  // FETCH / MOVE
  Motion motion = Motion::forward;
  std::uint64_t count = 1;
};

// nullopt when `sql` (one statement) is not a cursor command.
std::optional<CursorCommand> parse_cursor_command(std::string_view sql);

// What Parse keeps for a cursor command (Statement::cursor): the command and,
// for DECLARE, the product's statement for the query.
struct CursorPlan {
  CursorCommand command;
  std::shared_ptr<Statement> query;
};

}  // namespace pgwire

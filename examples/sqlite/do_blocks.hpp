#pragma once
// DO [LANGUAGE plpgsql] '<block>' for the block migration tools and ORMs
// send to make DDL idempotent, e.g. Sequelize's enum types:
//
//   DO 'BEGIN CREATE TYPE "public"."enum_t_kind" AS ENUM(''a'', ''b'');
//       EXCEPTION WHEN duplicate_object THEN null; END';
//
// A block of SQL statements (no DECLARE, IF, loops, PERFORM or RAISE: those
// are 0A000), and at most one EXCEPTION clause whose handlers do nothing
// (THEN NULL). As in PL/pgSQL, a block with an EXCEPTION clause runs in a
// subtransaction: an error rolls back the block's statements, and is
// swallowed when a handler names its condition (or OTHERS).

#include <sqlite3.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <pgwire/codec/error_info.hpp>
#include <pgwire/protocol/results.hpp>

#include "../sqlite_dialect.hpp"
#include "errors.hpp"
#include "values.hpp"

namespace sqlite_example::do_blocks {

struct Block {
  std::vector<std::string> statements;
  std::vector<int> lines;  // each statement's line in the block (for the error's CONTEXT)
  std::vector<std::string> handled;  // SQLSTATEs; "others" for WHEN OTHERS
  bool has_handlers = false;
};

namespace detail {

// PL/pgSQL's condition names that the statements here can raise.
inline std::optional<std::string> sqlstate_of(std::string_view condition) {
  static constexpr std::pair<std::string_view, std::string_view> names[] = {
      {"duplicate_object", "42710"},  {"duplicate_table", "42P07"},   {"duplicate_column", "42701"},
      {"duplicate_schema", "42P06"},  {"duplicate_function", "42723"}, {"undefined_object", "42704"},
      {"undefined_table", "42P01"},   {"undefined_column", "42703"},  {"undefined_function", "42883"},
      {"unique_violation", "23505"},  {"foreign_key_violation", "23503"}, {"not_null_violation", "23502"},
      {"check_violation", "23514"},   {"invalid_schema_name", "3F000"}, {"feature_not_supported", "0A000"},
      {"invalid_text_representation", "22P02"}, {"division_by_zero", "22012"}, {"others", "others"}};
  for (auto [name, code] : names)
    if (sqlite3_stricmp(std::string(name).c_str(), std::string(condition).c_str()) == 0) return std::string(code);
  return std::nullopt;
}

inline pgwire::PgError unsupported(std::string_view what) {
  return not_supported("DO blocks with " + std::string(what),
                       "sqlite_server runs DO 'BEGIN <SQL statements>; [EXCEPTION WHEN <condition> THEN NULL;] END'.");
}

}  // namespace detail

// The block of `DO ...` (the whole statement), or nullopt when `sql` is no DO.
inline std::optional<Block> parse(std::string_view sql) {
  using sqlite_dialect::is;
  auto toks = sqlite_dialect::tokenize(sql);
  while (!toks.empty() && is(toks.back(), ";")) toks.pop_back();
  if (toks.empty() || !is(toks[0], "do")) return std::nullopt;
  std::size_t i = 1;
  std::string body;
  for (; i < toks.size(); ++i) {
    if (is(toks[i], "language") && i + 1 < toks.size()) {
      if (!is(toks[i + 1], "plpgsql") && toks[i + 1].value() != "plpgsql") throw detail::unsupported("another language");
      ++i;
    } else if (toks[i].kind == sqlite_dialect::Kind::string) {
      body = toks[i].value();
    } else {
      throw pgwire::PgError("42601", "syntax error at or near \"" + std::string(toks[i].text) + "\"");
    }
  }
  auto b = sqlite_dialect::tokenize(body);
  while (!b.empty() && is(b.back(), ";")) b.pop_back();
  if (b.size() < 2 || !is(b.front(), "begin") || !is(b.back(), "end")) {
    if (!b.empty() && is(b.front(), "declare")) throw detail::unsupported("DECLARE");
    throw pgwire::PgError("42601", "syntax error at or near \"" + (b.empty() ? std::string() : std::string(b.front().text)) +
                                       "\"");
  }
  Block block;
  auto add = [&](std::size_t first, std::size_t end) {
    block.statements.emplace_back(body.substr(b[first].offset, b[end - 1].end() - b[first].offset));
    int line = 1;
    for (std::size_t c = 0; c < b[first].offset; ++c) line += body[c] == '\n';
    block.lines.push_back(line);
  };
  std::size_t start = 1, k = 1;
  for (; k + 1 < b.size(); ++k) {
    if (is(b[k], "exception")) break;
    for (std::string_view word : {"if", "loop", "while", "for", "perform", "raise", "return", "execute", "declare",
                                  "begin", "foreach", "case"})
      if (k == start && is(b[k], word)) throw detail::unsupported(sqlite_dialect::identifier(b[k]));
    if (!is(b[k], ";")) continue;
    if (k > start) add(start, k);
    start = k + 1;
  }
  if (k > start) add(start, k);
  if (block.statements.size() == 1 && sqlite3_stricmp(block.statements[0].c_str(), "null") == 0) {
    block.statements.clear();  // BEGIN NULL; END
    block.lines.clear();
  }
  if (k + 1 >= b.size()) return block;
  // EXCEPTION WHEN a [OR b] THEN NULL; ...
  block.has_handlers = true;
  for (++k; k + 1 < b.size();) {
    if (!is(b[k], "when")) throw detail::unsupported("a handler other than WHEN ... THEN NULL");
    for (++k; k < b.size() && !is(b[k], "then"); ++k) {
      if (is(b[k], "or")) continue;
      auto code = detail::sqlstate_of(b[k].value());
      if (!code) throw detail::unsupported("condition " + b[k].value());
      block.handled.push_back(*code);
    }
    if (k + 2 >= b.size() || !is(b[k + 1], "null") || !is(b[k + 2], ";"))
      throw detail::unsupported("a handler other than WHEN ... THEN NULL");
    k += 3;
  }
  return block;
}

// Whether `block` swallows an error of `sqlstate`.
inline bool handles(const Block& block, std::string_view sqlstate) {
  for (const auto& h : block.handled)
    if (h == "others" || h == sqlstate) return true;
  return false;
}

// On the worker: runs the block's statements (`run_one(statement)`, a
// Response each) in a savepoint; the first error undoes them all, and is
// the DO's unless a handler swallows it.
template <class RunOne>
pgwire::Response run(sqlite3* db, const Block& block, RunOne run_one) {
  exec(db, "SAVEPOINT pgwire_do_block");
  auto undo = [db] {  // (a failed statement in a transaction block may have ended it already)
    sqlite3_exec(db, "ROLLBACK TO pgwire_do_block; RELEASE pgwire_do_block", nullptr, nullptr, nullptr);
  };
  for (std::size_t n = 0; n < block.statements.size(); ++n) {
    const std::string& statement = block.statements[n];
    pgwire::Response r = [&] {
      try {
        return run_one(statement);
      } catch (const pgwire::PgError& e) {
        return pgwire::Response::error(e.info());
      } catch (...) {
        undo();
        throw;
      }
    }();
    if (r.kind() != pgwire::Response::Kind::error) continue;
    undo();
    if (block.has_handlers && handles(block, r.error_info().code)) return pgwire::Response::command("DO");
    pgwire::ErrorInfo e = r.error_info();
    e.where = "SQL statement \"" + statement + "\"\nPL/pgSQL function inline_code_block line " +
              std::to_string(block.lines[n]) + " at SQL statement";
    return pgwire::Response::error(std::move(e));
  }
  exec(db, "RELEASE pgwire_do_block");
  return pgwire::Response::command("DO");
}

}  // namespace sqlite_example::do_blocks

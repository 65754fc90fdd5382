#pragma once
// The CommandComplete of a statement that returned no rows, as PostgreSQL
// tags it: "INSERT 0 n", "UPDATE n", "CREATE TABLE" for CREATE TEMP TABLE,
// "CREATE INDEX" for CREATE UNIQUE INDEX, "TRUNCATE TABLE", ...

#include <cstdint>
#include <string>
#include <string_view>

#include <pgwire/protocol/results.hpp>
#include <pgwire/protocol/sql_text.hpp>

#include "values.hpp"

namespace sqlite_example {

// CREATE [TEMP] TABLE [IF NOT EXISTS] name AS ...: the table's name (as
// SQLite reads it, quotes kept), for its "SELECT n" tag; empty otherwise.
// `if_not_exists`: written with IF NOT EXISTS.
inline std::string created_as_table(std::string_view sql, bool& if_not_exists) {
  if_not_exists = false;
  auto toks = pgwire::tokenize(sql);
  std::size_t k = 0;
  auto word = [&](std::string_view w) { return k < toks.size() && toks[k].is_keyword(w); };
  if (!word("create")) return {};
  ++k;
  while (word("temp") || word("temporary") || word("unlogged") || word("global") || word("local")) ++k;
  if (!word("table")) return {};
  ++k;
  if (word("if") && k + 2 < toks.size()) k += 3, if_not_exists = true;  // IF NOT EXISTS
  if (k >= toks.size() || !toks[k].is_name()) return {};
  std::size_t name = k++;
  if (k + 1 < toks.size() && toks[k].is_punct(".") && toks[k + 1].is_name()) {  // schema.name
    name = k + 1;
    k += 2;
  }
  if (!word("as")) return {};
  return std::string(toks[name].text);
}

// ROLLBACK [WORK | TRANSACTION] TO [SAVEPOINT] name, which keeps the block.
inline bool rolls_back_to_savepoint(std::string_view sql) {
  auto words = upper_word(sql, 3);
  return words.find(" TO ") != std::string::npos || words.ends_with(" TO");
}

// `word`: the statement's first word, upper case; `changes`: the rows an
// INSERT, UPDATE or DELETE changed.
inline pgwire::Response command_response(std::string_view sql, std::string_view word, std::int64_t changes) {
  if (word == "INSERT") return pgwire::Response::command("INSERT 0 " + std::to_string(changes));
  if (word == "UPDATE" || word == "DELETE") return pgwire::Response::command(std::string(word) + " " + std::to_string(changes));
  if (word == "BEGIN" || word == "START") return pgwire::Response::begin();
  if (word == "COMMIT" || word == "END") return pgwire::Response::commit();
  if (word == "ROLLBACK") return rolls_back_to_savepoint(sql) ? pgwire::Response::rollback_to_savepoint()
                                                               : pgwire::Response::rollback();
  if (word == "TRUNCATE") return pgwire::Response::command("TRUNCATE TABLE");
  if (upper_word(sql, 3) == "CREATE UNIQUE INDEX") return pgwire::Response::command("CREATE INDEX");
  if (word == "CREATE" || word == "DROP" || word == "ALTER") {
    std::string tag = upper_word(sql, 3);  // CREATE TEMP TABLE: "CREATE TABLE"
    for (std::string_view temp : {" TEMP ", " TEMPORARY "})
      if (auto at = tag.find(temp); at != std::string::npos)
        return pgwire::Response::command(std::string(word) + tag.substr(at + temp.size() - 1));
    return pgwire::Response::command(upper_word(sql, 2));
  }
  return pgwire::Response::command(std::string(word));
}

}  // namespace sqlite_example

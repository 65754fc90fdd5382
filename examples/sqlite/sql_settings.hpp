#pragma once
// current_setting() in the SQL SQLite runs. A session's settings live on
// its io thread, where SET changes them; a statement whose text names
// current_setting takes a copy to its connection's worker (SqliteHandler's
// StatementJob), where this SQL function reads it, also while the
// statement's later batches are stepped. A connection's jobs run one at a
// time, so the copy needs no lock. (A lone `SELECT current_setting('x')` is
// answered before it reaches SQLite, by pgwire::SessionCommands.)

#include <sqlite3.h>

#include <memory>
#include <string>
#include <string_view>

#include <pgwire/api/session_commands.hpp>
#include <pgwire/protocol/settings.hpp>

#include "errors.hpp"

namespace sqlite_example {

// Does the text name current_setting, in any case? (A scan of the text: no
// tokens are made for the statements that do not.)
inline bool names_current_setting(std::string_view sql) {
  constexpr std::string_view name = "current_setting";
  for (std::size_t at = 0; at + name.size() <= sql.size(); ++at) {
    std::size_t k = 0;
    while (k < name.size()) {
      char c = sql[at + k];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != name[k]) break;
      ++k;
    }
    if (k == name.size()) return true;
  }
  return false;
}

class SqlSettings {
 public:
  // The running statement's copy of its session's settings (worker jobs).
  void use(std::shared_ptr<const pgwire::ParameterMap> values) { values_ = std::move(values); }

  // current_setting(name [, missing_ok]) on `db`, reading this object.
  void install(sqlite3* db) {
    sqlite3_create_function_v2(db, "current_setting", -1, SQLITE_UTF8, this, &call, nullptr, nullptr, nullptr);
  }

 private:
  static void call(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
    if (argc < 1 || argc > 2) {
      std::string e = function_error("42883", "function current_setting does not exist");
      return sqlite3_result_error(ctx, e.c_str(), -1);
    }
    for (int i = 0; i < argc; ++i)
      if (sqlite3_value_type(argv[i]) == SQLITE_NULL) return sqlite3_result_null(ctx);  // strict
    auto* self = static_cast<SqlSettings*>(sqlite3_user_data(ctx));
    std::string_view name(reinterpret_cast<const char*>(sqlite3_value_text(argv[0])),
                          static_cast<std::size_t>(sqlite3_value_bytes(argv[0])));
    static const pgwire::ParameterMap none;
    auto value = pgwire::setting_value(self->values_ ? *self->values_ : none, name);
    if (!value) {
      if (argc == 2 && sqlite3_value_int(argv[1]) != 0) return sqlite3_result_null(ctx);  // missing_ok
      std::string e = function_error("42704", "unrecognized configuration parameter \"" + std::string(name) + "\"");
      return sqlite3_result_error(ctx, e.c_str(), -1);
    }
    sqlite3_result_text(ctx, value->data(), static_cast<int>(value->size()), SQLITE_TRANSIENT);
  }

  std::shared_ptr<const pgwire::ParameterMap> values_;
};

}  // namespace sqlite_example

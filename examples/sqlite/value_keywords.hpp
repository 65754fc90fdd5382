#pragma once
// SQL value keywords and session functions, as text edits (tokens.hpp).
// CURRENT_TIMESTAMP, LOCALTIMESTAMP, CURRENT_DATE, ... become the functions
// of functions.hpp (SQLite has some of the keywords, but gives UTC text
// without fractions or zone, and a time per row rather than per
// transaction); CURRENT_USER, SESSION_USER, CURRENT_ROLE, CURRENT_CATALOG,
// current_database(), current_schema[()] and version() become literals of
// the session's values.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tokens.hpp"

namespace sqlite_dialect {

// Who is asking: what the session-dependent keywords say.
struct Identity {
  std::string user = "postgres";
  std::string database = "postgres";
  std::string version = "PostgreSQL 15.0 (pgwire-cpp)";
  std::int32_t backend_pid = 0;  // the session's, as BackendKeyData gave it
};

// The edits for value keywords and session functions.
inline void rewrite_keywords(const std::vector<Token>& toks, const Identity& who, std::vector<Edit>& edits) {
  // 'now', 'today', 'tomorrow', 'yesterday' read as a date/time ('now'::timestamptz,
  // date 'today'): the transaction's now() and current_date, as PostgreSQL
  // reads them (the type layer would read the clock at the call).
  auto moment_type = [](const Token& t) {
    for (std::string_view w : {"date", "timestamp", "timestamptz", "time", "timetz"})
      if (t.is_keyword(w)) return true;
    return false;
  };
  for (std::size_t i = 0; i < toks.size(); ++i) {
    if (toks[i].kind != Kind::string) continue;
    bool cast = (i + 2 < toks.size() && is(toks[i + 1], "::") && moment_type(toks[i + 2])) ||
                (i > 0 && moment_type(toks[i - 1]) && !(i > 1 && is(toks[i - 2], "::")));
    if (!cast) continue;
    std::string v = toks[i].value();
    for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string replacement = v == "now"         ? "now()"
                              : v == "today"     ? "pgwire_current_date()"
                              : v == "tomorrow"  ? "date(pgwire_current_date(), '+1 day')"
                              : v == "yesterday" ? "date(pgwire_current_date(), '-1 day')"
                                                 : "";
    // (timestamp 'now': the typed literal's keyword goes, the value needs its cast)
    bool typed = i > 0 && moment_type(toks[i - 1]) && !(i > 1 && is(toks[i - 2], "::"));
    if (typed && !replacement.empty()) {
      const char* oid = toks[i - 1].is_keyword("timestamp") ? "1114" : toks[i - 1].is_keyword("time") ? "1083" : nullptr;
      if (oid) replacement = "pgwire_cast(" + replacement + ", " + oid + ")";
    }
    if (!replacement.empty()) edits.push_back({toks[i].offset, toks[i].end(), replacement});
  }
  for (std::size_t i = 0; i < toks.size(); ++i) {
    const Token& t = toks[i];
    if (t.kind != Kind::word) continue;
    if (i > 0 && (is(toks[i - 1], ".") || is(toks[i - 1], "as"))) continue;
    bool call = i + 2 < toks.size() && is(toks[i + 1], "(") && is(toks[i + 2], ")");
    if (i + 1 < toks.size() && is(toks[i + 1], ".")) continue;  // a qualifier, not a keyword
    std::string replacement;
    std::size_t last = i;
    std::string w = t.value();
    bool concatenated = (i > 0 && is(toks[i - 1], "||")) || (i + 1 < toks.size() && is(toks[i + 1], "||"));
    if ((w == "true" || w == "false") && concatenated)  // (boolout's text, not SQLite's 1/0)
      replacement = "'" + w + "'";
    else if (w == "current_timestamp" && !call)
      replacement = "now()";
    else if (w == "localtimestamp" && !call)
      replacement = "pgwire_localtimestamp()";
    else if (w == "current_date" && !call)
      replacement = "pgwire_current_date()";
    else if (w == "current_time" && !call)
      replacement = "pgwire_current_time()";
    else if (w == "localtime" && !call)
      replacement = "pgwire_localtime()";
    else if ((w == "current_user" || w == "session_user" || w == "current_role") && !call)
      replacement = quote_literal(who.user);
    else if (w == "current_catalog" && !call)
      replacement = quote_literal(who.database);
    else if (w == "current_schema" && !call)
      replacement = "'public'";
    else if (call && w == "current_database")
      replacement = quote_literal(who.database), last = i + 2;
    else if (call && w == "current_schema")
      replacement = "'public'", last = i + 2;
    else if (call && w == "version")
      replacement = quote_literal(who.version), last = i + 2;
    else if (call && w == "pg_backend_pid")
      replacement = std::to_string(who.backend_pid), last = i + 2;
    else if (call && w == "pg_is_in_recovery")  // (never a standby)
      replacement = "0", last = i + 2;
    else
      continue;
    edits.push_back({t.offset, toks[last].end(), replacement});
    i = last;
  }
}

}  // namespace sqlite_dialect

#include "pgwire/api/handlers.hpp"

#include <cctype>

namespace pgwire {

bool CaseInsensitiveLess::operator()(std::string_view a, std::string_view b) const noexcept {
  std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    int x = std::tolower(static_cast<unsigned char>(a[i]));
    int y = std::tolower(static_cast<unsigned char>(b[i]));
    if (x != y) return x < y;
  }
  return a.size() < b.size();
}

std::optional<std::string> ClientInfo::startup_parameter(std::string_view name) const {
  std::optional<std::string> found;
  for (const auto& [k, v] : startup_parameters)
    if (k == name) found = v;
  return found;
}

std::vector<std::pair<std::string, std::string>> StartupHandler::server_parameters(
    const ClientInfo& client) {
  // What PostgreSQL 15 reports at login; drivers read server_version,
  // integer_datetimes, standard_conforming_strings and client_encoding (JDBC
  // refuses anything but UTF8).
  return {
      {"server_version", "15.0"},
      {"server_encoding", "UTF8"},
      {"client_encoding", "UTF8"},
      {"DateStyle", "ISO, MDY"},
      {"IntervalStyle", "postgres"},
      {"TimeZone", "UTC"},
      {"integer_datetimes", "on"},
      {"standard_conforming_strings", "on"},
      {"application_name", client.application_name},
      {"is_superuser", "off"},
      {"session_authorization", client.user},
      {"default_transaction_read_only", "off"},
      {"in_hot_standby", "off"},
  };
}

asio::awaitable<std::vector<Response>> SimpleQueryHandler::query(Session&, std::string_view) {
  throw PgError(sqlstate::feature_not_supported, "simple query protocol is not supported");
  co_return std::vector<Response>{};
}

asio::awaitable<void> SimpleQueryHandler::stream(Session& session, std::string_view sql,
                                                 ResponseSink& out) {
  std::vector<Response> responses = co_await query(session, sql);
  for (auto& r : responses) {
    bool ok = co_await out.send(r);
    if (!ok) break;
  }
}

namespace {

// Length of the token starting at sql[i] that must be skipped as a unit
// (quoted string, quoted identifier, dollar quote, comment), or 0.
std::size_t skip_token(std::string_view sql, std::size_t i) {
  char c = sql[i];
  auto until = [&](std::size_t from, std::string_view end) {
    std::size_t e = sql.find(end, from);
    return (e == std::string_view::npos ? sql.size() : e + end.size()) - i;
  };
  if (c == '\'' || c == '"') {
    // Doubled quotes escape; E'' strings also allow backslash escapes.
    bool backslash = c == '\'' && i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e');
    std::size_t j = i + 1;
    while (j < sql.size()) {
      if (backslash && sql[j] == '\\') {
        j += 2;
        continue;
      }
      if (sql[j] == c) {
        if (j + 1 < sql.size() && sql[j + 1] == c) {
          j += 2;
          continue;
        }
        return j + 1 - i;
      }
      ++j;
    }
    return sql.size() - i;
  }
  if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') return until(i + 2, "\n");
  if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
    // Block comments nest in PostgreSQL.
    int depth = 0;
    std::size_t j = i;
    while (j + 1 < sql.size()) {
      if (sql[j] == '/' && sql[j + 1] == '*') {
        ++depth;
        j += 2;
      } else if (sql[j] == '*' && sql[j + 1] == '/') {
        j += 2;
        if (--depth == 0) return j - i;
      } else {
        ++j;
      }
    }
    return sql.size() - i;
  }
  if (c == '$') {
    // $tag$ ... $tag$ where tag is empty or an identifier not starting with a digit.
    std::size_t j = i + 1;
    while (j < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[j])) || sql[j] == '_'))
      ++j;
    if (j < sql.size() && sql[j] == '$' && !(j > i + 1 && std::isdigit(static_cast<unsigned char>(sql[i + 1])))) {
      std::string_view tag = sql.substr(i, j + 1 - i);
      return until(j + 1, tag);
    }
  }
  return 0;
}

bool blank(std::string_view s);

bool blank(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (std::isspace(c) || c == ';') {
      ++i;
      continue;
    }
    bool comment = (c == '-' && i + 1 < s.size() && s[i + 1] == '-') ||
                   (c == '/' && i + 1 < s.size() && s[i + 1] == '*');
    if (!comment) return false;
    i += skip_token(s, i);
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

std::vector<std::string_view> split_statements(std::string_view sql) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i < sql.size();) {
    if (std::size_t n = skip_token(sql, i)) {
      i += n;
      continue;
    }
    if (sql[i] == ';') {
      auto stmt = sql.substr(start, i - start);
      if (!blank(stmt)) out.push_back(trim(stmt));
      start = i + 1;
    }
    ++i;
  }
  auto last = sql.substr(std::min(start, sql.size()));
  if (!blank(last)) out.push_back(trim(last));
  return out;
}

bool is_empty_query(std::string_view sql) { return blank(sql); }

}  // namespace pgwire

// The session's settings and their transaction rules (settings.hpp): one
// level of guc.c's per-setting stack (push_old_value / AtEOXact_GUC), the
// session defaults RESET restores, and which ParameterStatus are due.

#include "pgwire/protocol/settings.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <span>

#include "shared_parameters.hpp"

namespace pgwire {

Settings::Map::Map() : map_(protocol::detail::no_parameters()) {}

Settings::Map::Map(const Map& other)
    : map_(other.own_ ? std::make_shared<ParameterMap>(*other.map_) : other.map_), own_(other.own_) {}

ParameterMap& Settings::Map::own() {
  if (!own_) {
    map_ = std::make_shared<ParameterMap>(*map_);
    own_ = true;
  }
  // Made non-const by make_shared<ParameterMap> above, and held by no one else.
  return const_cast<ParameterMap&>(*map_);
}

void Settings::Map::share(ParameterMap contents) {
  map_ = protocol::detail::share_parameters(std::move(contents));
  own_ = false;
}

bool CaseInsensitiveLess::operator()(std::string_view a, std::string_view b) const noexcept {
  std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    int x = std::tolower(static_cast<unsigned char>(a[i]));
    int y = std::tolower(static_cast<unsigned char>(b[i]));
    if (x != y) return x < y;
  }
  return a.size() < b.size();
}

namespace {

bool same_name(std::string_view a, std::string_view b) {
  CaseInsensitiveLess less;
  return !less(a, b) && !less(b, a);
}

// Settings RESET ALL leaves alone: PostgreSQL's internal (read-only) ones
// and those marked GUC_NO_RESET_ALL. A product may still have changed them
// with Session::set_parameter, for reasons of its own.
bool kept_by_reset_all(std::string_view name) {
  static const char* const names[] = {
      "server_version", "server_version_num", "server_encoding", "integer_datetimes", "in_hot_standby",
      "is_superuser", "session_authorization", "role", "transaction_isolation", "transaction_read_only",
      "transaction_deferrable", "lc_collate", "lc_ctype", "max_identifier_length", "block_size",
      "max_connections"};
  for (const char* n : names)
    if (same_name(name, n)) return true;
  return false;
}

// PostgreSQL 15's GUC_REPORT settings, canonically spelled.
std::span<const std::string_view> reported_names() {
  static constexpr std::string_view names[] = {
      "server_version", "server_encoding", "client_encoding", "application_name",
      "default_transaction_read_only", "in_hot_standby", "is_superuser",
      "session_authorization", "DateStyle", "IntervalStyle", "TimeZone", "integer_datetimes",
      "standard_conforming_strings"};
  return names;
}

}  // namespace

std::optional<std::string_view> Settings::reported_name(std::string_view name) {
  for (std::string_view n : reported_names())
    if (same_name(name, n)) return n;
  return std::nullopt;
}

namespace {

// What a setting reads as when nobody set it (builtin_default()).
constexpr std::pair<std::string_view, std::string_view> builtin_defaults_table[] = {
    {"application_name", ""},
    {"client_encoding", "UTF8"},
    {"server_encoding", "UTF8"},
    {"DateStyle", "ISO, MDY"},
    {"IntervalStyle", "postgres"},
    {"TimeZone", "UTC"},
    {"integer_datetimes", "on"},
    {"standard_conforming_strings", "on"},
    {"is_superuser", "off"},
    {"in_hot_standby", "off"},
    {"transaction_isolation", "read committed"},
    {"default_transaction_isolation", "read committed"},
    {"transaction_read_only", "off"},
    {"default_transaction_read_only", "off"},
    {"max_identifier_length", "63"},
    {"lc_collate", "C.UTF-8"},
    {"lc_ctype", "C.UTF-8"},
    {"lc_messages", "C"},
    {"search_path", "\"$user\", public"},
    {"extra_float_digits", "1"},
    {"statement_timeout", "0"},
    {"bytea_output", "hex"},
    {"client_min_messages", "notice"},
    {"max_connections", "100"},
    {"block_size", "8192"},
    // What tools read to show a server's configuration (DBeaver, pgAdmin,
    // monitoring): PostgreSQL 15's defaults, so that SHOW and
    // current_setting() answer as a fresh PostgreSQL does instead of 42704.
    // A product that knows better sets them (Session::set_parameter).
    {"work_mem", "4MB"},
    {"maintenance_work_mem", "64MB"},
    {"shared_buffers", "128MB"},
    {"effective_cache_size", "4GB"},
    {"temp_buffers", "8MB"},
    {"random_page_cost", "4"},
    {"seq_page_cost", "1"},
    {"cpu_tuple_cost", "0.01"},
    {"default_statistics_target", "100"},
    {"lock_timeout", "0"},
    {"idle_in_transaction_session_timeout", "0"},
    {"idle_session_timeout", "0"},
    {"max_wal_size", "1GB"},
    {"min_wal_size", "80MB"},
    {"wal_level", "replica"},
    {"wal_block_size", "8192"},
    {"wal_segment_size", "16MB"},
    {"segment_size", "1GB"},
    {"max_prepared_transactions", "0"},
    {"max_locks_per_transaction", "64"},
    {"max_replication_slots", "10"},
    {"max_wal_senders", "10"},
    {"max_worker_processes", "8"},
    {"max_parallel_workers", "8"},
    {"max_parallel_workers_per_gather", "2"},
    {"superuser_reserved_connections", "3"},
    {"track_commit_timestamp", "off"},
    {"data_checksums", "off"},
    {"autovacuum", "on"},
    {"fsync", "on"},
    {"synchronous_commit", "on"},
    {"full_page_writes", "on"},
    {"checkpoint_timeout", "5min"},
    {"hot_standby", "on"},
    {"row_security", "on"},
    {"enable_seqscan", "on"},
    {"enable_indexscan", "on"},
    {"enable_bitmapscan", "on"},
    {"enable_hashjoin", "on"},
    {"enable_mergejoin", "on"},
    {"enable_nestloop", "on"},
    {"enable_sort", "on"},
    {"jit", "on"},
    {"default_tablespace", ""},
    {"temp_tablespaces", ""},
    {"default_text_search_config", "pg_catalog.english"},
    {"default_toast_compression", "pglz"},
    {"password_encryption", "scram-sha-256"},
    {"session_replication_role", "origin"},
    {"lc_monetary", "C"},
    {"lc_numeric", "C"},
    {"lc_time", "C"},
    {"log_timezone", "UTC"},
    {"timezone_abbreviations", "Default"},
    {"array_nulls", "on"},
    {"backslash_quote", "safe_encoding"},
    {"escape_string_warning", "on"},
    {"xmlbinary", "base64"},
    {"xmloption", "content"},
    {"shared_preload_libraries", ""},
    {"cluster_name", ""},
};

}  // namespace

std::span<const std::pair<std::string_view, std::string_view>> Settings::builtin_defaults() {
  return builtin_defaults_table;
}

std::optional<std::string_view> Settings::builtin_default(std::string_view name) {
  for (const auto& [k, v] : builtin_defaults_table)
    if (same_name(name, k)) return v;
  return std::nullopt;
}

std::vector<std::pair<std::string, std::string>> Settings::from_startup_options(std::string_view options) {
  // pg_split_opts: words split at unescaped whitespace, '\' escapes the
  // next character.
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < options.size()) {
    while (i < options.size() && std::isspace(static_cast<unsigned char>(options[i]))) ++i;
    if (i == options.size()) break;
    std::string w;
    bool escaped = false;
    for (; i < options.size(); ++i) {
      char c = options[i];
      if (!escaped && std::isspace(static_cast<unsigned char>(c))) break;
      if (!escaped && c == '\\') {
        escaped = true;
      } else {
        escaped = false;
        w += c;
      }
    }
    words.push_back(std::move(w));
  }
  // process_postgres_switches: "-c name=value" (or "-cname=value") and
  // "--name=value" set a setting, '-' in the name read as '_'. The other
  // switches are server options a session cannot honour: skipped, with the
  // argument of those that take one.
  static constexpr std::string_view takes_argument = "BcCDdfhkNprStvW-";
  std::vector<std::pair<std::string, std::string>> out;
  for (std::size_t k = 0; k < words.size(); ++k) {
    const std::string& w = words[k];
    if (w.size() < 2 || w[0] != '-' || takes_argument.find(w[1]) == std::string_view::npos) continue;
    std::string arg = w.size() > 2 ? w.substr(2) : (k + 1 < words.size() ? words[++k] : std::string());
    if (w[1] != 'c' && w[1] != '-') continue;
    auto eq = arg.find('=');
    if (eq == std::string::npos || eq == 0) continue;  // PostgreSQL: "requires a value"
    std::string name = arg.substr(0, eq);
    std::replace(name.begin(), name.end(), '-', '_');
    out.emplace_back(std::move(name), arg.substr(eq + 1));
  }
  return out;
}

std::optional<std::string> Settings::get(std::string_view name) const {
  const ParameterMap& values = values_.get();
  auto it = values.find(name);
  if (it == values.end()) return std::nullopt;
  return it->second;
}

// The value a client sees: a setting the session does not carry reads as
// its built-in default.
std::string Settings::current(std::string_view name) const {
  if (auto v = get(name)) return *v;
  return std::string(builtin_default(name).value_or(""));
}

std::optional<std::string> Settings::session_default(std::string_view name) const {
  const ParameterMap& defaults = defaults_.get();
  auto it = defaults.find(name);
  if (it == defaults.end()) return std::nullopt;
  return it->second;
}

void Settings::set(std::string_view name, std::string_view value, SettingScope scope) {
  save(name, scope);
  assign(name, std::string(value));
}

void Settings::reset(std::string_view name, SettingScope scope) {
  std::optional<std::string> value = session_default(name);
  if (!value && name.find('.') != std::string_view::npos) value = std::string();
  save(name, scope);
  assign(name, std::move(value));
}

void Settings::reset_all() {
  std::set<std::string, CaseInsensitiveLess> names;
  for (const auto& [k, v] : values_.get()) names.insert(k);
  for (const auto& [k, v] : defaults_.get()) names.insert(k);
  for (const auto& n : names)
    if (!kept_by_reset_all(n)) reset(n);
}

// PostgreSQL's push_old_value: the first change of a setting in a
// transaction remembers the value before it; later ones only change how
// the transaction's end treats it.
Settings::Changes& Settings::changes() {
  if (!changes_) changes_ = std::make_unique<Changes>();
  return *changes_;
}

void Settings::release_changes() noexcept {
  if (changes_ && changes_->saved.empty() && changes_->reported.empty()) changes_.reset();
}

void Settings::save(std::string_view name, SettingScope scope) {
  auto& saved = changes().saved;
  auto it = saved.find(name);
  if (it == saved.end()) {
    saved.emplace(std::string(name),
                   Saved{scope == SettingScope::local ? Saved::local : Saved::set, get(name), std::nullopt});
    return;
  }
  Saved& s = it->second;
  if (scope == SettingScope::session) {
    s.kind = Saved::set;  // a SET overrides whatever came before it
    s.masked.reset();
  } else if (s.kind == Saved::set) {
    s.kind = Saved::set_local;  // COMMIT returns to this SET value
    s.masked = get(name);
  }
}

void Settings::commit() {
  if (!changes_ || changes_->saved.empty()) return;  // the usual case, at every ReadyForQuery
  auto saved = std::exchange(changes_->saved, {});
  for (auto& [name, s] : saved) {
    if (s.kind == Saved::local) assign(name, std::move(s.prior));
    if (s.kind == Saved::set_local) assign(name, std::move(s.masked));
  }
}

void Settings::rollback() {
  if (!changes_ || changes_->saved.empty()) return;
  auto saved = std::exchange(changes_->saved, {});
  for (auto& [name, s] : saved) assign(name, std::move(s.prior));
}

namespace {

// client_min_messages' order of the levels (LOG ranks below NOTICE for the client).
int client_level(std::string_view level) {
  static constexpr std::pair<std::string_view, int> levels[] = {
      {"debug5", 0}, {"debug4", 1}, {"debug3", 2}, {"debug2", 3}, {"debug1", 4}, {"debug", 4},
      {"log", 5},    {"notice", 6}, {"warning", 7}, {"error", 8}};
  CaseInsensitiveLess less;
  for (auto [name, rank] : levels)
    if (!less(level, name) && !less(name, level)) return rank;
  return 6;  // (an unknown value: the default, NOTICE)
}

}  // namespace

bool Settings::client_receives(std::string_view severity) const {
  CaseInsensitiveLess less;
  if (!less(severity, "INFO") && !less("INFO", severity)) return true;
  const ParameterMap& values = values_.get();
  auto it = values.find(std::string_view("client_min_messages"));
  if (it == values.end()) return client_level(severity) >= 6;  // (the default: NOTICE)
  return client_level(severity) >= client_level(it->second);
}

std::string Settings::checked_value(std::string_view name, std::string value) {
  CaseInsensitiveLess less;
  if (!less(name, "application_name") && !less("application_name", name))
    for (char& c : value)
      if (static_cast<unsigned char>(c) < 32 || static_cast<unsigned char>(c) > 126) c = '?';
  return value;
}

void Settings::assign(std::string_view name, std::optional<std::string> value) {
  ++version_;
  auto reported = reported_name(name);
  if (value) value = checked_value(name, std::move(*value));
  if (value) {
    ParameterMap& values = values_.own();
    auto it = values.find(name);
    if (it != values.end()) {
      it->second = std::move(*value);  // keeps the first spelling of the name
    } else {
      values.emplace(std::string(reported.value_or(name)), std::move(*value));
    }
  } else if (values_.get().count(name) != 0) {
    values_.own().erase(std::string(name));
  }
  if (reported) {
    auto& changed = changes().reported;
    if (std::find(changed.begin(), changed.end(), *reported) == changed.end()) changed.push_back(*reported);
  }
}

std::vector<std::pair<std::string, std::string>> Settings::start(const ParameterMap& values) {
  ++version_;
  ParameterMap login;
  for (const auto& [k, v] : values)
    login.insert_or_assign(std::string(reported_name(k).value_or(k)), checked_value(k, v));
  values_.share(std::move(login));
  defaults_ = values_;  // shared: neither is changed in place
  changes_.reset();
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [k, v] : values_.get())
    if (reported_name(k)) out.emplace_back(k, v);
  // Those the login does not report read as their built-in default: a
  // client learns about them once they change from it.
  ParameterMap reported;
  for (std::string_view name : reported_names()) reported.emplace(std::string(name), current(name));
  reported_.share(std::move(reported));
  return out;
}

std::vector<std::pair<std::string, std::string>> Settings::take_reports() {
  std::vector<std::pair<std::string, std::string>> out;
  if (!changes_) return out;  // the usual case, at every ReadyForQuery
  std::vector<std::string_view> changed = std::exchange(changes_->reported, {});
  release_changes();
  for (std::string_view name : changed) {
    std::string value = current(name);
    const ParameterMap& reported = reported_.get();
    auto it = reported.find(name);
    if (it != reported.end() && it->second == value) continue;
    reported_.own().insert_or_assign(std::string(name), value);
    out.emplace_back(std::string(name), std::move(value));
  }
  // In name order, ignoring case: PostgreSQL 15 walks its sorted GUC array
  // (the golden captures show it).
  CaseInsensitiveLess less;
  std::sort(out.begin(), out.end(), [&](const auto& a, const auto& b) { return less(a.first, b.first); });
  return out;
}

}  // namespace pgwire

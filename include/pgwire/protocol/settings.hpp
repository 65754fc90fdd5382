#pragma once
// A session's settings (PostgreSQL's GUCs) and the one place of their rules:
//
//   - SET lasts for the session once its transaction commits, and is undone
//     when the transaction rolls back (ROLLBACK, or an error);
//   - SET LOCAL lasts until the end of its transaction, commit or rollback;
//     SET then SET LOCAL of one setting in a block: COMMIT goes back to the
//     SET value; SET LOCAL then SET: the SET wins (PostgreSQL's guc.c);
//   - RESET / SET ... TO DEFAULT restore the session default: the value at
//     login (the product's server parameters, then the startup parameters
//     and their `options` -c switches), else the built-in default; a custom
//     (dotted) setting resets to '', as PostgreSQL's placeholders do.
//     RESET ALL does that for every setting a client may change;
//   - ParameterStatus: a reported setting (GUC_REPORT) whose value differs
//     from the one last reported to the client is reported again just before
//     ReadyForQuery, as PostgreSQL 14+ does.
//
// Where a transaction ends is the session machine's to say (it calls
// commit() / rollback(): at a COMMIT or ROLLBACK Response, after an error,
// and at the end of the implicit transaction of a Query or of an extended
// batch, at ReadyForQuery). A product that tracks transactions itself
// (Session::set_transaction_status) calls commit() or rollback() at its own
// COMMIT / ROLLBACK: a block the machine never saw end is only committed at
// the next ReadyForQuery outside it.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pgwire {

namespace protocol {
class SessionMachine;
}

// Setting names compare case-insensitively, as PostgreSQL's GUCs do
// ("DateStyle" = "datestyle").
struct CaseInsensitiveLess {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const noexcept;
};
using ParameterMap = std::map<std::string, std::string, CaseInsensitiveLess>;

enum class SettingScope {
  session,  // SET: kept if the transaction commits
  local,    // SET LOCAL: undone when the transaction ends
};

class Settings {
 public:
  // A value as the setting's check hook leaves it. PostgreSQL 15's
  // application_name (pg_clean_ascii): every byte outside printable ASCII
  // becomes '?', so other sessions and logs only ever see plain ASCII.
  static std::string checked_value(std::string_view name, std::string value);

  // The current value; nullopt for a setting the session does not carry
  // (builtin_default() may know it).
  std::optional<std::string> get(std::string_view name) const;
  // Every setting the session carries, by name (valid until a setting
  // changes).
  const ParameterMap& values() const noexcept { return values_.get(); }
  // The value at login, which RESET restores; nullopt when there was none.
  std::optional<std::string> session_default(std::string_view name) const;

  // Whether a notice of this severity (NOTICE, WARNING, INFO, LOG, DEBUG)
  // reaches the client under client_min_messages, as PostgreSQL decides:
  // DEBUG5..DEBUG1 < LOG < NOTICE < WARNING < ERROR, and INFO always
  // (Sequel sets WARNING at connect, and then sees no NOTICEs).
  bool client_receives(std::string_view severity) const;

  // Counts the changes of the values, so that a value derived from a
  // setting can be kept until it changes (the idle limits,
  // session_limits.cpp; a product's zone of TimeZone, time_zone.hpp).
  std::uint64_t version() const noexcept { return version_; }

  // SET / SET LOCAL name = value.
  void set(std::string_view name, std::string_view value, SettingScope scope = SettingScope::session);
  // RESET name / SET [LOCAL] name TO DEFAULT.
  void reset(std::string_view name, SettingScope scope = SettingScope::session);
  // RESET ALL: every setting but the read-only and per-transaction ones
  // PostgreSQL leaves alone (server_version, transaction_isolation, ...).
  void reset_all();

  // The end of the current transaction (see the top of this file).
  void commit();
  void rollback();

  // The canonical spelling of a setting PostgreSQL reports with
  // ParameterStatus ("datestyle" -> "DateStyle"); nullopt for the others.
  static std::optional<std::string_view> reported_name(std::string_view name);
  // PostgreSQL 15's default for the settings drivers read at connect.
  static std::optional<std::string_view> builtin_default(std::string_view name);
  // Every (name, value) builtin_default() knows (the catalog's pg_settings).
  static std::span<const std::pair<std::string_view, std::string_view>> builtin_defaults();
  // The settings of a startup packet's `options` ("-c name=value",
  // "--name=value"; backslash escapes a space), as PostgreSQL reads them.
  static std::vector<std::pair<std::string, std::string>> from_startup_options(std::string_view options);

 private:
  friend class protocol::SessionMachine;

  // How a setting was changed in the current transaction (guc.c's stack
  // states, one nesting level: there are no savepoints here).
  struct Saved {
    enum Kind { set, local, set_local } kind;
    std::optional<std::string> prior;   // the value before the transaction (nullopt: none)
    std::optional<std::string> masked;  // set_local: the SET value COMMIT returns to
  };

  // Login: `values` become the current values and the session defaults, and
  // count as reported; returns the ParameterStatus to send with
  // AuthenticationOk, canonically named.
  std::vector<std::pair<std::string, std::string>> start(const ParameterMap& values);
  // The reported settings whose value changed since they were last
  // reported, which now count as reported.
  std::vector<std::pair<std::string, std::string>> take_reports();

  std::string current(std::string_view name) const;
  void save(std::string_view name, SettingScope scope);
  void assign(std::string_view name, std::optional<std::string> value);

  // A map shared with the other sessions that logged in alike (an idle
  // session then costs a pointer, not a map: src/protocol/shared_parameters.hpp),
  // copied at its first change. A shared map is never changed.
  class Map {
   public:
    Map();
    Map(const Map& other);
    Map(Map&&) noexcept = default;
    Map& operator=(Map other) noexcept {
      std::swap(map_, other.map_);
      std::swap(own_, other.own_);
      return *this;
    }
    const ParameterMap& get() const noexcept { return *map_; }
    // The session's own map, to change.
    ParameterMap& own();
    // Shares the map of these contents with the sessions that hold one.
    void share(ParameterMap contents);

   private:
    std::shared_ptr<const ParameterMap> map_;
    bool own_ = false;  // made by own(), not shared: may change
  };

  // What changed since the last ReadyForQuery: allocated at a change,
  // freed once it is empty again (commit or rollback, and the reports taken),
  // so that a session between statements holds none.
  struct Changes {
    std::map<std::string, Saved, CaseInsensitiveLess> saved;  // the current transaction's changes
    std::vector<std::string_view> reported;                   // reported settings changed since last sent
  };
  Changes& changes();
  void release_changes() noexcept;

  Map values_;
  std::uint64_t version_ = 0;
  Map defaults_;
  Map reported_;  // the last value sent per reported setting
  std::unique_ptr<Changes> changes_;
};

}  // namespace pgwire

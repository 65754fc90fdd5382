#pragma once
// What a handler knows about, and can do to, the connection it serves. The
// session machine (session_machine.hpp) implements it.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pgwire/codec/error_info.hpp"
#include "pgwire/codec/common.hpp"
#include "pgwire/protocol/session_handle.hpp"
#include "pgwire/protocol/settings.hpp"
#include "pgwire/protocol/tls_facts.hpp"
#include "pgwire/protocol/typed_slot.hpp"

namespace pgwire {

// The PostgreSQL version a server reports unless ServerOptions says otherwise
// (server_version, server_version_num, SELECT version()).
inline constexpr const char* default_server_version = "15.0";

// What the startup packet's `replication` parameter asked for: an ordinary
// session, a walsender for logical replication ("database": replication
// commands and SQL), or one for physical replication (true/on/yes/1:
// replication commands only). Set before authentication (walsender_rules.cpp).
enum class ReplicationMode : std::uint8_t { none, logical, physical };

struct ClientInfo {
  std::string user;
  std::string database;
  std::string application_name;
  // Every ordinary startup parameter as sent (options, client_encoding, ...).
  std::vector<std::pair<std::string, std::string>> startup_parameters;
  ProtocolVersion protocol = protocol_3_0;  // negotiated
  std::string remote_address;               // "127.0.0.1:5555" or "unix"
  bool tls = false;
  std::string tls_version;  // e.g. "TLSv1.3"
  std::string alpn;         // "postgresql" when negotiated
  bool direct_tls = false;  // PostgreSQL 17 direct SSL (no SSLRequest)
  // The client's certificate, verified (TlsOptions::client_certificates);
  // null without one. A pointer (16 bytes, not 96): most sessions have none.
  std::shared_ptr<const TlsClientCertificate> client_certificate;
  ReplicationMode replication = ReplicationMode::none;

  std::optional<std::string> startup_parameter(std::string_view name) const;
};

class Session {
 public:
  virtual ~Session() = default;

  virtual const ClientInfo& client() const noexcept = 0;
  virtual std::int32_t process_id() const noexcept = 0;

  virtual TransactionStatus transaction_status() const noexcept = 0;
  // Handlers normally drive the status through Response effects; this is for
  // products that track transactions themselves (they also end the
  // transaction of the settings: Settings::commit / rollback).
  virtual void set_transaction_status(TransactionStatus status) noexcept = 0;
  // True inside a transaction block: between BEGIN and its end (the status
  // is not idle), and while a simple Query of several statements runs, which
  // PostgreSQL executes as one implicit block. SET LOCAL warns outside one.
  virtual bool in_transaction_block() const = 0;
  // PostgreSQL runs the Executes of one extended-query batch, up to its
  // Sync, as one implicit transaction outside a block: an error in one
  // rolls back those before it (asyncpg's executemany and JDBC's batches
  // count on it). For a product whose engine commits each statement on its
  // own, these tell, in ExtendedQueryHandler::execute(), whether the
  // statement now running is the last of its batch (the client's Sync
  // already arrived right behind it: autocommit is the same transaction),
  // and, in sync(), whether that transaction must roll back (an ERROR went
  // out in the batch, the Query's too, since the last ReadyForQuery).
  virtual bool sync_follows() const noexcept = 0;
  virtual bool batch_failed() const noexcept = 0;

  // Queue a NoticeResponse (severity NOTICE/WARNING/INFO/...): it goes out
  // with the next batch, in order with the results around it.
  virtual void send_notice(const ErrorInfo& notice) = 0;

  // Session parameters (GUCs), with PostgreSQL's transaction rules for SET,
  // SET LOCAL and RESET (settings.hpp). Startup parameters and server
  // parameters are here after login. When one that is reported to clients
  // (server_version, client_encoding, DateStyle, TimeZone, application_name,
  // ...) has changed, ParameterStatus goes out before the next
  // ReadyForQuery, as PostgreSQL does.
  virtual Settings& settings() noexcept = 0;
  virtual const Settings& settings() const noexcept = 0;
  // Shorthands: the current value, SET (session scope), all values.
  std::optional<std::string> parameter(std::string_view name) const { return settings().get(name); }
  void set_parameter(std::string_view name, std::string_view value) { settings().set(name, value); }
  const ParameterMap& parameters() const noexcept { return settings().values(); }

  // PREPARE name [(types)] AS statement issued as SQL (SessionCommands,
  // which EXECUTE name(args) reads): the statement's text and the parameter
  // types written, kept until DEALLOCATE or DISCARD ALL. pg_dump prepares
  // its per-object catalog queries so.
  struct SqlPrepared {
    std::string sql;
    std::vector<std::string> parameter_types;  // as written: "pg_catalog.oid"
  };
  // The statement PREPARE gave `name`; nullptr when none.
  virtual const SqlPrepared* sql_prepared(std::string_view name) const = 0;
  // False when a statement of that name exists (PostgreSQL's 42P05).
  virtual bool add_sql_prepared(std::string name, SqlPrepared statement) = 0;

  // DEALLOCATE name / DEALLOCATE ALL / DISCARD ALL issued as SQL: drop
  // prepared statements of this session, the protocol's and PREPARE's
  // (false: no such statement).
  virtual bool deallocate(std::string_view statement) = 0;
  virtual void deallocate_all() = 0;
  // CLOSE ALL / DISCARD ALL: close the library's SQL cursors of this session
  // (ServerOptions::sql_cursors).
  virtual void close_all_cursors() = 0;

  // True once a matching CancelRequest arrived for the statement now
  // running. Awaited Asio operations are cancelled too (they fail with
  // operation_aborted); CPU-bound handlers can poll this. The library then
  // reports 57014 "canceling statement due to user request".
  virtual bool cancel_requested() const noexcept = 0;
  // Called once if a matching CancelRequest arrives while the statement now
  // running runs (on the session's executor, before its awaits are
  // cancelled): a proxy forwards the cancel upstream here. Forgotten when
  // the statement ends. Any thread may set it.
  virtual void on_cancel(std::function<void()> hook) = 0;

  // Runs `hook` once when the current transaction ends: true at a commit
  // (COMMIT, or the end of an implicit transaction without error), false
  // at a rollback (ROLLBACK, an error in an implicit transaction, a failed
  // block). For what takes effect at commit, as NOTIFY and LISTEN do
  // (notifications.hpp). Hooks of a session that closes never run.
  virtual void at_transaction_end(std::function<void(bool committed)> hook) = 0;

  // This session as other threads and sessions may keep it, to push
  // notifications, notices and ParameterStatus at any time
  // (session_handle.hpp). Valid beyond the session: pushes then fail.
  virtual std::shared_ptr<SessionHandle> handle() const = 0;

  // Per-connection state of the product (an open storage handle, a
  // transaction, ...). Destroyed with the connection. state<T>() is nullptr
  // until set_state, and for any other type than the one stored.
  template <class T>
  T* state() const noexcept {
    return state_slot().template get<T>();
  }
  template <class T>
  T& set_state(std::shared_ptr<T> value) {
    return state_slot().set(std::move(value));
  }

 protected:
  virtual TypedSlot& state_slot() const noexcept = 0;
};

}  // namespace pgwire

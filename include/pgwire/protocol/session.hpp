#pragma once
// What a handler knows about, and can do to, the connection it serves. The
// session machine (session_machine.hpp) implements it.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pgwire/codec/error_info.hpp"
#include "pgwire/codec/common.hpp"
#include "pgwire/protocol/typed_slot.hpp"

namespace pgwire {

// The PostgreSQL version a server reports unless ServerOptions says otherwise
// (server_version, server_version_num, SELECT version()).
inline constexpr const char* default_server_version = "15.0";

// Setting names compare case-insensitively, as PostgreSQL's GUCs do
// ("DateStyle" = "datestyle").
struct CaseInsensitiveLess {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const noexcept;
};
using ParameterMap = std::map<std::string, std::string, CaseInsensitiveLess>;

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

  std::optional<std::string> startup_parameter(std::string_view name) const;
};

class Session {
 public:
  virtual ~Session() = default;

  virtual const ClientInfo& client() const noexcept = 0;
  virtual std::int32_t process_id() const noexcept = 0;

  virtual TransactionStatus transaction_status() const noexcept = 0;
  // Handlers normally drive the status through Response effects; this is for
  // products that track transactions themselves.
  virtual void set_transaction_status(TransactionStatus status) noexcept = 0;

  // Queue a NoticeResponse (severity NOTICE/WARNING/INFO/...): it goes out
  // with the next batch, in order with the results around it.
  virtual void send_notice(const ErrorInfo& notice) = 0;

  // Session parameters (GUCs). Startup parameters and server parameters are
  // here after login. Setting one that is reported to clients
  // (server_version, client_encoding, DateStyle, TimeZone, application_name,
  // ...) sends ParameterStatus just before the next ReadyForQuery, if its
  // value then differs from the one last reported, as PostgreSQL 14+ does.
  virtual std::optional<std::string> parameter(std::string_view name) const = 0;
  virtual void set_parameter(std::string_view name, std::string_view value) = 0;
  virtual const ParameterMap& parameters() const noexcept = 0;

  // DEALLOCATE name / DEALLOCATE ALL / DISCARD ALL issued as SQL: drop
  // prepared statements of this session (false: no such statement).
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

#include "pgwire/protocol/engine.hpp"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

namespace pgwire::protocol {

namespace {

constexpr const char* sync_lost_message = "terminating connection because protocol synchronization was lost";

bool is_extended(char t) noexcept {
  switch (t) {
    case 'P': case 'B': case 'D': case 'E': case 'C': case 'H': case 'S':  // Sync: see next_typed
      return true;
    default:
      return false;
  }
}

}  // namespace

Engine::Engine(EngineOptions options) : options_(std::make_shared<const EngineOptions>(std::move(options))) {}

Engine::Engine(std::shared_ptr<const EngineOptions> options) : options_(std::move(options)) {}

const StartupMessage& Engine::startup_message() const noexcept {
  static const StartupMessage none;
  return startup_ ? startup_->startup : none;
}

const CancelRequest& Engine::cancel_request() const noexcept {
  static const CancelRequest none;
  return startup_ ? startup_->cancel : none;
}

Engine::StartupPacket& Engine::startup_packet() {
  if (!startup_) startup_ = std::make_unique<StartupPacket>();
  return *startup_;
}

std::string Engine::copy_violation() const {
  if (copy_violation_ == 0) return "invalid string in message";  // PostgreSQL's pq_getmsgstring
  return fmt::format("unexpected message type 0x{:02X} during COPY from stdin",
                     static_cast<unsigned>(static_cast<unsigned char>(copy_violation_)));
}

EventKind Engine::fatal(const char* code, std::string message) {
  ErrorInfo::fatal(code, std::move(message)).encode(out_);
  phase_ = Phase::closed;
  return EventKind::close;
}

EventKind Engine::next() {
  if (pending_consume_ != 0) {
    in_.consume(pending_consume_);
    pending_consume_ = 0;
  }
  if (phase_ == Phase::closed) return EventKind::close;
  if (flush_requested_) {
    flush_requested_ = false;
    if (!out_.empty()) return EventKind::write;
  }
  return phase_ == Phase::startup ? next_startup() : next_typed();
}

EventKind Engine::next_startup() {
  std::string_view pending = in_.pending();
  if (pending.empty()) {
    if (eof_) {
      phase_ = Phase::closed;  // a probe that connected and left: no reply
      return EventKind::close;
    }
    return EventKind::need_input;
  }
  // PostgreSQL 17 direct SSL: a TLS record (handshake, 0x16) instead of a
  // length word. Only as the very first bytes of the connection.
  if (pending[0] == '\x16' && !tls_active_ && !ssl_requested_ && !gss_requested_ &&
      options_->tls_available && options_->direct_tls) {
    direct_tls_ = true;
    return EventKind::start_tls;
  }
  FrameResult r = parse_startup_frame(pending, options_->limits);
  if (r.error || (!r.complete() && eof_)) {
    // "invalid length of startup packet" / "incomplete startup packet":
    // PostgreSQL only logs these and closes without a reply.
    phase_ = Phase::closed;
    return EventKind::close;
  }
  if (!r.complete()) return EventKind::need_input;
  pending_consume_ = r.size;

  FrontendMessage m;
  std::error_code ec = decode_startup_packet(r.frame.body, m);
  // PostgreSQL takes an SSLRequest or GSSENCRequest by its code alone and
  // ignores the rest of its packet (ProcessStartupPacket).
  if (ec && r.frame.body.size() > 4) {
    std::string_view code = r.frame.body.substr(0, 4);
    if (code == std::string_view("\x04\xd2\x16\x2f", 4)) {
      m.emplace<SSLRequest>();
      ec = {};
    } else if (code == std::string_view("\x04\xd2\x16\x30", 4)) {
      m.emplace<GSSENCRequest>();
      ec = {};
    }
  }
  // A malformed CancelRequest is only logged by PostgreSQL ("invalid length
  // of query cancel packet"): never answer on a cancel connection.
  if (ec && r.frame.body.size() >= 4 && r.frame.body.substr(0, 4) == std::string_view("\x04\xd2\x16\x2e", 4)) {
    phase_ = Phase::closed;
    return EventKind::close;
  }
  if (ec == codec_errc::unsupported_protocol) {
    auto v = std::get<StartupMessage>(m).version;
    std::string message = fmt::format("unsupported frontend protocol {}.{}: server supports 3.0 to {}.{}",
                                      v.major, v.minor, options_->newest.major, options_->newest.minor);
    if (v.major < 3) {
      // A protocol 2 client reads an error as 'E' and a string, without a
      // length word: PostgreSQL answers it in that form (elog.c, "old
      // style"), so the client can show why it was refused.
      out_.put_char('E');
      out_.put_cstring(fmt::format("FATAL:  {}\n", message));
      phase_ = Phase::closed;
      return EventKind::close;
    }
    return fatal(sqlstate::feature_not_supported, std::move(message));
  }
  if (ec == codec_errc::missing_terminator)
    return fatal(sqlstate::protocol_violation,
                 "invalid startup packet layout: expected terminator as last byte");
  if (ec) return fatal(sqlstate::protocol_violation, "invalid startup packet");

  if (std::holds_alternative<SSLRequest>(m)) {
    if (tls_active_ || ssl_requested_)
      return fatal(sqlstate::feature_not_supported,
                   "unsupported frontend protocol 1234.5679: server supports 3.0 to 3.2");
    ssl_requested_ = true;
    if (!options_->tls_available) {
      encode(SSLResponse{false}, out_);
      return EventKind::write;
    }
    // Bytes pipelined after SSLRequest were not protected by TLS: a
    // man-in-the-middle could have injected them (CVE-2021-23214).
    in_.consume(pending_consume_);
    pending_consume_ = 0;
    if (!in_.pending().empty())
      return fatal(sqlstate::protocol_violation, "received unencrypted data after SSL request");
    encode(SSLResponse{true}, out_);
    return EventKind::start_tls;
  }
  if (std::holds_alternative<GSSENCRequest>(m)) {
    if (gss_requested_ || tls_active_)
      return fatal(sqlstate::feature_not_supported,
                   "unsupported frontend protocol 1234.5680: server supports 3.0 to 3.2");
    gss_requested_ = true;
    encode(GSSENCResponse{false}, out_);
    return EventKind::write;
  }
  if (auto* c = std::get_if<CancelRequest>(&m)) {
    startup_packet().cancel = *c;
    phase_ = Phase::closed;
    return EventKind::cancel;
  }
  return handle_startup_message(std::get<StartupMessage>(m));
}

EventKind Engine::handle_startup_message(StartupMessage& m) {
  protocol_ = std::min(m.version, options_->newest);
  std::vector<std::string_view> unknown;
  for (const auto& [name, value] : m.protocol_options) {
    if (std::find(options_->protocol_options.begin(), options_->protocol_options.end(), name) ==
        options_->protocol_options.end())
      unknown.push_back(name);
  }
  // Sent before anything else, so an old client learns the version at once.
  if (m.version > options_->newest || !unknown.empty())
    encode(NegotiateProtocolVersion{protocol_, std::move(unknown)}, out_);
  auto user = m.parameter("user");
  if (!user || user->empty())
    return fatal(sqlstate::invalid_authorization,
                 "no PostgreSQL user name specified in startup packet");
  startup_packet().startup = std::move(m);
  phase_ = Phase::authenticating;
  return EventKind::startup;
}

EventKind Engine::next_typed() {
  for (;;) {
    if (pending_consume_ != 0) {
      in_.consume(pending_consume_);
      pending_consume_ = 0;
    }
    FrameResult r = parse_frontend_frame(in_.pending(), options_->limits);
    if (r.error == codec_errc::unknown_message_type)
      return fatal(sqlstate::protocol_violation,
                   fmt::format("invalid frontend message type {}",
                               static_cast<int>(static_cast<unsigned char>(in_.pending()[0]))));
    if (r.error) {
      // A length below 4 or over the type's limit: PostgreSQL only logs
      // "invalid message length" (COMMERROR in pq_getmessage) and closes
      // without a reply, during authentication too. Inside COPY FROM STDIN
      // its copy reader reports the failed read first (copyfromparse.c).
      if (phase_ == Phase::copy_in) {
        ErrorInfo::error(sqlstate::connection_failure,
                         "unexpected EOF on client connection with an open transaction")
            .encode(out_);
        return fatal(sqlstate::protocol_violation, sync_lost_message);
      }
      phase_ = Phase::closed;
      return EventKind::close;
    }
    if (!r.complete()) {
      if (eof_) {
        phase_ = Phase::closed;
        return EventKind::close;
      }
      return EventKind::need_input;
    }
    pending_consume_ = r.size;
    frame_ = r.frame;
    const char t = r.frame.type;

    if (phase_ == Phase::authenticating) {
      if (t != 'p')
        return fatal(sqlstate::protocol_violation,
                     fmt::format("expected {} response, got message type {}",
                                 sasl_exchange_ ? "SASL" : "password", static_cast<int>(t)));
      return EventKind::auth_response;
    }
    // A password message after login is not a message type of this phase.
    if (t == 'p')
      return fatal(sqlstate::protocol_violation, "invalid frontend message type 112");
    if (t == 'X') {
      phase_ = Phase::closed;
      return EventKind::close;
    }
    if (phase_ == Phase::ready) {
      if (skip_until_sync_ && t != 'S') continue;
      // Leftovers of a failed COPY: PostgreSQL accepts and ignores them.
      if (t == 'd' || t == 'c' || t == 'f') continue;
    } else if (phase_ == Phase::copy_in) {
      // copy-in accepts CopyData, CopyDone and CopyFail; Flush and Sync are
      // ignored, as PostgreSQL does for libraries that send them without
      // noticing the COPY (copyfromparse.c). Anything else ends the COPY with
      // an ERROR, which the session raises (copy_rules.cpp).
      if (copy_both_ && t != 'd' && t != 'c')
        return fatal(sqlstate::protocol_violation, fmt::format("invalid standby message type \"{}\"", t));
      if (t == 'S') ++syncs_ignored_in_copy_;
      if (t == 'H' || t == 'S') continue;
      if (t != 'd' && t != 'c' && t != 'f') {
        phase_ = Phase::ready;
        copy_violation_ = t;
        // PostgreSQL raises this before reading the message's body, so it
        // cannot find the next message: the ERROR is followed by FATAL.
        sync_lost_ = true;
        return EventKind::copy_violation;
      }
      if (decode_frontend(r.frame, message_)) {  // a CopyFail without its terminator
        phase_ = Phase::ready;
        copy_violation_ = 0;  // a CopyFail without its terminator
        return EventKind::copy_violation;
      }
      return EventKind::message;
    }
    // Sync ends a batch: it never starts a skip, whatever happens while it
    // is handled (PostgreSQL's postgres.c clears doing_extended_query_message
    // for it), so its errors are followed by ReadyForQuery.
    extended_ = is_extended(t) && t != 'S';
    if (t == 'S') skip_until_sync_ = false;
    if (t == 'B') {
      if (!std::holds_alternative<Bind>(message_)) {
        if (spare_bind_) {
          message_.emplace<Bind>(std::move(*spare_bind_));
        } else {
          message_.emplace<Bind>();
        }
      }
    } else if (auto* bind = std::get_if<Bind>(&message_)) {
      if (!spare_bind_) spare_bind_ = std::make_unique<Bind>();
      *spare_bind_ = std::move(*bind);
    }
    if (std::error_code ec = decode_frontend(r.frame, message_)) {
      // Boundaries are intact, so this is an ERROR, not FATAL.
      error(ErrorInfo::error(sqlstate::protocol_violation, "invalid message format"));
      if (!extended_) ready_for_query();
      return EventKind::write;
    }
    if (t == 'H' && phase_ == Phase::ready) {
      flush_requested_ = true;
      return EventKind::message;  // the application may hold buffered work too
    }
    return EventKind::message;
  }
}

void Engine::accept(const std::vector<std::pair<std::string, std::string>>& parameters,
                    std::int32_t process_id, std::string_view secret_key) {
  encode(AuthenticationOk{}, out_);
  for (const auto& [name, value] : parameters) encode(ParameterStatus{name, value}, out_);
  encode(BackendKeyData{process_id, secret_key}, out_);
  startup_.reset();  // the session has read it: an idle session keeps none
  phase_ = Phase::ready;
  ready_for_query();
}

void Engine::error(const ErrorInfo& info) {
  info.encode(out_);
  // Errors go out at once, as PostgreSQL flushes them: a client that sent
  // Parse + Describe + Flush (asyncpg) waits for them before any Sync.
  flush_requested_ = true;
  if (info.is_fatal()) {
    phase_ = Phase::closed;
    return;
  }
  if (std::exchange(sync_lost_, false)) {
    fatal(sqlstate::protocol_violation, sync_lost_message);
    return;
  }
  if (extended_ && phase_ != Phase::authenticating) skip_until_sync_ = true;
  if (tx_status_ == TransactionStatus::in_transaction) tx_status_ = TransactionStatus::failed;
  error_since_ready_ = true;
}

bool Engine::next_is_sync() const noexcept {
  std::string_view rest = in_.pending();
  if (rest.size() < pending_consume_ + 5) return false;
  rest.remove_prefix(pending_consume_);
  // Sync is 'S' and a length of 4: the whole message is its header.
  return rest[0] == 'S' && rest[1] == 0 && rest[2] == 0 && rest[3] == 0 && rest[4] == 4;
}

void Engine::ready_for_query() {
  if (phase_ == Phase::closed) return;  // after a FATAL nothing follows
  bool error = std::exchange(error_since_ready_, false);
  if (before_ready_) before_ready_(before_ready_context_, error);
  encode(ReadyForQuery{tx_status_}, out_);
  flush_requested_ = true;
}

}  // namespace pgwire::protocol

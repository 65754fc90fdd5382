#pragma once
// Framing, negotiation and phases: the lowest part of the session machine
// (session_machine.hpp), with no I/O in it.
//
// The session machine feeds it received bytes and asks it for the next
// event: read more, write the output buffer, start TLS, close, a startup
// packet to authenticate, or a decoded message for the session's rules.
// It owns: framing and its limits, SSL/GSS negotiation, protocol-version
// negotiation, which messages are valid in which phase, "skip until Sync"
// after an error in an extended-query batch (Sync itself never starts one),
// the transaction status in ReadyForQuery, and when batched output must be
// flushed. Tests drive it with bytes alone (tests/protocol/engine_test.cpp).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pgwire/codec/error_info.hpp"
#include "pgwire/codec/backend.hpp"
#include "pgwire/codec/buffer.hpp"
#include "pgwire/codec/framing.hpp"
#include "pgwire/codec/frontend.hpp"

namespace pgwire::protocol {

struct EngineOptions {
  FrameLimits limits = FrameLimits::server_defaults();
  bool tls_available = false;  // answer SSLRequest with 'S'
  bool direct_tls = true;      // accept a TLS ClientHello without SSLRequest (PostgreSQL 17)
  ProtocolVersion newest = protocol_3_2;
  // "_pq_.*" options this server understands; others are named back in
  // NegotiateProtocolVersion.
  std::vector<std::string> protocol_options;
  // Output is written once it passes this size even mid-result.
  std::size_t flush_threshold = 64 * 1024;

  friend bool operator==(const EngineOptions&, const EngineOptions&) = default;
};

enum class Phase {
  startup,         // untyped packets: SSLRequest, GSSENCRequest, StartupMessage, CancelRequest
  authenticating,  // typed; only 'p' allowed
  ready,           // normal operation
  copy_in,         // between CopyInResponse and CopyDone/CopyFail
  closed,
};

enum class EventKind {
  need_input,  // read more bytes into input()
  write,       // write output() to the socket, then clear it
  start_tls,   // write output() (the 'S'), then TLS handshake; direct_tls() tells which kind
  close,       // write output(), then close the connection
  startup,     // startup_message() is ready: authenticate
  cancel,      // cancel_request(): look up the backend and cancel it; then close
  auth_response,  // frame() holds a 'p' message
  message,     // message() holds a frontend message for the application
  copy_violation,  // copy-in got a message it does not allow (copy_violation() says
                   // which); the engine is back in the ready phase
};

class Engine {
 public:
  explicit Engine(EngineOptions options = {});
  // Options shared with other engines (a server's sessions): an engine
  // keeps a pointer, not a copy.
  explicit Engine(std::shared_ptr<const EngineOptions> options);

  // Input ------------------------------------------------------------------
  FrameBuffer& input() noexcept { return in_; }
  // The peer closed its side: no more input will come.
  void on_eof() noexcept { eof_ = true; }

  // Output: backend messages queued for the next write ----------------------
  Buffer& output() noexcept { return out_; }
  bool should_flush() const noexcept { return out_.size() >= options_->flush_threshold; }

  // The next thing to do. Messages referenced by the result (frame(),
  // message(), startup_message()) stay valid until the next call to next()
  // or a read into input().
  EventKind next();

  Phase phase() const noexcept { return phase_; }
  bool direct_tls() const noexcept { return direct_tls_; }
  bool tls_active() const noexcept { return tls_active_; }
  // The driver calls this once the TLS handshake has completed.
  void tls_established() noexcept { tls_active_ = true; }

  // Valid from the startup (or cancel) event until accept(), which frees
  // them: an idle session keeps nothing of its startup packet. Empty
  // otherwise.
  const StartupMessage& startup_message() const noexcept;
  ProtocolVersion protocol() const noexcept { return protocol_; }
  const CancelRequest& cancel_request() const noexcept;
  const Frame& frame() const noexcept { return frame_; }
  const FrontendMessage& message() const noexcept { return message_; }
  // The text of the ERROR PostgreSQL sends for the last copy_violation.
  std::string copy_violation() const;

  // Replies from the application --------------------------------------------

  // Ask for the output to be written at the next next() (Flush, end of an
  // authentication step).
  void request_flush() noexcept { flush_requested_ = true; }
  // Authentication accepted: AuthenticationOk, ParameterStatus*, BackendKeyData, ReadyForQuery.
  void accept(const std::vector<std::pair<std::string, std::string>>& parameters,
              std::int32_t process_id, std::string_view secret_key);
  // Sends an error. FATAL closes the connection; ERROR in extended mode
  // discards messages until Sync; ERROR in a transaction block moves the
  // status to failed.
  void error(const ErrorInfo& info);
  // ReadyForQuery with the current status, then a flush (end of a simple
  // query, or Sync).
  void ready_for_query();
  // Called at each ReadyForQuery, just before it is queued, with whether an
  // ERROR went out since the previous one: the session machine ends the
  // implicit transaction there and reports changed settings.
  // (A function and its argument, not a std::function: 16 bytes less per
  // session.)
  using ReadyHook = void (*)(void* context, bool error_since_last);
  void on_ready_for_query(ReadyHook hook, void* context) noexcept {
    before_ready_ = hook;
    before_ready_context_ = context;
  }
  void set_transaction_status(TransactionStatus s) noexcept { tx_status_ = s; }
  TransactionStatus transaction_status() const noexcept { return tx_status_; }
  // Copy-in mode: CopyData/CopyDone/CopyFail reach the application, Flush
  // and Sync are ignored; anything else is a copy_violation. The messages of
  // a COPY do not change whether the statement that started it was an
  // extended-query one (an error then still skips until Sync).
  // `both`: a copy-both (START_REPLICATION), where the walsender takes only
  // CopyData, CopyDone and Terminate: anything else is FATAL 08P01 "invalid
  // standby message type" (ProcessRepliesIfAny), CopyFail, Flush and Sync too.
  void enter_copy_in(bool both = false) noexcept {
    phase_ = Phase::copy_in;
    copy_both_ = both;
  }
  void leave_copy_in() noexcept {
    if (phase_ == Phase::copy_in) phase_ = Phase::ready;
  }
  // Which exchange the 'p' messages of the authenticating phase belong to,
  // for PostgreSQL's wording of a wrong message there ("expected SASL
  // response" vs "expected password response").
  void expect_sasl_responses(bool sasl) noexcept { sasl_exchange_ = sasl; }
  // Extended-query message batch in progress (errors skip until Sync).
  bool skipping_until_sync() const noexcept { return skip_until_sync_; }
  // How many Syncs copy-in mode ignored (they get no ReadyForQuery, as in
  // PostgreSQL): the session fuzzer's bookkeeping.
  std::size_t syncs_ignored_in_copy() const noexcept { return syncs_ignored_in_copy_; }
  // Inside an extended-query batch: since its first message, until Sync.
  bool in_extended_batch() const noexcept { return extended_ || skip_until_sync_; }
  // The message after the current one is already in input() and is a Sync
  // (a peek: nothing is consumed). False when it is another message or has
  // not arrived yet.
  bool next_is_sync() const noexcept;
  // An ERROR went out since the last ReadyForQuery.
  bool error_since_ready() const noexcept { return error_since_ready_; }

 private:
  EventKind next_startup();
  EventKind next_typed();
  EventKind fatal(const char* code, std::string message);
  EventKind handle_startup_message(StartupMessage& m);

  // What a startup packet or CancelRequest left for the session to read
  // (startup_message(), cancel_request()), until accept().
  struct StartupPacket {
    StartupMessage startup;
    CancelRequest cancel;
  };
  StartupPacket& startup_packet();

  std::shared_ptr<const EngineOptions> options_;
  FrameBuffer in_;
  Buffer out_;
  Phase phase_ = Phase::startup;
  bool eof_ = false;
  bool tls_active_ = false;
  bool direct_tls_ = false;
  bool ssl_requested_ = false;
  bool gss_requested_ = false;
  bool skip_until_sync_ = false;
  bool extended_ = false;  // the last message was an extended-query one
  bool flush_requested_ = false;
  bool error_since_ready_ = false;
  // A copy-in violation left a message unread in PostgreSQL: its ERROR is
  // followed by FATAL "protocol synchronization was lost" (see error()).
  bool sync_lost_ = false;
  bool copy_both_ = false;  // the copy-in phase is a copy-both's
  bool sasl_exchange_ = false;
  TransactionStatus tx_status_ = TransactionStatus::idle;
  // The last copy_violation: the type byte of the message COPY did not
  // allow, or 0 for a CopyFail without its terminator (copy_violation()
  // words it).
  char copy_violation_ = 0;
  ProtocolVersion protocol_ = protocol_3_0;
  ReadyHook before_ready_ = nullptr;
  void* before_ready_context_ = nullptr;
  std::size_t pending_consume_ = 0;
  std::unique_ptr<StartupPacket> startup_;
  Frame frame_;
  FrontendMessage message_;
  // The last Bind, its vectors kept for the next one: message_ changes type
  // with every message (Bind, Describe, Execute, Sync), which would free
  // them, and a Bind per statement would allocate its formats again.
  // Allocated at the first Bind: a session without one keeps none.
  std::unique_ptr<Bind> spare_bind_;
  std::size_t syncs_ignored_in_copy_ = 0;
};

}  // namespace pgwire::protocol

#pragma once
// COPY for products. Answer `COPY t FROM STDIN` with
//   Response::copy_in(std::make_unique<MyTarget>(...), CopyFormat::text, columns)
// and `COPY t TO STDOUT` with
//   Response::copy_out(std::make_unique<MySource>(...), CopyFormat::text, columns)
// from SimpleQueryHandler::query/stream or ExtendedQueryHandler::execute; the
// session runs the sub-protocol (pgwire/protocol/copy.hpp). The payloads are
// the COPY data format the statement asked for (text, csv or binary): see
// pgwire/types/copy_format.hpp for codecs.
//
// Each method is a coroutine on the connection's executor, like the other
// handlers; while one runs the session reads nothing more from the client
// (backpressure). A CancelRequest cancels what the method awaits, and the
// COPY ends with 57014.

#include <cstdint>
#include <string_view>

#include <asio/awaitable.hpp>

#include "pgwire/protocol/copy.hpp"
#include "pgwire/protocol/session.hpp"
#include "pgwire/types/copy_format.hpp"

namespace pgwire {

class CopyInTarget : public CopyInStream {
 public:
  // One CopyData message, in order; its bounds need not match rows. Throw
  // PgError to end the COPY with that error (22P04 bad data, ...).
  virtual asio::awaitable<void> write(Session& session, std::string_view data) = 0;
  // CopyDone: make the data durable and return the number of rows copied
  // (CommandComplete "COPY n").
  virtual asio::awaitable<std::uint64_t> finish(Session& session) = 0;
  // No CopyDone will come: the client sent CopyFail (`reason` is its
  // message), broke the protocol, or went away. Undo what write() did.
  virtual asio::awaitable<void> abort(Session& session, std::string_view reason);
  // (Override error_context(), from CopyInStream, to give the session's own
  // errors of this COPY PostgreSQL's CONTEXT line, "COPY t, line n".)
};

// Copy-both, the streaming of the replication protocol (START_REPLICATION):
// answer with
//   Response::copy_both(std::make_unique<MyStream>(...), CopyFormat::binary, 0)
// The client's CopyData (standby status updates, feedback) arrive in
// write() one at a time; the product sends its own CopyData whenever it has
// them, from any thread, with session.handle()->copy_data(bytes) (false when
// the bounded queue is full: retry from handle()->when_copy_space(...)), and
// may end its side with handle()->copy_done(). The client's CopyDone calls
// finish(); the session then answers CopyDone (if the product did not) and
// CommandComplete (command_tag(), else "COPY n"). Stop pushing once
// finish() or abort() ran: what is still queued then is dropped.
class CopyBothTarget : public CopyInTarget {};

class CopyOutSource : public CopyOutStream {
 public:
  // Send CopyData with out.send(bytes, rows) while out.wants_more(); return
  // false when everything was sent. Throw PgError to end the COPY with it.
  virtual asio::awaitable<bool> fill(Session& session, CopyWriter& out) = 0;
};

}  // namespace pgwire

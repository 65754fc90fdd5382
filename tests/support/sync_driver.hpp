#pragma once
// A synchronous, socket-free driver for protocol::SessionMachine. It performs
// every request the way the Asio driver (src/server/connection.cpp) does,
// only without awaiting anything. The product is the derived class, through
// the hooks below: tests/support/fake_driver.hpp is the deterministic fake
// product of the session tests and the session fuzzer;
// tests/protocol/golden_replay_test.cpp answers as a captured PostgreSQL did.

#include <algorithm>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "pgwire/codec/backend.hpp"
#include "pgwire/protocol/session_machine.hpp"

namespace pgwire::test {

class SyncDriver : public protocol::StoreListener {
 public:
  explicit SyncDriver(protocol::SessionOptions session = {}) : machine(std::move(session), this) {}
  virtual ~SyncDriver() = default;

  // Queues client bytes; the peer closes after them unless more are added
  // before run() needs them.
  void send(std::string_view bytes) { input.append(bytes); }

  // Runs until the session closes or wants bytes that are not there. With
  // `eof_at_end`, running out of bytes is the client closing.
  // Input runs out only at the top level (scripts hold whole startup and
  // authentication exchanges).
  void run(bool eof_at_end = true) {
    eof = eof_at_end;
    waiting = false;
    pump(std::nullopt);
  }

  protocol::SessionMachine machine;
  std::size_t read_chunk = 1 << 16;  // at most this many bytes per read (split frames)
  std::string input;       // everything the client sent
  std::size_t read_at = 0;  // how much of it the session has read
  std::string output;      // everything the session wrote
  std::vector<std::size_t> writes;  // size of each write
  bool finished = false;  // the session closed
  bool waiting = false;  // stopped for want of input (eof false)
  bool eof = true;
  int cancels = 0;
  std::vector<std::string> closed_objects;  // "statement NAME" / "portal NAME"

  void closed(const Statement& s) override { closed_objects.push_back("statement " + s.name); }
  void closed(const Portal& p) override { closed_objects.push_back("portal " + p.name); }

 protected:
  using Need = protocol::Need;

  // The product's handlers. Each may throw; the exception goes to fail(), as
  // the Asio driver passes a handler's exception on.
  virtual void authenticate() { machine.logged_in(4242, std::string(machine.cancel_key_length(), 'k'), {}); }
  virtual void prepare(Statement&) {}
  virtual void bind(Portal&) {}
  virtual Response execute(Portal& portal) = 0;
  virtual void sync() {}
  // A whole query string (simple-query products, a cursor's query).
  virtual std::vector<Response> query(std::string_view sql) = 0;
  // SimpleQueryHandler::stream: by default each Response of query(), until
  // one fails.
  virtual void simple_query(std::string_view sql) {
    for (auto& r : query(sql))
      if (!stream(r)) break;
  }
  // RowSource::fill: writes rows while the writer wants them; true while rows remain.
  virtual bool fill(RowStream& rows, RowWriter& writer) = 0;
  // CopyInTarget / CopyOutSource (api/copy.hpp); by default there is no COPY.
  virtual void copy_write(CopyInStream&, std::string_view) { throw std::logic_error("no COPY here"); }
  virtual std::uint64_t copy_finish(CopyInStream&) { throw std::logic_error("no COPY here"); }
  virtual void copy_abort(CopyInStream&, std::string_view) {}
  virtual bool copy_fill(CopyOutStream&, CopyWriter&) { throw std::logic_error("no COPY here"); }

  // ResponseSink::send: false once the response failed or the session ended.
  bool stream(Response& r) {
    machine.begin_response(r);
    if (!pump(Need::response_sent)) return false;
    return machine.response_ok();
  }

  // AuthExchange::exchange: one round; nullopt once the session closed.
  std::optional<std::string> exchange(const BackendMessage& request) {
    machine.begin_auth_round(request);
    if (!pump(Need::auth_response)) return std::nullopt;
    return std::string(machine.auth_response());
  }

 private:
  // Performs requests until `until` (the end of a nested round); false once
  // the session closed or stopped for input.
  bool pump(std::optional<Need> until) {
    while (!finished && !waiting) {
      Need n = machine.next();
      if (until && n == *until) return true;
      perform(n);
    }
    return false;
  }

  void flush() {
    if (machine.output().empty()) return;
    writes.push_back(machine.output().size());
    output.append(machine.output().view());
    machine.output().clear();
  }

  template <class F>
  void answer(F&& f) {
    try {
      f();
    } catch (...) {
      machine.fail(std::current_exception());
    }
  }

  void perform(Need n) {
    switch (n) {
      case Need::read: {
        std::size_t left = input.size() - read_at;
        if (left == 0) {
          if (eof) {
            machine.on_eof();
          } else {
            waiting = true;
          }
          break;
        }
        std::size_t k = std::min(left, read_chunk);
        machine.on_input(std::string_view(input).substr(read_at, k));
        read_at += k;
        break;
      }
      case Need::write:
        flush();
        break;
      case Need::start_tls:  // no TLS here: as a failed handshake
      case Need::close:
      case Need::auth_response:
      case Need::response_sent:
        flush();
        finished = true;
        break;
      case Need::cancel:
        ++cancels;
        break;
      case Need::authenticate:
        // The product answers logged_in() itself; a session closed in the
        // middle of an exchange gets no answer at all.
        answer([&] { authenticate(); });
        break;
      case Need::prepare:
        answer([&] {
          prepare(machine.statement());
          machine.done();
        });
        break;
      case Need::bind:
        answer([&] {
          bind(machine.portal());
          machine.done();
        });
        break;
      case Need::execute:
        answer([&] { machine.give(execute(machine.portal())); });
        break;
      case Need::sync:
        answer([&] {
          sync();
          machine.done();
        });
        break;
      case Need::query_all:
        answer([&] { machine.give(query(machine.sql())); });
        break;
      case Need::simple_query:
        answer([&] {
          simple_query(machine.sql());
          if (!finished && !waiting) machine.done();
        });
        break;
      case Need::fill:
        answer([&] { machine.filled(fill(machine.rows(), machine.writer())); });
        break;
      case Need::copy_data:
        answer([&] {
          copy_write(machine.copy_target(), machine.copy_data());
          machine.done();
        });
        break;
      case Need::copy_done:
        answer([&] { machine.copied(copy_finish(machine.copy_target())); });
        break;
      case Need::copy_fail:
        answer([&] {
          copy_abort(machine.copy_target(), machine.copy_data());
          machine.done();
        });
        break;
      case Need::copy_fill:
        answer([&] { machine.filled(copy_fill(machine.copy_source(), machine.copy_writer())); });
        break;
    }
  }
};

}  // namespace pgwire::test

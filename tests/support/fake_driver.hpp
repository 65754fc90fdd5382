#pragma once
// A synchronous, socket-free driver for protocol::SessionMachine with a
// deterministic fake product: what the session tests (tests/protocol/) and
// the session fuzzer (fuzz/fuzz_session.cpp) run. It performs every request
// the way the Asio driver does, only without awaiting anything.
//
// The product answers by the statement text (case-insensitive first word):
//   select N       N rows of (n int4, t text)
//   rowsthrow N    N rows, then the source throws PgError 22012
//   rowsbug N      N rows, then the source throws std::runtime_error (-> XX000)
//   fail CODE      Response::error with that SQLSTATE
//   throw          the handler throws std::runtime_error (-> XX000)
//   pgthrow CODE   the handler throws PgError(CODE)
//   begin / commit / rollback   transaction effects
//   set NAME VALUE Session::set_parameter (ParameterStatus when reported)
//   setlocal NAME VALUE  Settings::set with SettingScope::local
//   reset NAME|all Settings::reset / reset_all
//   deallocate NAME|all  Session::deallocate / deallocate_all
//   cancelme       a cancel arrives while the handler runs, which then fails
//   cancelrows N   N rows; a cancel arrives after the first batch
//   copyin [binary] COPY FROM STDIN into a FakeCopyIn (rows = '\n' count;
//                  data holding "bad" -> 22P04); copyout N: N rows "i\n"
//   notify CH P    pushes a notification to this session (SessionHandle)
//   anything else  CommandComplete "OK"
// Parse fails with 42601 for "badparse"; Bind fails with 22P02 when a
// parameter is the text "bad"; Sync throws PgError XX000 when sync_throws.

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "pgwire/auth/md5.hpp"
#include "pgwire/codec/backend.hpp"
#include "pgwire/codec/frontend.hpp"
#include "pgwire/protocol/session_machine.hpp"
#include "pgwire/protocol/sql_text.hpp"

namespace pgwire::test {

enum class FakeAuth { trust, cleartext, md5 };

class FakeRows final : public RowStream {
 public:
  enum class Ending { done, pg_error, bug };
  FakeRows(std::uint64_t n, Ending ending) : n_(n), ending_(ending) {}
  // Writes rows while the writer wants them; true while rows remain.
  bool fill(RowWriter& w) {
    while (w.wants_more() && at_ < n_) {
      w.begin_row();
      w.add(static_cast<std::int32_t>(at_));
      std::string text = "row " + std::to_string(at_);
      w.add(std::string_view(text));
      w.end_row();
      ++at_;
    }
    if (at_ == n_ && ending_ == Ending::pg_error) throw PgError("22012", "division by zero");
    if (at_ == n_ && ending_ == Ending::bug) throw std::runtime_error("the source broke");
    return at_ < n_;
  }

 private:
  std::uint64_t n_;
  std::uint64_t at_ = 0;
  Ending ending_;
};

// What a COPY FROM STDIN received.
struct CopyInRecord {
  std::string received;  // the first 64 KiB (bounded, whatever the fuzzer sends)
  std::uint64_t rows = 0;
  std::string aborted;  // the reason, once aborted
};

// COPY FROM STDIN: keeps what it got; a row per '\n'.
class FakeCopyIn final : public CopyInStream {
 public:
  void write(std::string_view data) {
    if (data.find("bad") != std::string_view::npos) throw PgError("22P04", "bad COPY data");
    if (record.received.size() < (1 << 16)) record.received.append(data.substr(0, 1 << 16));
    for (char c : data) record.rows += c == '\n';
  }
  CopyInRecord record;
};

// COPY TO STDOUT: rows "0\n", "1\n", ...
class FakeCopyOut final : public CopyOutStream {
 public:
  explicit FakeCopyOut(std::uint64_t n) : n_(n) {}
  bool fill(CopyWriter& w) {
    for (; at_ < n_ && w.wants_more(); ++at_) w.send(std::to_string(at_) + "\n");
    return at_ < n_;
  }

 private:
  std::uint64_t n_;
  std::uint64_t at_ = 0;
};

inline SchemaPtr fake_schema() {
  static SchemaPtr s = make_schema({Column{"n", oid::int4, 4}, Column{"t", oid::text}});
  return s;
}

struct FakeProductOptions {
  FakeAuth auth = FakeAuth::trust;
  std::string password = "secret";
  bool sync_throws = false;
  std::size_t read_chunk = 1 << 16;  // at most this many bytes per read (split frames)
  std::uint64_t max_rows = 100000;   // "select N" is capped: bounded work per statement
};

class FakeDriver final : public protocol::StoreListener {
 public:
  explicit FakeDriver(protocol::SessionOptions session = {}, FakeProductOptions product = {})
      : machine(std::move(session), this), options(std::move(product)) {}

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
  FakeProductOptions options;
  std::string input;       // everything the client sent
  std::size_t read_at = 0;  // how much of it the session has read
  std::string output;      // everything the session wrote
  std::vector<std::size_t> writes;  // size of each write
  bool finished = false;  // the session closed
  bool waiting = false;  // stopped for want of input (eof false)
  bool eof = true;
  int cancels = 0;
  int cancel_hooks = 0;  // Session::on_cancel hooks run
  std::vector<std::string> closed_objects;  // "statement NAME" / "portal NAME"
  std::optional<CopyInRecord> last_copy_in;  // the last COPY FROM STDIN, once it ended

  void closed(const Statement& s) override { closed_objects.push_back("statement " + s.name); }
  void closed(const Portal& p) override { closed_objects.push_back("portal " + p.name); }

 private:
  using Need = protocol::Need;

  bool cancel_after_fill_ = false;  // "cancelrows": cancel after the next fill

  static std::string lower_word(std::string_view sql, std::size_t index, bool fold = true) {
    std::size_t i = 0;
    for (std::size_t w = 0;; ++w) {
      while (i < sql.size() && std::isspace(static_cast<unsigned char>(sql[i]))) ++i;
      std::size_t start = i;
      while (i < sql.size() && !std::isspace(static_cast<unsigned char>(sql[i])) && sql[i] != ';') ++i;
      if (w == index) {
        std::string out(sql.substr(start, i - start));
        if (fold)
          for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return out;
      }
      if (start == i) return {};
    }
  }
  std::uint64_t number(const std::string& s) const {
    std::uint64_t n = 0;
    std::from_chars(s.data(), s.data() + s.size(), n);
    return std::min(n, options.max_rows);
  }

  // The product's answer to one statement.
  Response respond(std::string_view sql) {
    std::string w = lower_word(sql, 0);
    std::string a = lower_word(sql, 1);
    if (w == "select" || w == "rowsthrow" || w == "rowsbug") {
      auto ending = w == "select"      ? FakeRows::Ending::done
                    : w == "rowsthrow" ? FakeRows::Ending::pg_error
                                       : FakeRows::Ending::bug;
      return Response::rows(fake_schema(), std::make_unique<FakeRows>(number(a), ending));
    }
    if (w == "fail" || w == "pgthrow") a = lower_word(sql, 1, false);  // SQLSTATEs keep their case
    if (w == "fail") return Response::error(ErrorInfo::error(a.size() == 5 ? a : "42000", "failed"));
    if (w == "throw") throw std::runtime_error("the handler broke");
    if (w == "cancelme") {  // a CancelRequest arrives while the handler runs; its await then fails
      machine.on_cancel([this] { ++cancel_hooks; });
      machine.request_cancel();
      if (auto hook = machine.take_cancel_hook()) hook();
      throw std::runtime_error("operation aborted");
    }
    if (w == "cancelrows") {  // rows, and a CancelRequest after the first batch
      cancel_after_fill_ = true;
      return Response::rows(fake_schema(), std::make_unique<FakeRows>(number(a), FakeRows::Ending::done));
    }
    if (w == "pgthrow") throw PgError(a.size() == 5 ? a : "42000", "refused");
    if (w == "copyin")
      return Response::copy_in(std::make_unique<FakeCopyIn>(),
                               a == "binary" ? CopyFormat::binary : CopyFormat::text, 2);
    if (w == "copyout") return Response::copy_out(std::make_unique<FakeCopyOut>(number(a)), CopyFormat::text, 1);
    if (w == "notify") {
      machine.handle()->notify(machine.process_id(), lower_word(sql, 1, false), lower_word(sql, 2, false));
      return Response::command("NOTIFY");
    }
    if (w == "begin") return Response::begin();
    if (w == "commit") return Response::commit();
    if (w == "rollback") return Response::rollback();
    if (w == "deallocate") {
      if (a == "all") {
        machine.deallocate_all();
      } else if (!machine.deallocate(a)) {
        return Response::error(ErrorInfo::error("26000", "prepared statement does not exist"));
      }
      return Response::command("DEALLOCATE");
    }
    if (w == "set") {
      machine.set_parameter(a, lower_word(sql, 2));
      return Response::command("SET");
    }
    if (w == "setlocal") {
      machine.settings().set(a, lower_word(sql, 2), SettingScope::local);
      return Response::command("SET");
    }
    if (w == "reset") {
      if (a == "all") {
        machine.settings().reset_all();
      } else {
        machine.settings().reset(a);
      }
      return Response::command("RESET");
    }
    return Response::command("OK");
  }

  std::vector<Response> respond_all(std::string_view sql) {
    std::vector<Response> out;
    for (auto stmt : split_statements(sql)) {
      out.push_back(respond(stmt));
      if (out.back().kind() == Response::Kind::error) break;
    }
    return out;
  }

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
        std::size_t k = std::min(left, options.read_chunk);
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
        authenticate();
        break;
      case Need::prepare:
        answer([&] {
          Statement& s = machine.statement();
          std::string w = lower_word(s.sql, 0);
          if (w == "badparse") throw PgError("42601", "syntax error");
          if (w == "select" || w == "rowsthrow" || w == "rowsbug") s.columns = fake_schema();
          machine.done();
        });
        break;
      case Need::bind:
        answer([&] {
          for (const auto& p : machine.portal().parameters)
            if (p && *p == "bad") throw PgError("22P02", "invalid input syntax");
          machine.done();
        });
        break;
      case Need::execute:
        answer([&] { machine.give(respond(machine.portal().statement->sql)); });
        break;
      case Need::sync:
        answer([&] {
          if (options.sync_throws) throw PgError("XX000", "sync failed upstream");
          machine.done();
        });
        break;
      case Need::copy_data:
      case Need::copy_done:
      case Need::copy_fail:
        answer([&] {
          auto* target = dynamic_cast<FakeCopyIn*>(&machine.copy_target());
          if (!target) throw std::logic_error("not a FakeCopyIn");
          if (n == Need::copy_data) {
            target->write(machine.copy_data());
            machine.done();
          } else if (n == Need::copy_fail) {
            target->record.aborted = std::string(machine.copy_data());
            last_copy_in = target->record;
            machine.done();
          } else {
            last_copy_in = target->record;
            machine.copied(target->record.rows);
          }
        });
        break;
      case Need::copy_fill:
        answer([&] {
          auto* source = dynamic_cast<FakeCopyOut*>(&machine.copy_source());
          if (!source) throw std::logic_error("not a FakeCopyOut");
          machine.filled(source->fill(machine.copy_writer()));
        });
        break;
      case Need::query_all:
        answer([&] { machine.give(respond_all(machine.sql())); });
        break;
      case Need::simple_query:
        simple_query();
        break;
      case Need::fill:
        answer([&] {
          auto* rows = dynamic_cast<FakeRows*>(&machine.rows());
          if (!rows) throw std::logic_error("not a FakeRows");
          bool more = rows->fill(machine.writer());
          if (std::exchange(cancel_after_fill_, false)) machine.request_cancel();
          machine.filled(more);
        });
        break;
    }
  }

  void simple_query() {
    std::vector<Response> responses;
    try {
      responses = respond_all(machine.sql());
    } catch (...) {
      machine.fail(std::current_exception());
      return;
    }
    for (auto& r : responses) {
      machine.begin_response(r);
      if (!pump(Need::response_sent)) return;
      if (!machine.response_ok()) break;
    }
    machine.done();
  }

  // One exchange round; nullopt once the session closed.
  std::optional<std::string> exchange(const BackendMessage& request) {
    machine.begin_auth_round(request);
    if (!pump(Need::auth_response)) return std::nullopt;
    return std::string(machine.auth_response());
  }

  void authenticate() {
    const std::string& user = machine.client().user;
    bool ok = true;
    if (options.auth == FakeAuth::cleartext) {
      auto body = exchange(AuthenticationCleartextPassword{});
      if (!body) return;
      PasswordMessage m;
      ok = !decode_body(*body, m) && m.password == options.password;
    } else if (options.auth == FakeAuth::md5) {
      AuthenticationMD5Password request;
      request.salt = {'s', 'a', 'l', 't'};
      auto body = exchange(request);
      if (!body) return;
      PasswordMessage m;
      ok = !decode_body(*body, m) &&
           auth::md5_verify(auth::md5_password_hash(user, options.password), request.salt, m.password);
    }
    if (!ok) {
      machine.fail(std::make_exception_ptr(PgError(ErrorInfo::fatal(
          "28P01", "password authentication failed for user \"" + user + "\""))));
      return;
    }
    machine.logged_in(4242, std::string(machine.cancel_key_length(), 'k'), {});
  }
};

}  // namespace pgwire::test

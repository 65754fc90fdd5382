#pragma once
// The synchronous driver of sync_driver.hpp (which performs every request
// the way the Asio driver does, without awaiting anything) with a
// deterministic fake product: what the session tests (tests/protocol/) and
// the session fuzzer (fuzz/fuzz_session.cpp) run.
//
// The product answers by the statement text (case-insensitive first word):
//   select N       N rows of (n int4, t text)
//   rowsthrow N    N rows, then the source throws PgError 22012
//   rowsbug N      N rows, then the source throws std::runtime_error (-> XX000)
//   fail CODE      Response::error with that SQLSTATE
//   throw          the handler throws std::runtime_error (-> XX000)
//   notice SEVERITY  Session::send_notice of that severity (01000), then "OK"
//   pgthrow CODE   the handler throws PgError(CODE)
//   begin / commit / rollback   transaction effects
//   set NAME VALUE Session::set_parameter (ParameterStatus when reported)
//   setlocal NAME VALUE  Settings::set with SettingScope::local
//   reset NAME|all Settings::reset / reset_all
//   deallocate NAME|all  Session::deallocate / deallocate_all
//   cancelme       a cancel arrives while the handler runs, which then fails
//   cancelrows N   N rows; a cancel arrives after the first batch
//   copyin [binary] COPY FROM STDIN into a FakeCopyIn (rows = '\n' count;
//                  data holding "bad" -> 22P04; CONTEXT "COPY fake, line
//                  <rows + 1>"); copyout N: N rows "i\n"
//   notify CH P    pushes a notification to this session (SessionHandle)
//   copyboth N [done]  copy-both into a FakeCopyIn, after pushing N CopyData
//                  "out i" (and the product's CopyDone with "done"); client
//                  data "echo X" makes the product push "X"
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
#include "pgwire/types/copy_format.hpp"
#include "pgwire/protocol/sql_text.hpp"
#include "support/codec_util.hpp"
#include "support/sync_driver.hpp"

namespace pgwire::test {

enum class FakeAuth { trust, cleartext, md5 };

// The StartupMessage the session tests log in with (database db).
inline std::string startup_bytes(std::string_view user = "alice", ProtocolVersion version = protocol_3_0) {
  StartupMessage m;
  m.version = version;
  m.parameters = {{"user", user}, {"database", "db"}};  // (views: user outlives the encoding)
  return encoded(m);
}

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
  // As PostgreSQL's CopyFromErrorCallback: the table, the line being read.
  std::optional<std::string> error_context() const override {
    return "COPY fake, line " + std::to_string(record.rows + 1);
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

class FakeDriver final : public SyncDriver {
 public:
  explicit FakeDriver(protocol::SessionOptions session = {}, FakeProductOptions product = {})
      : SyncDriver(std::move(session)), options(std::move(product)) {
    read_chunk = options.read_chunk;
  }

  FakeProductOptions options;
  int cancel_hooks = 0;  // Session::on_cancel hooks run
  std::vector<bool> syncs_failed;  // Session::batch_failed() at each Sync
  std::optional<CopyInRecord> last_copy_in;  // the last COPY FROM STDIN, once it ended

 private:
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
    if (w == "notice") machine.send_notice(ErrorInfo(lower_word(sql, 1, false), "01000", "a notice"));
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
    if (w == "copyboth") {
      for (std::uint64_t i = 0; i < number(a); ++i) machine.handle()->copy_data("out " + std::to_string(i));
      if (lower_word(sql, 2) == "done") machine.handle()->copy_done();
      return Response::copy_both(std::make_unique<FakeCopyIn>(), CopyFormat::binary, 0);
    }
    if (w == "copyout") return Response::copy_out(std::make_unique<FakeCopyOut>(number(a)), CopyFormat::text, 1);
    if (w == "notify") {
      machine.handle()->notify(machine.process_id(), lower_word(sql, 1, false), lower_word(sql, 2, false));
      return Response::command("NOTIFY");
    }
    if (w == "batchstate") return Response::command(machine.sync_follows() ? "LAST" : "MORE");
    if (w == "begin") return Response::begin();
    if (w == "commit") return Response::commit();
    if (w == "rollback") return a == "to" ? Response::rollback_to_savepoint() : Response::rollback();
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

  std::vector<Response> query(std::string_view sql) override {
    std::vector<Response> out;
    for (auto stmt : split_statements(sql)) {
      out.push_back(respond(stmt));
      if (out.back().kind() == Response::Kind::error) break;
    }
    return out;
  }


  void prepare(Statement& s) override {
    std::string w = lower_word(s.sql, 0);
    if (w == "badparse") throw PgError("42601", "syntax error");
    if (w == "select" || w == "rowsthrow" || w == "rowsbug") s.columns = fake_schema();
  }

  void bind(Portal& p) override {
    for (const auto& v : p.parameters)
      if (v && *v == "bad") throw PgError("22P02", "invalid input syntax");
  }

  Response execute(Portal& p) override { return respond(p.statement->sql); }

  void sync() override {
    syncs_failed.push_back(machine.batch_failed());
    if (options.sync_throws) throw PgError("XX000", "sync failed upstream");
  }

  void copy_write(CopyInStream& target, std::string_view data) override {
    if (data.substr(0, 5) == "echo ") machine.handle()->copy_data(data.substr(5));
    fake_target(target).write(data);
  }
  std::uint64_t copy_finish(CopyInStream& target) override {
    last_copy_in = fake_target(target).record;
    return last_copy_in->rows;
  }
  void copy_abort(CopyInStream& target, std::string_view reason) override {
    fake_target(target).record.aborted = std::string(reason);
    last_copy_in = fake_target(target).record;
  }
  bool copy_fill(CopyOutStream& source, CopyWriter& w) override {
    auto* fake = dynamic_cast<FakeCopyOut*>(&source);
    if (!fake) throw std::logic_error("not a FakeCopyOut");
    return fake->fill(w);
  }
  static FakeCopyIn& fake_target(CopyInStream& target) {
    auto* fake = dynamic_cast<FakeCopyIn*>(&target);
    if (!fake) throw std::logic_error("not a FakeCopyIn");
    return *fake;
  }

  bool fill(RowStream& source, RowWriter& w) override {
    auto* rows = dynamic_cast<FakeRows*>(&source);
    if (!rows) throw std::logic_error("not a FakeRows");
    bool more = rows->fill(w);
    if (std::exchange(cancel_after_fill_, false)) machine.request_cancel();
    return more;
  }

  void authenticate() override {
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
    if (!ok)
      throw PgError(ErrorInfo::fatal("28P01", "password authentication failed for user \"" + user + "\""));
    machine.logged_in(4242, std::string(machine.cancel_key_length(), 'k'), {});
  }
};

}  // namespace pgwire::test

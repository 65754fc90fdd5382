#pragma once
// A product that answers like the PostgreSQL 15 of a golden capture did,
// run by the synchronous driver (tests/support/sync_driver.hpp). It knows
// what a product knows (golden_script.hpp): the stored passwords, the
// server's settings (what StartupHandler::server_parameters gives), and per
// statement the columns, the rows in text form, the command, errors,
// notices and setting changes, and for COPY the format and column count, the
// rows copied in, the data copied out (as PostgreSQL split it into CopyData)
// and the CONTEXT of an aborted copy-in. LISTEN / UNLISTEN / NOTIFY are
// answered by the library's NotificationHub, whose NotificationResponse
// (sent at commit, before ReadyForQuery) is compared with PostgreSQL's.
// Everything else on the wire is the session
// machine's to produce: message order, ParseComplete and the like, tag
// counts, text/binary encoding per the client's formats, ReadyForQuery's
// status, SQL cursors, portal suspension, skipping until Sync, the SCRAM
// messages (the library's ScramServer), the 57014 of a cancel and of
// CopyFail, Copy{In,Out}Response, CopyDone and the count of "COPY n".
//
// Choices a real server makes at random are PostgreSQL's here, as a product
// may choose them freely and the captured client answered those: the
// process id and cancel key (logged_in), the MD5 salt, the SCRAM nonce and
// salt. server_version is the captured one too (SessionOptions).

#include <algorithm>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>

#include "golden_script.hpp"
#include "pgwire/api/notifications.hpp"
#include "pgwire/auth/base64.hpp"
#include "pgwire/auth/md5.hpp"
#include "pgwire/auth/scram.hpp"
#include "pgwire/types/convert.hpp"
#include "pgwire/types/copy_format.hpp"
#include "support/sync_driver.hpp"

namespace pgwire::test {

// What the capture's roles log in with (tests/golden/capture.sh).
inline std::string golden_password(std::string_view user) {
  if (user == "golden_password") return "cleartext-secret";
  if (user == "golden_md5") return "md5-secret";
  if (user == "golden_scram") return "scram-secret";
  return {};
}

inline protocol::SessionOptions golden_session_options(const GoldenScript& s) {
  protocol::SessionOptions o;
  for (const auto& [name, value] : s.settings)
    if (name == "server_version") o.server_version = value;
  // PostgreSQL 15 speaks protocol 3.0 only: a 3.2 request is answered with
  // NegotiateProtocolVersion(3.0), as in negotiate_protocol.
  o.engine.newest = protocol_3_0;
  return o;
}

class GoldenRows final : public RowStream {
 public:
  explicit GoldenRows(const GoldenResult& r) : r_(r) {}
  // True while rows remain; then PostgreSQL's error, if it gave one.
  bool fill(RowWriter& w, protocol::SessionMachine& machine) {
    while (w.wants_more() && at_ < r_.rows.size()) {
      w.begin_row();
      const auto& row = r_.rows[at_++];
      for (std::size_t i = 0; i < row.size(); ++i) {
        if (!row[i]) {
          w.add_null();
          continue;
        }
        // Text in, the client's format out: the library's type encoders.
        w.begin_value();
        if (convert_format(w.schema()[i].type, *row[i], format_text, w.format_of(i), w.buffer()))
          throw std::logic_error("cannot encode a golden value");
        w.end_value();
      }
      w.end_row();
    }
    if (at_ < r_.rows.size()) return true;
    if (r_.error) fail(*r_.error, machine);
    return false;
  }

  // PostgreSQL's error. A cancel is played as one: a CancelRequest arrives
  // while the product works, whose await then fails (as in the Asio driver);
  // the 57014 is then the library's own.
  [[noreturn]] static void fail(const ErrorInfo& e, protocol::SessionMachine& machine) {
    if (e.code == sqlstate::query_canceled && e.message == "canceling statement due to user request") {
      machine.request_cancel();
      throw std::runtime_error("operation aborted");
    }
    throw PgError(e);
  }

 private:
  const GoldenResult& r_;
  std::size_t at_ = 0;
};

// The row count of a "COPY n" tag.
inline std::uint64_t copy_count(const std::string& tag) {
  if (!tag.starts_with("COPY ")) throw std::logic_error("golden COPY without a COPY tag: " + tag);
  return std::stoull(tag.substr(5));
}

// COPY FROM STDIN: takes whatever the client sends; CopyDone gives the row
// count PostgreSQL reported. (A CopyFail ends it with the library's 57014,
// which carries error_context().)
class GoldenCopyIn final : public CopyInStream {
 public:
  explicit GoldenCopyIn(const GoldenResult& r) : r_(r) {}
  void write(std::string_view data) { received_.append(data); }
  // The CONTEXT PostgreSQL gave the error that ended this COPY ("COPY items,
  // line 2"): the table and line are the product's to know.
  std::optional<std::string> error_context() const override {
    if (r_.error && !r_.error->where.empty()) return r_.error->where;
    return std::nullopt;
  }
  std::uint64_t finish() const {
    if (r_.error) throw std::logic_error("golden COPY FROM STDIN ended with CopyDone, PostgreSQL's with an error");
    return copy_count(r_.tag);
  }

 private:
  const GoldenResult& r_;
  std::string received_;
};

// COPY TO STDOUT: PostgreSQL's CopyData payloads as it split them. Each
// counts one row until the tag's count is reached (the binary trailer and
// nothing else comes after the last row); the library makes "COPY n".
class GoldenCopyOut final : public CopyOutStream {
 public:
  explicit GoldenCopyOut(const GoldenResult& r) : r_(r), rows_(copy_count(r.tag)) {}
  bool fill(CopyWriter& w) {
    const auto& data = r_.copy->data;
    for (; at_ < data.size() && w.wants_more(); ++at_) w.send(data[at_], at_ < rows_ ? 1 : 0);
    return at_ < data.size();
  }

 private:
  const GoldenResult& r_;
  std::uint64_t rows_;
  std::size_t at_ = 0;
};

class GoldenProduct final : public SyncDriver {
 public:
  explicit GoldenProduct(GoldenScript script)
      : SyncDriver(golden_session_options(script)), script_(std::move(script)) {}

  // Requests the script had no answer for: the session asked for something
  // PostgreSQL was never asked.
  std::vector<std::string> unscripted;

 private:
  GoldenScript script_;
  std::deque<GoldenResult> running_;  // results whose rows or COPY data are being sent
  // LISTEN / UNLISTEN / NOTIFY are the library's: the notifications are the
  // hub's (PostgreSQL's transaction rules, the session's process id as the sender).
  NotificationHub hub_;

  template <class T>
  T next(std::map<std::string, std::deque<T>>& answers, const char* what, const std::string& sql) {
    auto it = answers.find(sql);
    if (it == answers.end() || it->second.empty()) {
      unscripted.push_back(fmt::format("{} \"{}\"", what, sql));
      throw PgError("XX000", fmt::format("golden replay: PostgreSQL was never asked to {} this", what));
    }
    T answer = std::move(it->second.front());
    it->second.pop_front();
    return answer;
  }

  Response response(GoldenResult r) {
    for (const auto& n : r.notices) machine.send_notice(n);
    for (const auto& [name, value] : r.settings) machine.set_parameter(name, value);
    if (r.unsupported)  // what a product without replication can say
      return Response::error(ErrorInfo::error("0A000", "replication is not supported"));
    if (r.copy) {
      auto format = r.copy->binary ? CopyFormat::binary : CopyFormat::text;
      std::size_t columns = r.copy->columns;
      auto& kept = running_.emplace_back(std::move(r));
      if (kept.copy->direction == 'G')
        return Response::copy_in(std::make_unique<GoldenCopyIn>(kept), format, columns);
      return Response::copy_out(std::make_unique<GoldenCopyOut>(kept), format, columns);
    }
    if (r.empty) return Response::empty();
    if (r.columns) {
      // The tag's count is the library's to add ("SELECT" -> "SELECT 2").
      std::string command = r.tag.substr(0, r.tag.find(' '));
      auto& kept = running_.emplace_back(std::move(r));
      return Response::rows(kept.columns, std::make_unique<GoldenRows>(kept), command);
    }
    if (r.error) {
      if (r.error->code == sqlstate::query_canceled) GoldenRows::fail(*r.error, machine);
      return Response::error(*r.error);
    }
    if (r.tag == "BEGIN") return Response::begin();
    if (r.tag == "COMMIT" || r.tag == "ROLLBACK") return Response::command(r.tag, TransactionEffect::end);
    return Response::command(r.tag);
  }

  // The hub's answer to a LISTEN / UNLISTEN / NOTIFY that PostgreSQL
  // answered with `scripted` (which must be a command, or that error).
  std::optional<Response> notification_command(std::string_view sql, const GoldenResult& scripted) {
    auto r = hub_.answer(machine, sql);
    if (r && (scripted.columns || scripted.copy || scripted.empty))
      throw std::logic_error("golden: NotificationHub answered what PostgreSQL did not answer as a command");
    return r;
  }

  // Each result made when it is its turn (its notices go out then).
  void simple_query(std::string_view sql) override {
    auto results = next(script_.queries, "run the query", std::string(sql));
    if (results.size() == 1)
      if (auto r = notification_command(sql, results[0])) {
        stream(*r);
        return;
      }
    for (auto& r : results) {
      Response out = response(std::move(r));
      if (!stream(out)) break;
    }
  }

  std::vector<Response> query(std::string_view sql) override {
    std::vector<Response> out;
    auto results = next(script_.queries, "run the query", std::string(sql));
    if (results.size() == 1)
      if (auto r = notification_command(sql, results[0])) {
        out.push_back(std::move(*r));
        return out;
      }
    for (auto& r : results) out.push_back(response(std::move(r)));
    return out;
  }

  void prepare(Statement& s) override {
    GoldenParse p = next(script_.parses, "parse", s.sql);
    if (p.error) throw PgError(*p.error);
    if (p.parameter_types) {
      s.parameter_types = *p.parameter_types;
    } else {  // never described: as many as the query has ($n), of the client's types
      s.parameter_types.resize(std::max(s.parameter_types.size(), parameter_count(s.sql)), 0);
    }
    s.columns = p.columns;
  }

  void bind(Portal& p) override {
    auto e = next(script_.binds, "bind", p.statement->sql);
    if (e) throw PgError(*e);
  }

  Response execute(Portal& p) override {
    GoldenResult r = next(script_.executes, "execute", p.statement->sql);
    if (auto hub = notification_command(p.statement->sql, r)) return std::move(*hub);
    return response(std::move(r));
  }

  bool fill(RowStream& rows, RowWriter& w) override {
    return dynamic_cast<GoldenRows&>(rows).fill(w, machine);
  }

  void copy_write(CopyInStream& target, std::string_view data) override { copy_in(target).write(data); }
  std::uint64_t copy_finish(CopyInStream& target) override { return copy_in(target).finish(); }
  bool copy_fill(CopyOutStream& source, CopyWriter& w) override {
    return dynamic_cast<GoldenCopyOut&>(source).fill(w);
  }
  static GoldenCopyIn& copy_in(CopyInStream& target) { return dynamic_cast<GoldenCopyIn&>(target); }

  void authenticate() override {
    const std::string& user = machine.client().user;
    const std::string password = golden_password(user);
    if (script_.auth == auth_code::cleartext_password) {
      auto body = exchange(AuthenticationCleartextPassword{});
      if (!body) return;
      PasswordMessage m;
      if (decode_body(*body, m) || m.password != password) throw password_failed(user);
    } else if (script_.auth == auth_code::md5_password) {
      auto body = exchange(AuthenticationMD5Password{script_.md5_salt});
      if (!body) return;
      PasswordMessage m;
      if (decode_body(*body, m) ||
          !auth::md5_verify(auth::md5_password_hash(user, password), script_.md5_salt, m.password))
        throw password_failed(user);
    } else if (script_.auth == auth_code::sasl) {
      if (!scram(user, password)) return;
    }
    std::vector<Setting> settings;
    for (const auto& s : script_.settings)
      if (s.first != "server_version") settings.push_back(s);  // SessionOptions::server_version
    machine.logged_in(script_.process_id, script_.secret_key, std::move(settings));
  }

  // SCRAM with the library's server (pgwire/auth/scram.hpp), keyed with the
  // salt and server nonce PostgreSQL chose. False when the session closed.
  bool scram(const std::string& user, const std::string& password) {
    const std::string first = "," + script_.scram_server_first;  // ,r=<client><server>,s=<salt>,i=<n>
    auto attr = [&](char k) {
      std::size_t at = first.find(std::string{',', k, '='}) + 3;
      return first.substr(at, first.find(',', at) - at);
    };
    auto salt = auth::base64_decode(attr('s'));
    if (!salt) throw std::logic_error("bad golden SCRAM salt");
    auth::ScramServerOptions so;
    so.user = user;
    auto body = exchange(AuthenticationSASL{auth::ScramServer::mechanisms(false)});
    if (!body) return false;
    SASLInitialResponse init;
    if (decode_body(*body, init) || !init.data) throw std::logic_error("bad golden SASLInitialResponse");
    std::string client_nonce(init.data->substr(init.data->find("r=") + 2));
    so.server_nonce = attr('r').substr(client_nonce.size());
    auth::ScramServer server(auth::ScramSecret::from_password(password, *salt, std::stoi(attr('i'))), so);
    auto step = server.handle_client_first(init.mechanism, *init.data);
    if (!step) throw std::logic_error("golden SCRAM: " + step.error->message);
    body = exchange(AuthenticationSASLContinue{step.message});
    if (!body) return false;
    SASLResponse final_message;
    if (decode_body(*body, final_message)) throw std::logic_error("bad golden SASLResponse");
    step = server.handle_client_final(final_message.data);
    if (!step && step.error->password_failed()) throw password_failed(user);
    if (!step) throw std::logic_error("golden SCRAM: " + step.error->message);
    machine.auth_send(AuthenticationSASLFinal{step.message});
    return true;
  }

  // As the library's ready-made handlers refuse a login (src/api/auth.cpp).
  static PgError password_failed(const std::string& user) {
    return PgError(ErrorInfo::fatal(sqlstate::invalid_password,
                                    fmt::format("password authentication failed for user \"{}\"", user)));
  }

  static std::size_t parameter_count(std::string_view sql) {  // the highest $n
    std::size_t n = 0;
    for (std::size_t i = 0; i < sql.size(); ++i) {
      if (sql[i] != '$') continue;
      std::size_t k = 0;
      while (i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') k = k * 10 + (sql[++i] - '0');
      n = std::max(n, k);
    }
    return n;
  }
};

}  // namespace pgwire::test

// The Asio driver: sockets, TLS, timeouts and handler dispatch around the
// protocol engine. Everything protocol-specific is decided by the engine;
// this file only turns its events into I/O.

#include "pgwire/server/server.hpp"

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>
#include <variant>

#include <asio.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/ssl.hpp>
#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>

#include "pgwire/auth/channel_binding.hpp"
#include "pgwire/protocol/engine.hpp"
#include "tls.hpp"

namespace pgwire {

using asio::awaitable;
using asio::use_awaitable;
using tcp = asio::ip::tcp;
using unix_socket = asio::local::stream_protocol::socket;
constexpr auto nothrow = asio::experimental::as_tuple(asio::use_awaitable);

namespace {

// The client went away or broke the protocol; unwinds a connection quietly.
struct ConnectionClosed {};

// One socket, plain or TLS, TCP or Unix: a runtime choice, compiled once.
class Transport {
 public:
  explicit Transport(tcp::socket s) : s_(std::move(s)) {}
  explicit Transport(unix_socket s) : s_(std::move(s)) {}

  awaitable<std::size_t> read_some(std::span<char> buf) {
    auto b = asio::buffer(buf.data(), buf.size());
    auto [ec, n] = co_await std::visit(
        [&](auto& s) { return deref(s).async_read_some(b, nothrow); }, s_);
    if (ec) co_return 0;  // EOF, reset, cancelled: all end the connection
    co_return n;
  }

  awaitable<void> write(std::string_view data) {
    auto b = asio::buffer(data.data(), data.size());
    auto [ec, n] = co_await std::visit(
        [&](auto& s) { return asio::async_write(deref(s), b, nothrow); }, s_);
    if (ec) throw ConnectionClosed{};
  }

  // Replaces the plain socket by a TLS stream over it and runs the server
  // handshake; `initial` holds bytes already read (direct SSL ClientHello).
  awaitable<bool> handshake(asio::ssl::context& ctx, std::string_view initial) {
    auto run = [&](auto sock) -> awaitable<bool> {
      using Sock = decltype(sock);
      auto tls = std::make_unique<asio::ssl::stream<Sock>>(std::move(sock), ctx);
      auto [ec, used] = co_await tls->async_handshake(
          asio::ssl::stream_base::server, asio::buffer(initial.data(), initial.size()), nothrow);
      ssl_ = tls->native_handle();
      s_ = std::move(tls);
      co_return !ec;
    };
    if (auto* t = std::get_if<tcp::socket>(&s_)) co_return co_await run(std::move(*t));
    if (auto* u = std::get_if<unix_socket>(&s_)) co_return co_await run(std::move(*u));
    co_return false;
  }

  SSL* ssl() const noexcept { return ssl_; }
  bool is_unix() const noexcept {
    return std::holds_alternative<unix_socket>(s_) ||
           std::holds_alternative<std::unique_ptr<asio::ssl::stream<unix_socket>>>(s_);
  }

  void close() noexcept {
    std::visit(
        [](auto& s) {
          std::error_code ec;
          lowest(s).shutdown(asio::socket_base::shutdown_both, ec);
          lowest(s).close(ec);
        },
        s_);
  }

 private:
  template <class S>
  static S& deref(S& s) { return s; }
  template <class S>
  static S& deref(std::unique_ptr<S>& s) { return *s; }
  template <class S>
  static S& lowest(S& s) { return s; }
  template <class S>
  static auto& lowest(std::unique_ptr<asio::ssl::stream<S>>& s) { return s->lowest_layer(); }

  std::variant<tcp::socket, unix_socket, std::unique_ptr<asio::ssl::stream<tcp::socket>>,
               std::unique_ptr<asio::ssl::stream<unix_socket>>>
      s_;
  SSL* ssl_ = nullptr;
};

// ParameterStatus is sent for these when they change (PostgreSQL's
// GUC_REPORT); returns the canonical spelling, as names are case-insensitive.
std::optional<std::string_view> reported_name(std::string_view name) {
  static const char* const names[] = {
      "server_version", "server_encoding", "client_encoding", "application_name",
      "default_transaction_read_only", "in_hot_standby", "is_superuser",
      "session_authorization", "DateStyle", "IntervalStyle", "TimeZone", "integer_datetimes",
      "standard_conforming_strings"};
  CaseInsensitiveLess less;
  for (const char* n : names)
    if (!less(name, n) && !less(n, name)) return std::string_view(n);
  return std::nullopt;
}

// CommandComplete of a row-returning statement: "SELECT 3", "INSERT 0 3",
// "FETCH 3"; commands without a count (SHOW, EXPLAIN) as given.
std::string rows_tag(const std::string& command, std::uint64_t count) {
  if (command == "INSERT") return fmt::format("INSERT 0 {}", count);
  for (const char* c : {"SELECT", "FETCH", "UPDATE", "DELETE", "MERGE", "MOVE", "COPY"})
    if (command == c) return fmt::format("{} {}", command, count);
  return command;
}

}  // namespace

class Connection;

// State shared by every connection of a server.
struct Shared {
  ServerOptions options;
  Handlers handlers;
  std::unique_ptr<asio::ssl::context> tls;
  std::atomic<std::int32_t> next_pid{10000};
  std::mutex registry_mutex;
  std::map<std::int32_t, std::pair<std::string, std::weak_ptr<Connection>>> registry;
};

class Connection final : public Session, public AuthExchange,
                         public std::enable_shared_from_this<Connection> {
 public:
  Connection(Shared& shared, Transport transport, std::string remote)
      : shared_(shared), t_(std::move(transport)), engine_(engine_options(shared)) {
    client_.remote_address = std::move(remote);
  }

  ~Connection() override {
    if (pid_ != 0) {
      std::lock_guard lock(shared_.registry_mutex);
      shared_.registry.erase(pid_);
    }
  }

  awaitable<void> run() {
    using namespace asio::experimental::awaitable_operators;
    executor_ = co_await asio::this_coro::executor;
    try {
      asio::steady_timer timer(executor_);
      timer.expires_after(shared_.options.authentication_timeout);
      // startup_or_false() never throws: Asio's || waits for the first
      // *successful* branch, so a throwing startup would wait for the timer.
      auto result = co_await (startup_or_false() || timer.async_wait(use_awaitable));
      if (result.index() == 1) {
        // Timed out. PostgreSQL only logs "canceling authentication due to
        // timeout"; we also send it once authentication has begun, so the
        // client learns why instead of seeing a reset (a deliberate
        // difference). auth_started_, not the engine's phase: cancelling the
        // pending read looked like EOF to the engine.
        if (auth_started_) {
          engine_.output().clear();
          ErrorInfo::fatal(sqlstate::query_canceled, "canceling authentication due to timeout")
              .encode(engine_.output());
          co_await flush();
        }
      } else if (std::get<0>(result)) {
        co_await serve();
      }
    } catch (const ConnectionClosed&) {
    } catch (const std::system_error&) {
    }
    t_.close();
  }

  // Session ------------------------------------------------------------------
  const ClientInfo& client() const noexcept override { return client_; }
  std::int32_t process_id() const noexcept override { return pid_; }
  TransactionStatus transaction_status() const noexcept override {
    return engine_.transaction_status();
  }
  void set_transaction_status(TransactionStatus s) noexcept override {
    engine_.set_transaction_status(s);
  }
  void send_notice(const ErrorInfo& notice) override { notice.encode(engine_.output(), true); }
  std::optional<std::string> parameter(std::string_view name) const override {
    auto it = params_.find(name);
    if (it == params_.end()) return std::nullopt;
    return it->second;
  }
  void set_parameter(std::string_view name, std::string_view value) override {
    auto canonical = reported_name(name);
    auto it = params_.find(name);  // keeps the first spelling of the name
    if (it != params_.end()) {
      it->second = std::string(value);
    } else {
      params_.emplace(std::string(canonical.value_or(name)), std::string(value));
    }
    if (canonical && engine_.phase() != protocol::Phase::authenticating)
      encode(ParameterStatus{*canonical, value}, engine_.output());
  }
  const ParameterMap& parameters() const noexcept override { return params_; }
  bool deallocate(std::string_view name) override {
    auto st = store_.deallocate(name);
    if (st && shared_.handlers.extended_query) shared_.handlers.extended_query->closed(*this, *st);
    return st != nullptr;
  }
  void deallocate_all() override {
    for (auto& st : store_.deallocate_all())
      if (shared_.handlers.extended_query) shared_.handlers.extended_query->closed(*this, *st);
  }

  void close_all_cursors() override { cursors_.clear(); }

  std::shared_ptr<void>& state_slot() const noexcept override { return state_; }
  bool cancel_requested() const noexcept override { return cancel_requested_.load(); }

  // Called from the connection that received the CancelRequest (any thread).
  void cancel() {
    if (!running_.load()) return;  // idle: PostgreSQL ignores it too
    cancel_requested_.store(true);
    asio::post(executor_, [self = shared_from_this()] {
      if (self->running_.load()) self->cancel_signal_.emit(asio::cancellation_type::all);
    });
  }

  // AuthExchange ---------------------------------------------------------------
  awaitable<std::string> exchange(const BackendMessage& request) override {
    encode(request, engine_.output());
    co_await flush();
    for (;;) {
      protocol::EventKind k = engine_.next();
      if (k == protocol::EventKind::auth_response) co_return std::string(engine_.frame().body);
      if (k == protocol::EventKind::need_input) {
        co_await read_more();
      } else {
        co_await flush();  // write, or the FATAL before a close
        if (k != protocol::EventKind::write) break;
      }
    }
    // Protocol violation or EOF during authentication.
    throw ConnectionClosed{};
  }
  void send(const BackendMessage& message) override { encode(message, engine_.output()); }
  std::string_view tls_server_end_point() const noexcept override { return end_point_; }

 private:
  static protocol::EngineOptions engine_options(const Shared& s) {
    protocol::EngineOptions o;
    o.limits = s.options.limits;
    o.tls_available = s.tls != nullptr;
    o.direct_tls = s.options.direct_tls;
    o.flush_threshold = s.options.flush_threshold;
    return o;
  }

  awaitable<void> flush() {
    Buffer& out = engine_.output();
    if (out.empty()) co_return;
    co_await t_.write(out.view());
    out.clear();
  }

  awaitable<void> read_more() {
    // About to wait for the client: give back what a huge message took.
    constexpr std::size_t keep = std::size_t{1} << 20;
    engine_.input().shrink_if_idle(keep);
    engine_.output().shrink_if_empty(keep);
    auto space = engine_.input().prepare(8192);
    std::size_t n = co_await t_.read_some(space);
    if (n == 0) {
      engine_.on_eof();
    } else {
      engine_.input().commit(n);
    }
  }

  awaitable<bool> startup_or_false() {
    try {
      bool ok = co_await startup();
      co_return ok;
    } catch (...) {  // ConnectionClosed, socket errors
    }
    co_return false;
  }

  // Negotiation, startup and authentication. True once logged in.
  awaitable<bool> startup() {
    for (;;) {
      switch (engine_.next()) {
        case protocol::EventKind::need_input:
          co_await read_more();
          break;
        case protocol::EventKind::write:
          co_await flush();
          break;
        case protocol::EventKind::start_tls: {
          co_await flush();
          bool ok = co_await start_tls();
          if (!ok) co_return false;
          break;
        }
        case protocol::EventKind::cancel:
          cancel_backend(engine_.cancel_request());
          co_return false;
        case protocol::EventKind::startup: {
          bool ok = co_await authenticate();
          co_return ok;
        }
        case protocol::EventKind::close:
        default:
          co_await flush();
          co_return false;
      }
    }
  }

  awaitable<bool> start_tls() {
    bool direct = engine_.direct_tls();
    std::string initial;
    if (direct) {
      // The ClientHello bytes already read belong to the handshake.
      initial.assign(engine_.input().pending());
      engine_.input().consume(initial.size());
    }
    bool handshaken = co_await t_.handshake(*shared_.tls, initial);
    if (!handshaken) co_return false;
    std::string alpn = detail::negotiated_alpn(t_.ssl());
    // Direct SSL is only PostgreSQL's when ALPN says so (PostgreSQL 17).
    if (direct && alpn != "postgresql") co_return false;
    engine_.tls_established();
    client_.tls = true;
    client_.direct_tls = direct;
    client_.alpn = alpn;
    client_.tls_version = SSL_get_version(t_.ssl());
    // Empty when the certificate has no usable hash (Ed25519): PLUS is then not offered.
    end_point_ = auth::tls_server_end_point(SSL_get_certificate(t_.ssl())).value_or("");
    co_return true;
  }

  awaitable<bool> authenticate() {
    auth_started_ = true;
    const StartupMessage& m = engine_.startup_message();
    client_.protocol = engine_.protocol();
    for (const auto& [k, v] : m.parameters) client_.startup_parameters.emplace_back(k, v);
    client_.user = std::string(*m.parameter("user"));
    client_.database = std::string(m.parameter("database").value_or(client_.user));
    client_.application_name = std::string(m.parameter("application_name").value_or(""));
    if (client_.database.empty()) client_.database = client_.user;
    // Flush a NegotiateProtocolVersion the engine may have queued.
    co_await flush();
    std::optional<ErrorInfo> refused;
    try {
      if (!shared_.handlers.startup) throw PgError(sqlstate::internal_error, "no startup handler");
      co_await shared_.handlers.startup->authenticate(*this);
    } catch (const PgError& e) {
      refused = e.info();
    } catch (const std::exception& e) {
      // A failing AuthSource (database down, ...): refuse, do not hang.
      refused = ErrorInfo::fatal(sqlstate::internal_error, e.what());
    }
    if (refused) {
      refused->severity = "FATAL";
      engine_.error(*refused);
      co_await flush();
      co_return false;
    }
    register_backend();
    auto server_params = shared_.handlers.startup->server_parameters(client_);
    for (const auto& [k, v] : server_params) params_.insert_or_assign(k, v);
    for (const auto& [k, v] : client_.startup_parameters)
      if (k != "user" && k != "database" && k != "options" && k != "replication")
        params_.insert_or_assign(k, v);
    std::vector<std::pair<std::string, std::string>> reported;
    for (const auto& [k, v] : params_)
      if (auto canonical = reported_name(k)) reported.emplace_back(std::string(*canonical), v);
    engine_.accept(reported, pid_, secret_);
    co_return true;
  }

  void register_backend() {
    pid_ = shared_.next_pid.fetch_add(1);
    // 4 bytes in protocol 3.0; 3.2 allows up to 256 and PostgreSQL 18 uses 32.
    secret_.resize(client_.protocol >= protocol_3_2 ? 32 : 4);
    if (RAND_bytes(reinterpret_cast<unsigned char*>(secret_.data()),
                   static_cast<int>(secret_.size())) != 1)
      throw PgError(sqlstate::internal_error, "could not generate a cancel key");
    std::lock_guard lock(shared_.registry_mutex);
    shared_.registry[pid_] = {secret_, weak_from_this()};
  }

  void cancel_backend(const CancelRequest& req) {
    std::shared_ptr<Connection> target;
    {
      std::lock_guard lock(shared_.registry_mutex);
      auto it = shared_.registry.find(req.process_id);
      if (it == shared_.registry.end()) return;
      const std::string& key = it->second.first;
      if (key.size() != req.secret_key.size() ||
          CRYPTO_memcmp(key.data(), req.secret_key.data(), key.size()) != 0)
        return;
      target = it->second.second.lock();
    }
    if (target) target->cancel();
  }

  // The query phase ------------------------------------------------------------
  awaitable<void> serve() {
    for (;;) {
      switch (engine_.next()) {
        case protocol::EventKind::need_input:
          co_await read_more();
          break;
        case protocol::EventKind::write:
          co_await flush();
          break;
        case protocol::EventKind::message:
          co_await dispatch(engine_.message());
          break;
        case protocol::EventKind::close:
        default:
          co_await flush();
          co_return;
      }
    }
  }

  awaitable<void> dispatch(const FrontendMessage& m) {
    if (auto* q = std::get_if<Query>(&m)) {
      // A simple Query drops the unnamed portal and statement, as PostgreSQL.
      drop_unnamed(true);
      co_await simple_query(q->query);
      co_return;
    }
    if (std::holds_alternative<Flush>(m)) co_return;  // the engine already asked for a write
    if (std::holds_alternative<Sync>(m)) {
      co_await sync();
      co_return;
    }
    if (std::holds_alternative<FunctionCall>(m)) {
      // Not an extended-query message: its error is followed by ReadyForQuery.
      engine_.error(ErrorInfo::error(sqlstate::feature_not_supported,
                                     "fast-path function calls are not supported"));
      engine_.ready_for_query();
      co_return;
    }
    std::optional<ErrorInfo> failure;
    try {
      if (!shared_.handlers.extended_query)
        throw PgError(sqlstate::feature_not_supported,
                      "extended query protocol is not supported by this server");
      if (auto* p = std::get_if<Parse>(&m)) {
        co_await parse(*p);
      } else if (auto* b = std::get_if<Bind>(&m)) {
        co_await bind(*b);
      } else if (auto* d = std::get_if<Describe>(&m)) {
        describe(*d);
      } else if (auto* e = std::get_if<Execute>(&m)) {
        co_await execute(*e);
      } else if (auto* c = std::get_if<Close>(&m)) {
        close(*c);
      }
    } catch (const PgError& e) {
      failure = e.info();
    } catch (const ConnectionClosed&) {
      throw;
    } catch (const std::exception& e) {
      failure = cancel_requested_.load() ? canceled() : ErrorInfo::error(sqlstate::internal_error, e.what());
    }
    running_.store(false);
    cancel_requested_.store(false);
    if (failure) engine_.error(*failure);
  }

  // Extended query ----------------------------------------------------------------

  // Runs a handler coroutine so that a CancelRequest can abort what it awaits.
  // Nested calls (a RowSource pulled inside a streaming simple query) just
  // await: the signal has one slot, and the outer spawn already propagates
  // cancellation to whatever its coroutine awaits.
  template <class T>
  awaitable<T> cancellable(awaitable<T> call) {
    if (in_cancellable_) co_return co_await std::move(call);
    running_.store(true);
    in_cancellable_ = true;
    struct Reset {
      bool& flag;
      ~Reset() { flag = false; }
    } reset{in_cancellable_};
    co_return co_await asio::co_spawn(
        executor_, std::move(call), asio::bind_cancellation_slot(cancel_signal_.slot(), use_awaitable));
  }

  awaitable<void> parse(const Parse& p) {
    auto stmt = std::make_shared<Statement>();
    stmt->name = std::string(p.statement);
    stmt->sql = std::string(p.query);
    stmt->parameter_types = p.parameter_types;
    // The unnamed statement is replaced even if the new Parse fails.
    if (stmt->name.empty()) drop_unnamed_statement();
    auto command = shared_.options.sql_cursors ? parse_cursor_command(stmt->sql) : std::nullopt;
    if (command) {
      // The library's: DECLARE prepares only its query with the product.
      auto plan = std::make_shared<CursorPlan>();
      plan->command = std::move(*command);
      if (plan->command.kind == CursorCommand::Kind::declare) {
        plan->query = std::make_shared<Statement>();
        plan->query->sql = plan->command.query;
        plan->query->parameter_types = stmt->parameter_types;
        auto call = shared_.handlers.extended_query->prepare(*this, *plan->query);
        co_await cancellable(std::move(call));
        stmt->parameter_types = plan->query->parameter_types;
      } else if (plan->command.kind == CursorCommand::Kind::fetch) {
        auto it = cursors_.find(plan->command.name);
        if (it != cursors_.end()) stmt->columns = it->second->schema;
      }
      stmt->cursor = std::move(plan);
    } else {
      auto call = shared_.handlers.extended_query->prepare(*this, *stmt);
      co_await cancellable(std::move(call));
    }
    store_.add_statement(std::move(stmt));
    encode(ParseComplete{}, engine_.output());
  }

  awaitable<void> bind(const Bind& b) {
    if (b.portal.empty()) drop_unnamed(false);
    Portal& portal = store_.bind(b);
    if (portal.statement->cursor) {
      encode(BindComplete{}, engine_.output());
      co_return;
    }
    try {
      auto call = shared_.handlers.extended_query->bind(*this, portal);
      co_await cancellable(std::move(call));
    } catch (...) {
      store_.close_portal(portal.name);
      throw;
    }
    encode(BindComplete{}, engine_.output());
  }

  void describe(const Describe& d) {
    Buffer& out = engine_.output();
    if (d.target == TargetKind::statement) {
      auto stmt = store_.statement(d.name);
      encode(ParameterDescription{stmt->parameter_types}, out);
      if (stmt->columns && !stmt->columns->empty()) {
        encode_row_description(*stmt->columns, {}, out);
      } else {
        encode(NoData{}, out);
      }
      return;
    }
    Portal* p = store_.portal(d.name);
    if (!p) {
      // A cursor is a portal too (psycopg 3 describes its named cursors).
      auto c = cursors_.find(d.name);
      if (c == cursors_.end()) throw PgError("34000", fmt::format("portal \"{}\" does not exist", d.name));
      std::vector<FormatCode> formats(1, c->second->binary ? format_binary : format_text);
      encode_row_description(*c->second->schema, formats, out);
      return;
    }
    const auto& cols = p->statement->columns;
    if (cols && !cols->empty()) {
      encode_row_description(*cols, p->result_formats, out);
    } else {
      encode(NoData{}, out);
    }
  }

  awaitable<void> execute(const Execute& e) {
    Portal* p = store_.portal(e.portal);
    if (!p) {
      // Execute of a cursor's portal: its rows by the protocol, suspended
      // at the row limit like any portal.
      auto it = cursors_.find(e.portal);
      if (it == cursors_.end()) throw PgError("34000", fmt::format("portal \"{}\" does not exist", e.portal));
      SqlCursor& cur = *it->second;
      std::vector<FormatCode> formats(1, cur.binary ? format_binary : format_text);
      std::uint64_t limit = e.max_rows > 0 ? static_cast<std::uint64_t>(e.max_rows) : 0;
      Streamed s;
      if (cur.result && cur.result->source())
        s = co_await stream_rows(*cur.result->source(), *cur.schema, formats, limit, engine_.output());
      cur.position += s.rows;
      if (s.more && limit != 0) {
        encode(PortalSuspended{}, engine_.output());
      } else {
        cur.result.reset();
        encode(CommandComplete{fmt::format("SELECT {}", s.rows)}, engine_.output());
      }
      co_return;
    }
    Buffer& out = engine_.output();
    if (p->statement->cursor) {
      const CursorPlan& plan = *p->statement->cursor;
      co_await run_cursor(plan, p, p->result_formats, false);
      co_return;
    }
    if (p->completed && !p->suspended) {
      // Ran to completion already: nothing more to return.
      const auto& cols = p->statement->columns;
      encode(CommandComplete{cols && !cols->empty() ? "SELECT 0" : "EXECUTE"}, out);
      co_return;
    }
    if (!p->suspended) {
      auto call = shared_.handlers.extended_query->execute(*this, *p);
      p->suspended = co_await cancellable(std::move(call));
    }
    Response& r = *p->suspended;
    if (r.kind() != Response::Kind::rows) {
      p->completed = true;
      Response done = std::move(r);
      p->suspended.reset();
      co_await send_response(done, {}, 0, false);
      co_return;
    }
    std::uint64_t limit = e.max_rows > 0 ? static_cast<std::uint64_t>(e.max_rows) : 0;
    bool more = co_await send_response(r, p->result_formats, limit, false);
    if (more) {
      encode(PortalSuspended{}, out);
    } else {
      p->completed = true;
      p->suspended.reset();
    }
  }

  void close(const Close& c) {
    if (c.target == TargetKind::statement) {
      for (auto& s : store_.close_statement(c.name)) shared_.handlers.extended_query->closed(*this, *s);
    } else {
      for (auto& p : store_.close_portal(c.name)) shared_.handlers.extended_query->closed(*this, *p);
    }
    encode(CloseComplete{}, engine_.output());
  }

  awaitable<void> sync() {
    std::optional<ErrorInfo> failure;
    if (shared_.handlers.extended_query) {
      try {
        co_await shared_.handlers.extended_query->sync(*this);
      } catch (const PgError& e) {
        failure = e.info();
      }
    }
    drop_unnamed(false);
    if (failure) engine_.error(*failure);
    engine_.ready_for_query();
  }

  void drop_unnamed(bool statement_too) {
    auto p = store_.drop_unnamed_portal();
    if (p && shared_.handlers.extended_query) shared_.handlers.extended_query->closed(*this, *p);
    if (statement_too) drop_unnamed_statement();
  }
  void drop_unnamed_statement() {
    auto s = store_.drop_unnamed_statement();
    if (s && shared_.handlers.extended_query) shared_.handlers.extended_query->closed(*this, *s);
  }

  // Sends each Response of a simple query as the handler produces it.
  class Sink final : public ResponseSink {
   public:
    explicit Sink(Connection& c) : c_(c) {}
    awaitable<bool> send(Response& r) override {
      bool ok = co_await c_.send_response(r, {});
      if (!ok) failed = true;
      co_return ok;
    }
    bool failed = false;  // a statement ended with an error: the rest is skipped

   private:
    Connection& c_;
  };

  static bool has_cursor_command(std::string_view sql) {
    for (auto stmt : split_statements(sql))
      if (parse_cursor_command(stmt)) return true;
    return false;
  }

  // A query string with cursor commands runs statement by statement: the
  // library's cursor commands, the product's statements one at a time.
  awaitable<void> simple_query_with_cursors(std::string_view sql, Sink& sink) {
    for (auto stmt : split_statements(sql)) {
      if (auto command = parse_cursor_command(stmt)) {
        CursorPlan plan;
        plan.command = std::move(*command);
        co_await run_cursor(plan, nullptr, {}, true);
        continue;
      }
      auto call = shared_.handlers.simple_query->stream(*this, stmt, sink);
      co_await cancellable(std::move(call));
      if (sink.failed) co_return;
    }
  }

  awaitable<void> simple_query(std::string_view sql) {
    cancel_requested_.store(false);
    if (is_empty_query(sql)) {
      encode(EmptyQueryResponse{}, engine_.output());
      engine_.ready_for_query();
      co_return;
    }
    std::optional<ErrorInfo> failure;
    Sink sink(*this);
    try {
      if (!shared_.handlers.simple_query)
        throw PgError(sqlstate::feature_not_supported, "simple query protocol is not supported");
      if (shared_.options.sql_cursors && has_cursor_command(sql)) {
        co_await simple_query_with_cursors(sql, sink);
      } else {
        auto call = shared_.handlers.simple_query->stream(*this, sql, sink);
        co_await cancellable(std::move(call));
      }
    } catch (const PgError& e) {
      failure = e.info();
    } catch (const ConnectionClosed&) {
      running_.store(false);
      throw;
    } catch (const std::exception& e) {
      failure = cancel_requested_.load() ? canceled() : ErrorInfo::error(sqlstate::internal_error, e.what());
    }
    running_.store(false);
    cancel_requested_.store(false);
    if (failure) engine_.error(*failure);
    engine_.ready_for_query();
  }

  static ErrorInfo canceled() {
    return ErrorInfo::error(sqlstate::query_canceled, "canceling statement due to user request");
  }

  // Sends one statement's result. Simple query (describe = true): sends
  // RowDescription and returns false after an error (stop the batch).
  // Extended Execute (describe = false): stops after `limit` rows and
  // returns true when rows remain (PortalSuspended); errors throw PgError.
  awaitable<bool> send_response(Response& r, std::span<const FormatCode> formats,
                                std::uint64_t limit = 0, bool describe = true) {
    Buffer& out = engine_.output();
    switch (r.kind()) {
      case Response::Kind::empty:
        encode(EmptyQueryResponse{}, out);
        co_return true;
      case Response::Kind::error:
        if (!describe) throw PgError(r.error_info());
        engine_.error(r.error_info());
        co_return false;
      case Response::Kind::command:
        encode(CommandComplete{r.tag()}, out);
        apply(r.effect());
        co_return true;
      case Response::Kind::rows:
        break;
    }
    const Schema& schema = *r.schema();
    if (describe) encode_row_description(schema, formats, out);
    Streamed streamed;
    try {
      if (r.source()) streamed = co_await stream_rows(*r.source(), schema, formats, limit, out);
    } catch (const PgError& e) {
      if (!describe) throw;
      engine_.error(e.info());
      co_return false;
    } catch (const ConnectionClosed&) {
      throw;
    } catch (const std::exception& e) {
      ErrorInfo info = cancel_requested_.load() ? canceled()
                                                : ErrorInfo::error(sqlstate::internal_error, e.what());
      if (!describe) throw PgError(std::move(info));
      engine_.error(info);
      co_return false;
    }
    bool more = streamed.more;
    std::uint64_t count = streamed.rows;
    if (!describe && more) co_return true;  // suspended at the row limit
    std::optional<std::string> tag = r.source() ? r.source()->command_tag() : std::nullopt;
    if (tag) {
      encode(CommandComplete{*tag}, out);
    } else {
      encode(CommandComplete{rows_tag(r.tag(), count)}, out);
    }
    co_return describe;
  }

  struct Streamed {
    std::uint64_t rows = 0;
    bool more = false;  // the source has rows left
  };

  // Pulls up to `limit` rows (0: all) from `source` into `out`: the engine's
  // output, written to the socket as it fills (backpressure), or a scratch
  // buffer for rows a cursor skips. Throws what the source throws.
  awaitable<Streamed> stream_rows(RowSource& source, const Schema& schema, std::span<const FormatCode> formats,
                                  std::uint64_t limit, Buffer& out) {
    Streamed s;
    s.more = true;
    const bool to_client = &out == &engine_.output();
    while (s.more && (limit == 0 || s.rows < limit)) {
      if (cancel_requested_.load()) throw PgError(canceled());
      std::size_t budget = shared_.options.flush_threshold > out.size()
                               ? shared_.options.flush_threshold - out.size()
                               : 1;
      RowWriter w(out, schema, formats, budget, limit == 0 ? 0 : limit - s.rows);
      auto fill = source.fill(w);
      try {
        s.more = co_await cancellable(std::move(fill));
      } catch (...) {
        w.discard_partial_row();  // the rows before it stay, as in PostgreSQL
        throw;
      }
      s.rows += w.rows();
      if (out.error()) throw PgError(sqlstate::internal_error, "row does not match its RowDescription");
      if (!to_client) {
        out.clear();
      } else if (out.size() >= shared_.options.flush_threshold) {
        co_await flush();  // wait for the socket before producing more rows
      }
    }
    co_return s;
  }

  // SQL cursors (ServerOptions::sql_cursors) -----------------------------------

  struct SqlCursor {
    SchemaPtr schema;
    std::optional<Response> result;  // the query's rows; reset once read to the end
    std::unique_ptr<Portal> portal;  // the query's portal (keeps its parameters)
    bool binary = false;
    bool hold = false;
    std::uint64_t position = 0;  // rows read so far
  };

  static PgError no_cursor(const std::string& name) {
    return PgError("34000", fmt::format("cursor \"{}\" does not exist", name));
  }

  // The query of a DECLARE, run through the product: prepared at Parse
  // (plan.query) and bound with the DECLARE's parameters, or prepared now,
  // or (simple-query-only products) through the simple query handler.
  awaitable<std::unique_ptr<SqlCursor>> open_cursor(const CursorPlan& plan, const Portal* outer) {
    const CursorCommand& c = plan.command;
    auto cursor = std::make_unique<SqlCursor>();
    cursor->binary = c.binary;
    cursor->hold = c.hold;
    Response r = Response::empty();
    auto& extended = shared_.handlers.extended_query;
    if (extended) {
      std::shared_ptr<Statement> stmt = plan.query;
      if (!stmt) {
        stmt = std::make_shared<Statement>();
        stmt->sql = c.query;
        auto call = extended->prepare(*this, *stmt);
        co_await cancellable(std::move(call));
      }
      auto portal = std::make_unique<Portal>();
      portal->statement = stmt;
      std::size_t n = outer ? outer->parameter_count() : 0;
      if (n < stmt->parameter_types.size())
        throw PgError("42P02", fmt::format("there is no parameter ${}", n + 1));
      std::size_t bytes = 0;
      for (std::size_t i = 0; i < n; ++i) bytes += outer->parameters[i] ? outer->parameters[i]->size() : 0;
      portal->storage.reserve(bytes);  // the views below point into it
      for (std::size_t i = 0; i < n; ++i) {
        portal->parameter_formats.push_back(outer->parameter_formats[i]);
        if (!outer->parameters[i]) {
          portal->parameters.emplace_back(std::nullopt);
          continue;
        }
        std::size_t at = portal->storage.size();
        portal->storage.append(*outer->parameters[i]);
        portal->parameters.emplace_back(std::string_view(portal->storage).substr(at, outer->parameters[i]->size()));
      }
      if (c.binary) portal->result_formats.assign(stmt->columns ? stmt->columns->size() : 0, format_binary);
      auto call = extended->execute(*this, *portal);
      r = co_await cancellable(std::move(call));
      cursor->portal = std::move(portal);
    } else if (shared_.handlers.simple_query) {
      auto call = shared_.handlers.simple_query->query(*this, c.query);
      auto results = co_await cancellable(std::move(call));
      if (results.size() != 1) throw PgError("42P11", "DECLARE CURSOR needs exactly one query");
      r = std::move(results.front());
    }
    if (r.kind() == Response::Kind::error) throw PgError(r.error_info());
    if (r.kind() != Response::Kind::rows)
      throw PgError("42P11", fmt::format("cannot open query as cursor: {}", c.query.substr(0, 60)));
    cursor->schema = r.schema();
    cursor->result.emplace(std::move(r));
    co_return cursor;
  }

  // Runs DECLARE/FETCH/MOVE/CLOSE. `describe`: send a RowDescription before
  // FETCH's rows (simple query); `formats`: FETCH's result formats (the
  // portal's in the extended protocol; the cursor's BINARY flag otherwise).
  awaitable<void> run_cursor(const CursorPlan& plan, const Portal* outer, std::span<const FormatCode> formats,
                             bool describe) {
    const CursorCommand& c = plan.command;
    Buffer& out = engine_.output();
    if (engine_.transaction_status() == TransactionStatus::failed && c.kind != CursorCommand::Kind::close)
      throw PgError("25P02", "current transaction is aborted, commands ignored until end of transaction block");
    switch (c.kind) {
      case CursorCommand::Kind::declare: {
        if (cursors_.count(c.name)) throw PgError("42P03", fmt::format("cursor \"{}\" already exists", c.name));
        if (!c.hold && engine_.transaction_status() != TransactionStatus::in_transaction)
          throw PgError("25P01", "DECLARE CURSOR can only be used in transaction blocks");
        auto cursor = co_await open_cursor(plan, outer);
        cursors_.emplace(c.name, std::move(cursor));
        encode(CommandComplete{"DECLARE CURSOR"}, out);
        co_return;
      }
      case CursorCommand::Kind::close:
        if (c.name.empty()) {
          cursors_.clear();
        } else if (!cursors_.erase(c.name)) {
          throw no_cursor(c.name);
        }
        encode(CommandComplete{"CLOSE CURSOR"}, out);
        co_return;
      case CursorCommand::Kind::fetch:
      case CursorCommand::Kind::move:
        break;
    }
    auto it = cursors_.find(c.name);
    if (it == cursors_.end()) throw no_cursor(c.name);
    SqlCursor& cur = *it->second;
    // Forward-only: how many rows to skip, then how many to return (0: all).
    using M = CursorCommand::Motion;
    std::uint64_t skip = 0, take = c.count;
    bool all = c.motion == M::all;
    if (c.motion == M::backward)
      throw PgError(ErrorInfo::error("55000", "cursor can only scan forward")
                        .with_hint("Declare it with SCROLL option to enable backward scan."));
    if (c.motion == M::absolute || c.motion == M::relative) {
      std::uint64_t target = c.motion == M::absolute ? c.count : cur.position + c.count;
      if (target > cur.position) {
        skip = target - cur.position - 1;
        take = 1;
      } else if (c.motion == M::absolute) {
        throw PgError(ErrorInfo::error("55000", "cursor can only scan forward")
                          .with_hint("Declare it with SCROLL option to enable backward scan."));
      }  // RELATIVE 0: the current row (take 0)
    }
    // FETCH 0 / RELATIVE 0 re-read the current row: none before the first
    // (libpqxx asks that to learn the columns); after it, a forward-only
    // cursor no longer has it.
    if (c.kind == CursorCommand::Kind::fetch && !all && take == 0 && cur.position > 0)
      throw PgError(sqlstate::feature_not_supported, "FETCH of the current row again is not supported");
    bool is_fetch = c.kind == CursorCommand::Kind::fetch;
    std::vector<FormatCode> cursor_formats;
    if (describe && cur.binary) cursor_formats.assign(1, format_binary);
    if (describe) formats = cursor_formats;
    if (describe && is_fetch) encode_row_description(*cur.schema, formats, out);
    std::uint64_t moved = 0;
    if (cur.result && cur.result->source()) {
      RowSource& source = *cur.result->source();
      Buffer scratch;
      Streamed s{0, true};
      if (skip > 0) {
        s = co_await stream_rows(source, *cur.schema, formats, skip, scratch);
        moved += s.rows;
      }
      if (s.more && (all || take > 0)) {
        Buffer& target = is_fetch ? out : scratch;
        s = co_await stream_rows(source, *cur.schema, formats, all ? 0 : take, target);
        moved += s.rows;
      }
      cur.position += moved;
      if (!s.more) cur.result.reset();  // read to the end: release the product's rows
    }
    if (is_fetch && skip > 0) moved = moved > skip ? moved - skip : 0;
    encode(CommandComplete{fmt::format("{} {}", is_fetch ? "FETCH" : "MOVE", moved)}, out);
  }

  // The end of a transaction closes its cursors, except WITH HOLD ones.
  void close_transaction_cursors() {
    for (auto it = cursors_.begin(); it != cursors_.end();) {
      if (it->second->hold) {
        ++it;
      } else {
        it = cursors_.erase(it);
      }
    }
  }

  void apply(TransactionEffect e) {
    if (e == TransactionEffect::begin && engine_.transaction_status() == TransactionStatus::idle)
      engine_.set_transaction_status(TransactionStatus::in_transaction);
    else if (e == TransactionEffect::end) {
      engine_.set_transaction_status(TransactionStatus::idle);
      close_transaction_cursors();
    }
  }

  static void encode_row_description(const Schema& schema, std::span<const FormatCode> formats,
                                     Buffer& out) {
    auto at = out.begin_message('T');
    out.put_count16(schema.size());
    for (std::size_t i = 0; i < schema.size(); ++i) {
      const Column& c = schema[i];
      out.put_cstring(c.name);
      out.put_u32(c.table_oid);
      out.put_i16(c.column_id);
      out.put_u32(c.type);
      out.put_i16(c.type_size);
      out.put_i32(c.type_modifier);
      out.put_i16(formats.empty() ? format_text : formats.size() == 1 ? formats[0] : formats[i]);
    }
    out.end_message(at);
  }

  Shared& shared_;
  Transport t_;
  protocol::Engine engine_;
  ClientInfo client_;
  ParameterMap params_;
  StatementStore store_;
  std::map<std::string, std::unique_ptr<SqlCursor>, std::less<>> cursors_;
  bool auth_started_ = false;
  bool in_cancellable_ = false;
  std::int32_t pid_ = 0;
  std::string secret_;
  std::string end_point_;
  std::atomic<bool> cancel_requested_{false};
  std::atomic<bool> running_{false};  // a statement is executing (cancellable)
  asio::cancellation_signal cancel_signal_;
  asio::any_io_executor executor_;
  mutable std::shared_ptr<void> state_;
};

// Server -----------------------------------------------------------------------

struct Server::Impl {
  Shared shared;
  asio::io_context io;
  std::vector<tcp::acceptor> acceptors;
  std::optional<asio::local::stream_protocol::acceptor> unix_acceptor;
  std::vector<std::uint16_t> ports;
  bool started = false;

  awaitable<void> accept_tcp(tcp::acceptor& acc) {
    for (;;) {
      auto [ec, sock] = co_await acc.async_accept(asio::make_strand(io), nothrow);
      if (ec == asio::error::operation_aborted) co_return;
      if (ec) continue;  // EMFILE and friends: keep serving the others
      std::error_code ignored;
      sock.set_option(tcp::no_delay(true), ignored);
      std::string remote;
      auto ep = sock.remote_endpoint(ignored);
      if (!ignored) remote = fmt::format("{}:{}", ep.address().to_string(), ep.port());
      auto executor = sock.get_executor();
      auto conn = std::make_shared<Connection>(shared, Transport(std::move(sock)), remote);
      asio::co_spawn(executor, [conn]() { return conn->run(); }, asio::detached);
    }
  }

  awaitable<void> accept_unix() {
    for (;;) {
      auto [ec, sock] = co_await unix_acceptor->async_accept(asio::make_strand(io), nothrow);
      if (ec == asio::error::operation_aborted) co_return;
      if (ec) continue;
      auto executor = sock.get_executor();
      auto conn = std::make_shared<Connection>(shared, Transport(std::move(sock)), "unix");
      asio::co_spawn(executor, [conn]() { return conn->run(); }, asio::detached);
    }
  }
};

Server::Server(ServerOptions options, Handlers handlers) : impl_(std::make_unique<Impl>()) {
  impl_->shared.options = std::move(options);
  impl_->shared.handlers = std::move(handlers);
  if (impl_->shared.options.tls)
    impl_->shared.tls = detail::make_server_tls_context(*impl_->shared.options.tls);
}

Server::~Server() {
  stop();
  if (!impl_->shared.options.unix_socket.empty() && impl_->unix_acceptor) {
    std::error_code ec;
    std::filesystem::remove(impl_->shared.options.unix_socket, ec);
  }
}

void Server::start() {
  auto& d = *impl_;
  if (d.started) return;
  for (const auto& spec : d.shared.options.listen) {
    auto colon = spec.rfind(':');
    if (colon == std::string::npos) throw std::invalid_argument("listen address needs host:port: " + spec);
    std::string host = spec.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    auto port = static_cast<std::uint16_t>(std::stoi(spec.substr(colon + 1)));
    tcp::endpoint ep(asio::ip::make_address(host), port);
    tcp::acceptor acc(d.io);
    acc.open(ep.protocol());
    acc.set_option(tcp::acceptor::reuse_address(true));
    acc.bind(ep);
    acc.listen(asio::socket_base::max_listen_connections);
    d.ports.push_back(acc.local_endpoint().port());
    d.acceptors.push_back(std::move(acc));
  }
  if (!d.shared.options.unix_socket.empty()) {
    std::error_code ec;
    std::filesystem::remove(d.shared.options.unix_socket, ec);
    d.unix_acceptor.emplace(d.io, asio::local::stream_protocol::endpoint(d.shared.options.unix_socket));
  }
  for (auto& acc : d.acceptors)
    asio::co_spawn(d.io, d.accept_tcp(acc), asio::detached);
  if (d.unix_acceptor) asio::co_spawn(d.io, d.accept_unix(), asio::detached);
  d.started = true;
}

void Server::run() {
  start();
  auto work = asio::make_work_guard(impl_->io);
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < impl_->shared.options.threads; ++i)
    threads.emplace_back([this] { impl_->io.run(); });
  impl_->io.run();
  for (auto& t : threads) t.join();
}

void Server::stop() { impl_->io.stop(); }

std::vector<std::uint16_t> Server::ports() const { return impl_->ports; }

}  // namespace pgwire

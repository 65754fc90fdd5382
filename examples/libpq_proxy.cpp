// A PostgreSQL front built on the library: clients talk to pgwire, and every
// statement is forwarded to an upstream PostgreSQL through libpq. It shows a
// product developer the whole API on real PostgreSQL semantics, and lets any
// driver's behaviour be tested through the library.
//
//   libpq_proxy --listen 127.0.0.1:6432 --upstream "host=/var/run/postgresql dbname=postgres"
//
// - Simple query: PQsendQuery in single-row mode; rows stream through as the
//   upstream produces them (never buffered whole); each statement's result
//   and tag passes through.
// - Extended query: Parse -> PQsendPrepare + PQsendDescribePrepared (so
//   Describe works before Bind), Execute -> PQsendQueryPrepared with the
//   client's parameter formats. libpq asks for one result format for all
//   columns: a mixed request is fetched as text and the binary columns are
//   converted through the type layer.
// - Every error and notice field passes through; the transaction status
//   mirrors the upstream's.
// - One upstream connection per client session. While an Execute is
//   suspended (row limit), a new statement on the same session first drains
//   the suspended result into memory: libpq runs one query at a time.
// - SQL cursors (DECLARE/FETCH/MOVE/CLOSE) are the library's
//   (ServerOptions::sql_cursors): their query runs upstream as an ordinary
//   prepared statement streamed in single-row mode, and FETCH pulls from it,
//   so psycopg's named cursors (which Describe the cursor's portal) work.
//   Forward-only, unlike PostgreSQL's SCROLL cursors.
// - COPY FROM STDIN and COPY TO STDOUT pass through (simple and extended
//   query): CopyData goes upstream with PQputCopyData as it arrives, and
//   comes back with PQgetCopyData; the upstream's "COPY n" tag and errors
//   (their SQLSTATE) pass through; a CopyFail ends the upstream COPY too.
// - A CancelRequest for a running statement is forwarded upstream (PQcancel
//   on a thread of its own); what the cancelled command still sends is read
//   before the session's next statement.
// - Notifications (LISTEN/NOTIFY) of the upstream reach the client, also
//   while it is idle: the upstream socket is watched between statements.
// - Replication connections (replication=database or true in the startup
//   packet) have a replication upstream: IDENTIFY_SYSTEM, CREATE_/DROP_/
//   READ_REPLICATION_SLOT, SHOW, TIMELINE_HISTORY and SQL pass as simple
//   queries, with the walsender's results and errors; START_REPLICATION's
//   copy-both is relayed both ways (libpq_proxy/replication.hpp), the
//   upstream's stream paced by the client's reading. A client that
//   abandons a stream loses its upstream (a walsender would close too):
//   its later statements fail with 08006.
// - Nothing ever spins: every wait on the upstream is an async wait on its
//   socket.
#include <pgwire/api/replication.hpp>

#include "common.hpp"
#include "libpq_proxy/replication.hpp"
#include "libpq_proxy/results.hpp"
#include "libpq_proxy/upstream.hpp"

namespace {

struct UpstreamStatement {
  std::string name;
};

class Proxy final : public pgwire::SimpleQueryHandler, public pgwire::ExtendedQueryHandler {
 public:
  explicit Proxy(std::string conninfo) : conninfo_(std::move(conninfo)) {}

  asio::awaitable<void> stream(pgwire::Session& session, std::string_view sql,
                               pgwire::ResponseSink& out) override {
    // Client statement names exist only here (upstream ones are pgwire_N):
    // DEALLOCATE is the library's, which tells closed() to free upstream.
    if (auto local = deallocate(session, sql)) {
      co_await out.send(*local);
      co_return;
    }
    Upstream& up = *co_await upstream(session);
    up.forward_cancel(session);
    co_await up.make_ready();
    std::string q(sql);
    if (!PQsendQuery(up.conn(), q.c_str()) || !PQsetSingleRowMode(up.conn()))
      throw pgwire::PgError(error_from(nullptr, up.conn()));
    up.command_started();
    co_await up.flush();
    bool failed = false;
    for (;;) {
      Result r = co_await up.next();
      if (!r) break;
      // After a failure, or a COPY the client did not complete: read the
      // rest (a COPY state result comes back until the COPY ends).
      if (failed) {
        co_await up.skip(r.get());
        continue;
      }
      pgwire::Response resp = response_for(session, up, std::move(r));
      bool ok = co_await out.send(resp);
      if (!ok) failed = true;
    }
    mirror_status(session, up.conn());
  }

  asio::awaitable<void> prepare(pgwire::Session& session, pgwire::Statement& stmt) override {
    if (is_deallocate(stmt.sql)) co_return;  // answered locally at Execute
    Upstream& up = *co_await upstream(session);
    up.forward_cancel(session);
    co_await up.make_ready();
    auto handle = std::make_shared<UpstreamStatement>();
    handle->name = "pgwire_" + std::to_string(++up.next_statement);
    const auto& types = stmt.parameter_types;
    if (!PQsendPrepare(up.conn(), handle->name.c_str(), stmt.sql.c_str(), static_cast<int>(types.size()),
                       types.empty() ? nullptr : types.data()))
      throw pgwire::PgError(error_from(nullptr, up.conn()));
    Result r = co_await up.exec_all();
    if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) throw pgwire::PgError(error_from(r.get(), up.conn()));
    if (!PQsendDescribePrepared(up.conn(), handle->name.c_str()))
      throw pgwire::PgError(error_from(nullptr, up.conn()));
    Result d = co_await up.exec_all();
    if (!d || PQresultStatus(d.get()) != PGRES_COMMAND_OK) throw pgwire::PgError(error_from(d.get(), up.conn()));
    stmt.parameter_types.clear();
    for (int i = 0; i < PQnparams(d.get()); ++i) stmt.parameter_types.push_back(PQparamtype(d.get(), i));
    if (PQnfields(d.get()) > 0) stmt.columns = schema_of(d.get());
    stmt.set_handle(handle);
    mirror_status(session, up.conn());
  }

  asio::awaitable<pgwire::Response> execute(pgwire::Session& session, pgwire::Portal& portal) override {
    if (auto local = deallocate(session, portal.statement->sql)) co_return std::move(*local);
    Upstream& up = *co_await upstream(session);
    up.forward_cancel(session);
    co_await up.make_ready();
    std::size_t n = portal.parameter_count();
    std::vector<const char*> values(n);
    std::vector<int> lengths(n), formats(n);
    // libpq reads text parameters up to a NUL, ignoring the lengths.
    std::vector<std::string> text(n);
    for (std::size_t i = 0; i < n; ++i) {
      const auto& p = portal.parameters[i];
      if (p && portal.parameter_formats[i] == pgwire::format_text) {
        text[i] = std::string(*p);
        values[i] = text[i].c_str();
      } else {
        values[i] = p ? p->data() : nullptr;
      }
      lengths[i] = p ? static_cast<int>(p->size()) : 0;
      formats[i] = portal.parameter_formats[i];
    }
    // libpq has one result format for all columns: a mixed request is
    // fetched as text and converted per column.
    const auto& rf = portal.result_formats;
    bool all_binary = !rf.empty() && std::all_of(rf.begin(), rf.end(), [](auto f) { return f == pgwire::format_binary; });
    int result_format = all_binary ? 1 : 0;
    const auto* handle = portal.statement->handle_as<UpstreamStatement>();
    if (!PQsendQueryPrepared(up.conn(), handle->name.c_str(), static_cast<int>(n), values.data(),
                             lengths.data(), formats.data(), result_format) ||
        !PQsetSingleRowMode(up.conn()))
      throw pgwire::PgError(error_from(nullptr, up.conn()));
    up.command_started();
    co_await up.flush();
    Result r = co_await up.next();
    if (!r) co_return pgwire::Response::empty();
    pgwire::Response resp = response_for(session, up, std::move(r), result_format, portal.statement->columns);
    auto kind = resp.kind();
    // Rows and COPY still read from the upstream; the command's end (null
    // result) is read at Sync (make_ready). Otherwise consume it now.
    if (kind != pgwire::Response::Kind::rows && kind != pgwire::Response::Kind::copy_in &&
        kind != pgwire::Response::Kind::copy_out && kind != pgwire::Response::Kind::copy_both)
      co_await up.drain();
    mirror_status(session, up.conn());
    co_return resp;
  }

  // Sync: the last Execute's rows have been read by now (unless its portal
  // is suspended): finish that command upstream and mirror the status it left.
  asio::awaitable<void> sync(pgwire::Session& session) override {
    auto* up = session.state<Upstream>();
    if (up == nullptr || up->busy) co_return;
    up->forward_cancel(session);
    co_await up->make_ready();
    mirror_status(session, up->conn());
  }

  void closed(pgwire::Session& session, const pgwire::Statement& stmt) override {
    auto* h = stmt.handle_as<UpstreamStatement>();
    auto* up = session.state<Upstream>();
    if (h && up) up->to_deallocate.push_back(h->name);
  }
  using pgwire::ExtendedQueryHandler::closed;

 private:
  asio::awaitable<Upstream*> upstream(pgwire::Session& session) {
    if (auto* up = session.state<Upstream>()) co_return up;
    auto up = std::make_shared<Upstream>();
    up->executor_ = co_await asio::this_coro::executor;
    co_await up->connect(conninfo_, session);
    auto& owned = session.set_state(std::move(up));
    owned.start_watching();
    co_return &owned;
  }

  pgwire::Response response_for(pgwire::Session& session, Upstream& up, Result r, int upstream_format = 0,
                                const pgwire::SchemaPtr& schema = nullptr) {
    switch (PQresultStatus(r.get())) {
      case PGRES_SINGLE_TUPLE:
      case PGRES_TUPLES_OK: {
        auto s = schema ? schema : schema_of(r.get());
        return pgwire::Response::rows(s, std::make_unique<RowStream>(session, up, std::move(r),
                                                                     static_cast<pgwire::FormatCode>(upstream_format)));
      }
      case PGRES_COMMAND_OK: {
        std::string tag = PQcmdStatus(r.get());
        return pgwire::Response::command(tag);
      }
      case PGRES_EMPTY_QUERY: return pgwire::Response::empty();
      case PGRES_COPY_IN:
        return pgwire::Response::copy_in(std::make_unique<CopyToUpstream>(up), copy_format(r.get()),
                                         static_cast<std::size_t>(PQnfields(r.get())));
      case PGRES_COPY_OUT:
        return pgwire::Response::copy_out(std::make_unique<CopyFromUpstream>(up), copy_format(r.get()),
                                          static_cast<std::size_t>(PQnfields(r.get())));
      case PGRES_COPY_BOTH:  // START_REPLICATION on a replication upstream
        return pgwire::Response::copy_both(std::make_unique<ReplicationStream>(up, session), copy_format(r.get()),
                                           static_cast<std::size_t>(PQnfields(r.get())));
      case PGRES_BAD_RESPONSE:
      case PGRES_NONFATAL_ERROR:
      case PGRES_FATAL_ERROR: return pgwire::Response::error(error_from(r.get(), up.conn()));
      default:
        return pgwire::Response::error(pgwire::ErrorInfo::error(
            "XX000", std::string("libpq_proxy cannot forward an upstream result of status ") +
                         PQresStatus(PQresultStatus(r.get()))));
    }
  }

  // Only binary or not matters for the Copy*Response (csv is announced as text).
  static pgwire::CopyFormat copy_format(const PGresult* r) {
    return PQbinaryTuples(r) ? pgwire::CopyFormat::binary : pgwire::CopyFormat::text;
  }

  static bool is_deallocate(std::string_view sql) {
    auto stmts = pgwire::split_statements(sql);
    if (stmts.size() != 1 || stmts[0].size() < 10) return false;
    std::string head(stmts[0].substr(0, 10));
    for (auto& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return head == "deallocate";
  }
  std::optional<pgwire::Response> deallocate(pgwire::Session& session, std::string_view sql) {
    if (!is_deallocate(sql)) return std::nullopt;
    return commands_.answer(session, pgwire::split_statements(sql)[0]);
  }

  std::string conninfo_;
  pgwire::SessionCommands commands_;
};

// The upstream's server_version, reported to clients at login in its place
// (pg_dump writes it into the dump, drivers choose their queries by it);
// the library's default when the upstream is not reachable at start.
std::string upstream_server_version(const std::string& conninfo) {
  std::string version = pgwire::default_server_version;
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (PQstatus(conn) == CONNECTION_OK) {
    if (const char* v = PQparameterStatus(conn, "server_version")) version = v;
  } else {
    std::cerr << "libpq_proxy: upstream not reachable at start (" << PQerrorMessage(conn)
              << "), reporting server_version " << version << "\n";
  }
  PQfinish(conn);
  return version;
}

}  // namespace

int main(int argc, char** argv) {
  auto flags = example::parse(argc, argv, "Forwards every statement to an upstream PostgreSQL through libpq.",
                              {"--upstream", "--replication-roles"},
                              "  --upstream CONNINFO    libpq connection string of the upstream PostgreSQL\n"
                              "  --replication-roles A,B  the roles that may open replication connections\n"
                              "                         (default: every role; the upstream checks its own)\n");
  std::string upstream = example::extra(flags, "--upstream");
  if (upstream.empty()) {
    std::cerr << "libpq_proxy needs --upstream \"host=... dbname=... user=...\"\n";
    return 2;
  }
  auto proxy = std::make_shared<Proxy>(upstream);
  auto options = example::server_options(flags);
  options.server_version = upstream_server_version(upstream);
  auto startup = pgwire::require_replication_role(example::auth_handler(flags), example::replication_roles(flags));
  pgwire::Server server(options, {startup, proxy, proxy});
  return example::serve(server, flags);
}

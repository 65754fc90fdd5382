// The benchmark server: a minimal product on the library whose answers cost
// (almost) nothing, so that what bench/compare.sh measures is the library's
// protocol work, apart from any engine's. Simple and extended query:
//
//   SELECT 1                 -> one int4 column "?column?" with 1, as PostgreSQL types it
//   SELECT ... FROM bulk(n)  -> n rows (i int4, t text of 32 'x', f float8 = i),
//                               generated batch by batch (bounded memory)
//   BEGIN / COMMIT / ROLLBACK -> their tags and transaction status
//   anything else            -> ERROR 0A000
//
// Flags as the examples (--listen, --threads, --auth, ...; see --help).

#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>

#include <pgwire/api/extended.hpp>
#include <pgwire/api/handlers.hpp>

#include "../examples/common.hpp"

namespace {

enum class Kind { select_one, bulk, begin, commit, rollback, unsupported };

struct Plan {
  Kind kind = Kind::unsupported;
  std::uint64_t rows = 0;  // bulk(n)
};

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

std::size_t ifind(std::string_view haystack, std::string_view needle) {
  for (std::size_t i = 0; i + needle.size() <= haystack.size(); ++i)
    if (iequals(haystack.substr(i, needle.size()), needle)) return i;
  return std::string_view::npos;
}

// The statement without surrounding spaces and trailing ';' (pgbench's
// extended mode sends the script line as it is).
std::string_view trimmed(std::string_view sql) {
  auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!sql.empty() && space(sql.front())) sql.remove_prefix(1);
  while (!sql.empty() && (space(sql.back()) || sql.back() == ';')) sql.remove_suffix(1);
  return sql;
}

Plan plan_of(std::string_view sql) {
  sql = trimmed(sql);
  if (iequals(sql, "SELECT 1")) return {Kind::select_one};
  if (iequals(sql, "BEGIN")) return {Kind::begin};
  if (iequals(sql, "COMMIT")) return {Kind::commit};
  if (iequals(sql, "ROLLBACK")) return {Kind::rollback};
  if (sql.size() > 6 && iequals(sql.substr(0, 6), "SELECT")) {
    if (auto at = ifind(sql, "bulk("); at != std::string_view::npos) {
      std::uint64_t n = 0;
      std::size_t i = at + 5;
      bool digits = false;
      for (; i < sql.size() && std::isdigit(static_cast<unsigned char>(sql[i])); ++i, digits = true)
        n = n * 10 + static_cast<std::uint64_t>(sql[i] - '0');
      if (digits && i < sql.size() && sql[i] == ')') return {Kind::bulk, n};
    }
  }
  return {};
}

const pgwire::SchemaPtr& select_one_schema() {
  static const auto schema = pgwire::make_schema({{"?column?", pgwire::oid::int4}});
  return schema;
}

const pgwire::SchemaPtr& bulk_schema() {
  static const auto schema =
      pgwire::make_schema({{"i", pgwire::oid::int4}, {"t", pgwire::oid::text}, {"f", pgwire::oid::float8}});
  return schema;
}

// The one row of SELECT 1 (honours the client's result format).
class OneRow final : public pgwire::RowSource {
 public:
  asio::awaitable<bool> fill(pgwire::RowWriter& out) override {
    out.begin_row();
    out.add(std::int32_t{1});
    out.end_row();
    co_return false;
  }
};

// bulk(n): rows written while the batch has room; the library pulls the next
// batch only once the client has taken the previous one.
class BulkRows final : public pgwire::RowSource {
 public:
  explicit BulkRows(std::uint64_t rows) : rows_(rows) {}
  asio::awaitable<bool> fill(pgwire::RowWriter& out) override {
    static constexpr std::string_view text = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";  // 32 chars
    while (next_ < rows_ && out.wants_more()) {
      ++next_;
      out.begin_row();
      out.add(static_cast<std::int32_t>(next_));
      out.add(text);
      out.add(static_cast<double>(next_));
      out.end_row();
    }
    co_return next_ < rows_;
  }

 private:
  std::uint64_t rows_;
  std::uint64_t next_ = 0;
};

pgwire::Response respond(const Plan& plan) {
  switch (plan.kind) {
    case Kind::select_one: return pgwire::Response::rows(select_one_schema(), std::make_unique<OneRow>());
    case Kind::bulk: return pgwire::Response::rows(bulk_schema(), std::make_unique<BulkRows>(plan.rows));
    case Kind::begin: return pgwire::Response::begin();
    case Kind::commit: return pgwire::Response::commit();
    case Kind::rollback: return pgwire::Response::rollback();
    case Kind::unsupported: break;
  }
  return pgwire::Response::error(pgwire::ErrorInfo::error(
      pgwire::sqlstate::feature_not_supported, "bench_server answers only SELECT 1 and SELECT ... FROM bulk(n)"));
}

class BenchHandler final : public pgwire::SimpleQueryHandler, public pgwire::ExtendedQueryHandler {
 public:
  asio::awaitable<void> stream(pgwire::Session&, std::string_view sql, pgwire::ResponseSink& out) override {
    for (auto stmt : pgwire::split_statements(sql)) {
      pgwire::Response r = respond(plan_of(stmt));
      if (!co_await out.send(r)) break;
    }
  }

  asio::awaitable<void> prepare(pgwire::Session&, pgwire::Statement& stmt) override {
    auto plan = std::make_shared<Plan>(plan_of(stmt.sql));
    if (plan->kind == Kind::unsupported) throw pgwire::PgError(respond(*plan).error_info());
    if (plan->kind == Kind::select_one) stmt.columns = select_one_schema();
    if (plan->kind == Kind::bulk) stmt.columns = bulk_schema();
    stmt.set_handle(std::move(plan));
    co_return;
  }

  asio::awaitable<pgwire::Response> execute(pgwire::Session&, pgwire::Portal& portal) override {
    const Plan* plan = portal.statement->handle_as<Plan>();
    co_return respond(plan ? *plan : plan_of(portal.statement->sql));
  }
};

}  // namespace

int main(int argc, char** argv) {
  auto flags = example::parse(argc, argv, "Fixed results at (almost) no cost: the library's benchmark server.");
  auto handler = std::make_shared<BenchHandler>();
  pgwire::Server server(example::server_options(flags), {example::auth_handler(flags), handler, handler});
  return example::serve(server, flags);
}

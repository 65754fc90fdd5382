// The Catalog (catalog.hpp): one in-memory SQLite database holding the
// relations (relations.cpp) and the functions (functions.cpp); a query is
// translated (pg_to_sqlite.cpp), evaluated, and its values printed as
// PostgreSQL prints them for the column types PostgreSQL gives them.

#include "pgwire/catalog/catalog.hpp"

#include <cctype>
#include <map>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>
#include <sqlite3.h>

#include "catalog_types.hpp"
#include "functions.hpp"
#include "pg_to_sqlite.hpp"
#include "pgwire/api/extended.hpp"
#include "pgwire/types/convert.hpp"
#include "pgwire/types/error.hpp"
#include "relations.hpp"

namespace pgwire::catalog {

// PostgreSQL's default, for a session that has no search_path setting.
constexpr const char* default_search_path = "\"$user\", public";

using namespace catalog_detail;

struct Catalog::Engine {
  sqlite3* db = nullptr;
  Description description;
  Snapshot snapshot;
  RelationOids relations;  // (kept across loads)
  std::map<std::pair<std::string, std::string>, const TableInfo*> tables;  // (schema, name): description's
  FunctionContext context;

  Engine() {
    if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK)
      throw std::runtime_error("catalog: cannot open an in-memory SQLite database");
    context.snapshot = &snapshot;
    register_functions(db, &context);
    // PostgreSQL's LIKE is case-sensitive.
    sqlite3_exec(db, "PRAGMA case_sensitive_like = ON", nullptr, nullptr, nullptr);
    create_relations(db);
  }
  ~Engine() { sqlite3_close_v2(db); }

  void load(Description d) {
    sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    try {
      RelationOids filled = relations;
      snapshot = fill_relations(db, d, filled);
      // information_schema's view texts print names for the default path.
      context.user = d.owner;
      set_search_path(context, default_search_path);
      fill_information_schema(db, d.database);
      sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
      relations = std::move(filled);
    } catch (...) {
      sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
    description = std::move(d);
    tables.clear();
    for (const auto& t : description.tables) tables[{t.schema, t.name}] = &t;
  }
};

namespace {

[[noreturn]] void unsupported(std::string_view why) {
  throw PgError(ErrorInfo::error(sqlstate::feature_not_supported, "catalog query not supported")
                    .with_detail(std::string(why))
                    .with_hint("The catalog emulation evaluates PostgreSQL 15's catalog queries; see docs/CATALOG.md."));
}

[[noreturn]] void evaluation_error(sqlite3* db) {
  std::string message = sqlite3_errmsg(db);
  if (message.find("does not exist") != std::string::npos) {
    const char* code = message.starts_with("relation") ? sqlstate::undefined_table : sqlstate::undefined_object;
    throw PgError(code, message);
  }
  if (message.starts_with("invalid input syntax")) throw PgError("22P02", message);
  // (the relations have all of PostgreSQL 15's columns: another name is the query's mistake)
  if (message.starts_with("no such column: ")) {
    std::string column = message.substr(16);
    throw PgError("42703", column.find('.') != std::string::npos
                                                  ? "column " + column + " does not exist"
                                                  : "column \"" + column + "\" does not exist");
  }
  if (message.starts_with("unrecognized configuration parameter")) throw PgError("42704", message);
  unsupported(message);
}

struct Prepared {
  Translation translation;
  Schema columns;
};

Oid declared_type(const char* decl) {
  if (decl == nullptr) return 0;
  std::string_view d(decl);
  if (const auto* t = find_catalog_type(d)) return t->oid;
  return 0;
}

// The printed value of column i of the current row, for `type`.
std::optional<std::string> value_text(sqlite3_stmt* s, int i, Oid type, const FunctionContext& context) {
  int kind = sqlite3_column_type(s, i);
  if (kind == SQLITE_NULL) return std::nullopt;
  if (type == oid::bool_) {
    if (kind == SQLITE_TEXT) {
      std::string_view v(reinterpret_cast<const char*>(sqlite3_column_text(s, i)));
      return std::string(v == "t" || v == "true" || v == "1" ? "t" : "f");
    }
    return std::string(sqlite3_column_int64(s, i) != 0 ? "t" : "f");
  }
  if (kind == SQLITE_INTEGER &&
      (type == catoid::regclass || type == catoid::regtype || type == catoid::regproc ||
       type == catoid::regprocedure || type == catoid::regnamespace || type == catoid::regrole))
    return reg_name(context, type, sqlite3_column_int64(s, i));
  if (kind == SQLITE_FLOAT) return fmt::format("{}", sqlite3_column_double(s, i));
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
  return std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s, i)));
}

// (Not named bind: std::bind, found by ADL through std::vector, would win.)
void bind_parameters(sqlite3_stmt* s, const std::vector<std::optional<std::string>>& values, const std::vector<Oid>& types) {
  int n = sqlite3_bind_parameter_count(s);
  for (int idx = 1; idx <= n; ++idx) {
    const char* name = sqlite3_bind_parameter_name(s, idx);
    if (name == nullptr || name[0] != '$') continue;
    auto k = static_cast<std::size_t>(std::atoi(name + 1));
    if (k == 0 || k > values.size() || !values[k - 1]) {
      sqlite3_bind_null(s, idx);
      continue;
    }
    const std::string& v = *values[k - 1];
    Oid t = k <= types.size() ? types[k - 1] : 0;
    bool integral = t == oid::int2 || t == oid::int4 || t == oid::int8 || t == oid::oid || t == catoid::regclass ||
                    t == catoid::regtype || t == catoid::regproc;
    char* end = nullptr;
    long long number = integral ? std::strtoll(v.c_str(), &end, 10) : 0;
    if (integral && end && *end == '\0' && !v.empty()) {
      sqlite3_bind_int64(s, idx, number);
    } else if (t == oid::bool_) {
      sqlite3_bind_int(s, idx, !v.empty() && (v[0] == 't' || v[0] == 'T' || v[0] == '1' || v[0] == 'y') ? 1 : 0);
    } else {
      sqlite3_bind_text(s, idx, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    }
  }
}

Column make_column(std::string name, Oid type) {
  Column c;
  c.name = std::move(name);
  c.type = type;
  c.type_size = catalog_type_size(type);
  return c;
}

// Names and types: PostgreSQL's as read from the query text; where that
// gives none (SELECT *, a column of a subquery), the declared type SQLite
// knows, else text.
Schema result_columns(sqlite3_stmt* s, const Translation& tr) {
  int n = sqlite3_column_count(s);
  bool inferred = tr.columns.size() == static_cast<std::size_t>(n);
  Schema columns;
  for (int i = 0; i < n; ++i) {
    Oid type = inferred ? tr.columns[static_cast<std::size_t>(i)].type : 0;
    if (type == 0) {
      std::string name = sqlite3_column_name(s, i);
      for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (auto it = tr.subquery_columns.find(name); it != tr.subquery_columns.end()) type = it->second;
    }
    if (type == 0 && !inferred) type = catalog_column_type(sqlite3_column_name(s, i));
    if (type == 0) type = declared_type(sqlite3_column_decltype(s, i));
    if (type == 0) type = oid::text;
    columns.push_back(make_column(inferred ? tr.columns[static_cast<std::size_t>(i)].name : sqlite3_column_name(s, i), type));
  }
  return columns;
}

class MaterializedRows final : public RowSource {
 public:
  MaterializedRows(std::vector<std::vector<std::optional<std::string>>> rows) : rows_(std::move(rows)) {}
  asio::awaitable<bool> fill(RowWriter& out) override {
    Buffer binary;
    while (next_ < rows_.size() && out.wants_more()) {
      const auto& row = rows_[next_++];
      out.begin_row();
      for (std::size_t i = 0; i < row.size(); ++i) {
        if (!row[i]) {
          out.add_null();
          continue;
        }
        Oid type = i < out.schema().size() ? out.schema()[i].type : oid::text;
        if (out.format_of(i) == format_binary) {
          binary.clear();
          if (can_convert_format(type)) {
            if (auto ec = convert_format(type, *row[i], format_text, format_binary, binary))
              throw PgError("22P02", fmt::format("cannot send catalog value \"{}\" in binary", *row[i]));
          } else {  // reg* and the other 4-byte OIDs: their binary form is the OID
            auto v = static_cast<std::uint32_t>(std::strtoul(row[i]->c_str(), nullptr, 10));
            for (int shift = 24; shift >= 0; shift -= 8) binary.put_u8(static_cast<std::uint8_t>(v >> shift));
          }
          out.add_encoded(binary.view());
        } else {
          out.add_encoded(*row[i]);
        }
      }
      out.end_row();
    }
    co_return next_ < rows_.size();
  }

 private:
  std::vector<std::vector<std::optional<std::string>>> rows_;
  std::size_t next_ = 0;
};

}  // namespace

Catalog::Catalog(Description description) : engine_(std::make_unique<Engine>()) {
  engine_->load(std::move(description));
}

Catalog::~Catalog() = default;

void Catalog::update(Description description) {
  std::lock_guard lock(mutex_);
  engine_->load(std::move(description));
}

Description Catalog::description() const {
  std::lock_guard lock(mutex_);
  return engine_->description;
}

std::optional<ColumnOrigin> Catalog::column_origin(std::string_view schema, std::string_view table,
                                                   std::string_view column) const {
  std::lock_guard lock(mutex_);
  auto it = engine_->tables.find({std::string(schema), std::string(table)});
  if (it == engine_->tables.end()) return std::nullopt;
  auto rel = engine_->relations.by_name.find(it->first);
  if (rel == engine_->relations.by_name.end()) return std::nullopt;
  const auto& columns = it->second->columns;
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (columns[i].name == column) return ColumnOrigin{rel->second, static_cast<std::int16_t>(i + 1)};
  return std::nullopt;
}

bool Catalog::is_catalog_query(std::string_view sql) { return reads_catalog(sql); }

Catalog::Result Catalog::query(std::string_view sql, const std::vector<std::optional<std::string>>& parameters,
                               const std::string& user, const std::string& database,
                               const std::string& search_path, const ParameterMap* settings) {
  Translation tr;
  try {
    tr = translate(sql);
  } catch (const std::exception& e) {
    unsupported(e.what());
  }
  // A $n with no value bound (a simple Query cannot bind any): PostgreSQL's
  // parse-time error.
  if (parameters.size() < tr.parameter_types.size())
    throw PgError("42P02", fmt::format("there is no parameter ${}", parameters.size() + 1));
  std::lock_guard lock(mutex_);
  Engine& e = *engine_;
  e.context.user = user.empty() ? e.description.owner : user;
  e.context.database = database.empty() ? e.description.database : database;
  set_search_path(e.context, search_path);
  e.context.settings = settings;  // (read while the lock is held)
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(e.db, tr.sql.c_str(), static_cast<int>(tr.sql.size()), &s, nullptr) != SQLITE_OK) {
    sqlite3_finalize(s);
    evaluation_error(e.db);
  }
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> guard(s, sqlite3_finalize);
  Result r;
  int n = sqlite3_column_count(s);
  r.columns = result_columns(s, tr);
  std::vector<Oid> types = tr.parameter_types;
  bind_parameters(s, parameters, types);
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    std::vector<std::optional<std::string>> row;
    row.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) row.push_back(value_text(s, i, r.columns[static_cast<std::size_t>(i)].type, e.context));
    r.rows.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) evaluation_error(e.db);
  return r;
}

std::optional<Response> Catalog::answer(Session& session, std::string_view statement) {
  if (!reads_catalog(statement)) return std::nullopt;
  try {
    auto r = query(statement, {}, session.client().user, session.client().database,
                   session.parameter("search_path").value_or(default_search_path), &session.parameters());
    auto schema = make_schema(std::move(r.columns));
    return Response::rows(schema, std::make_unique<MaterializedRows>(std::move(r.rows)));
  } catch (const PgError& e) {
    return Response::error(e.info());
  }
}

std::optional<Response> Catalog::answer(Session& session, const Portal& portal) {
  const std::string& sql = portal.statement->sql;
  if (!reads_catalog(sql)) return std::nullopt;
  try {
    std::vector<std::optional<std::string>> values;
    const auto& types = portal.statement->parameter_types;
    for (std::size_t i = 0; i < portal.parameter_count(); ++i) {
      if (portal.is_null(i)) {
        values.emplace_back();
        continue;
      }
      std::string_view raw = *portal.parameters[i];
      Oid t = i < types.size() ? types[i] : oid::text;
      if (portal.parameter_formats[i] == format_binary && can_convert_format(t)) {
        Buffer text;
        if (auto ec = convert_format(t, raw, format_binary, format_text, text))
          throw PgError("22P03", fmt::format("incorrect binary data format in bind parameter {}", i + 1));
        values.emplace_back(std::string(text.view()));
      } else {
        // Text is read as the parameter's type, as PostgreSQL's input
        // functions would (an oid "x1186" is 22P02, not a text compared).
        Buffer checked;
        if (can_convert_format(t))
          if (auto ec = convert_format(t, raw, format_text, format_binary, checked))
            throw PgError(type_error_info(ec, t, raw));
        values.emplace_back(std::string(raw));
      }
    }
    auto r = query(sql, values, session.client().user, session.client().database,
                   session.parameter("search_path").value_or(default_search_path), &session.parameters());
    // The schema reported at Parse stands (Describe came first).
    SchemaPtr schema = portal.statement->columns ? portal.statement->columns : make_schema(std::move(r.columns));
    return Response::rows(schema, std::make_unique<MaterializedRows>(std::move(r.rows)));
  } catch (const PgError& e) {
    return Response::error(e.info());
  }
}

bool Catalog::describe(Statement& stmt) {
  if (!reads_catalog(stmt.sql)) return false;
  Translation tr;
  try {
    tr = translate(stmt.sql);
  } catch (const std::exception& e) {
    unsupported(e.what());
  }
  auto& types = stmt.parameter_types;
  if (types.size() < tr.parameter_types.size()) types.resize(tr.parameter_types.size(), 0);
  for (std::size_t i = 0; i < types.size(); ++i)
    if (types[i] == 0) types[i] = i < tr.parameter_types.size() && tr.parameter_types[i] ? tr.parameter_types[i] : oid::text;
  std::lock_guard lock(mutex_);
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(engine_->db, tr.sql.c_str(), static_cast<int>(tr.sql.size()), &s, nullptr) != SQLITE_OK) {
    sqlite3_finalize(s);
    evaluation_error(engine_->db);
  }
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> guard(s, sqlite3_finalize);
  Schema columns = result_columns(s, tr);
  stmt.columns = columns.empty() ? nullptr : make_schema(std::move(columns));
  return true;
}

}  // namespace pgwire::catalog

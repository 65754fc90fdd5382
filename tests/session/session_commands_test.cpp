// SessionCommands against a real pgwire::Server, driven with the codec.
// The catalog queries as the drivers send them (verbatim texts): asyncpg's
// type introspection (typeinfo_tree, $1::oid[]) and type lookups, pgjdbc's
// TypeInfoCache queries; the expected rows, column types and parameter types
// are PostgreSQL 15's own answers to the same statements. Then the settings:
// SET / SET LOCAL / RESET / set_config() and their transaction rules, with
// the ParameterStatus messages PostgreSQL 15 sends for them.

#include <algorithm>

#include <pgwire/api/auth.hpp>
#include <pgwire/api/extended.hpp>
#include <pgwire/api/session_commands.hpp>
#include <pgwire/types/array.hpp>

#include "session/client.hpp"
#include "support/catch.hpp"

// The catalog tests compile this file again with PGWIRE_PROBES_THROUGH_CATALOG:
// the same driver probes, answered by the catalog engine alone (no probe
// table), must give the same PostgreSQL 15 answers.
#ifdef PGWIRE_PROBES_THROUGH_CATALOG
#include <pgwire/catalog/catalog.hpp>
#endif

using namespace pgwire;
using test::Client;
using test::TestServer;

namespace {

// The product of the test: nothing but SessionCommands, in both protocols.
class CommandsOnly final : public SimpleQueryHandler, public ExtendedQueryHandler {
 public:
  explicit CommandsOnly(SessionCommands::Options options = {}) : commands(std::move(options)) {}
  asio::awaitable<std::vector<Response>> query(Session& session, std::string_view sql) override {
    std::vector<Response> out;
    for (auto stmt : split_statements(sql)) {
      auto r = commands.answer(session, stmt);
      out.push_back(r ? std::move(*r) : Response::error(ErrorInfo::error("42601", "not a session command")));
      if (!r) break;
    }
    co_return out;
  }
  asio::awaitable<void> prepare(Session&, Statement& stmt) override {
    if (!commands.describe(stmt)) throw PgError("42601", "not a session command");
    co_return;
  }
  asio::awaitable<Response> execute(Session& session, Portal& portal) override {
    auto r = commands.answer(session, portal);
    if (!r) throw PgError("XX000", "described but not answered");
    co_return std::move(*r);
  }
  SessionCommands commands;
};

struct Field {
  std::string name;
  Oid type = 0;
  std::int16_t size = 0;
  FormatCode format = format_text;
};
using Row = std::vector<std::optional<std::string>>;

// Everything one exchange returned up to ReadyForQuery, copied out of the
// client's buffer.
struct Outcome {
  std::vector<Oid> parameter_types;
  std::vector<Field> fields;
  std::vector<Row> rows;
  std::string tag;
  std::string sqlstate;
  std::string error;
  std::string types;  // message type bytes
};

SessionCommands::Options fixture_options() {
  SessionCommands::Options o;
#ifdef PGWIRE_PROBES_THROUGH_CATALOG
  o.catalog = std::make_shared<catalog::Catalog>();
  o.type_probe_table = false;
#endif
  return o;
}

struct Fixture {
  std::shared_ptr<CommandsOnly> handler = std::make_shared<CommandsOnly>(fixture_options());
  TestServer server{{}, {make_trust_auth(), handler, handler}};
  Client c{server.port()};
  Fixture() { c.login(); }
  template <class... M>
  Outcome exchange(const M&... m) {
    c.send_batch(m...);
    Outcome o;
    for (;;) {
      BackendMessage msg = c.recv();
      o.types.push_back(message_type(msg));
      if (auto* pd = std::get_if<ParameterDescription>(&msg)) {
        o.parameter_types = pd->types;
      } else if (auto* rd = std::get_if<RowDescription>(&msg)) {
        o.fields.clear();
        for (const auto& f : rd->fields) o.fields.push_back({std::string(f.name), f.type_oid, f.type_size, f.format});
      } else if (auto* dr = std::get_if<DataRow>(&msg)) {
        Row row;
        for (const auto& v : dr->values) row.push_back(v ? std::optional<std::string>(std::string(*v)) : std::nullopt);
        o.rows.push_back(std::move(row));
      } else if (auto* cc = std::get_if<CommandComplete>(&msg)) {
        o.tag = std::string(cc->tag);
      } else if (auto* e = std::get_if<ErrorResponse>(&msg)) {
        o.sqlstate = std::string(e->get(field::sqlstate));
        o.error = std::string(e->get(field::message));
      } else if (std::holds_alternative<ReadyForQuery>(msg)) {
        return o;
      }
    }
  }
  // Parse + Describe statement: what a driver learns before binding.
  Outcome describe(std::string_view sql, std::vector<Oid> types = {}) {
    return exchange(Parse{"", sql, std::move(types)}, Describe{TargetKind::statement, ""}, Sync{});
  }
  // Parse + Bind + Execute (text parameters unless formats say otherwise).
  Outcome run(std::string_view sql, std::vector<Value> parameters, std::vector<Oid> types = {},
              std::vector<FormatCode> parameter_formats = {}, std::vector<FormatCode> result_formats = {}) {
    return exchange(Parse{"", sql, std::move(types)},
                    Bind{"", "", std::move(parameter_formats), std::move(parameters), std::move(result_formats)},
                    Describe{TargetKind::portal, ""}, Execute{"", 0}, Sync{});
  }
};

std::string be32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

Row text_row(std::initializer_list<const char*> values) {
  Row r;
  for (const char* v : values) r.push_back(v ? std::optional<std::string>(v) : std::nullopt);
  return r;
}

std::vector<std::string> names(const std::vector<Field>& fields) {
  std::vector<std::string> out;
  for (const auto& f : fields) out.push_back(f.name);
  return out;
}
std::vector<Oid> types(const std::vector<Field>& fields) {
  std::vector<Oid> out;
  for (const auto& f : fields) out.push_back(f.type);
  return out;
}

// asyncpg 0.27 introspection.py, INTRO_LOOKUP_TYPES (server 14 and later),
// verbatim.
constexpr std::string_view asyncpg_intro = R"(WITH RECURSIVE typeinfo_tree(
    oid, ns, name, kind, basetype, elemtype, elemdelim,
    range_subtype, attrtypoids, attrnames, depth)
AS (
    SELECT
        ti.oid, ti.ns, ti.name, ti.kind, ti.basetype,
        ti.elemtype, ti.elemdelim, ti.range_subtype,
        ti.attrtypoids, ti.attrnames, 0
    FROM
            (
        SELECT
            t.oid                           AS oid,
            ns.nspname                      AS ns,
            t.typname                       AS name,
            t.typtype                       AS kind,
            (CASE WHEN t.typtype = 'd' THEN
                (WITH RECURSIVE typebases(oid, depth) AS (
                    SELECT
                        t2.typbasetype      AS oid,
                        0                   AS depth
                    FROM
                        pg_type t2
                    WHERE
                        t2.oid = t.oid

                    UNION ALL

                    SELECT
                        t2.typbasetype      AS oid,
                        tb.depth + 1        AS depth
                    FROM
                        pg_type t2,
                        typebases tb
                    WHERE
                       tb.oid = t2.oid
                       AND t2.typbasetype != 0
               ) SELECT oid FROM typebases ORDER BY depth DESC LIMIT 1)

               ELSE NULL
            END)                            AS basetype,
            t.typelem                       AS elemtype,
            elem_t.typdelim                 AS elemdelim,
            COALESCE(
                range_t.rngsubtype,
                multirange_t.rngsubtype)    AS range_subtype,
            (CASE WHEN t.typtype = 'c' THEN
                (SELECT
                    array_agg(ia.atttypid ORDER BY ia.attnum)
                FROM
                    pg_attribute ia
                    INNER JOIN pg_class c
                        ON (ia.attrelid = c.oid)
                WHERE
                    ia.attnum > 0 AND NOT ia.attisdropped
                    AND c.reltype = t.oid)

                ELSE NULL
            END)                            AS attrtypoids,
            (CASE WHEN t.typtype = 'c' THEN
                (SELECT
                    array_agg(ia.attname::text ORDER BY ia.attnum)
                FROM
                    pg_attribute ia
                    INNER JOIN pg_class c
                        ON (ia.attrelid = c.oid)
                WHERE
                    ia.attnum > 0 AND NOT ia.attisdropped
                    AND c.reltype = t.oid)

                ELSE NULL
            END)                            AS attrnames
        FROM
            pg_catalog.pg_type AS t
            INNER JOIN pg_catalog.pg_namespace ns ON (
                ns.oid = t.typnamespace)
            LEFT JOIN pg_type elem_t ON (
                t.typlen = -1 AND
                t.typelem != 0 AND
                t.typelem = elem_t.oid
            )
            LEFT JOIN pg_range range_t ON (
                t.oid = range_t.rngtypid
            )
            LEFT JOIN pg_range multirange_t ON (
                t.oid = multirange_t.rngmultitypid
            )
    )
 AS ti
    WHERE
        ti.oid = any($1::oid[])

    UNION ALL

    SELECT
        ti.oid, ti.ns, ti.name, ti.kind, ti.basetype,
        ti.elemtype, ti.elemdelim, ti.range_subtype,
        ti.attrtypoids, ti.attrnames, tt.depth + 1
    FROM
            (
        SELECT
            t.oid                           AS oid,
            ns.nspname                      AS ns,
            t.typname                       AS name,
            t.typtype                       AS kind,
            (CASE WHEN t.typtype = 'd' THEN
                (WITH RECURSIVE typebases(oid, depth) AS (
                    SELECT
                        t2.typbasetype      AS oid,
                        0                   AS depth
                    FROM
                        pg_type t2
                    WHERE
                        t2.oid = t.oid

                    UNION ALL

                    SELECT
                        t2.typbasetype      AS oid,
                        tb.depth + 1        AS depth
                    FROM
                        pg_type t2,
                        typebases tb
                    WHERE
                       tb.oid = t2.oid
                       AND t2.typbasetype != 0
               ) SELECT oid FROM typebases ORDER BY depth DESC LIMIT 1)

               ELSE NULL
            END)                            AS basetype,
            t.typelem                       AS elemtype,
            elem_t.typdelim                 AS elemdelim,
            COALESCE(
                range_t.rngsubtype,
                multirange_t.rngsubtype)    AS range_subtype,
            (CASE WHEN t.typtype = 'c' THEN
                (SELECT
                    array_agg(ia.atttypid ORDER BY ia.attnum)
                FROM
                    pg_attribute ia
                    INNER JOIN pg_class c
                        ON (ia.attrelid = c.oid)
                WHERE
                    ia.attnum > 0 AND NOT ia.attisdropped
                    AND c.reltype = t.oid)

                ELSE NULL
            END)                            AS attrtypoids,
            (CASE WHEN t.typtype = 'c' THEN
                (SELECT
                    array_agg(ia.attname::text ORDER BY ia.attnum)
                FROM
                    pg_attribute ia
                    INNER JOIN pg_class c
                        ON (ia.attrelid = c.oid)
                WHERE
                    ia.attnum > 0 AND NOT ia.attisdropped
                    AND c.reltype = t.oid)

                ELSE NULL
            END)                            AS attrnames
        FROM
            pg_catalog.pg_type AS t
            INNER JOIN pg_catalog.pg_namespace ns ON (
                ns.oid = t.typnamespace)
            LEFT JOIN pg_type elem_t ON (
                t.typlen = -1 AND
                t.typelem != 0 AND
                t.typelem = elem_t.oid
            )
            LEFT JOIN pg_range range_t ON (
                t.oid = range_t.rngtypid
            )
            LEFT JOIN pg_range multirange_t ON (
                t.oid = multirange_t.rngmultitypid
            )
    )
 ti,
        typeinfo_tree tt
    WHERE
        (tt.elemtype IS NOT NULL AND ti.oid = tt.elemtype)
        OR (tt.attrtypoids IS NOT NULL AND ti.oid = any(tt.attrtypoids))
        OR (tt.range_subtype IS NOT NULL AND ti.oid = tt.range_subtype)
        OR (tt.basetype IS NOT NULL AND ti.oid = tt.basetype)
)

SELECT DISTINCT
    *,
    basetype::regtype::text AS basetype_name,
    elemtype::regtype::text AS elemtype_name,
    range_subtype::regtype::text AS range_subtype_name
FROM
    typeinfo_tree
ORDER BY
    depth DESC
)";

// INTRO_LOOKUP_TYPES_13 (servers before 14: no multirange join), laid out
// differently (one space for each run of white space, "ANY( $1::oid[] )",
// a trailing ';'), as another driver version might send it.
constexpr std::string_view asyncpg_intro_13 =
    "WITH RECURSIVE typeinfo_tree( oid, ns, name, kind, basetype, elemtype, elemdelim, range_subtype, attrtypoids, "
    "attrnames, depth) AS ( SELECT ti.oid, ti.ns, ti.name, ti.kind, ti.basetype, ti.elemtype, ti.elemdelim, "
    "ti.range_subtype, ti.attrtypoids, ti.attrnames, 0 FROM ( SELECT t.oid AS oid, ns.nspname AS ns, t.typname AS "
    "name, t.typtype AS kind, (CASE WHEN t.typtype = 'd' THEN (WITH RECURSIVE typebases(oid, depth) AS ( SELECT "
    "t2.typbasetype AS oid, 0 AS depth FROM pg_type t2 WHERE t2.oid = t.oid UNION ALL SELECT t2.typbasetype AS oid,"
    " tb.depth + 1 AS depth FROM pg_type t2, typebases tb WHERE tb.oid = t2.oid AND t2.typbasetype != 0 ) SELECT "
    "oid FROM typebases ORDER BY depth DESC LIMIT 1) ELSE NULL END) AS basetype, t.typelem AS elemtype, "
    "elem_t.typdelim AS elemdelim, range_t.rngsubtype AS range_subtype, (CASE WHEN t.typtype = 'c' THEN (SELECT "
    "array_agg(ia.atttypid ORDER BY ia.attnum) FROM pg_attribute ia INNER JOIN pg_class c ON (ia.attrelid = c.oid) "
    "WHERE ia.attnum > 0 AND NOT ia.attisdropped AND c.reltype = t.oid) ELSE NULL END) AS attrtypoids, (CASE WHEN "
    "t.typtype = 'c' THEN (SELECT array_agg(ia.attname::text ORDER BY ia.attnum) FROM pg_attribute ia INNER JOIN "
    "pg_class c ON (ia.attrelid = c.oid) WHERE ia.attnum > 0 AND NOT ia.attisdropped AND c.reltype = t.oid) ELSE "
    "NULL END) AS attrnames FROM pg_catalog.pg_type AS t INNER JOIN pg_catalog.pg_namespace ns ON ( ns.oid = "
    "t.typnamespace) LEFT JOIN pg_type elem_t ON ( t.typlen = -1 AND t.typelem != 0 AND t.typelem = elem_t.oid ) "
    "LEFT JOIN pg_range range_t ON ( t.oid = range_t.rngtypid ) ) AS ti WHERE ti.oid = ANY( $1::oid[] ) UNION ALL "
    "SELECT ti.oid, ti.ns, ti.name, ti.kind, ti.basetype, ti.elemtype, ti.elemdelim, ti.range_subtype, "
    "ti.attrtypoids, ti.attrnames, tt.depth + 1 FROM ( SELECT t.oid AS oid, ns.nspname AS ns, t.typname AS name, "
    "t.typtype AS kind, (CASE WHEN t.typtype = 'd' THEN (WITH RECURSIVE typebases(oid, depth) AS ( SELECT "
    "t2.typbasetype AS oid, 0 AS depth FROM pg_type t2 WHERE t2.oid = t.oid UNION ALL SELECT t2.typbasetype AS oid,"
    " tb.depth + 1 AS depth FROM pg_type t2, typebases tb WHERE tb.oid = t2.oid AND t2.typbasetype != 0 ) SELECT "
    "oid FROM typebases ORDER BY depth DESC LIMIT 1) ELSE NULL END) AS basetype, t.typelem AS elemtype, "
    "elem_t.typdelim AS elemdelim, range_t.rngsubtype AS range_subtype, (CASE WHEN t.typtype = 'c' THEN (SELECT "
    "array_agg(ia.atttypid ORDER BY ia.attnum) FROM pg_attribute ia INNER JOIN pg_class c ON (ia.attrelid = c.oid) "
    "WHERE ia.attnum > 0 AND NOT ia.attisdropped AND c.reltype = t.oid) ELSE NULL END) AS attrtypoids, (CASE WHEN "
    "t.typtype = 'c' THEN (SELECT array_agg(ia.attname::text ORDER BY ia.attnum) FROM pg_attribute ia INNER JOIN "
    "pg_class c ON (ia.attrelid = c.oid) WHERE ia.attnum > 0 AND NOT ia.attisdropped AND c.reltype = t.oid) ELSE "
    "NULL END) AS attrnames FROM pg_catalog.pg_type AS t INNER JOIN pg_catalog.pg_namespace ns ON ( ns.oid = "
    "t.typnamespace) LEFT JOIN pg_type elem_t ON ( t.typlen = -1 AND t.typelem != 0 AND t.typelem = elem_t.oid ) "
    "LEFT JOIN pg_range range_t ON ( t.oid = range_t.rngtypid ) ) ti, typeinfo_tree tt WHERE (tt.elemtype IS NOT "
    "NULL AND ti.oid = tt.elemtype) OR (tt.attrtypoids IS NOT NULL AND ti.oid = any(tt.attrtypoids)) OR "
    "(tt.range_subtype IS NOT NULL AND ti.oid = tt.range_subtype) OR (tt.basetype IS NOT NULL AND ti.oid = "
    "tt.basetype) ) SELECT DISTINCT *, basetype::regtype::text AS basetype_name, elemtype::regtype::text AS "
    "elemtype_name, range_subtype::regtype::text AS range_subtype_name FROM typeinfo_tree ORDER BY depth DESC;";

// asyncpg TYPE_BY_OID / TYPE_BY_NAME, verbatim.
constexpr std::string_view asyncpg_type_by_oid = R"(SELECT
    t.oid,
    t.typelem     AS elemtype,
    t.typtype     AS kind
FROM
    pg_catalog.pg_type AS t
WHERE
    t.oid = $1
)";
constexpr std::string_view asyncpg_type_by_name = R"(SELECT
    t.oid,
    t.typelem     AS elemtype,
    t.typtype     AS kind
FROM
    pg_catalog.pg_type AS t
    INNER JOIN pg_catalog.pg_namespace ns ON (ns.oid = t.typnamespace)
WHERE
    t.typname = $1 AND ns.nspname = $2
)";

// pgjdbc 42.5 TypeInfoCache, as the driver sends them (its '?' become $n).
constexpr std::string_view jdbc_type_by_name =
    "SELECT pg_type.oid, typname   FROM pg_catalog.pg_type   LEFT   JOIN (select ns.oid as nspoid, ns.nspname, r.r  "
    "         from pg_namespace as ns           join ( select s.r, (current_schemas(false))[s.r] as nspname        "
    "            from generate_series(1, array_upper(current_schemas(false), 1)) as s(r) ) as r          using ( "
    "nspname )        ) as sp     ON sp.nspoid = typnamespace  WHERE typname = $1  ORDER BY sp.r, pg_type.oid DESC "
    "LIMIT 1";
constexpr std::string_view jdbc_type_by_oid =
    "SELECT n.nspname = ANY(current_schemas(true)), n.nspname, t.typname FROM pg_catalog.pg_type t JOIN "
    "pg_catalog.pg_namespace n ON t.typnamespace = n.oid WHERE t.oid = $1";
constexpr std::string_view jdbc_sql_type =
    "SELECT typinput='pg_catalog.array_in'::regproc as is_array, typtype, typname, pg_type.oid   FROM "
    "pg_catalog.pg_type   LEFT JOIN (select ns.oid as nspoid, ns.nspname, r.r           from pg_namespace as ns    "
    "       join ( select s.r, (current_schemas(false))[s.r] as nspname                    from generate_series(1, "
    "array_upper(current_schemas(false), 1)) as s(r) ) as r          using ( nspname )        ) as sp     ON "
    "sp.nspoid = typnamespace  WHERE pg_type.oid = $1  ORDER BY sp.r, pg_type.oid DESC";
constexpr std::string_view jdbc_array_type =
    "SELECT t.typarray, arr.typname   FROM pg_catalog.pg_type t  JOIN pg_catalog.pg_namespace n ON t.typnamespace = "
    "n.oid  JOIN pg_catalog.pg_type arr ON arr.oid = t.typarray WHERE t.typname = $1 AND (n.nspname = $2 OR $3 AND "
    "n.nspname = ANY (current_schemas(true))) ORDER BY t.oid DESC LIMIT 1";
constexpr std::string_view jdbc_array_by_element =
    "SELECT t.oid, t.typname   FROM pg_catalog.pg_type t  JOIN pg_catalog.pg_namespace n ON t.typnamespace = n.oid "
    "WHERE t.typelem = (SELECT oid FROM pg_catalog.pg_type WHERE typname = $1) AND substring(t.typname, 1, 1) = '_' "
    "AND t.typlen = -1 AND (n.nspname = $2 OR $3 AND n.nspname = ANY (current_schemas(true))) ORDER BY t.typelem "
    "DESC LIMIT 1";
constexpr std::string_view jdbc_type_in_schema =
    "SELECT t.oid, t.typname   FROM pg_catalog.pg_type t  JOIN pg_catalog.pg_namespace n ON t.typnamespace = n.oid "
    "WHERE t.typname = $1 AND (n.nspname = $2 OR $3 AND n.nspname = ANY (current_schemas(true))) ORDER BY t.oid DESC "
    "LIMIT 1";
constexpr std::string_view jdbc_array_delimiter =
    "SELECT e.typdelim FROM pg_catalog.pg_type t, pg_catalog.pg_type e WHERE t.oid = $1 and t.typelem = e.oid";
constexpr std::string_view jdbc_array_element =
    "SELECT e.oid, n.nspname = ANY(current_schemas(true)), n.nspname, e.typname FROM pg_catalog.pg_type t JOIN "
    "pg_catalog.pg_type e ON t.typelem = e.oid JOIN pg_catalog.pg_namespace n ON t.typnamespace = n.oid WHERE t.oid = "
    "$1";

const std::vector<std::string> intro_columns = {
    "oid",           "ns",        "name",      "kind",  "basetype",      "elemtype",      "elemdelim",
    "range_subtype", "attrtypoids", "attrnames", "depth", "basetype_name", "elemtype_name", "range_subtype_name"};
const std::vector<Oid> intro_types = {oid::oid,       oid::name,      oid::name, oid::char_, oid::oid,
                                      oid::oid,       oid::char_,     oid::oid,  oid::oid_array, oid::text_array,
                                      oid::int4,      oid::text,      oid::text, oid::text};

}  // namespace

TEST_CASE("SessionCommands: asyncpg's type introspection is described as PostgreSQL does") {
  Fixture f;
  for (auto sql : {asyncpg_intro, asyncpg_intro_13}) {
    Outcome d = f.describe(sql);
    CHECK(d.types == "1tTZ");
    CHECK(d.parameter_types == std::vector<Oid>{oid::oid_array});
    CHECK(names(d.fields) == intro_columns);
    CHECK(types(d.fields) == intro_types);
    // type_size as pg_type.typlen: oid 4, name 64, "char" 1, int4 4, varlena -1.
    std::vector<std::int16_t> sizes;
    for (const auto& fd : d.fields) sizes.push_back(fd.size);
    CHECK(sizes == std::vector<std::int16_t>{4, 64, 64, 1, 4, 4, 1, 4, -1, -1, 4, -1, -1, -1});
  }
  // A type the client declared stays.
  CHECK(f.describe(asyncpg_intro, {oid::text}).parameter_types == std::vector<Oid>{oid::text});
}

TEST_CASE("SessionCommands: asyncpg's type introspection of int4[] (binary, as asyncpg binds it)") {
  Fixture f;
  Buffer param;
  std::vector<OidValue> wanted{{oid::int4_array}};
  encode_binary(ArrayRef<OidValue>(wanted), param);
  for (auto sql : {asyncpg_intro, asyncpg_intro_13}) {
    Outcome r = f.run(sql, {param.view()}, {}, {format_binary}, {format_binary});
    REQUIRE(r.sqlstate.empty());
    CHECK(r.tag == "SELECT 2");
    REQUIRE(r.fields.size() == 14);
    CHECK(r.fields[0].format == format_binary);
    // PostgreSQL 15: the element type (depth 1) first, then the requested one.
    REQUIRE(r.rows.size() == 2);
    std::optional<std::string> null;
    CHECK(r.rows[0] == Row{be32(23), "pg_catalog", "int4", "b", null, be32(0), null, null, null, null, be32(1), null,
                           "-", null});
    CHECK(r.rows[1] == Row{be32(1007), "pg_catalog", "_int4", "b", null, be32(23), ",", null, null, null, be32(0),
                           null, "integer", null});
  }
}

TEST_CASE("SessionCommands: asyncpg's type introspection of several types (text)") {
  Fixture f;
  // Duplicates are one row (SELECT DISTINCT); unknown OIDs give none; a type
  // both requested and an element appears at both depths, as in PostgreSQL.
  Outcome r = f.run(asyncpg_intro, {std::string_view("{3807,1007,25,1007,99999,23}")});
  REQUIRE(r.sqlstate.empty());
  CHECK(r.tag == "SELECT 6");
  // The query orders by depth only: within a depth PostgreSQL's order is its
  // hash's, so rows are compared by (depth descending, oid).
  auto by_depth = [](std::vector<Row> rows) {
    std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
      int da = std::stoi(*a.at(10)), db = std::stoi(*b.at(10));
      return da != db ? da > db : std::stoul(*a.at(0)) < std::stoul(*b.at(0));
    });
    return rows;
  };
  auto rows = by_depth(r.rows);
  std::vector<std::pair<std::string, std::string>> got;  // (depth, name), deepest first
  for (const auto& row : rows) got.emplace_back(*row.at(10), *row.at(2));
  CHECK(got == std::vector<std::pair<std::string, std::string>>{
                   {"1", "int4"}, {"1", "jsonb"}, {"0", "int4"}, {"0", "text"}, {"0", "_int4"}, {"0", "_jsonb"}});
  CHECK(rows[1] == text_row({"3802", "pg_catalog", "jsonb", "b", nullptr, "0", nullptr, nullptr, nullptr, nullptr,
                             "1", nullptr, "-", nullptr}));
  CHECK(rows[5] == text_row({"3807", "pg_catalog", "_jsonb", "b", nullptr, "3802", ",", nullptr, nullptr, nullptr,
                             "0", nullptr, "jsonb", nullptr}));
  // regtype names of elements: "char" for name (fixed length: no elemdelim),
  // SQL names for arrays of timestamps.
  r = f.run(asyncpg_intro, {std::string_view("{19,1115}")});
  REQUIRE(r.rows.size() == 4);
  r.rows = by_depth(r.rows);
  CHECK(r.rows[0].at(2) == "char");
  CHECK(r.rows[1].at(2) == "timestamp");
  CHECK(r.rows[2] == text_row({"19", "pg_catalog", "name", "b", nullptr, "18", nullptr, nullptr, nullptr, nullptr, "0",
                               nullptr, "\"char\"", nullptr}));
  CHECK(r.rows[3].at(12) == "timestamp without time zone");
  // NULL, an empty array, and pseudo-types (typtype p).
  CHECK(f.run(asyncpg_intro, {std::nullopt}).tag == "SELECT 0");
  CHECK(f.run(asyncpg_intro, {std::string_view("{}")}).tag == "SELECT 0");
  r = f.run(asyncpg_intro, {std::string_view("{2278}")});
  REQUIRE(r.rows.size() == 1);
  CHECK(r.rows[0].at(3) == "p");
  // Not an oid[]: 22P02, as PostgreSQL.
  CHECK(f.run(asyncpg_intro, {std::string_view("{x}")}).sqlstate == "22P02");
}

TEST_CASE("SessionCommands: asyncpg's TYPE_BY_OID and TYPE_BY_NAME") {
  Fixture f;
  Outcome d = f.describe(asyncpg_type_by_oid);
  CHECK(d.parameter_types == std::vector<Oid>{oid::oid});
  CHECK(types(d.fields) == std::vector<Oid>{oid::oid, oid::oid, oid::char_});
  CHECK(f.run(asyncpg_type_by_oid, {be32(1007)}, {}, {format_binary}).rows ==
        std::vector<Row>{text_row({"1007", "23", "b"})});
  CHECK(f.run(asyncpg_type_by_oid, {std::string_view("12345")}).tag == "SELECT 0");
  d = f.describe(asyncpg_type_by_name);
  CHECK(d.parameter_types == std::vector<Oid>{oid::name, oid::name});
  CHECK(f.run(asyncpg_type_by_name, {std::string_view("jsonb"), std::string_view("pg_catalog")}).rows ==
        std::vector<Row>{text_row({"3802", "0", "b"})});
  CHECK(f.run(asyncpg_type_by_name, {std::string_view("jsonb"), std::string_view("public")}).tag == "SELECT 0");
}

TEST_CASE("SessionCommands: pgjdbc's type lookup by name (setObject of a PGobject)") {
  Fixture f;
  // pgjdbc types the name as varchar (setString); left to the server: name.
  CHECK(f.describe(jdbc_type_by_name).parameter_types == std::vector<Oid>{oid::name});
  Outcome d = f.describe(jdbc_type_by_name, {oid::varchar});
  CHECK(d.parameter_types == std::vector<Oid>{oid::varchar});
  CHECK(names(d.fields) == std::vector<std::string>{"oid", "typname"});
  CHECK(types(d.fields) == std::vector<Oid>{oid::oid, oid::name});
  const std::vector<std::pair<const char*, const char*>> lookups = {
      {"interval", "1186"}, {"jsonb", "3802"}, {"inet", "869"}, {"cidr", "650"}, {"_int4", "1007"}};
  for (auto [name, type] : lookups) {
    Outcome r = f.run(jdbc_type_by_name, {std::string_view(name)}, {oid::varchar});
    CHECK(r.tag == "SELECT 1");
    CHECK(r.rows == std::vector<Row>{text_row({type, name})});
  }
  CHECK(f.run(jdbc_type_by_name, {std::string_view("no_such_type")}, {oid::varchar}).tag == "SELECT 0");
  CHECK(f.run(jdbc_type_by_name, {std::nullopt}, {oid::varchar}).tag == "SELECT 0");
  // Binary results: the oid as 4 bytes.
  Outcome r = f.run(jdbc_type_by_name, {std::string_view("jsonb")}, {oid::varchar}, {}, {format_binary});
  CHECK(r.rows == std::vector<Row>{Row{be32(3802), "jsonb"}});
}

TEST_CASE("SessionCommands: pgjdbc's type lookups by OID (reading interval/jsonb/inet/cidr columns)") {
  Fixture f;
  Outcome d = f.describe(jdbc_type_by_oid);
  CHECK(d.parameter_types == std::vector<Oid>{oid::oid});
  CHECK(names(d.fields) == std::vector<std::string>{"?column?", "nspname", "typname"});
  CHECK(types(d.fields) == std::vector<Oid>{oid::bool_, oid::name, oid::name});
  // pgjdbc binds the OID with setInt: a binary int4.
  CHECK(f.run(jdbc_type_by_oid, {be32(1186)}, {oid::int4}, {format_binary}).rows ==
        std::vector<Row>{text_row({"t", "pg_catalog", "interval"})});
  CHECK(f.run(jdbc_type_by_oid, {std::string_view("869")}).rows ==
        std::vector<Row>{text_row({"t", "pg_catalog", "inet"})});
  CHECK(f.run(jdbc_type_by_oid, {std::string_view("4242")}).tag == "SELECT 0");
  CHECK(f.run(jdbc_type_by_oid, {std::string_view("x1186")}).sqlstate == "22P02");

  d = f.describe(jdbc_sql_type);
  CHECK(d.parameter_types == std::vector<Oid>{oid::oid});
  CHECK(names(d.fields) == std::vector<std::string>{"is_array", "typtype", "typname", "oid"});
  CHECK(types(d.fields) == std::vector<Oid>{oid::bool_, oid::char_, oid::name, oid::oid});
  CHECK(f.run(jdbc_sql_type, {be32(3802)}, {oid::int4}, {format_binary}).rows ==
        std::vector<Row>{text_row({"f", "b", "jsonb", "3802"})});
  CHECK(f.run(jdbc_sql_type, {be32(651)}, {oid::int4}, {format_binary}).rows ==
        std::vector<Row>{text_row({"t", "b", "_cidr", "651"})});
  CHECK(f.run(jdbc_sql_type, {std::string_view("705")}).rows ==
        std::vector<Row>{text_row({"f", "p", "unknown", "705"})});
  // Binary results: bool and "char" as one byte.
  CHECK(f.run(jdbc_sql_type, {std::string_view("1007")}, {}, {}, {format_binary}).rows ==
        std::vector<Row>{Row{std::string("\1", 1), "b", "_int4", be32(1007)}});
}

TEST_CASE("SessionCommands: pgjdbc's array type, element type and delimiter lookups") {
  Fixture f;
  CHECK(f.describe(jdbc_array_type).parameter_types == std::vector<Oid>{oid::name, oid::name, oid::bool_});
  CHECK(f.run(jdbc_array_type, {std::string_view("jsonb"), std::string_view("pg_catalog"), std::string_view("f")})
            .rows == std::vector<Row>{text_row({"3807", "_jsonb"})});
  CHECK(f.run(jdbc_array_type, {std::string_view("inet"), std::string_view("public"), std::string_view("t")}).rows ==
        std::vector<Row>{text_row({"1041", "_inet"})});
  CHECK(f.run(jdbc_array_type, {std::string_view("inet"), std::string_view("public"), std::string_view("f")}).tag ==
        "SELECT 0");
  CHECK(f.run(jdbc_array_type, {std::string_view("void"), std::nullopt, std::string_view("t")}).tag == "SELECT 0");
  CHECK(f.run(jdbc_array_by_element, {std::string_view("interval"), std::nullopt, std::string_view("t")}).rows ==
        std::vector<Row>{text_row({"1187", "_interval"})});
  CHECK(f.run(jdbc_array_by_element, {std::string_view("char"), std::string_view("pg_catalog"), std::nullopt}).rows ==
        std::vector<Row>{text_row({"1002", "_char"})});
  CHECK(f.run(jdbc_type_in_schema, {std::string_view("cidr"), std::string_view("pg_catalog"), std::string_view("f")})
            .rows == std::vector<Row>{text_row({"650", "cidr"})});
  CHECK(f.describe(jdbc_array_delimiter).parameter_types == std::vector<Oid>{oid::oid});
  CHECK(f.run(jdbc_array_delimiter, {std::string_view("3807")}).rows == std::vector<Row>{text_row({","})});
  CHECK(f.run(jdbc_array_delimiter, {std::string_view("3802")}).tag == "SELECT 0");
  Outcome d = f.describe(jdbc_array_element);
  CHECK(types(d.fields) == std::vector<Oid>{oid::oid, oid::bool_, oid::name, oid::name});
  CHECK(f.run(jdbc_array_element, {be32(1187)}, {oid::int4}, {format_binary}).rows ==
        std::vector<Row>{text_row({"1186", "t", "pg_catalog", "interval"})});
  CHECK(f.run(jdbc_array_element, {std::string_view("19")}).rows ==
        std::vector<Row>{text_row({"18", "t", "pg_catalog", "char"})});
  CHECK(f.run(jdbc_array_element, {std::string_view("23")}).tag == "SELECT 0");
}

TEST_CASE("SessionCommands: catalog queries match on their shape, not their layout") {
  Fixture f;
  // Case, line breaks, spacing around punctuation and a trailing ';'.
  Outcome r = f.run(
      "select\n  N.NSPNAME = any ( current_schemas ( TRUE ) ) ,n.nspname,t.typname\nfrom pg_catalog.pg_type t\n"
      "join pg_catalog.pg_namespace n on t.typnamespace=n.oid where t.oid=$1 ;",
      {std::string_view("3802")});
  CHECK(r.rows == std::vector<Row>{text_row({"t", "pg_catalog", "jsonb"})});
#ifndef PGWIRE_PROBES_THROUGH_CATALOG
  // Other pg_type queries are not theirs (the product gets them).
  CHECK(f.describe("SELECT oid, typname FROM pg_catalog.pg_type WHERE typname = $1").sqlstate == "42601");
  CHECK(f.describe("SELECT t.oid FROM pg_catalog.pg_type t WHERE t.oid = $1").sqlstate == "42601");
#else
  // A catalog evaluates any of them.
  CHECK(f.run("SELECT oid, typname FROM pg_catalog.pg_type WHERE typname = $1", {std::string_view("jsonb")}).rows ==
        std::vector<Row>{text_row({"3802", "jsonb"})});
#endif
}

TEST_CASE("SessionCommands: catalog queries with parameters need a portal") {
  Fixture f;
  // The simple protocol has no parameter values: not answered (the product
  // would run it), while those without parameters still are.
  Outcome r = f.exchange(Query{jdbc_type_by_oid});
#ifndef PGWIRE_PROBES_THROUGH_CATALOG
  CHECK(r.sqlstate == "42601");
#else
  CHECK(r.sqlstate == "42P02");  // a catalog evaluates it as PostgreSQL: "there is no parameter $1"
#endif
  r = f.exchange(Query{"SELECT oid, typbasetype FROM pg_type WHERE typname = 'lo'"});
  CHECK(r.types == "TCZ");
  CHECK(r.tag == "SELECT 0");
  // postgres.js's array types, in binary over the extended protocol.
  r = f.run(
      "select b.oid, b.typarray from pg_catalog.pg_type a left join pg_catalog.pg_type b on b.oid = a.typelem "
      "where a.typcategory = 'A' group by b.oid, b.typarray order by b.oid",
      {}, {}, {}, {format_binary});
  REQUIRE(r.sqlstate.empty());
  REQUIRE_FALSE(r.rows.empty());
  CHECK(r.rows[0] == Row{be32(16), be32(1000)});
}

// Settings ------------------------------------------------------------------
// Each expectation below is what PostgreSQL 15 answers to the same
// statements (checked against a real server), except that PostgreSQL also
// canonicalises DateStyle values ('German' -> 'German, DMY'), which
// SessionCommands does not.

namespace {

using V = std::vector<std::string>;

// One exchange up to ReadyForQuery in short form: "C TAG", "D first value",
// "N WARNING 25P01", "E 42704", "1"/"2" (Parse/BindComplete), "Z I". The
// ParameterStatus messages are kept apart, as "name=value", in order.
struct Answer {
  V messages;
  V reports;
};

// A session whose product is SessionCommands with transaction control (a
// product without transactions of its own), logged in with `startup`.
struct SettingsSession {
  std::shared_ptr<CommandsOnly> handler =
      std::make_shared<CommandsOnly>(SessionCommands::Options{"", /*transactions=*/true});
  TestServer server{{}, {make_trust_auth(), handler, handler}};
  Client c{server.port()};
  V login_reports;

  explicit SettingsSession(std::vector<std::pair<std::string, std::string>> startup = {}) {
    StartupMessage m;
    m.parameters = {{"user", "u"}};
    for (const auto& [k, v] : startup) m.parameters.push_back({k, v});
    c.send(m);
    login_reports = read().reports;
  }
  Answer read() {
    Answer a;
    for (;;) {
      BackendMessage m = c.recv();
      if (auto* ps = std::get_if<ParameterStatus>(&m)) {
        a.reports.push_back(std::string(ps->name) + "=" + std::string(ps->value));
      } else if (auto* cc = std::get_if<CommandComplete>(&m)) {
        a.messages.push_back("C " + std::string(cc->tag));
      } else if (auto* dr = std::get_if<DataRow>(&m)) {
        a.messages.push_back("D " + std::string(dr->values.at(0).value_or("NULL")));
      } else if (auto* n = std::get_if<NoticeResponse>(&m)) {
        a.messages.push_back("N " + std::string(n->get(field::severity)) + " " +
                             std::string(n->get(field::sqlstate)));
      } else if (auto* e = std::get_if<ErrorResponse>(&m)) {
        a.messages.push_back("E " + std::string(e->get(field::sqlstate)));
      } else if (std::holds_alternative<ParseComplete>(m)) {
        a.messages.push_back("1");
      } else if (std::holds_alternative<BindComplete>(m)) {
        a.messages.push_back("2");
      } else if (auto* z = std::get_if<ReadyForQuery>(&m)) {
        a.messages.push_back(std::string("Z ") + static_cast<char>(z->status));
        return a;
      }
    }
  }
  Answer q(std::string_view sql) {
    c.send(Query{sql});
    return read();
  }
  // The extended protocol: Parse, Bind, Execute per statement, one Sync.
  Answer x(std::initializer_list<std::string_view> statements) {
    Buffer b;
    for (auto sql : statements) {
      encode(Parse{"", sql, {}}, b);
      encode(Bind{"", "", {}, {}, {}}, b);
      encode(Execute{"", 0}, b);
    }
    encode(Sync{}, b);
    c.send_raw(b.view());
    return read();
  }
  std::string show(std::string_view name) {
    Answer a = q("SHOW " + std::string(name));
    REQUIRE(a.messages.size() == 3);
    return a.messages[0].substr(2);
  }
};

bool has(const V& v, std::string_view s) { return std::find(v.begin(), v.end(), s) != v.end(); }

}  // namespace

TEST_CASE("Settings: ParameterStatus follows CommandComplete and is sent only for a changed value") {
  SettingsSession s;
  // PostgreSQL 14+ reports changed settings just before ReadyForQuery.
  s.c.send(Query{"SET DateStyle = 'German'"});
  CHECK(s.c.until_ready() == "CSZ");
  CHECK(s.q("SET DateStyle = 'German'").reports.empty());
  CHECK(s.q("SET DateStyle = 'SQL'; SET DateStyle = 'German'").reports.empty());
  CHECK(s.q("SET search_path = app").reports.empty());  // not a reported setting
}

TEST_CASE("Settings: a startup TimeZone is reported under its canonical name and an unknown one is FATAL 22023") {
  SettingsSession s({{"application_name", "tz"}, {"TimeZone", "europe/berlin"}});
  CHECK(has(s.login_reports, "TimeZone=Europe/Berlin"));
  CHECK(s.show("TimeZone") == "Europe/Berlin");

  auto handler = std::make_shared<CommandsOnly>(SessionCommands::Options{"", /*transactions=*/true});
  TestServer server{{}, {make_trust_auth(), handler, handler}};
  Client c{server.port()};
  StartupMessage m;
  m.parameters = {{"user", "u"}, {"options", "-c TimeZone=Nowhere/Bogus"}};
  c.send(m);
  std::string severity, code;
  for (int i = 0; i < 10 && code.empty(); ++i) {
    BackendMessage reply = c.recv();
    REQUIRE_FALSE(std::holds_alternative<ReadyForQuery>(reply));
    if (auto* e = std::get_if<ErrorResponse>(&reply)) {
      severity = std::string(e->get(field::severity));
      code = std::string(e->get(field::sqlstate));
    }
  }
  CHECK(severity == "FATAL");
  CHECK(code == "22023");
}

TEST_CASE("Settings: RESET ALL restores the session defaults and reports each change") {
  SettingsSession s({{"application_name", "app1"}, {"options", "-c IntervalStyle=sql_standard"}});
  CHECK(has(s.login_reports, "application_name=app1"));
  CHECK(has(s.login_reports, "IntervalStyle=sql_standard"));
  CHECK(s.q("SET DateStyle = 'German'").reports == V{"DateStyle=German"});
  CHECK(s.q("SET application_name = 'other'").reports == V{"application_name=other"});
  CHECK(s.q("SET IntervalStyle = postgres").reports == V{"IntervalStyle=postgres"});
  CHECK(s.q("SET search_path = app").reports.empty());
  Answer a = s.q("RESET ALL");
  CHECK(a.messages == V{"C RESET", "Z I"});
  CHECK(a.reports == V{"application_name=app1", "DateStyle=ISO, MDY", "IntervalStyle=sql_standard"});
  CHECK(s.show("DateStyle") == "ISO, MDY");
  CHECK(s.show("application_name") == "app1");
  CHECK(s.show("IntervalStyle") == "sql_standard");
  CHECK(s.show("search_path") == "\"$user\", public");
  CHECK(s.q("RESET ALL").reports.empty());  // nothing changed
}

TEST_CASE("Settings: RESET name and SET name TO DEFAULT restore the session default") {
  SettingsSession s({{"application_name", "app1"}, {"TimeZone", "Asia/Tokyo"}});
  CHECK(s.q("SET application_name = 'other'").reports == V{"application_name=other"});
  Answer a = s.q("RESET application_name");
  CHECK(a.messages == V{"C RESET", "Z I"});
  CHECK(a.reports == V{"application_name=app1"});
  CHECK(s.q("SET DateStyle = 'German'").reports == V{"DateStyle=German"});
  CHECK(s.q("SET DateStyle TO DEFAULT").reports == V{"DateStyle=ISO, MDY"});
  CHECK(s.show("DateStyle") == "ISO, MDY");
  CHECK(s.q("SET TimeZone = 'UTC'").reports == V{"TimeZone=UTC"});
  CHECK(s.q("RESET timezone").reports == V{"TimeZone=Asia/Tokyo"});
  // A placeholder (custom) setting resets to the empty string.
  s.q("SET myapp.flag = on");
  CHECK(s.q("RESET myapp.flag").messages == V{"C RESET", "Z I"});
  CHECK(s.show("myapp.flag") == "");
}

TEST_CASE("Settings: SET TIME ZONE, SET TIME ZONE LOCAL / DEFAULT, RESET TIME ZONE") {
  SettingsSession s;
  CHECK(s.q("SET TIME ZONE 'UTC'").reports.empty());  // already UTC
  Answer a = s.q("SET TIME ZONE 'Europe/Paris'");
  CHECK(a.messages == V{"C SET", "Z I"});
  CHECK(a.reports == V{"TimeZone=Europe/Paris"});
  CHECK(s.show("TIME ZONE") == "Europe/Paris");
  CHECK(s.q("SET TIME ZONE LOCAL").reports == V{"TimeZone=UTC"});
  s.q("SET TIME ZONE 'Asia/Tokyo'");
  CHECK(s.q("SET TIME ZONE DEFAULT").reports == V{"TimeZone=UTC"});
  s.q("SET TIME ZONE 'Asia/Tokyo'");
  CHECK(s.q("RESET TIME ZONE").reports == V{"TimeZone=UTC"});
  CHECK(s.show("TimeZone") == "UTC");
}

TEST_CASE("Settings: SET TIME ZONE to an offset (hours, INTERVAL) is stored as PostgreSQL's POSIX zone") {
  SettingsSession s;
  CHECK(s.q("SET TIME ZONE -7").reports == V{"TimeZone=<-07>+07"});
  CHECK(s.q("SET TIME ZONE 5.5").reports == V{"TimeZone=<+05:30>-05:30"});
  // Sequelize at connect:
  CHECK(s.q("SET TIME ZONE INTERVAL '+00:00' HOUR TO MINUTE").reports == V{"TimeZone=<+00>-00"});
  CHECK(s.q("SET TIME ZONE INTERVAL '-03:30' HOUR TO MINUTE").reports == V{"TimeZone=<-03:30>+03:30"});
  CHECK(s.q("SET TIME ZONE INTERVAL '2 hours 15 minutes'").reports == V{"TimeZone=<+02:15>-02:15"});
  CHECK(s.show("TimeZone") == "<+02:15>-02:15");
  CHECK(s.q("SET TIME ZONE INTERVAL '1 day'").messages == V{"E 22023", "Z I"});
  CHECK(s.q("SET TIME ZONE INTERVAL 'soon'").messages == V{"E 22007", "Z I"});
  CHECK(s.show("TimeZone") == "<+02:15>-02:15");
}

TEST_CASE("Settings: SET TIME ZONE takes the zones PostgreSQL knows under their canonical names and refuses others with 22023") {
  SettingsSession s;
  CHECK(s.q("SET TIME ZONE 'europe/berlin'").reports == V{"TimeZone=Europe/Berlin"});
  CHECK(s.q("SET timezone = 'UTC+3'").reports == V{"TimeZone=UTC+3"});
  CHECK(s.q("SET timezone TO '+3'").reports == V{"TimeZone=<+03>-03"});  // (a number: hours east)
  CHECK(s.q("SET TIME ZONE 167.5").reports == V{"TimeZone=<+167:30>-167:30"});
  for (std::string_view bad : {"SET TIME ZONE 'Nowhere/Bogus'", "SET timezone = 'XYZ'", "SET TIME ZONE 168",
                               "SET TIME ZONE '../../etc/passwd'"}) {
    CAPTURE(bad);
    CHECK(s.q(bad).messages == V{"E 22023", "Z I"});
  }
  CHECK(s.show("TimeZone") == "<+167:30>-167:30");
  CHECK(s.q("RESET TIME ZONE").reports == V{"TimeZone=UTC"});
}

TEST_CASE("Settings: SET LOCAL lasts until COMMIT or ROLLBACK") {
  SettingsSession s;
  for (std::string_view end : {"COMMIT", "ROLLBACK"}) {
    CAPTURE(end);
    CHECK(s.q("BEGIN").messages == V{"C BEGIN", "Z T"});
    Answer a = s.q("SET LOCAL DateStyle = 'German'");
    CHECK(a.messages == V{"C SET", "Z T"});
    CHECK(a.reports == V{"DateStyle=German"});
    CHECK(s.show("DateStyle") == "German");
    a = s.q(end);
    CHECK(a.messages == V{"C " + std::string(end), "Z I"});
    CHECK(a.reports == V{"DateStyle=ISO, MDY"});
    CHECK(s.show("DateStyle") == "ISO, MDY");
  }
}

TEST_CASE("Settings: SET and SET LOCAL of one setting in one block") {
  SettingsSession s;
  // SET then SET LOCAL: COMMIT goes back to the SET value.
  s.q("BEGIN");
  CHECK(s.q("SET DateStyle = 'German'").reports == V{"DateStyle=German"});
  CHECK(s.q("SET LOCAL DateStyle = 'SQL'").reports == V{"DateStyle=SQL"});
  CHECK(s.q("COMMIT").reports == V{"DateStyle=German"});
  CHECK(s.show("DateStyle") == "German");
  // SET LOCAL then SET: the SET wins at COMMIT.
  s.q("BEGIN");
  s.q("SET LOCAL DateStyle = 'SQL'");
  s.q("SET DateStyle = 'Postgres'");
  CHECK(s.q("COMMIT").reports.empty());
  CHECK(s.show("DateStyle") == "Postgres");
  // Either way ROLLBACK restores the value from before the block.
  s.q("BEGIN");
  s.q("SET DateStyle = 'German'");
  s.q("SET LOCAL DateStyle = 'SQL'");
  CHECK(s.q("ROLLBACK").reports == V{"DateStyle=Postgres"});
  CHECK(s.show("DateStyle") == "Postgres");
}

TEST_CASE("Settings: client_min_messages decides which notices reach the client") {
  SettingsSession s;
  CHECK(s.q("SET client_min_messages = warning").messages == V{"C SET", "Z I"});
  CHECK(s.q("SET LOCAL DateStyle = 'German'").messages == V{"N WARNING 25P01", "C SET", "Z I"});
  CHECK(s.q("SET client_min_messages TO 'ERROR'").messages == V{"C SET", "Z I"});
  CHECK(s.q("SET LOCAL DateStyle = 'German'").messages == V{"C SET", "Z I"});
  CHECK(s.q("RESET client_min_messages").messages == V{"C RESET", "Z I"});
  CHECK(s.q("SET LOCAL DateStyle = 'German'").messages == V{"N WARNING 25P01", "C SET", "Z I"});
  pgwire::Settings settings;
  CHECK(settings.client_receives("NOTICE"));
  CHECK_FALSE(settings.client_receives("LOG"));
  CHECK_FALSE(settings.client_receives("DEBUG"));
  settings.set("client_min_messages", "debug1");
  CHECK(settings.client_receives("LOG"));
  CHECK(settings.client_receives("DEBUG"));
  settings.set("client_min_messages", "error");
  CHECK_FALSE(settings.client_receives("WARNING"));
  CHECK(settings.client_receives("INFO"));  // (always)
}

TEST_CASE("Settings: SET LOCAL outside a transaction block warns 25P01 and changes nothing") {
  SettingsSession s;
  Answer a = s.q("SET LOCAL DateStyle = 'German'");
  CHECK(a.messages == V{"N WARNING 25P01", "C SET", "Z I"});
  CHECK(a.reports.empty());
  CHECK(s.show("DateStyle") == "ISO, MDY");
  // Several statements in one Query are one implicit block: no warning, and
  // the value holds until the end of the string.
  a = s.q("SET LOCAL DateStyle = 'German'; SHOW DateStyle");
  CHECK(a.messages == V{"C SET", "D German", "C SHOW", "Z I"});
  CHECK(a.reports.empty());
  CHECK(s.show("DateStyle") == "ISO, MDY");
  // The extended protocol has no implicit block (the warning), but the
  // value holds until Sync.
  a = s.x({"SET LOCAL DateStyle = 'German'", "SHOW DateStyle"});
  CHECK(a.messages == V{"1", "2", "N WARNING 25P01", "C SET", "1", "2", "D German", "C SHOW", "Z I"});
  CHECK(a.reports.empty());
  CHECK(s.show("DateStyle") == "ISO, MDY");
}

TEST_CASE("Settings: SET TRANSACTION sets this transaction's modes, SET SESSION CHARACTERISTICS the defaults") {
  SettingsSession s;
  s.q("BEGIN");
  // pg_dump's first statement after BEGIN.
  CHECK(s.q("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").messages == V{"C SET", "Z T"});
  CHECK(s.show("transaction_isolation") == "repeatable read");
  CHECK(s.show("transaction_read_only") == "on");
  s.q("COMMIT");
  CHECK(s.show("transaction_isolation") == "read committed");
  CHECK(s.q("SET TRANSACTION READ ONLY").messages == V{"N WARNING 25P01", "C SET", "Z I"});
  CHECK(s.q("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE").messages == V{"C SET", "Z I"});
  CHECK(s.show("default_transaction_isolation") == "serializable");
}

TEST_CASE("Settings: set_config(name, value, true) is SET LOCAL, false is SET") {
  SettingsSession s;
  Answer a = s.q("SELECT set_config('DateStyle', 'German', true)");
  CHECK(a.messages == V{"D German", "C SELECT 1", "Z I"});  // no warning
  CHECK(a.reports.empty());
  CHECK(s.show("DateStyle") == "ISO, MDY");
  a = s.q("SELECT set_config('DateStyle', 'German', true); SHOW DateStyle");
  CHECK(a.messages == V{"D German", "C SELECT 1", "D German", "C SHOW", "Z I"});
  CHECK(s.show("DateStyle") == "ISO, MDY");
  s.q("BEGIN");
  CHECK(s.q("SELECT set_config('DateStyle', 'SQL', 't')").reports == V{"DateStyle=SQL"});
  CHECK(s.q("COMMIT").reports == V{"DateStyle=ISO, MDY"});
  a = s.q("SELECT set_config('DateStyle', 'Postgres', false)");
  CHECK(a.reports == V{"DateStyle=Postgres"});
  CHECK(s.show("DateStyle") == "Postgres");
}

TEST_CASE("Settings: SET in a block is undone by ROLLBACK and kept by COMMIT") {
  SettingsSession s;
  s.q("BEGIN");
  CHECK(s.q("SET DateStyle = 'German'").reports == V{"DateStyle=German"});
  Answer a = s.q("ROLLBACK");
  CHECK(a.messages == V{"C ROLLBACK", "Z I"});
  CHECK(a.reports == V{"DateStyle=ISO, MDY"});
  CHECK(s.show("DateStyle") == "ISO, MDY");

  s.q("BEGIN");
  s.q("SET DateStyle = 'German'");
  a = s.q("COMMIT");
  CHECK(a.messages == V{"C COMMIT", "Z I"});
  CHECK(a.reports.empty());
  CHECK(s.show("DateStyle") == "German");

  // RESET in a block is transactional too.
  s.q("BEGIN");
  CHECK(s.q("RESET DateStyle").reports == V{"DateStyle=ISO, MDY"});
  CHECK(s.q("ROLLBACK").reports == V{"DateStyle=German"});
  s.q("BEGIN");
  CHECK(s.q("RESET ALL").reports == V{"DateStyle=ISO, MDY"});
  CHECK(s.q("ROLLBACK").reports == V{"DateStyle=German"});
  CHECK(s.show("DateStyle") == "German");
}

TEST_CASE("Settings: what configuration tools read has PostgreSQL 15's defaults until set") {
  SettingsSession s;
  CHECK(s.show("work_mem") == "4MB");
  CHECK(s.show("shared_buffers") == "128MB");
  CHECK(s.show("random_page_cost") == "4");
  CHECK(s.show("lock_timeout") == "0");
  CHECK(s.show("max_wal_size") == "1GB");
  s.q("SET work_mem = '64MB'");
  CHECK(s.show("work_mem") == "64MB");
  s.q("RESET work_mem");
  CHECK(s.show("work_mem") == "4MB");
  CHECK(s.q("SHOW no_such_setting").messages == V{"E 42704", "Z I"});
}

TEST_CASE("Settings: an error undoes the SETs of its transaction") {
  SettingsSession s;
  // In a block: undone at the error (PostgreSQL aborts the transaction
  // there), reported before ReadyForQuery 'E'; ROLLBACK has nothing left.
  s.q("BEGIN");
  s.q("SET DateStyle = 'German'");
  Answer a = s.q("SHOW nosuch");
  CHECK(a.messages == V{"E 42704", "Z E"});
  CHECK(a.reports == V{"DateStyle=ISO, MDY"});
  a = s.q("ROLLBACK");
  CHECK(a.messages == V{"C ROLLBACK", "Z I"});
  CHECK(a.reports.empty());
  CHECK(s.show("DateStyle") == "ISO, MDY");
  // COMMIT of a failed block is a rollback.
  s.q("BEGIN");
  s.q("SET application_name = 'x'");
  s.q("SHOW nosuch");
  CHECK(s.q("COMMIT").reports.empty());
  CHECK(s.show("application_name") == "");
  // Outside a block the statements of one Query are one transaction.
  a = s.q("SET DateStyle = 'German'; SHOW nosuch");
  CHECK(a.messages == V{"C SET", "E 42704", "Z I"});
  CHECK(a.reports.empty());
  CHECK(s.show("DateStyle") == "ISO, MDY");
  // ... and BEGIN makes the statements before it part of the block.
  a = s.q("SET DateStyle = 'German'; BEGIN; ROLLBACK");
  CHECK(a.messages == V{"C SET", "C BEGIN", "C ROLLBACK", "Z I"});
  CHECK(a.reports.empty());
  CHECK(s.show("DateStyle") == "ISO, MDY");
  // In the extended protocol, a batch up to Sync.
  a = s.x({"SET DateStyle = 'German'", "SHOW nosuch"});
  CHECK(a.messages == V{"1", "2", "C SET", "1", "2", "E 42704", "Z I"});
  CHECK(a.reports.empty());
  CHECK(s.show("DateStyle") == "ISO, MDY");
}

TEST_CASE("SessionCommands: setting_value reads a copy of a session's settings as current_setting() does") {
  pgwire::ParameterMap values{{"work_mem", "8MB"}, {"server_version", "15.4"}, {"TimeZone", "Europe/Paris"}};
  CHECK(pgwire::setting_value(values, "work_mem") == std::optional<std::string>("8MB"));
  CHECK(pgwire::setting_value(values, "timezone") == std::optional<std::string>("Europe/Paris"));  // any case
  CHECK(pgwire::setting_value(values, "server_version_num") == std::optional<std::string>("150004"));
  CHECK(pgwire::setting_value({}, "server_version_num").has_value());            // from the default version
  CHECK(pgwire::setting_value({}, "standard_conforming_strings") == std::optional<std::string>("on"));
  CHECK_FALSE(pgwire::setting_value(values, "no_such_setting").has_value());     // 42704 for the caller
}

TEST_CASE("SessionCommands: only a statement that is the call alone is described as its own") {
  Fixture f;
  Outcome own = f.describe("SELECT current_setting('work_mem') AS wm");
  REQUIRE(own.fields.size() == 1);
  CHECK(own.fields[0].name == "wm");
  // More after the call: the product's statement (this product has none, so
  // the Parse fails), never described as one text column.
  for (auto sql : {"SELECT current_setting('work_mem') || '!', 1", "SELECT version() LIKE 'P%'",
                   "SELECT current_setting('a') FROM t"}) {
    Outcome d = f.describe(sql);
    CHECK(d.sqlstate == "42601");
    CHECK(d.fields.empty());
  }
}

TEST_CASE("SessionCommands: SQL PREPARE, EXECUTE and DEALLOCATE, with PostgreSQL's errors") {
  Fixture f;
  CHECK(f.exchange(Query{"PREPARE v AS SELECT version()"}).tag == "PREPARE");
  Outcome r = f.exchange(Query{"EXECUTE v"});
  REQUIRE(r.rows.size() == 1);
  CHECK(r.rows[0][0].value_or("").starts_with("PostgreSQL "));
  CHECK(r.tag == "SELECT 1");
  CHECK(f.exchange(Query{"PREPARE v AS SELECT 1"}).sqlstate == "42P05");
  CHECK(f.exchange(Query{"EXECUTE nothing"}).sqlstate == "26000");
  r = f.exchange(Query{"EXECUTE v (1)"});
  CHECK(r.sqlstate == "42601");
  CHECK(r.error == "wrong number of parameters for prepared statement \"v\"");
  CHECK(f.exchange(Query{"PREPARE p (text) AS SELECT $1"}).tag == "PREPARE");
  CHECK(f.exchange(Query{"EXECUTE p"}).sqlstate == "42601");
  CHECK(f.exchange(Query{"PREPARE x AS CREATE TABLE t (a int)"}).sqlstate == "42601");  // (not preparable)
  CHECK(f.exchange(Query{"DEALLOCATE v"}).tag == "DEALLOCATE");
  CHECK(f.exchange(Query{"EXECUTE v"}).sqlstate == "26000");
  CHECK(f.exchange(Query{"DEALLOCATE ALL"}).tag == "DEALLOCATE ALL");
  CHECK(f.exchange(Query{"DEALLOCATE p"}).sqlstate == "26000");
  // PREPARE through the extended protocol: a command (NoData), then PREPARE.
  CHECK(f.run("PREPARE w AS SELECT version()", {}).tag == "PREPARE");
  CHECK(f.exchange(Query{"EXECUTE w"}).tag == "SELECT 1");
}

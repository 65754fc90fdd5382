#pragma once
// From what a connection committed (change_capture.hpp) to what the
// library's ReplicationHub streams: the tables as replication::Relation
// (the OID, column types and format_type names sqlite_server's catalog
// reports, so `'t'::regclass::oid` and a Relation message agree; the
// primary key as the replica identity), and each value in PostgreSQL's text
// format as a query's result would print it for the column's type.
//
// Relations are cached for all connections and forgotten when SQLite's
// schema_version moves (DDL). Runs on a connection's worker.

#include <sqlite3.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <pgwire/api/replication.hpp>

#include "catalog.hpp"
#include "change_capture.hpp"
#include "values.hpp"

namespace sqlite_example {

class ReplicationFeed {
 public:
  explicit ReplicationFeed(CatalogRefresher& catalog) : catalog_(catalog) {}

  // The committed changes as one transaction for ReplicationHub::publish.
  pgwire::ChangeSet change_set(sqlite3* db, const std::vector<CapturedChange>& changes) {
    using pgwire::replication::OldTuple;
    pgwire::ChangeSet out;
    auto version = schema_version(db);
    std::map<std::string, pgwire::RelationPtr> seen;  // this transaction's tables
    for (const auto& c : changes) {
      auto it = seen.find(c.table);
      if (it == seen.end()) it = seen.emplace(c.table, relation_of(db, version, c.table)).first;
      const auto& relation = it->second;
      if (!relation) continue;  // dropped before the commit: nothing to describe it with
      if (c.op == CapturedChange::truncate) {
        out.truncate({relation});
        continue;
      }
      if (c.op == SQLITE_INSERT) {
        out.insert(relation, tuple(*relation, c.new_row));
        continue;
      }
      auto old_row = tuple(*relation, c.old_row);
      bool has_key = false, key_changed = false;
      pgwire::replication::Tuple key(old_row.size());
      for (std::size_t i = 0; i < relation->columns.size() && i < old_row.size(); ++i) {
        if (!relation->columns[i].key) continue;
        has_key = true;
        key[i] = old_row[i];
      }
      if (c.op == SQLITE_DELETE) {
        // Without a primary key PostgreSQL has no old key to send either.
        if (has_key) {
          out.remove(relation, OldTuple::key, std::move(key));
        } else {
          out.remove(relation, OldTuple::none, {});
        }
        continue;
      }
      auto new_row = tuple(*relation, c.new_row);
      for (std::size_t i = 0; i < relation->columns.size() && i < new_row.size(); ++i)
        if (relation->columns[i].key && new_row[i] != old_row[i]) key_changed = true;
      // PostgreSQL logs the old key only when the UPDATE changed it.
      if (key_changed) {
        out.update(relation, std::move(new_row), OldTuple::key, std::move(key));
      } else {
        out.update(relation, std::move(new_row));
      }
    }
    return out;
  }

  // `table` as the catalog describes it at schema version `v`; nullptr
  // when it has no such table.
  pgwire::RelationPtr relation_of(sqlite3* db, long long v, const std::string& table) {
    {
      std::lock_guard lock(mutex_);
      if (v != version_) {
        cache_.clear();
        version_ = v;
      } else if (auto it = cache_.find(table); it != cache_.end()) {
        return it->second;
      }
    }
    catalog_.refresh(db);
    auto relation = describe(table);
    std::lock_guard lock(mutex_);
    if (v == version_) cache_[table] = relation;
    return relation;
  }

  static long long schema_version(sqlite3* db) {
    auto version = catalog_detail::rows(db, "PRAGMA schema_version");
    return version.empty() ? -1 : std::stoll(version[0][0]);
  }

 private:
  pgwire::RelationPtr describe(const std::string& table) {
    auto& catalog = *catalog_.catalog();
    auto result = catalog.query(
        "SELECT c.oid, a.attname, a.atttypid, a.atttypmod, pg_catalog.format_type(a.atttypid, NULL) "
        "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid "
        "WHERE n.nspname = 'public' AND c.relname = $1 AND c.relkind = 'r' AND a.attnum > 0 "
        "AND NOT a.attisdropped ORDER BY a.attnum",
        {table});
    if (result.rows.empty()) return nullptr;
    std::vector<std::string> primary_key;
    for (const auto& t : catalog.description().tables)
      if (t.schema == "public" && t.name == table) primary_key = t.primary_key;
    auto r = std::make_shared<pgwire::replication::Relation>();
    r->oid = static_cast<pgwire::Oid>(std::stoul(*result.rows[0][0]));
    r->schema = "public";
    r->name = table;
    for (const auto& row : result.rows) {
      pgwire::replication::Column col;
      col.name = *row[1];
      col.type_oid = static_cast<pgwire::Oid>(std::stoul(*row[2]));
      col.type_modifier = std::stoi(*row[3]);
      col.type_name = *row[4];
      for (const auto& k : primary_key)
        if (k == col.name) col.key = true;
      r->columns.push_back(std::move(col));
    }
    return r;
  }

  // One text value per column of `relation` (a row SQLite holds with fewer
  // columns, after an ADD COLUMN in the same transaction, gets nulls).
  pgwire::replication::Tuple tuple(const pgwire::replication::Relation& relation, const std::vector<ValueCopy>& row) {
    pgwire::replication::Tuple out;
    out.reserve(relation.columns.size());
    for (std::size_t i = 0; i < relation.columns.size(); ++i) {
      sqlite3_value* v = i < row.size() ? row[i].value.get() : nullptr;
      if (v == nullptr || sqlite3_value_type(v) == SQLITE_NULL) {
        out.push_back(pgwire::replication::TupleValue::null());
        continue;
      }
      const auto& col = relation.columns[i];
      text_.clear();
      try {
        encode_value(HeldValue{v}, col.type_oid, pgwire::format_text, text_, scratch_, col.type_modifier);
        out.push_back(pgwire::replication::TupleValue::of(std::string(text_.view())));
      } catch (const pgwire::PgError&) {
        // A stored value its type cannot read (SQLite is not strict): as stored.
        out.push_back(pgwire::replication::TupleValue::of(std::string(HeldValue{v}.text())));
      }
    }
    return out;
  }

  CatalogRefresher& catalog_;
  std::mutex mutex_;  // the cache (any worker)
  long long version_ = -2;
  std::map<std::string, pgwire::RelationPtr> cache_;
  // Reused buffers, one pair per worker thread (workers publish at once).
  static inline thread_local pgwire::Buffer text_, scratch_;
};

}  // namespace sqlite_example

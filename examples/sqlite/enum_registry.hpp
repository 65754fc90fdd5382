#pragma once
// The enum types that CREATE TYPE ... AS ENUM made (enum_types.hpp), for
// code that has no database handle at hand: the dialect's type names
// (sqlite_dialect::type_named), the order of an enum column's collation,
// the check of a written label. Process-wide, as the database is: every
// session's connection opens the same one. The table pgwire_enums is the
// truth; each connection reloads this copy from it when it opens and after
// its own enum DDL.
//
// An enum type has two OIDs of its own: the type's, and its array's (the
// next one), which RowDescription carries and pg_type lists.

#include <atomic>
#include <charconv>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <pgwire/types/oid.hpp>

namespace sqlite_example::enum_registry {

struct EnumType {
  pgwire::Oid oid = 0;  // its array type's is oid + 1
  std::string name;
  std::vector<std::string> labels;  // in sort order
  std::vector<float> sort_orders;   // pg_enum.enumsortorder of each label

  // The label's place in the sort order; -1 when it is not one.
  int position(std::string_view label) const {
    for (std::size_t i = 0; i < labels.size(); ++i)
      if (labels[i] == label) return static_cast<int>(i);
    return -1;
  }
};

class Registry {
 public:
  void replace_all(std::vector<EnumType> types) {
    std::map<pgwire::Oid, std::shared_ptr<const EnumType>> next;
    for (auto& t : types) next[t.oid] = std::make_shared<const EnumType>(std::move(t));
    std::lock_guard lock(mutex_);
    by_oid_ = std::move(next);
    generation_.fetch_add(1, std::memory_order_release);
  }
  // The type, or its array type's element (`*array`: which it was).
  std::shared_ptr<const EnumType> find(pgwire::Oid oid, bool* array = nullptr) const {
    if (oid < first_oid) return nullptr;
    std::lock_guard lock(mutex_);
    for (bool of_array : {false, true})
      if (auto it = by_oid_.find(oid - (of_array ? 1 : 0)); it != by_oid_.end()) {
        if (array) *array = of_array;
        return it->second;
      }
    return nullptr;
  }
  std::shared_ptr<const EnumType> find(std::string_view name) const {
    std::lock_guard lock(mutex_);
    for (const auto& [oid, t] : by_oid_)
      if (t->name == name) return t;
    return nullptr;
  }
  std::vector<std::shared_ptr<const EnumType>> all() const {
    std::lock_guard lock(mutex_);
    std::vector<std::shared_ptr<const EnumType>> out;
    for (const auto& [oid, t] : by_oid_) out.push_back(t);
    return out;
  }
  // Moves at every reload: a cached order compares it to know it is current.
  std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

  // Enum OIDs start here, far above the catalog's own (16384 up), so that
  // OIDs the catalog gives tables stay put as enums come and go.
  static constexpr pgwire::Oid first_oid = 100000;

 private:
  mutable std::mutex mutex_;
  std::map<pgwire::Oid, std::shared_ptr<const EnumType>> by_oid_;
  std::atomic<std::uint64_t> generation_{0};
};

inline Registry& registry() {
  static Registry r;
  return r;
}

// The OID of the enum type (or, with "[]", its array type) a type name in
// SQL names: unquoted names fold to lower case, as PostgreSQL folds them;
// 0 when none.
inline pgwire::Oid oid_named(std::string_view sql_name) {
  bool array = sql_name.size() > 2 && sql_name.ends_with("[]");
  if (array) sql_name.remove_suffix(2);
  while (!sql_name.empty() && sql_name.back() == ' ') sql_name.remove_suffix(1);
  // (the one schema: public.t, "public"."t", as Sequelize writes it)
  for (std::string_view schema : {"\"public\".", "public.", "PUBLIC."})
    if (sql_name.starts_with(schema)) sql_name.remove_prefix(schema.size());
  std::string name;
  if (sql_name.size() >= 2 && sql_name.front() == '"' && sql_name.back() == '"') {
    for (std::size_t i = 1; i + 1 < sql_name.size(); ++i) {
      name.push_back(sql_name[i]);
      if (sql_name[i] == '"') ++i;  // ("" inside quotes)
    }
  } else {
    for (char c : sql_name) name.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  if (name.empty()) return 0;
  auto t = registry().find(name);
  return t ? t->oid + (array ? 1 : 0) : 0;
}

// How enum_types.hpp declares an enum column to SQLite: PGWIRE_ENUM_<oid> TEXT.
inline constexpr std::string_view declared_prefix = "PGWIRE_ENUM_";

// The enum OID of such a declaration; 0 for any other.
inline pgwire::Oid declared_oid(std::string_view decl) {
  if (!decl.starts_with(declared_prefix)) return 0;  // (SQLite keeps a declaration as written)
  pgwire::Oid oid = 0;
  auto digits = decl.substr(declared_prefix.size());
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), oid);
  return ec == std::errc() && oid >= Registry::first_oid ? oid : 0;
}

inline bool is_enum(pgwire::Oid oid) {
  bool array = false;
  return oid >= Registry::first_oid && registry().find(oid, &array) && !array;
}

}  // namespace sqlite_example::enum_registry

namespace sqlite_example {

// The type a name in SQL gives: a built-in type, else an enum type.
inline pgwire::Oid type_named(std::string_view sql_name) {
  if (auto t = pgwire::type_from_sql_name(sql_name)) return t;
  return enum_registry::oid_named(sql_name);
}

}  // namespace sqlite_example

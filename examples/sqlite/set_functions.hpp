#pragma once
// PostgreSQL's set-returning functions over JSON and arrays, usable in FROM
// (also beside another table, reading its columns: FROM orders o,
// jsonb_array_elements(o.items) e), as SQLite eponymous virtual tables
// named as PostgreSQL names them (registered by functions.hpp):
//   jsonb_each(doc) / json_each_text / jsonb_each_text   key, value
//   jsonb_array_elements(doc) / _text, json_array_elements(doc) / _text   value
//   jsonb_object_keys(doc), json_object_keys(doc)        one column named so
//   unnest(array)                                        one column "unnest"
// (SQLite's own json_each keeps its name and columns.) A jsonb value is
// compact JSON, typed jsonb by the declared column, so it prints as
// jsonb_out does. unnest's elements are numbers when every one of them is
// an integer (an int[]'s), else texts. The documents are parsed whole when
// the scan starts (json_values.hpp), the rows kept until it ends.

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <pgwire/types/array.hpp>

#include "errors.hpp"
#include "virtual_table.hpp"
#include "json_values.hpp"

namespace sqlite_example::set_functions {

enum class Kind { each, each_text, elements, elements_text, object_keys, unnest };

struct Function {
  const char* name;
  Kind kind;
  bool json;  // the json variant (its error messages name it)
};

inline constexpr Function functions[] = {
    {"jsonb_each", Kind::each, false},
    {"jsonb_each_text", Kind::each_text, false},
    {"json_each_text", Kind::each_text, true},
    {"jsonb_array_elements", Kind::elements, false},
    {"json_array_elements", Kind::elements, true},
    {"jsonb_array_elements_text", Kind::elements_text, false},
    {"json_array_elements_text", Kind::elements_text, true},
    {"jsonb_object_keys", Kind::object_keys, false},
    {"json_object_keys", Kind::object_keys, true},
    {"unnest", Kind::unnest, false},
};

struct Table {
  sqlite3_vtab base{};
  const Function* function = nullptr;
  int argument_column = 0;  // the hidden column the argument binds to

  struct Row {
    std::optional<std::string> key, value;
    bool integer = false;  // (unnest) value is an integer's text
  };
  struct Cursor {
    sqlite3_vtab_cursor base{};
    std::vector<Row> rows;
    std::size_t at = 0;
  };

  static int connect(sqlite3* db, void* aux, int, const char* const*, sqlite3_vtab** out, char**) {
    const auto* f = static_cast<const Function*>(aux);
    std::string columns;
    int argument = 1;
    switch (f->kind) {
      case Kind::each: columns = "key TEXT, value JSONB"; argument = 2; break;
      case Kind::each_text: columns = "key TEXT, value TEXT"; argument = 2; break;
      case Kind::elements: columns = "value JSONB"; break;
      case Kind::elements_text: columns = "value TEXT"; break;
      case Kind::object_keys: columns = std::string(f->name) + " TEXT"; break;
      case Kind::unnest: columns = "unnest"; break;
    }
    std::string schema = "CREATE TABLE x(" + columns + ", argument HIDDEN)";
    int rc = sqlite3_declare_vtab(db, schema.c_str());
    if (rc != SQLITE_OK) return rc;
    auto* t = new Table();
    t->function = f;
    t->argument_column = argument;
    *out = &t->base;
    sqlite3_vtab_config(db, SQLITE_VTAB_INNOCUOUS);
    return SQLITE_OK;
  }
  static int disconnect(sqlite3_vtab* v) {
    delete reinterpret_cast<Table*>(v);
    return SQLITE_OK;
  }
  static int best_index(sqlite3_vtab* v, sqlite3_index_info* info) {
    auto* t = reinterpret_cast<Table*>(v);
    for (int i = 0; i < info->nConstraint; ++i) {
      const auto& c = info->aConstraint[i];
      if (c.iColumn != t->argument_column || c.op != SQLITE_INDEX_CONSTRAINT_EQ) continue;
      if (!c.usable) return SQLITE_CONSTRAINT;
      info->aConstraintUsage[i].argvIndex = 1;
      info->aConstraintUsage[i].omit = 1;
      info->idxNum = 1;
      info->estimatedCost = 100;
      return SQLITE_OK;
    }
    info->idxNum = 0;  // refused in filter()
    info->estimatedCost = 1e12;
    return SQLITE_OK;
  }
  static int open(sqlite3_vtab*, sqlite3_vtab_cursor** out) {
    *out = &(new Cursor())->base;
    return SQLITE_OK;
  }
  static int close(sqlite3_vtab_cursor* c) {
    delete reinterpret_cast<Cursor*>(c);
    return SQLITE_OK;
  }
  static int fail(sqlite3_vtab_cursor* c, const char* code, const std::string& message) {
    sqlite3_free(c->pVtab->zErrMsg);
    c->pVtab->zErrMsg = sqlite3_mprintf("%s", function_error(code, message).c_str());
    return SQLITE_ERROR;
  }

  // PostgreSQL's words for a document of the wrong shape.
  static std::string shape_error(const Function& f, json_values::Value::Kind kind) {
    std::string shape = kind == json_values::Value::array ? "an array" : "a scalar";
    if (f.kind == Kind::elements || f.kind == Kind::elements_text)
      return kind == json_values::Value::object ? "cannot extract elements from an object"
                                                : "cannot extract elements from a scalar";
    if (f.kind == Kind::object_keys) return "cannot call " + std::string(f.name) + " on " + shape;
    return "cannot call " + std::string(f.name) + " on a non-object";
  }

  static int filter(sqlite3_vtab_cursor* base, int idx, const char*, int argc, sqlite3_value** argv) {
    auto* c = reinterpret_cast<Cursor*>(base);
    const Function& f = *reinterpret_cast<Table*>(base->pVtab)->function;
    c->rows.clear();
    c->at = 0;
    if (idx == 0 || argc < 1)
      return fail(base, "42883", "function " + std::string(f.name) + "() needs an argument");
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return SQLITE_OK;  // (strict: no rows)
    std::string_view text(reinterpret_cast<const char*>(sqlite3_value_text(argv[0])),
                          static_cast<std::size_t>(sqlite3_value_bytes(argv[0])));
    if (f.kind == Kind::unnest) return unnest(base, text);
    auto doc = json_values::parse(text);
    if (!doc) return fail(base, "22P02", "invalid input syntax for type json");
    using V = json_values::Value;
    bool object = f.kind == Kind::each || f.kind == Kind::each_text || f.kind == Kind::object_keys;
    if (doc->kind != (object ? V::object : V::array)) return fail(base, "22023", shape_error(f, doc->kind));
    bool as_text = f.kind == Kind::each_text || f.kind == Kind::elements_text;
    for (std::size_t i = 0; i < doc->items.size(); ++i) {
      Row row;
      if (f.kind == Kind::object_keys) {
        row.value = doc->keys[i];
        c->rows.push_back(std::move(row));
        continue;
      }
      if (object) row.key = doc->keys[i];
      const V& v = doc->items[i];
      if (!as_text)
        row.value = json_values::print(v);
      else if (v.kind == V::string)
        row.value = v.text;
      else if (v.kind != V::null)
        row.value = json_values::print(v);
      c->rows.push_back(std::move(row));
    }
    return SQLITE_OK;
  }

  static int unnest(sqlite3_vtab_cursor* base, std::string_view text) {
    auto* c = reinterpret_cast<Cursor*>(base);
    pgwire::DecodedArray<std::string> array;
    if (pgwire::decode_text(text, array))
      return fail(base, "22P02", "malformed array literal: \"" + std::string(text) + "\"");
    bool integers = true;
    for (const auto& e : array.elements) {
      if (!e) continue;
      std::string_view digits = *e;
      if (!digits.empty() && digits[0] == '-') digits.remove_prefix(1);
      integers = integers && !digits.empty() && digits.size() < 19 &&
                 digits.find_first_not_of("0123456789") == std::string_view::npos;
    }
    for (auto& e : array.elements) {
      Row row;
      if (e) row.value = std::string(*e);
      row.integer = integers && e;
      c->rows.push_back(std::move(row));
    }
    return SQLITE_OK;
  }

  static int next(sqlite3_vtab_cursor* base) {
    ++reinterpret_cast<Cursor*>(base)->at;
    return SQLITE_OK;
  }
  static int eof(sqlite3_vtab_cursor* base) {
    auto* c = reinterpret_cast<Cursor*>(base);
    return c->at >= c->rows.size() ? 1 : 0;
  }
  static int column(sqlite3_vtab_cursor* base, sqlite3_context* ctx, int i) {
    auto* c = reinterpret_cast<Cursor*>(base);
    const Function& f = *reinterpret_cast<Table*>(base->pVtab)->function;
    const Row& row = c->rows[c->at];
    bool keyed = f.kind == Kind::each || f.kind == Kind::each_text;
    const std::optional<std::string>* field = keyed && i == 0 ? &row.key : &row.value;
    if (i >= reinterpret_cast<Table*>(base->pVtab)->argument_column || !*field) return SQLITE_OK;  // NULL
    if (row.integer && field == &row.value) {
      sqlite3_result_int64(ctx, std::stoll(**field));
      return SQLITE_OK;
    }
    sqlite3_result_text(ctx, (*field)->data(), static_cast<int>((*field)->size()), SQLITE_TRANSIENT);
    return SQLITE_OK;
  }
  static int rowid(sqlite3_vtab_cursor* base, sqlite3_int64* out) {
    *out = static_cast<sqlite3_int64>(reinterpret_cast<Cursor*>(base)->at) + 1;
    return SQLITE_OK;
  }

  static const sqlite3_module* module() { return eponymous_module<Table>(); }
};

inline void register_all(sqlite3* db) {
  for (const Function& f : functions)
    sqlite3_create_module(db, f.name, Table::module(), const_cast<Function*>(&f));
}

}  // namespace sqlite_example::set_functions

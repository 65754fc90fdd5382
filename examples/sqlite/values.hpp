#pragma once
// How sqlite_server maps SQLite to PostgreSQL: declared types to type OIDs,
// stored values to wire values and back (errors: errors.hpp). Every
// function here runs on a connection's worker (worker.hpp).
//
// Storage: integers, floats, booleans and bytea are stored natively
// (INTEGER, REAL, BLOB); strings as they are; every other type as its
// canonical PostgreSQL text form, checked by the type layer (numeric as
// the exact text it was given, numeric_text.hpp).

#include <sqlite3.h>

#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include <pgwire/types.hpp>

#include "column_types.hpp"
#include "errors.hpp"
#include "numeric_text.hpp"
#include "session_zone.hpp"
#include "worker.hpp"

namespace sqlite_example {

namespace oid = pgwire::oid;

// The first `n` words of `s`, upper case, one space apart. (ASCII only, and
// no locale: SQL keywords are ASCII, and this runs for every statement.)
inline std::string upper_word(std::string_view s, std::size_t n = 1) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
  auto word_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  };
  std::string out;
  std::size_t i = 0;
  for (std::size_t w = 0; w < n; ++w) {
    while (i < s.size() && space(s[i])) ++i;
    if (w > 0 && i < s.size()) out.push_back(' ');
    for (; i < s.size() && word_char(s[i]); ++i)
      out.push_back(s[i] >= 'a' && s[i] <= 'z' ? static_cast<char>(s[i] - 'a' + 'A') : s[i]);
  }
  return out;
}

// The PostgreSQL type clients will see: the declared type's
// (declared_type in column_types.hpp), else an expression's judged by its
// first value.
inline pgwire::Oid pg_type(const char* decl, int first_value_type) {
  if (decl != nullptr && *decl != 0) return declared_type(decl);
  switch (first_value_type) {
    case SQLITE_INTEGER: return oid::int8;
    case SQLITE_FLOAT: return oid::float8;
    case SQLITE_BLOB: return oid::bytea;
    default: return oid::text;
  }
}

// Types SQLite stores natively (as integers, reals, blobs); every other type
// is stored as its PostgreSQL text form.
inline bool is_string_type(pgwire::Oid t) {
  return t == oid::text || t == oid::varchar || t == oid::bpchar || t == oid::name || t == oid::json ||
         t == oid::unknown || enum_registry::is_enum(t);  // (an enum's binary form is its label, as enum_send's)
}

// The error PostgreSQL's input (or receive) function would raise for the
// value: its SQLSTATE (22P02, 22007, 22008, ...) and its wording.
inline pgwire::PgError invalid_value(pgwire::Oid type, std::string_view value, std::error_code ec,
                                     pgwire::FormatCode format = pgwire::format_text) {
  return pgwire::PgError(pgwire::type_error_info(ec, type, value, format));
}

inline void exec(sqlite3* db, const char* sql) {
  int rc, attempts = 0;
  do {
    char* err = nullptr;
    rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
    sqlite3_free(err);
  } while (rc != SQLITE_OK && Worker::wait_for_table_lock(db, rc, attempts));  // (one statement: undone)
  if (rc != SQLITE_OK) throw pgwire::PgError(sqlite_error(db, rc));
}

// sqlite3_step of a statement's first row, waiting for a table lock of the
// shared cache (Worker::wait_for_table_lock): a statement that failed so
// has done nothing, and is run again from the start.
inline int step_first(sqlite3* db, sqlite3_stmt* s) {
  int rc = sqlite3_step(s), attempts = 0;
  while (rc != SQLITE_ROW && rc != SQLITE_DONE && Worker::wait_for_table_lock(db, rc, attempts)) {
    sqlite3_reset(s);
    rc = sqlite3_step(s);
  }
  return rc;
}

// sqlite3_prepare_v2, waiting likewise (compiling reads the schema).
inline int prepare_waiting(sqlite3* db, const std::string& sql, sqlite3_stmt** s) {
  int rc, attempts = 0;
  do {
    rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), s, nullptr);
  } while (rc != SQLITE_OK && Worker::wait_for_table_lock(db, rc, attempts));
  return rc;
}

// A compiled statement; finalized on its worker.
struct Stmt {
  sqlite3_stmt* s = nullptr;
  std::shared_ptr<Worker> worker;
  explicit Stmt(std::shared_ptr<Worker> w) : worker(std::move(w)) {}
  ~Stmt() {
    if (s) worker->cleanup([s = s] { sqlite3_finalize(s); });
  }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
};

// A stored value: a result column's, or one SQLite hands a hook (the change
// capture's old and new rows): one encoding for both.
struct HeldValue {
  sqlite3_value* v;
  int storage() const { return sqlite3_value_type(v); }
  std::int64_t int64() const { return sqlite3_value_int64(v); }
  double real() const { return sqlite3_value_double(v); }
  std::string_view text() const {
    return {reinterpret_cast<const char*>(sqlite3_value_text(v)), static_cast<std::size_t>(sqlite3_value_bytes(v))};
  }
  std::string_view blob() const {
    return {static_cast<const char*>(sqlite3_value_blob(v)), static_cast<std::size_t>(sqlite3_value_bytes(v))};
  }
};

// A numeric column's value with its declared scale (numeric(10,2): 1.5 is
// 1.50), as PostgreSQL stores it; SQLite keeps the number as it computed it.
template <class Value>
std::string with_scale(const Value& v, int storage, std::int32_t modifier) {
  int scale = (modifier - 4) & 0xffff;
  if (storage == SQLITE_INTEGER) {
    std::string zeros(static_cast<std::size_t>(scale), '0');
    return std::to_string(v.int64()) + (scale > 0 ? "." + zeros : "");
  }
  char buf[512];
  std::snprintf(buf, sizeof buf, "%.*f", scale, v.real());
  return buf;
}

// Appends the stored value `v`, as PostgreSQL type `type`, to `out` in
// `format`; false for NULL (nothing appended). `scratch`: reused buffer.
// An array of an enum type (enum_range's), as array_out or array_send
// writes it: the binary form is a text[]'s with the enum as element type.
inline void put_enum_array(std::string_view text, pgwire::Oid type, pgwire::FormatCode format, pgwire::Buffer& out,
                           pgwire::Buffer& scratch) {
  if (format != pgwire::format_binary) return out.put_bytes(text);
  scratch.clear();
  if (auto ec = pgwire::convert_format(oid::text_array, text, pgwire::format_text, pgwire::format_binary, scratch))
    throw invalid_value(type, text, ec);
  std::string bytes(scratch.view());
  pgwire::Oid element = type - 1;  // (enum_registry.hpp: the array's OID follows the type's)
  if (bytes.size() >= 12)  // ndim, has-nulls flag, element type: big-endian int32s
    for (int b = 0; b < 4; ++b) bytes[8 + b] = static_cast<char>((element >> (24 - 8 * b)) & 0xff);
  out.put_bytes(bytes);
}

// `modifier`: the column's type modifier (-1 none); gives numeric its
// scale, char(n) its width.
// `display_scale`: a numeric expression's scale (select_list.hpp), for a
// value SQLite computed as a number (-1 none).
template <class Value>
bool encode_value(const Value& v, pgwire::Oid type, pgwire::FormatCode format, pgwire::Buffer& out,
                  pgwire::Buffer& scratch, std::int32_t modifier = -1, std::int32_t display_scale = -1) {
  int storage = v.storage();
  if (storage == SQLITE_NULL) return false;
  auto put = [&](const auto& x) {
    if (format == pgwire::format_binary) {
      pgwire::encode_binary(x, out);
    } else {
      pgwire::encode_text(x, out);
    }
  };
  auto narrow = [&](std::int64_t lo, std::int64_t hi, const char* what) {
    std::int64_t n = v.int64();
    if (n < lo || n > hi) throw pgwire::PgError("22003", std::string(what) + " out of range");
    return n;
  };
  // An integer expression SQLite computed past 64 bits became a double:
  // PostgreSQL's overflow error (an integral double in range is the integer).
  auto integral = [&](double lo, double hi, const char* what) {
    double d = v.real();
    if (!(d >= lo && d <= hi) || std::trunc(d) != d) throw pgwire::PgError("22003", std::string(what) + " out of range");
    return static_cast<std::int64_t>(d);
  };
  switch (type) {
    case oid::int8:
      if (storage == SQLITE_INTEGER) return put(static_cast<std::int64_t>(v.int64())), true;
      if (storage == SQLITE_FLOAT) return put(integral(-9.2233720368547758e18, 9.2233720368547748e18, "bigint")), true;
      break;
    case oid::int4:  // an int4 expression SQLite computed in 64 bits: PostgreSQL's overflow error
      if (storage == SQLITE_INTEGER)
        return put(static_cast<std::int32_t>(narrow(INT32_MIN, INT32_MAX, "integer"))), true;
      if (storage == SQLITE_FLOAT) return put(static_cast<std::int32_t>(integral(INT32_MIN, INT32_MAX, "integer"))), true;
      break;
    case oid::int2:
      if (storage == SQLITE_INTEGER)
        return put(static_cast<std::int16_t>(narrow(INT16_MIN, INT16_MAX, "smallint"))), true;
      if (storage == SQLITE_FLOAT) return put(static_cast<std::int16_t>(integral(INT16_MIN, INT16_MAX, "smallint"))), true;
      break;
    case oid::float8:
      if (storage != SQLITE_TEXT) return put(v.real()), true;
      break;
    case oid::float4:
      if (storage != SQLITE_TEXT) return put(static_cast<float>(v.real())), true;
      break;
    case oid::bool_:
      if (storage == SQLITE_INTEGER) return put(v.int64() != 0), true;
      break;  // a boolean stored as text ('true', 't', 'on', ...)
    case oid::bytea:
      if (storage == SQLITE_BLOB) return put(pgwire::Bytea{v.blob()}), true;
      break;  // '\x...' text, e.g. from a client-side interpolated literal
    default:
      if (type == oid::bpchar && modifier > 4) {  // char(n): blank-padded to n characters, as PostgreSQL stores it
        std::string_view text = v.text();
        std::size_t chars = 0, width = static_cast<std::size_t>(modifier - 4);
        for (unsigned char c : text) chars += (c & 0xC0) != 0x80;  // (UTF-8: continuation bytes are no character)
        if (chars < width) {  // (padded in `scratch`: no allocation per value once it has grown)
          scratch.clear();
          scratch.put_bytes(text);
          std::memset(scratch.extend(width - chars), ' ', width - chars);
          return put(scratch.view()), true;
        }
      }
      if (is_string_type(type)) return put(v.text()), true;
      if (enum_registry::registry().find(type)) return put_enum_array(v.text(), type, format, out, scratch), true;
  }
  // A value SQLite holds as text, sent through the type layer: validated,
  // and canonical in either format (what PostgreSQL's output function prints).
  std::string_view value = v.text();
  std::string scaled;
  if (type == oid::numeric && modifier >= 4) {
    // (text: an exact numeric column's, numeric_text.hpp)
    scaled = storage == SQLITE_TEXT ? numeric_text::round_to_scale(value, (modifier - 4) & 0xffff)
                                    : with_scale(v, storage, modifier);
    value = scaled;
  } else if (type == oid::numeric && display_scale >= 0) {
    scaled = storage == SQLITE_TEXT ? numeric_text::round_to_scale(value, display_scale)
                                    : with_scale(v, storage, display_scale + 4);
    value = scaled;
  }
  scratch.clear();
  const pgwire::TimeZone& zone = session_zone::current();  // (timestamptz text is the session zone's)
  if (auto ec = pgwire::convert_format(type, value, pgwire::format_text, pgwire::format_binary, scratch, zone))
    throw invalid_value(type, value, ec);
  if (format == pgwire::format_binary) {
    out.put_bytes(scratch.view());
    return true;
  }
  if (auto ec = pgwire::convert_format(type, scratch.view(), pgwire::format_binary, pgwire::format_text, out, zone))
    throw invalid_value(type, value, ec);
  return true;
}

// Column i of a result row (see encode_value). Read through the column's
// sqlite3_value: each sqlite3_column_* call enters and leaves the
// connection's mutex and checks for a failed allocation, four calls each,
// and a row takes several. SQLite calls that value "unprotected", which only
// means not thread-safe: a connection is used by one job at a time here (its
// Worker is a strand). A 1M-row scan of three columns went 0.255 -> 0.20 s.
inline bool encode_stored(sqlite3_stmt* s, int i, pgwire::Oid type, pgwire::FormatCode format, pgwire::Buffer& out,
                          pgwire::Buffer& scratch, std::int32_t modifier = -1, std::int32_t display_scale = -1) {
  return encode_value(HeldValue{sqlite3_column_value(s, i)}, type, format, out, scratch, modifier, display_scale);
}

// Binds a value of PostgreSQL type `type`, given in `format`, as sqlite_server
// stores it (see the top of this file). `binary`, `text`: reused buffers.
inline void store_value(sqlite3_stmt* s, int idx, pgwire::Oid type, pgwire::FormatCode format, std::string_view value,
                        pgwire::Buffer& binary, pgwire::Buffer& text) {
  if (is_string_type(type)) {  // text in both formats (UTF-8)
    sqlite3_bind_text(s, idx, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
    return;
  }
  if (!pgwire::can_convert_format(type))
    throw pgwire::PgError(pgwire::sqlstate::feature_not_supported,
                          "values of type " + std::to_string(type) + " are not supported");
  std::string_view bin = value;
  if (format == pgwire::format_text) {
    binary.clear();
    if (auto ec = pgwire::convert_format(type, value, pgwire::format_text, pgwire::format_binary, binary,
                                         session_zone::current()))
      throw invalid_value(type, value, ec);
    bin = binary.view();
  }
  auto decode = [&](auto& v) {
    if (auto ec = pgwire::decode_binary(bin, v)) throw invalid_value(type, value, ec, format);
  };
  switch (type) {
    case oid::int2: { std::int16_t v; decode(v); sqlite3_bind_int64(s, idx, v); return; }
    case oid::int4: { std::int32_t v; decode(v); sqlite3_bind_int64(s, idx, v); return; }
    case oid::int8: { std::int64_t v; decode(v); sqlite3_bind_int64(s, idx, v); return; }
    case oid::float4: { float v; decode(v); sqlite3_bind_double(s, idx, v); return; }
    case oid::float8: { double v; decode(v); sqlite3_bind_double(s, idx, v); return; }
    case oid::bool_: { bool v; decode(v); sqlite3_bind_int(s, idx, v ? 1 : 0); return; }
    case oid::bytea:
      sqlite3_bind_blob(s, idx, bin.data(), static_cast<int>(bin.size()), SQLITE_TRANSIENT);
      return;
    default: break;
  }
  text.clear();
  if (auto ec = pgwire::convert_format(type, bin, pgwire::format_binary, pgwire::format_text, text))
    throw invalid_value(type, value, ec, format);
  sqlite3_bind_text(s, idx, text.view().data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

}  // namespace sqlite_example

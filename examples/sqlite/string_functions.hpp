#pragma once
// PostgreSQL's string and bytea functions that SQLite lacks or spells
// otherwise (registered by functions.hpp):
//   format(fmt, ...)   PostgreSQL's, not SQLite's printf: %s (NULL is empty),
//                      %I (quote_ident), %L (quote_literal; NULL is NULL),
//                      %%, positions (%2$s), widths (%10s, %-10s)
//   quote_ident, quote_literal, quote_nullable, to_hex, chr, ascii
//   encode(bytes, 'hex' | 'base64' | 'escape'), decode(text, ...)
//   sha224, sha256, sha384, sha512 (bytea results)
// A bytea is a BLOB here; a text given where bytea is expected is its bytes.

#include <openssl/evp.h>
#include <sqlite3.h>

#include <cctype>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <pgwire/auth/base64.hpp>

#include "array_functions.hpp"
#include "errors.hpp"

namespace sqlite_example::string_functions {

// (a NULL or a failed conversion reads as empty)
using array_functions::text_of;

inline std::string_view bytes_of(sqlite3_value* v) {
  const auto* p = static_cast<const char*>(sqlite3_value_blob(v));
  return {p ? p : "", static_cast<std::size_t>(sqlite3_value_bytes(v))};
}

inline void result(sqlite3_context* ctx, const std::string& s) {
  sqlite3_result_text(ctx, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
}

inline void error(sqlite3_context* ctx, std::string_view code, std::string_view message) {
  sqlite3_result_error(ctx, function_error(code, message).c_str(), -1);
}

// quote_ident: quoted unless a lower-case identifier that is no keyword.
inline std::string quote_ident(std::string_view s) {
  bool plain = !s.empty() && (std::islower(static_cast<unsigned char>(s[0])) || s[0] == '_');
  for (char c : s)
    plain = plain && (std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
                      c == '_');
  for (const char* keyword : {"select", "from", "where", "table", "user", "order", "group", "by", "all", "and", "or",
                              "not", "null", "true", "false", "case", "end", "when", "then", "else", "as", "on",
                              "join", "limit", "offset", "union", "column", "check", "default", "primary", "unique",
                              "references", "create", "grant", "to", "into", "having", "distinct", "desc", "asc"})
    plain = plain && s != keyword;
  if (plain) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// quote_literal: 'it''s'; with a backslash, E'...' and the backslash doubled.
inline std::string quote_literal(std::string_view s) {
  bool backslash = s.find('\\') != std::string_view::npos;
  std::string out = backslash ? "E'" : "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out += c;
    out += c;
  }
  return out + "'";
}

inline void format(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  if (argc < 1 || sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  std::string_view f = text_of(argv[0]);
  std::string out;
  int next = 1;
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (f[i] != '%') {
      out += f[i];
      continue;
    }
    if (++i >= f.size()) return error(ctx, "22023", "unterminated format() type specifier");
    if (f[i] == '%') {
      out += '%';
      continue;
    }
    // [n$][-][width]type
    std::size_t at = i;
    int n = 0;
    while (i < f.size() && std::isdigit(static_cast<unsigned char>(f[i])) && n < 100000) n = n * 10 + (f[i++] - '0');
    int arg = next;
    if (i < f.size() && f[i] == '$' && n > 0) {
      arg = n;
      ++i;
    } else {
      i = at;
    }
    bool left = i < f.size() && f[i] == '-';
    if (left) ++i;
    int width = 0;
    while (i < f.size() && std::isdigit(static_cast<unsigned char>(f[i])) && width < 100000)
      width = width * 10 + (f[i++] - '0');
    if (i >= f.size()) return error(ctx, "22023", "unterminated format() type specifier");
    char type = f[i];
    if (type != 's' && type != 'I' && type != 'L')
      return error(ctx, "22023", std::string("unrecognized format() type specifier \"") + type + "\"");
    if (arg >= argc) return error(ctx, "22023", "too few arguments for format()");
    next = arg + 1;
    sqlite3_value* v = argv[arg];
    bool null = sqlite3_value_type(v) == SQLITE_NULL;
    std::string piece;
    if (type == 's') {
      piece = null ? "" : std::string(text_of(v));
    } else if (type == 'I') {
      if (null) return error(ctx, "22004", "null values cannot be formatted as an SQL identifier");
      piece = quote_ident(text_of(v));
    } else {
      piece = null ? "NULL" : quote_literal(text_of(v));
    }
    std::size_t chars = 0;
    for (char c : piece) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    std::string pad(width > static_cast<int>(chars) ? static_cast<std::size_t>(width) - chars : 0, ' ');
    out += left ? piece + pad : pad + piece;
  }
  result(ctx, out);
}

inline void quote_ident_fn(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  result(ctx, quote_ident(text_of(argv[0])));
}

// quote_literal (user data 0: NULL stays NULL), quote_nullable (1: 'NULL').
inline void quote_literal_fn(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
    if (sqlite3_user_data(ctx) == nullptr) return sqlite3_result_null(ctx);
    return result(ctx, "NULL");
  }
  result(ctx, quote_literal(text_of(argv[0])));
}

inline void to_hex(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  std::int64_t n = sqlite3_value_int64(argv[0]);
  // (a negative int4 prints its 32 bits, as to_hex(integer) does)
  auto v = n < 0 && n >= INT32_MIN ? static_cast<std::uint32_t>(n) : static_cast<std::uint64_t>(n);
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  do {
    out.insert(out.begin(), digits[v & 0xF]);
    v >>= 4;
  } while (v != 0);
  result(ctx, out);
}

// chr(n): the character of code point n (UTF-8); ascii(s): its first one's.
inline void chr(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  std::int64_t c = sqlite3_value_int64(argv[0]);
  if (c == 0) return error(ctx, "54000", "null character not permitted");
  if (c < 0 || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
    return error(ctx, "54000", "requested character too large for encoding: " + std::to_string(c));
  std::string out;
  auto u = static_cast<std::uint32_t>(c);
  if (u < 0x80) {
    out += static_cast<char>(u);
  } else if (u < 0x800) {
    out += static_cast<char>(0xC0 | (u >> 6));
    out += static_cast<char>(0x80 | (u & 0x3F));
  } else if (u < 0x10000) {
    out += static_cast<char>(0xE0 | (u >> 12));
    out += static_cast<char>(0x80 | ((u >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (u & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (u >> 18));
    out += static_cast<char>(0x80 | ((u >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((u >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (u & 0x3F));
  }
  result(ctx, out);
}

inline void ascii(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  std::string_view s = text_of(argv[0]);
  if (s.empty()) return sqlite3_result_int(ctx, 0);
  auto b = [&](std::size_t i) { return i < s.size() ? static_cast<std::uint32_t>(static_cast<unsigned char>(s[i])) : 0u; };
  std::uint32_t c = b(0);
  if (c >= 0xF0) c = ((c & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
  else if (c >= 0xE0) c = ((c & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
  else if (c >= 0xC0) c = ((c & 0x1F) << 6) | (b(1) & 0x3F);
  sqlite3_result_int64(ctx, c);
}

inline void encode(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
    return sqlite3_result_null(ctx);
  std::string_view bytes = bytes_of(argv[0]), how = text_of(argv[1]);
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  if (how == "hex") {
    for (unsigned char c : bytes) out += digits[c >> 4], out += digits[c & 0xF];
  } else if (how == "base64") {
    out = pgwire::auth::base64_encode(bytes);
  } else if (how == "escape") {
    for (unsigned char c : bytes) {
      if (c == '\\') {
        out += "\\\\";
      } else if (c == 0 || c >= 0x80) {
        out += '\\';
        out += static_cast<char>('0' + (c >> 6));
        out += static_cast<char>('0' + ((c >> 3) & 7));
        out += static_cast<char>('0' + (c & 7));
      } else {
        out += static_cast<char>(c);
      }
    }
  } else {
    return error(ctx, "22023", "unrecognized encoding: \"" + std::string(how) + "\"");
  }
  result(ctx, out);
}

inline void decode(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
    return sqlite3_result_null(ctx);
  std::string_view text = text_of(argv[0]), how = text_of(argv[1]);
  std::string out;
  if (how == "hex") {
    auto nibble = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    for (std::size_t i = 0; i < text.size();) {
      if (std::isspace(static_cast<unsigned char>(text[i]))) {
        ++i;
        continue;
      }
      int hi = nibble(text[i]), lo = i + 1 < text.size() ? nibble(text[i + 1]) : -2;
      if (hi < 0) return error(ctx, "22023", "invalid hexadecimal digit: \"" + std::string(1, text[i]) + "\"");
      if (lo == -2) return error(ctx, "22023", "invalid hexadecimal data: odd number of digits");
      if (lo < 0) return error(ctx, "22023", "invalid hexadecimal digit: \"" + std::string(1, text[i + 1]) + "\"");
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    }
  } else if (how == "base64") {
    auto bytes = pgwire::auth::base64_decode(text);
    if (!bytes) return error(ctx, "22023", "invalid base64 end sequence");
    out = std::move(*bytes);
  } else if (how == "escape") {
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == '\\') {
        out += '\\';
        ++i;
      } else if (text[i] == '\\') {
        auto octal = [&](std::size_t k) { return k < text.size() && text[k] >= '0' && text[k] <= '7'; };
        if (!octal(i + 1) || !octal(i + 2) || !octal(i + 3) || text[i + 1] > '3')
          return error(ctx, "22P02", "invalid input syntax for type bytea");
        out += static_cast<char>((text[i + 1] - '0') * 64 + (text[i + 2] - '0') * 8 + (text[i + 3] - '0'));
        i += 3;
      } else {
        out += text[i];
      }
    }
  } else {
    return error(ctx, "22023", "unrecognized encoding: \"" + std::string(how) + "\"");
  }
  sqlite3_result_blob(ctx, out.data(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
}

// sha224 .. sha512(bytes): the digest, as bytea. User data: the EVP name.
inline void digest(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  std::string_view bytes = bytes_of(argv[0]);
  const EVP_MD* md = EVP_get_digestbyname(static_cast<const char*>(sqlite3_user_data(ctx)));
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (md == nullptr || EVP_Digest(bytes.data(), bytes.size(), out, &size, md, nullptr) != 1)
    return error(ctx, "XX000", "could not compute the digest");
  sqlite3_result_blob(ctx, out, static_cast<int>(size), SQLITE_TRANSIENT);
}

inline void register_all(sqlite3* db) {
  constexpr int pure = SQLITE_UTF8 | SQLITE_INNOCUOUS | SQLITE_DETERMINISTIC;
  auto add = [&](const char* name, int args, void (*f)(sqlite3_context*, int, sqlite3_value**), void* data = nullptr) {
    sqlite3_create_function_v2(db, name, args, pure, data, f, nullptr, nullptr, nullptr);
  };
  static char nullable = 1;
  add("format", -1, &format);
  add("quote_ident", 1, &quote_ident_fn);
  add("quote_literal", 1, &quote_literal_fn);
  add("quote_nullable", 1, &quote_literal_fn, &nullable);
  add("to_hex", 1, &to_hex);
  add("chr", 1, &chr);
  add("ascii", 1, &ascii);
  add("encode", 2, &encode);
  add("decode", 2, &decode);
  static char sha224[] = "SHA224", sha256[] = "SHA256", sha384[] = "SHA384", sha512[] = "SHA512";
  add("sha224", 1, &digest, sha224);
  add("sha256", 1, &digest, sha256);
  add("sha384", 1, &digest, sha384);
  add("sha512", 1, &digest, sha512);
}

}  // namespace sqlite_example::string_functions

#pragma once
// Helpers of the COPY format tests: the files PostgreSQL 15 wrote
// (data/copy/, see capture.py there), and decoding in pieces.

#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pgwire/protocol/copy_options_sql.hpp"
#include "pgwire/types/copy_format.hpp"
#include "pgwire/types/oid.hpp"
#include "support/catch.hpp"
#include "types_util.hpp"

namespace pgwire::test {

using Fields = std::vector<std::optional<std::string>>;

inline std::filesystem::path copy_data_dir() { return types_data_dir() / "copy"; }

inline std::string read_copy_file(const std::string& name) {
  std::ifstream f(copy_data_dir() / name, std::ios::binary);
  REQUIRE(f.good());
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

inline std::string from_hex(std::string_view hex) {
  std::string out;
  auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(nibble(hex[i]) * 16 + nibble(hex[i + 1])));
  return out;
}

// capture.py's escaping of messages and CONTEXT lines: \\ \n \r \t.
inline std::string unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out.push_back(s[i]);
      continue;
    }
    char c = s[++i];
    out.push_back(c == 'n' ? '\n' : c == 'r' ? '\r' : c == 't' ? '\t' : c);
  }
  return out;
}

inline std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    std::size_t at = s.find(sep, start);
    out.emplace_back(s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return out;
    start = at + 1;
  }
}

// The lines of a captured TSV file, without comments, split at tabs.
inline std::vector<std::vector<std::string>> read_tsv(const std::string& name) {
  std::vector<std::vector<std::string>> out;
  for (const std::string& line : split(read_copy_file(name), '\n'))
    if (!line.empty() && line[0] != '#') out.push_back(split(line, '\t'));
  return out;
}

// Options from the SQL text after STDIN/STDOUT, bound to columns.
inline CopySettings settings_for(std::string_view options_sql, CopyDirection dir, std::vector<std::string> columns,
                                 std::string relation = {}) {
  CopyOptions o;
  auto e = parse_copy_options(options_sql, dir, o);
  INFO(options_sql << ": " << (e ? e->message : ""));
  REQUIRE_FALSE(e);
  CopySettings s;
  auto r = resolve_copy_options(o, dir, std::move(columns), std::move(relation), s);
  INFO(options_sql << ": " << (r ? r->message : ""));
  REQUIRE_FALSE(r);
  return s;
}

struct Decoded {
  std::vector<Fields> rows;
  std::vector<std::uint64_t> lines;
  std::optional<ErrorInfo> error;
};

// Feeds `data` cut at `cuts` (increasing offsets), draining rows after each
// piece as a session would, then finishes.
inline Decoded decode_cut(const CopySettings& s, std::string_view data, const std::vector<std::size_t>& cuts,
                          std::size_t limit = default_copy_max_row_bytes) {
  Decoded out;
  CopyDecoder d(s, limit);
  CopyRow row;
  auto drain = [&] {
    for (;;) {
      auto st = d.next(row);
      if (st == CopyDecoder::Status::row) {
        out.rows.push_back(row.to_vector());
        out.lines.push_back(row.line());
        continue;
      }
      if (st == CopyDecoder::Status::error) out.error = d.error();
      return st;
    }
  };
  std::size_t at = 0;
  for (std::size_t cut : cuts) {
    d.feed(data.substr(at, cut - at));
    at = cut;
    if (drain() != CopyDecoder::Status::need_more) return out;
  }
  d.feed(data.substr(at));
  if (drain() != CopyDecoder::Status::need_more) return out;
  d.finish();
  drain();
  return out;
}

inline Decoded decode_all(const CopySettings& s, std::string_view data,
                          std::size_t limit = default_copy_max_row_bytes) {
  return decode_cut(s, data, {}, limit);
}

// Pieces of `size` bytes each.
inline Decoded decode_chunked(const CopySettings& s, std::string_view data, std::size_t size) {
  std::vector<std::size_t> cuts;
  for (std::size_t at = size; at < data.size(); at += size) cuts.push_back(at);
  return decode_cut(s, data, cuts);
}

inline std::string encode_rows(const CopySettings& s, const std::vector<Fields>& rows) {
  CopyEncoder enc(s);
  Buffer out;
  enc.begin(out);
  for (const Fields& f : rows) {
    CopyRow row;
    for (const auto& v : f) row.add(v ? std::optional<std::string_view>(*v) : std::nullopt);
    enc.row(row, out);
  }
  enc.end(out);
  REQUIRE_FALSE(out.error());
  return std::string(out.view());
}

// Same rows and same error (SQLSTATE, message, CONTEXT) as `expected`.
inline void require_same(const Decoded& expected, const Decoded& actual) {
  REQUIRE(actual.rows == expected.rows);
  REQUIRE(actual.lines == expected.lines);
  REQUIRE(actual.error.has_value() == expected.error.has_value());
  if (expected.error) {
    REQUIRE(actual.error->code == expected.error->code);
    REQUIRE(actual.error->message == expected.error->message);
    REQUIRE(actual.error->where == expected.error->where);
  }
}

// The golden table (capture.py): its columns and their types.
inline const std::vector<std::string> golden_columns = {"id", "txt", "f8", "b", "by", "ts", "num", "arr"};
inline const std::vector<Oid> golden_types = {oid::int4,      oid::text,    oid::float8, oid::bool_,
                                              oid::bytea,     oid::timestamp, oid::numeric, oid::text_array};

}  // namespace pgwire::test

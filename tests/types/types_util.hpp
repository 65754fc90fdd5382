#pragma once
// Helpers shared by the type tests: encode to a string, and the checked-in
// expectations captured from PostgreSQL 15 (see gen_expected.sh).

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "pgwire/types.hpp"
#include "support/codec_util.hpp"

namespace pgwire::test {

// tests/types/data, found next to this file (no compile definition needed).
inline std::filesystem::path types_data_dir() {
  return std::filesystem::path(__FILE__).parent_path() / "data";
}

template <class T>
std::string text_of(const T& v) {
  Buffer b;
  encode_text(v, b);
  REQUIRE_FALSE(b.error());
  return std::string(b.view());
}

template <class T>
Bytes binary_of(const T& v) {
  Buffer b;
  encode_binary(v, b);
  REQUIRE_FALSE(b.error());
  return std::string(b.view());
}

// The sticky error an encoder leaves on a fresh buffer.
template <class T>
std::error_code text_error(const T& v) {
  Buffer b;
  encode_text(v, b);
  return b.error();
}
template <class T>
std::error_code binary_error(const T& v) {
  Buffer b;
  encode_binary(v, b);
  return b.error();
}

// One line of expected.tsv.
struct ExpectedRow {
  std::size_t line = 0;
  std::string type, input, flags, text, binary_hex;
  bool is_error() const { return text == "ERROR"; }
};

// Undoes COPY text-format escaping.
inline std::string copy_unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out.push_back(s[i]);
      continue;
    }
    char c = s[++i];
    switch (c) {
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 't': out.push_back('\t'); break;
      case 'v': out.push_back('\v'); break;
      default:
        if (c >= '0' && c <= '7') {
          int v = c - '0';
          for (int k = 0; k < 2 && i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '7'; ++k) v = v * 8 + (s[++i] - '0');
          out.push_back(static_cast<char>(v));
        } else {
          out.push_back(c);
        }
    }
  }
  return out;
}

inline std::vector<ExpectedRow> load_expected() {
  std::ifstream f(types_data_dir() / "expected.tsv", std::ios::binary);
  REQUIRE(f.good());
  std::vector<ExpectedRow> rows;
  std::string line;
  std::size_t n = 0;
  while (std::getline(f, line)) {
    ++n;
    std::vector<std::string> cols;
    std::size_t start = 0;
    for (;;) {
      std::size_t tab = line.find('\t', start);
      cols.push_back(copy_unescape(std::string_view(line).substr(start, tab - start)));
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
    REQUIRE(cols.size() == 5);
    rows.push_back({n, cols[0], cols[1], cols[2], cols[3], cols[4]});
  }
  return rows;
}

}  // namespace pgwire::test

// COPY's text format: a line into fields (PostgreSQL's
// CopyReadAttributesText) and a value out (CopyAttributeOutText).

#include "copy_internal.hpp"
#include "pgwire/types/encoding.hpp"

namespace pgwire::copy_detail {

namespace {

bool is_octal(char c) noexcept { return c >= '0' && c <= '7'; }
int hex_digit(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<ErrorInfo> split_text_line(std::string_view line, const CopySettings& s, CopyRow& row) {
  CopyRowWriter w(row);
  w.reset(line.size());
  // A table without columns takes empty lines only.
  if (s.columns.empty()) {
    if (!line.empty()) return error(bad_copy_file_format, "extra data after last expected column");
    return std::nullopt;
  }
  std::string& out = w.data();
  const std::size_t n = line.size();
  std::size_t p = 0;
  for (;;) {
    const std::size_t start = p;
    const std::size_t out_start = out.size();
    std::size_t end = p;
    bool found_delimiter = false;
    bool saw_non_ascii = false;  // an escape made a byte the input did not verify
    for (;;) {
      end = p;
      if (p >= n) break;
      char c = line[p++];
      if (c == s.delimiter) {
        found_delimiter = true;
        break;
      }
      if (c == '\\') {
        if (p >= n) break;  // a lone backslash at the end is dropped
        c = line[p++];
        switch (c) {
          case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
            int v = c - '0';  // \o, \oo, \ooo (the ninth bit is dropped)
            if (p < n && is_octal(line[p])) {
              v = v * 8 + (line[p++] - '0');
              if (p < n && is_octal(line[p])) v = v * 8 + (line[p++] - '0');
            }
            c = static_cast<char>(v & 0xff);
            if (c == 0 || (v & 0x80)) saw_non_ascii = true;
            break;
          }
          case 'x':  // \xh, \xhh; a bare \x is x
            if (p < n && hex_digit(line[p]) >= 0) {
              int v = hex_digit(line[p++]);
              if (p < n && hex_digit(line[p]) >= 0) v = v * 16 + hex_digit(line[p++]);
              c = static_cast<char>(v);
              if (v == 0 || (v & 0x80)) saw_non_ascii = true;
            }
            break;
          case 'b': c = '\b'; break;
          case 'f': c = '\f'; break;
          case 'n': c = '\n'; break;
          case 'r': c = '\r'; break;
          case 't': c = '\t'; break;
          case 'v': c = '\v'; break;
          default: break;  // any other \c is c
        }
      }
      out.push_back(c);
    }
    // The NULL string is compared with the raw input, before de-escaping, so
    // nothing may fail before this comparison.
    bool null = line.substr(start, end - start) == s.null_string;
    if (!null && saw_non_ascii) {
      std::string_view value(out.data() + out_start, out.size() - out_start);
      std::size_t bad = invalid_utf8_at(value);
      if (bad != std::string_view::npos) return invalid_encoding(value.substr(bad));
    }
    w.end_field(out_start, null);
    if (!found_delimiter) break;
  }
  return std::nullopt;
}

void put_text_field(std::string_view v, char delimiter, Buffer& out) {
  // Runs of plain bytes are copied at once; only escapes interrupt them.
  std::size_t run = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    char c = v[i];
    char escaped = 0;
    if (static_cast<unsigned char>(c) < 0x20) {
      switch (c) {
        case '\b': escaped = 'b'; break;
        case '\f': escaped = 'f'; break;
        case '\n': escaped = 'n'; break;
        case '\r': escaped = 'r'; break;
        case '\t': escaped = 't'; break;
        case '\v': escaped = 'v'; break;
        default:
          // Other control bytes go out as they are, unless one is the delimiter.
          if (c != delimiter) continue;
          escaped = c;
          break;
      }
    } else if (c == '\\' || c == delimiter) {
      escaped = c;
    } else {
      continue;
    }
    out.put_bytes(v.substr(run, i - run));
    char pair[2] = {'\\', escaped};
    out.put_bytes(std::string_view(pair, 2));
    run = i + 1;
  }
  out.put_bytes(v.substr(run));
}

}  // namespace pgwire::copy_detail

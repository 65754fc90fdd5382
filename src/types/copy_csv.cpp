// COPY's CSV format: a line into fields (PostgreSQL's CopyReadAttributesCSV)
// and a value out (CopyAttributeOutCSV).

#include "copy_internal.hpp"

namespace pgwire::copy_detail {

std::optional<ErrorInfo> split_csv_line(std::string_view line, const CopySettings& s, CopyRow& row) {
  CopyRowWriter w(row);
  w.reset(line.size());
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
    bool saw_quote = false;  // a quoted empty string is not NULL
    bool in_quote = false;
    // A field alternates between unquoted and quoted stretches: a"b,c"d is
    // the value ab,cd.
    for (;;) {
      end = p;
      if (!in_quote) {
        if (p >= n) break;
        char c = line[p++];
        if (c == s.delimiter) {
          found_delimiter = true;
          break;
        }
        if (c == s.quote) {
          saw_quote = in_quote = true;
          continue;
        }
        out.push_back(c);
        continue;
      }
      if (p >= n) return error(bad_copy_file_format, "unterminated CSV quoted field");
      char c = line[p++];
      // Inside quotes the escape only escapes a quote or itself; checked
      // before the closing quote because both are '"' by default.
      if (c == s.escape && p < n && (line[p] == s.escape || line[p] == s.quote)) {
        out.push_back(line[p++]);
        continue;
      }
      if (c == s.quote) {
        in_quote = false;
        continue;
      }
      out.push_back(c);
    }
    bool null = !saw_quote && line.substr(start, end - start) == s.null_string;
    w.end_field(out_start, null);
    if (!found_delimiter) break;
  }
  return std::nullopt;
}

void put_csv_field(std::string_view v, const CopySettings& s, bool force_quote, Buffer& out) {
  bool quote = force_quote || v == s.null_string;
  if (!quote) {
    // "\." alone on a line would end the data: a one-column row quotes it.
    if (s.columns.size() == 1 && v == "\\.") {
      quote = true;
    } else {
      for (char c : v) {
        if (c == s.delimiter || c == s.quote || c == '\n' || c == '\r') {
          quote = true;
          break;
        }
      }
    }
  }
  if (!quote) return out.put_bytes(v);
  out.put_char(s.quote);
  std::size_t run = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] == s.quote || v[i] == s.escape) {
      out.put_bytes(v.substr(run, i - run));
      out.put_char(s.escape);
      run = i;  // the byte itself starts the next run
    }
  }
  out.put_bytes(v.substr(run));
  out.put_char(s.quote);
}

}  // namespace pgwire::copy_detail

// Where a text or CSV line ends (PostgreSQL's CopyReadLineText), UTF-8
// verification of the input, and the CONTEXT line of COPY errors.

#include <fmt/format.h>

#include "copy_internal.hpp"
#include "pgwire/types/encoding.hpp"

namespace pgwire::copy_detail {

namespace {

// pg_utf_mblen: the length a lead byte announces (1 for a byte that cannot lead).
std::size_t announced_length(unsigned char b) noexcept {
  if (b < 0x80) return 1;
  if ((b & 0xe0) == 0xc0) return 2;
  if ((b & 0xf0) == 0xe0) return 3;
  if ((b & 0xf8) == 0xf0) return 4;
  return 1;
}

bool continuation(unsigned char b) noexcept { return b >= 0x80 && b <= 0xbf; }

}  // namespace

std::size_t utf8_char(std::string_view s, std::size_t i) noexcept {
  auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  unsigned char b = at(0);
  if (b < 0x80) return b != 0 ? 1 : 0;
  std::size_t n = announced_length(b);
  if (n == 1 || s.size() - i < n) return 0;
  // pg_utf8_islegal: no overlong forms, no surrogates, nothing above U+10FFFF.
  switch (n) {
    case 2:
      if (b < 0xc2 || !continuation(at(1))) return 0;
      break;
    case 3:
      if (b == 0xe0 && at(1) < 0xa0) return 0;
      if (b == 0xed && at(1) > 0x9f) return 0;
      if (!continuation(at(1)) || !continuation(at(2))) return 0;
      break;
    default:
      if (b > 0xf4 || (b == 0xf0 && at(1) < 0x90) || (b == 0xf4 && at(1) > 0x8f)) return 0;
      if (!continuation(at(1)) || !continuation(at(2)) || !continuation(at(3))) return 0;
      break;
  }
  return n;
}

ErrorInfo invalid_encoding(std::string_view bad) { return invalid_utf8_error(bad); }

ErrorInfo row_too_long(std::size_t limit) {
  return error(sqlstate::program_limit_exceeded, "out of memory")
      .with_detail(fmt::format("A COPY row is longer than the limit of {} bytes.", limit));
}

std::string context(const CopySettings& s, std::uint64_t line, std::optional<std::string_view> line_text,
                    const std::string* column) {
  if (s.relation.empty()) return {};
  std::string out = fmt::format("COPY {}, line {}", s.relation, line);
  if (column) {
    out += fmt::format(", column {}", *column);
  } else if (line_text) {
    // limit_printout_length: at most 100 bytes, not cutting a character.
    std::string_view t = *line_text;
    if (t.size() <= 100) return out + fmt::format(": \"{}\"", t);
    std::size_t cut = 0;
    while (cut < t.size()) {
      std::size_t n = utf8_char(t, cut);
      if (n == 0) n = 1;
      if (cut + n > 100) break;
      cut += n;
    }
    out += fmt::format(": \"{}...\"", t.substr(0, cut));
  }
  return out;
}

void LineScanner::next_line(std::size_t consumed) noexcept {
  verified_ = verified_ > consumed ? verified_ - consumed : 0;
  pos_ = 0;
  in_quote_ = last_was_esc_ = false;
  embedded_ = 0;
}

// Like PostgreSQL's CopyConvertBuf: the valid prefix grows; a character that
// is not valid is an error once 4 bytes (the longest character) follow it or
// the input has ended, else it may still be completed by the next message.
void LineScanner::verify(std::string_view d, bool eof) {
  while (!bad_ && verified_ < d.size()) {
    unsigned char b = static_cast<unsigned char>(d[verified_]);
    if (b != 0 && b < 0x80) {
      ++verified_;
      continue;
    }
    std::size_t n = utf8_char(d, verified_);
    if (n != 0) {
      verified_ += n;
      continue;
    }
    if (eof || d.size() - verified_ >= 4) bad_ = true;
    return;
  }
}

int LineScanner::peek(std::string_view d, std::size_t i, bool eof) {
  if (i >= verified_) verify(d, eof);
  if (i < verified_) return static_cast<unsigned char>(d[i]);
  if (bad_) return invalid;
  // PostgreSQL's input buffer ends with a NUL: a look past the end reads 0.
  return eof ? 0 : need;
}

LineScanner::Result LineScanner::scan(std::string_view d, bool eof, std::size_t limit, ErrorInfo& err) {
  using R = Result;
  auto fail = [&](ErrorInfo e) {
    err = std::move(e);
    return R{R::error};
  };
  auto line_end = [&](std::size_t length, std::size_t consumed, bool last = false) {
    return R{R::line, length, consumed, last};
  };
  // Errors of the end-of-line rules.
  auto cr_error = [&] {
    return fail(csv_ ? error(bad_copy_file_format, "unquoted carriage return found in data")
                           .with_hint("Use quoted CSV field to represent carriage return.")
                     : error(bad_copy_file_format, "literal carriage return found in data")
                           .with_hint("Use \"\\r\" to represent carriage return."));
  };
  auto nl_error = [&] {
    return fail(csv_ ? error(bad_copy_file_format, "unquoted newline found in data")
                           .with_hint("Use quoted CSV field to represent newline.")
                     : error(bad_copy_file_format, "literal newline found in data")
                           .with_hint("Use \"\\n\" to represent newline."));
  };

  for (;;) {
    if (pos_ > limit) return fail(row_too_long(limit));
    if (pos_ >= d.size() && !bad_) {
      if (!eof) return R{R::need_more};
      // End of input after some bytes: a line followed by the end (an
      // empty one means no line; the caller decides).
      return line_end(pos_, pos_, true);
    }
    int c = peek(d, pos_, eof);
    if (c == need) return R{R::need_more};
    if (c == invalid) return fail(invalid_encoding(d.substr(verified_)));

    // Every byte this one needs to be decided is looked at before any state
    // changes, so that need_more can return and come back here.
    int next = -3;
    if (csv_ && (c == '\\' || c == '\r')) {
      next = peek(d, pos_ + 1, eof);
      if (next == need) return R{R::need_more};
      if (next == invalid) return fail(invalid_encoding(d.substr(verified_)));
    }
    // "\." ends the data: anywhere in text (a backslash escapes the next byte
    // otherwise), alone at the start of a line in CSV (where it may be data).
    enum class Marker : std::uint8_t { none, end, at_eof, not_end, escape, corrupt, style };
    Marker m = Marker::none;
    std::size_t marker_end = 0;
    if (c == '\\' && (!csv_ || pos_ == 0)) {
      std::size_t p = pos_ + 1;
      auto look = [&](int& v) {
        v = peek(d, p++, eof);
        return v >= 0;
      };
      int c1 = 0;
      if (!look(c1)) {
        if (c1 == need) return R{R::need_more};
        return fail(invalid_encoding(d.substr(verified_)));
      }
      if (p > d.size()) {
        m = Marker::at_eof;  // a backslash just before the end is data
      } else if (c1 != '.') {
        m = Marker::escape;
      } else {
        int c2 = 0;
        if (eol_ == Eol::crnl) {
          if (!look(c2)) {
            if (c2 == need) return R{R::need_more};
            return fail(invalid_encoding(d.substr(verified_)));
          }
          if (c2 == '\n') m = csv_ ? Marker::not_end : Marker::style;
          else if (c2 != '\r') m = csv_ ? Marker::not_end : Marker::corrupt;
        }
        if (m == Marker::none) {
          if (!look(c2)) {
            if (c2 == need) return R{R::need_more};
            return fail(invalid_encoding(d.substr(verified_)));
          }
          if (c2 != '\r' && c2 != '\n') {
            m = csv_ ? Marker::not_end : Marker::corrupt;
          } else if ((eol_ == Eol::nl && c2 != '\n') || (eol_ == Eol::crnl && c2 != '\n') ||
                     (eol_ == Eol::cr && c2 != '\r')) {
            m = Marker::style;
          } else {
            m = Marker::end;
            marker_end = p;
          }
        }
      }
    }

    if (csv_) {
      // Quotes toggle; an escape counts only inside quotes and only when the
      // escape is not the quote itself (then doubling is the escape).
      if (in_quote_ && c == escape_) last_was_esc_ = !last_was_esc_;
      if (c == quote_ && !last_was_esc_) in_quote_ = !in_quote_;
      if (c != escape_) last_was_esc_ = false;
      // PostgreSQL's (admittedly fragile) count of physical lines.
      if (in_quote_ && c == (eol_ == Eol::nl ? '\n' : '\r')) ++embedded_;
    }

    if (c == '\r' && (!csv_ || !in_quote_)) {
      if (eol_ == Eol::unknown || eol_ == Eol::crnl) {
        int n = csv_ ? next : peek(d, pos_ + 1, eof);
        if (n == need) return R{R::need_more};
        if (n == invalid) return fail(invalid_encoding(d.substr(verified_)));
        if (n == '\n') {
          eol_ = Eol::crnl;
          return line_end(pos_, pos_ + 2);
        }
        if (eol_ == Eol::crnl) return cr_error();
        eol_ = Eol::cr;
      } else if (eol_ == Eol::nl) {
        return cr_error();
      }
      return line_end(pos_, pos_ + 1);
    }
    if (c == '\n' && (!csv_ || !in_quote_)) {
      if (eol_ == Eol::cr || eol_ == Eol::crnl) return nl_error();
      eol_ = Eol::nl;
      return line_end(pos_, pos_ + 1);
    }

    switch (m) {
      case Marker::end: return line_end(pos_, marker_end, true);
      case Marker::at_eof: return line_end(d.size(), d.size(), true);
      case Marker::corrupt: return fail(error(bad_copy_file_format, "end-of-copy marker corrupt"));
      case Marker::style:
        return fail(error(bad_copy_file_format, "end-of-copy marker does not match previous newline style"));
      case Marker::escape:
        // Text: the escaped byte is data, even a newline. CSV: backslashes
        // are ordinary bytes.
        pos_ += csv_ ? 1 : 2;
        continue;
      case Marker::not_end:
      case Marker::none: break;
    }
    ++pos_;
  }
}

}  // namespace pgwire::copy_detail

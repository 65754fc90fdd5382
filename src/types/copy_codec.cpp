// CopyDecoder and CopyEncoder: buffering, the header line, the column count
// rules and FORCE_NULL / FORCE_NOT_NULL (NextCopyFrom's part), on top of the
// format readers and writers in copy_lines/text/csv/binary.cpp.

#include <fmt/format.h>

#include "copy_internal.hpp"
#include "pgwire/types/convert.hpp"
#include "pgwire/types/error.hpp"

namespace pgwire {

using copy_detail::bad_copy_file_format;

std::vector<std::optional<std::string>> CopyRow::to_vector() const {
  std::vector<std::optional<std::string>> out;
  out.reserve(size());
  for (std::size_t i = 0; i < size(); ++i) {
    if (auto v = (*this)[i]) out.emplace_back(std::string(*v));
    else out.emplace_back(std::nullopt);
  }
  return out;
}

bool operator==(const CopyRow& a, const CopyRow& b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i]) return false;
  return true;
}

struct CopyDecoder::Impl {
  CopySettings s;
  std::size_t limit;
  std::string buf;
  std::size_t start = 0;  // bytes of buf already consumed
  bool eof = false;
  bool ended = false;     // "\." seen: the rest is ignored, as PostgreSQL does
  bool header_pending = false;
  enum class Phase : std::uint8_t { rows, done, failed } phase = Phase::rows;
  std::uint64_t line = 0;  // PostgreSQL's cur_lineno (text/csv)
  ErrorInfo err;
  copy_detail::LineScanner lines;
  copy_detail::BinaryReader binary;
  CopyRow scratch;  // the header line's fields

  Status fail(ErrorInfo e) {
    err = std::move(e);
    phase = Phase::failed;
    return Status::error;
  }
  // An error about a complete line: its CONTEXT quotes the line.
  Status fail_line(ErrorInfo e, std::string_view text) {
    e.where = copy_detail::context(s, line, text);
    return fail(std::move(e));
  }
  std::optional<ErrorInfo> split(std::string_view text, CopyRow& row) const {
    return s.format == CopyFormat::csv ? copy_detail::split_csv_line(text, s, row)
                                       : copy_detail::split_text_line(text, s, row);
  }
  Status next_line(CopyRow& row);
  Status next_binary(CopyRow& row);
  std::optional<ErrorInfo> match_header(std::string_view text);
};

CopyDecoder::CopyDecoder(CopySettings settings, std::size_t max_row_bytes) : impl_(std::make_unique<Impl>()) {
  impl_->s = std::move(settings);
  impl_->limit = max_row_bytes;
  impl_->header_pending = impl_->s.header != CopyHeader::none;
  impl_->lines.configure(impl_->s.format == CopyFormat::csv, impl_->s.quote, impl_->s.escape);
}
CopyDecoder::CopyDecoder(CopyDecoder&&) noexcept = default;
CopyDecoder& CopyDecoder::operator=(CopyDecoder&&) noexcept = default;
CopyDecoder::~CopyDecoder() = default;

const ErrorInfo& CopyDecoder::error() const noexcept { return impl_->err; }
const CopySettings& CopyDecoder::settings() const noexcept { return impl_->s; }

void CopyDecoder::feed(std::string_view data) {
  Impl& d = *impl_;
  if (d.eof || d.ended || d.phase != Impl::Phase::rows) return;
  // Drop what was consumed once it is most of the buffer: every byte is moved
  // a bounded number of times, and an idle buffer does not keep old rows.
  if (d.start == d.buf.size()) {
    d.buf.clear();
    d.start = 0;
  } else if (d.start >= 64 * 1024 && d.start * 2 >= d.buf.size()) {
    d.buf.erase(0, d.start);
    d.start = 0;
  }
  d.buf.append(data);
}

void CopyDecoder::finish() { impl_->eof = true; }

CopyDecoder::Status CopyDecoder::next(CopyRow& row) {
  Impl& d = *impl_;
  if (d.phase == Impl::Phase::failed) return Status::error;
  if (d.phase == Impl::Phase::done) return Status::done;
  return d.s.format == CopyFormat::binary ? d.next_binary(row) : d.next_line(row);
}

CopyDecoder::Status CopyDecoder::Impl::next_binary(CopyRow& row) {
  std::string_view data(buf.data() + start, buf.size() - start);
  auto r = binary.step(data, eof, limit, s, row, err);
  start += r.consumed;
  switch (r.kind) {
    case copy_detail::BinaryReader::Result::row: return Status::row;
    case copy_detail::BinaryReader::Result::need_more: return Status::need_more;
    case copy_detail::BinaryReader::Result::done: phase = Phase::done; return Status::done;
    case copy_detail::BinaryReader::Result::error: phase = Phase::failed; return Status::error;
  }
  return Status::error;
}

std::optional<ErrorInfo> CopyDecoder::Impl::match_header(std::string_view text) {
  if (auto e = split(text, scratch)) return e;
  if (scratch.size() != s.columns.size())
    return copy_detail::error(bad_copy_file_format, fmt::format("wrong number of fields in header line: got {}, expected {}",
                                                   scratch.size(), s.columns.size()));
  for (std::size_t i = 0; i < s.columns.size(); ++i) {
    auto name = scratch[i];
    if (!name)
      return copy_detail::error(bad_copy_file_format,
                   fmt::format("column name mismatch in header line field {}: got null value (\"{}\"), expected \"{}\"",
                               i + 1, s.null_string, s.columns[i]));
    if (*name != s.columns[i])
      return copy_detail::error(bad_copy_file_format,
                   fmt::format("column name mismatch in header line field {}: got \"{}\", expected \"{}\"", i + 1,
                               *name, s.columns[i]));
  }
  return std::nullopt;
}

CopyDecoder::Status CopyDecoder::Impl::next_line(CopyRow& row) {
  for (;;) {
    std::string_view data(buf.data() + start, buf.size() - start);
    ErrorInfo e;
    auto r = lines.scan(data, eof, limit, e);
    if (r.kind == copy_detail::LineScanner::Result::need_more) return Status::need_more;
    if (r.kind == copy_detail::LineScanner::Result::error) {
      // Found while reading the line: the CONTEXT has no line text yet.
      e.where = copy_detail::context(s, line + 1 + lines.embedded_lines());
      return fail(std::move(e));
    }
    line += 1 + lines.embedded_lines();
    std::string_view text = data.substr(0, r.length);
    lines.next_line(r.consumed);
    start += r.consumed;
    if (r.last) {
      phase = Phase::done;
      ended = true;
    }
    if (header_pending) {
      header_pending = false;
      if (s.header == CopyHeader::match)
        if (auto he = match_header(text)) return fail_line(std::move(*he), text);
      if (r.last) return Status::done;
      continue;
    }
    // The end of the data right after a line end: no row.
    if (r.last && text.empty()) return Status::done;
    if (auto se = split(text, row)) return fail_line(std::move(*se), text);
    const std::size_t ncols = s.columns.size();
    if (ncols > 0 && row.size() > ncols)
      return fail_line(copy_detail::error(bad_copy_file_format, "extra data after last expected column"), text);
    if (row.size() < ncols)
      return fail_line(copy_detail::error(bad_copy_file_format, fmt::format("missing data for column \"{}\"", s.columns[row.size()])),
                       text);
    if (s.format == CopyFormat::csv && (!s.force_not_null.empty() || !s.force_null.empty())) {
      CopyRowWriter w(row);
      for (std::size_t i = 0; i < ncols; ++i) {
        auto v = row[i];
        // FORCE_NOT_NULL: an unquoted NULL string is the string itself.
        // FORCE_NULL: a quoted one is NULL after all.
        if (!v && !s.force_not_null.empty() && s.force_not_null[i]) w.make_value(i, s.null_string);
        else if (v && !s.force_null.empty() && s.force_null[i] && *v == s.null_string) w.make_null(i);
      }
    }
    row.set_line(line);
    return Status::row;
  }
}

void CopyEncoder::begin(Buffer& out) const {
  if (s_.format == CopyFormat::binary) return copy_detail::put_binary_header(out);
  if (s_.header == CopyHeader::none) return;
  for (std::size_t i = 0; i < s_.columns.size(); ++i) {
    if (i > 0) out.put_char(s_.delimiter);
    if (s_.format == CopyFormat::csv) copy_detail::put_csv_field(s_.columns[i], s_, false, out);
    else copy_detail::put_text_field(s_.columns[i], s_.delimiter, out);
  }
  out.put_char('\n');
}

void CopyEncoder::row(std::span<const std::optional<std::string_view>> fields, Buffer& out) const {
  if (fields.size() != s_.columns.size()) return out.set_error(codec_errc::invalid_count);
  if (s_.format == CopyFormat::binary) return copy_detail::put_binary_row(fields, out);
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out.put_char(s_.delimiter);
    if (!fields[i]) {
      out.put_bytes(s_.null_string);  // as it is, never quoted or escaped
    } else if (s_.format == CopyFormat::csv) {
      copy_detail::put_csv_field(*fields[i], s_, !s_.force_quote.empty() && s_.force_quote[i], out);
    } else {
      copy_detail::put_text_field(*fields[i], s_.delimiter, out);
    }
  }
  out.put_char('\n');
}

void CopyEncoder::row(const CopyRow& r, Buffer& out) const {
  // Small rows are viewed on the stack; wide ones once on the heap.
  constexpr std::size_t small = 32;
  std::optional<std::string_view> stack[small];
  std::vector<std::optional<std::string_view>> heap;
  std::span<std::optional<std::string_view>> fields(stack, r.size() <= small ? r.size() : 0);
  if (r.size() > small) {
    heap.resize(r.size());
    fields = heap;
  }
  for (std::size_t i = 0; i < r.size(); ++i) fields[i] = r[i];
  row(std::span<const std::optional<std::string_view>>(fields), out);
}

void CopyEncoder::end(Buffer& out) const {
  if (s_.format == CopyFormat::binary) out.put_i16(-1);
}

std::optional<ErrorInfo> convert_copy_row(const CopyRow& in, std::span<const Oid> types, FormatCode from,
                                          FormatCode to, CopyRow& out, const CopySettings* ctx) {
  if (types.size() != in.size())
    return copy_detail::error(bad_copy_file_format, fmt::format("row field count is {}, expected {}", in.size(), types.size()));
  CopyRow result;
  result.set_line(in.line());
  Buffer value;
  for (std::size_t i = 0; i < in.size(); ++i) {
    auto v = in[i];
    if (!v) {
      result.add_null();
      continue;
    }
    value.clear();
    if (auto ec = convert_format(types[i], *v, from, to, value)) {
      std::string_view code = type_error_sqlstate(ec);
      ErrorInfo e = ErrorInfo::error(code.empty() ? sqlstate::internal_error : std::string(code), ec.message());
      if (ctx && i < ctx->columns.size()) e.where = copy_detail::context(*ctx, in.line(), std::nullopt, &ctx->columns[i]);
      return e;
    }
    result.add(value.view());
  }
  out = std::move(result);
  return std::nullopt;
}

}  // namespace pgwire

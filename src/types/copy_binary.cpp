// COPY's binary format: the reader (PostgreSQL's ReceiveCopyBinaryHeader and
// the binary half of NextCopyFrom) and the writer (CopyTo's binary parts).

#include <fmt/format.h>

#include <limits>

#include "copy_internal.hpp"

namespace pgwire::copy_detail {

namespace {

constexpr std::string_view signature("PGCOPY\n\377\r\n\0", 11);

std::int32_t load32(std::string_view d, std::size_t at) noexcept {
  auto b = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(d[at + i])); };
  return static_cast<std::int32_t>(b(0) << 24 | b(1) << 16 | b(2) << 8 | b(3));
}
std::int16_t load16(std::string_view d, std::size_t at) noexcept {
  auto b = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(d[at + i])); };
  return static_cast<std::int16_t>(b(0) << 8 | b(1));
}

}  // namespace

BinaryReader::Result BinaryReader::step(std::string_view d, bool eof, std::size_t limit,
                                        const CopySettings& s, CopyRow& row, ErrorInfo& err) {
  using R = Result;
  // Header errors come before any row: PostgreSQL reports them without a
  // CONTEXT line. Each part waits for its bytes; only the end of input makes
  // a short header an error.
  auto header_error = [&](const char* message) {
    err = error(bad_copy_file_format, message);
    return R{R::error};
  };
  std::size_t used = 0;
  auto have = [&](std::size_t n) { return d.size() - used >= n; };
  for (;;) {
    switch (stage_) {
      case Stage::signature:
        if (!have(11)) {
          if (eof) return header_error("COPY file signature not recognized");
          return R{R::need_more, used};
        }
        if (d.substr(used, 11) != signature) return header_error("COPY file signature not recognized");
        used += 11;
        stage_ = Stage::flags;
        break;
      case Stage::flags: {
        if (!have(4)) {
          if (eof) return header_error("invalid COPY file header (missing flags)");
          return R{R::need_more, used};
        }
        auto flags = static_cast<std::uint32_t>(load32(d, used));
        used += 4;
        if (flags & (1u << 16)) return header_error("invalid COPY file header (WITH OIDS)");
        // Bits 17-31 are critical: a reader that does not know one must stop.
        // Bits 0-15 are not and are ignored.
        if (flags >> 17) return header_error("unrecognized critical flags in COPY file header");
        stage_ = Stage::extension_length;
        break;
      }
      case Stage::extension_length: {
        if (!have(4)) {
          if (eof) return header_error("invalid COPY file header (missing length)");
          return R{R::need_more, used};
        }
        std::int32_t n = load32(d, used);
        used += 4;
        if (n < 0) return header_error("invalid COPY file header (missing length)");
        skip_ = static_cast<std::uint32_t>(n);
        stage_ = Stage::extension;
        break;
      }
      case Stage::extension: {
        // Skipped as it arrives: never buffered, whatever length it announces.
        std::size_t n = std::min<std::size_t>(skip_, d.size() - used);
        used += n;
        skip_ -= static_cast<std::uint32_t>(n);
        if (skip_ > 0) {
          if (eof) return header_error("invalid COPY file header (wrong length)");
          return R{R::need_more, used};
        }
        stage_ = Stage::tuples;
        break;
      }
      case Stage::tuples: {
        R r = tuple(d.substr(used), eof, limit, s, row, err);
        used += r.consumed;
        if (stage_ == Stage::trailer) break;  // look after the trailer now
        return R{r.kind, used};
      }
      case Stage::trailer:
        // PostgreSQL waits for CopyDone after the trailer, so that a CopyFail
        // sent now still counts; anything else is an error.
        if (d.size() > used) {
          err = error(bad_copy_file_format, "received copy data after EOF marker");
          err.where = context(s, tuples_);
          return R{R::error};
        }
        return R{eof ? R::done : R::need_more, used};
    }
  }
}

BinaryReader::Result BinaryReader::tuple(std::string_view d, bool eof, std::size_t limit,
                                         const CopySettings& s, CopyRow& row, ErrorInfo& err) {
  using R = Result;
  if (!eof && d.size() < need_) return R{R::need_more};
  const std::uint64_t line = tuples_ + 1;
  auto fail = [&](ErrorInfo e, const std::string* column) {
    tuples_ = line;
    err = std::move(e);
    err.where = context(s, line, std::nullopt, column);
    return R{R::error};
  };
  // The end of input where a field count would start ends the data, even
  // with one stray byte (PostgreSQL reads the count as "nothing more").
  if (d.size() < 2) {
    if (eof) return R{R::done, d.size()};
    need_ = 2;
    return R{R::need_more};
  }
  std::int16_t count = load16(d, 0);
  if (count == -1) {
    tuples_ = line;
    stage_ = Stage::trailer;
    return R{R::need_more, 2};
  }
  if (count < 0 || static_cast<std::size_t>(count) != s.columns.size())
    return fail(error(bad_copy_file_format,
                      fmt::format("row field count is {}, expected {}", count, s.columns.size())),
                nullptr);
  // Walk the field headers first: the row is built once all of it is here.
  std::size_t p = 2;
  for (std::size_t i = 0; i < s.columns.size(); ++i) {
    const std::string* column = &s.columns[i];
    if (d.size() - p < 4) {
      if (eof) return fail(error(bad_copy_file_format, "unexpected EOF in COPY data"), column);
      need_ = p + 4;
      return R{R::need_more};
    }
    std::int32_t n = load32(d, p);
    p += 4;
    if (n == -1) continue;
    if (n < 0) return fail(error(bad_copy_file_format, "invalid field size"), column);
    // Checked against the announced length before waiting for the bytes.
    if (p + static_cast<std::size_t>(n) > limit) return fail(row_too_long(limit), column);
    if (d.size() - p < static_cast<std::size_t>(n)) {
      if (eof) return fail(error(bad_copy_file_format, "unexpected EOF in COPY data"), column);
      need_ = p + static_cast<std::size_t>(n);
      return R{R::need_more};
    }
    p += static_cast<std::size_t>(n);
  }
  CopyRowWriter w(row);
  w.reset(p);
  std::string& out = w.data();
  for (std::size_t q = 2; q < p;) {
    std::int32_t n = load32(d, q);
    q += 4;
    std::size_t start = out.size();
    if (n >= 0) {
      out.append(d.substr(q, static_cast<std::size_t>(n)));
      q += static_cast<std::size_t>(n);
    }
    w.end_field(start, n < 0);
  }
  row.set_line(line);
  tuples_ = line;
  need_ = 0;
  return R{R::row, p};
}

void put_binary_header(Buffer& out) {
  out.put_bytes(signature);
  out.put_i32(0);  // flags: no OIDs
  out.put_i32(0);  // no header extension
}

void put_binary_row(std::span<const std::optional<std::string_view>> fields, Buffer& out) {
  if (fields.size() > static_cast<std::size_t>(std::numeric_limits<std::int16_t>::max()))
    return out.set_error(codec_errc::value_too_large);
  out.put_i16(static_cast<std::int16_t>(fields.size()));
  for (const auto& f : fields) {
    if (!f) {
      out.put_i32(-1);
      continue;
    }
    if (f->size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
      return out.set_error(codec_errc::value_too_large);
    out.put_i32(static_cast<std::int32_t>(f->size()));
    out.put_bytes(*f);
  }
}

}  // namespace pgwire::copy_detail

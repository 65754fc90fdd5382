// fuzz_copy: the three COPY data decoders (text, csv, binary), fed hostile
// copy-in data in hostile pieces.
//
// Input: byte 0 bits 0-1 the format (0 text, 1 csv, 2 binary, 3 csv), bit 2
// HEADER, bit 3 HEADER MATCH, bits 4-5 one of four option sets per format
// (see options()); byte 1 bits 0-3 the column count (0-12), bits 4-7 the
// CopyData size (0: one message, n: n*n bytes each). The rest is the data.
// Checked:
//  - decoding never crashes, and every error has a SQLSTATE and a message;
//  - the pieces do not matter: the rows and the error are those of one message;
//  - decode -> encode -> decode is stable: the rows read (up to an error)
//    encode to data that decodes without error to the same rows (exactly,
//    except text values that encode to the NULL string, which PostgreSQL's
//    format cannot tell from NULL), and encoding those again gives the same bytes.

#include <string>
#include <string_view>
#include <vector>

#include "fuzz_common.hpp"
#include "pgwire/types/copy_format.hpp"

namespace {

using namespace pgwire;
using pgwire_fuzz::check;
using pgwire_fuzz::fail;

constexpr std::size_t limit = 4096;  // small: the 54000 paths run too

struct Decoded {
  std::vector<CopyRow> rows;
  std::optional<ErrorInfo> error;
};

Decoded decode(const CopySettings& s, std::string_view data, std::size_t piece, std::size_t max_row) {
  Decoded out;
  CopyDecoder d(s, max_row);
  CopyRow row;
  auto drain = [&] {
    for (;;) {
      auto st = d.next(row);
      if (st == CopyDecoder::Status::row) {
        out.rows.push_back(row);
        continue;
      }
      if (st == CopyDecoder::Status::error) {
        out.error = d.error();
        check(out.error->code.size() == 5 && !out.error->message.empty(), "COPY error without SQLSTATE or message");
      }
      return st == CopyDecoder::Status::need_more;
    }
  };
  if (piece == 0) piece = data.size() + 1;
  for (std::size_t at = 0; at < data.size(); at += piece) {
    d.feed(data.substr(at, piece));
    if (!drain()) return out;
  }
  d.finish();
  check(!drain(), "COPY decoder wants more after finish()");
  return out;
}

std::string encode(const CopySettings& s, const std::vector<CopyRow>& rows) {
  CopyEncoder enc(s);
  Buffer out;
  enc.begin(out);
  for (const CopyRow& r : rows) enc.row(r, out);
  enc.end(out);
  check(!out.error(), "COPY encoder failed on decoded rows");
  return std::string(out.view());
}

// The option sets: PostgreSQL's defaults and the other quoting/escaping choices.
CopyOptions options(CopyFormat f, int variant, std::size_t columns, CopyDirection dir) {
  CopyOptions o;
  o.format = f;
  if (f == CopyFormat::text) {
    if (variant == 1) o.delimiter = "|", o.null_string = "nil";
    if (variant == 2) o.null_string = "";
    if (variant == 3) o.delimiter = ",", o.null_string = "\\N\\N";
  } else if (f == CopyFormat::csv) {
    if (variant == 1) o.delimiter = ";", o.quote = "'", o.escape = "\\", o.null_string = "NULL";
    if (variant == 2 && dir == CopyDirection::from && columns >= 2) o.force_not_null = {"c0"}, o.force_null = {"c1"};
    if (variant == 3) o.escape = "\\", o.delimiter = "\t";
  }
  return o;
}

CopySettings settings(const CopyOptions& o, CopyDirection dir, std::size_t n) {
  std::vector<std::string> columns;
  for (std::size_t i = 0; i < n; ++i) columns.push_back("c" + std::to_string(i));
  CopySettings s;
  if (auto e = resolve_copy_options(o, dir, columns, "t", s)) fail("fuzz option set rejected", e->message);
  return s;
}

// The text encoding of v alone is the NULL string: it reads back as NULL.
bool reads_as_null(const CopySettings& to, std::string_view v) {
  CopySettings one = to;
  one.columns = {"x"};
  Buffer out;
  std::optional<std::string_view> f[] = {v};
  CopyEncoder(one).row(f, out);
  return out.view().substr(0, out.size() - 1) == to.null_string;
}

}  // namespace

extern "C" int PGWIRE_FUZZ_ENTRY(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const int f = data[0] & 3;
  const CopyFormat format = f == 0 ? CopyFormat::text : f == 2 ? CopyFormat::binary : CopyFormat::csv;
  const int variant = (data[0] >> 4) & 3;
  const std::size_t ncols = std::min<std::size_t>(data[1] & 15, 12);
  const std::size_t piece = static_cast<std::size_t>(data[1] >> 4) * (data[1] >> 4);
  std::string_view input(reinterpret_cast<const char*>(data) + 2, size - 2);

  CopyOptions from_o = options(format, variant, ncols, CopyDirection::from);
  CopyOptions to_o = options(format, variant, ncols, CopyDirection::to);
  if (format != CopyFormat::binary && (data[0] & 4)) {
    from_o.header = (data[0] & 8) ? CopyHeader::match : CopyHeader::present;
    to_o.header = CopyHeader::present;
  }
  const CopySettings from = settings(from_o, CopyDirection::from, ncols);
  const CopySettings to = settings(to_o, CopyDirection::to, ncols);

  Decoded whole = decode(from, input, 0, limit);
  Decoded pieces = decode(from, input, piece ? piece : 1, limit);
  check(pieces.rows == whole.rows, "COPY rows depend on the CopyData boundaries");
  for (std::size_t i = 0; i < whole.rows.size(); ++i)
    check(pieces.rows[i].line() == whole.rows[i].line(), "COPY line numbers depend on the CopyData boundaries");
  check(pieces.error.has_value() == whole.error.has_value(), "COPY error depends on the CopyData boundaries");
  if (whole.error) {
    check(pieces.error->code == whole.error->code && pieces.error->message == whole.error->message &&
              pieces.error->where == whole.error->where,
          "COPY error differs with the CopyData boundaries");
  }

  // Decode -> encode -> decode.
  const std::string bytes = encode(to, whole.rows);
  Decoded again = decode(from, bytes, 0, default_copy_max_row_bytes);
  if (again.error) fail("COPY encoder output does not decode", again.error->message, bytes);
  if (again.rows.size() != whole.rows.size()) fail("COPY round trip changes the row count", bytes);
  for (std::size_t r = 0; r < whole.rows.size(); ++r) {
    const CopyRow& a = whole.rows[r];
    const CopyRow& b = again.rows[r];
    check(a.size() == b.size(), "COPY round trip changes a field count");
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (a[i] == b[i]) continue;
      bool ambiguous = format == CopyFormat::text && a[i] && !b[i] && reads_as_null(to, *a[i]);
      if (!ambiguous) fail("COPY round trip changes a value", a[i].value_or("<NULL>"), b[i].value_or("<NULL>"));
    }
  }
  if (encode(to, again.rows) != bytes) fail("COPY encoding is not stable after one round trip", bytes);
  return 0;
}

#pragma once
// The data formats of COPY (text, csv, binary), as PostgreSQL 15 reads and
// writes them: the options, an incremental decoder for copy-in and an
// encoder for copy-out. Pure functions over bytes: the session moves the
// CopyData messages, these turn their payloads into rows and back.
//
//   CopyOptions opts;                      // or parse_copy_options(sql tail)
//   opts.format = CopyFormat::csv;
//   CopySettings s;
//   if (auto e = resolve_copy_options(opts, CopyDirection::from, {"a", "b"}, "t", s))
//     throw PgError(*e);                   // PostgreSQL's error and SQLSTATE
//   CopyDecoder in(std::move(s));
//   in.feed(copy_data_payload);            // any slice: rows may span messages
//   CopyRow row;
//   while (in.next(row) == CopyDecoder::Status::row) store(row);
//   ...
//   in.finish();                           // CopyDone; then next() until done
//
// Errors are ErrorInfo values with PostgreSQL's SQLSTATE, message and (when a
// relation name is given) its CONTEXT line ("COPY t, line 3: ..."), ready
// for `throw PgError(info)`. Nothing here throws.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pgwire/codec/buffer.hpp"
#include "pgwire/codec/common.hpp"
#include "pgwire/codec/error_info.hpp"

namespace pgwire {

enum class CopyFormat : std::uint8_t { text, csv, binary };
// COPY ... FROM (copy-in: the client sends data) or COPY ... TO (copy-out).
enum class CopyDirection : std::uint8_t { from, to };
// HEADER false / true / MATCH (COPY FROM only: the names must equal the columns).
enum class CopyHeader : std::uint8_t { none, present, match };

// The longest row a CopyDecoder buffers by default. PostgreSQL's own limit is
// 1 GB per line or binary field; a library server keeps a whole row in memory.
inline constexpr std::size_t default_copy_max_row_bytes = 64u * 1024u * 1024u;

// The options of COPY as written in SQL. Unset means PostgreSQL's default for
// the format (text: tab and \N; csv: comma, empty string, '"', escape = quote),
// filled in by validate_copy_options (binary leaves DELIMITER and NULL unset).
struct CopyOptions {
  CopyFormat format = CopyFormat::text;
  std::optional<std::string> delimiter;
  std::optional<std::string> null_string;
  CopyHeader header = CopyHeader::none;
  std::optional<std::string> quote;
  std::optional<std::string> escape;
  bool force_quote_all = false;             // FORCE_QUOTE *
  std::vector<std::string> force_quote;     // COPY TO, csv
  std::vector<std::string> force_not_null;  // COPY FROM, csv
  std::vector<std::string> force_null;      // COPY FROM, csv
  bool freeze = false;                      // accepted; means nothing to a codec
  std::optional<std::string> encoding;      // checked as a name, otherwise ignored (UTF-8 only)
};

// One option of the list as PostgreSQL's grammar hands it over (a DefElem):
// `FORMAT csv`, `HEADER`, `FORCE_QUOTE *`, `FORCE_NULL (a, b)`. The SQL
// parser is parse_copy_options (pgwire/protocol/copy_options_sql.hpp).
struct CopyOptionItem {
  enum class Arg : std::uint8_t { none, string, number, star, list };
  std::string name;  // lower case unless it was a quoted identifier
  Arg arg = Arg::none;
  std::string value;                // string or number as written (words in lower case)
  std::vector<std::string> list;    // Arg::list: column names
};

// PostgreSQL's ProcessCopyOptions: each item in order (unknown option 42601,
// given twice 42601, bad value 22023/42601), then validate_copy_options.
std::optional<ErrorInfo> apply_copy_options(std::span<const CopyOptionItem> items,
                                            CopyDirection direction, CopyOptions& out);

// The combination checks of ProcessCopyOptions, in its order and with its
// SQLSTATEs (e.g. a delimiter of more than one byte is 0A000, a newline
// delimiter 22023, FORCE_QUOTE outside CSV 0A000); then fills the defaults.
std::optional<ErrorInfo> validate_copy_options(CopyOptions& options, CopyDirection direction);

// Options checked and bound to the columns of one COPY: what the codecs run on.
struct CopySettings {
  CopyFormat format = CopyFormat::text;
  char delimiter = '\t';
  char quote = '"';
  char escape = '"';
  std::string null_string = "\\N";
  CopyHeader header = CopyHeader::none;
  std::vector<std::string> columns;  // the COPY's columns, in order
  // One flag per column (empty when the option is not given).
  std::vector<bool> force_quote, force_not_null, force_null;
  std::string relation;  // for CONTEXT lines and column errors; may be empty
};

// validate_copy_options, then the FORCE_* column lists resolved against
// `columns` as PostgreSQL resolves them against the table or query: an
// unknown name is 42703 (`column "x" of relation "t" does not exist`, or
// `column "x" does not exist` without a relation), a repeated one 42701.
std::optional<ErrorInfo> resolve_copy_options(const CopyOptions& options, CopyDirection direction,
                                              std::vector<std::string> columns,
                                              std::string relation, CopySettings& out);

// The format code of CopyInResponse/CopyOutResponse (overall and per column).
constexpr FormatCode copy_format_code(CopyFormat f) noexcept {
  return f == CopyFormat::binary ? format_binary : format_text;
}

// One row of COPY data: a field is a value (text for text/csv, the raw
// binary value for binary) or NULL. Storage is one string, reused across rows.
class CopyRow {
 public:
  CopyRow() = default;
  CopyRow(std::initializer_list<std::optional<std::string_view>> fields) {
    for (const auto& f : fields) add(f);
  }

  std::size_t size() const noexcept { return fields_.size(); }
  bool empty() const noexcept { return fields_.empty(); }
  bool is_null(std::size_t i) const noexcept { return fields_[i].null; }
  // The field's value, nullopt for NULL.
  std::optional<std::string_view> operator[](std::size_t i) const noexcept {
    const Field& f = fields_[i];
    if (f.null) return std::nullopt;
    return std::string_view(data_).substr(f.offset, f.length);
  }
  // PostgreSQL's line number of the row (its CONTEXT line counts the same way;
  // binary: the tuple number).
  std::uint64_t line() const noexcept { return line_; }

  void clear() noexcept {
    data_.clear();
    fields_.clear();
    line_ = 0;
  }
  void add(std::optional<std::string_view> value) {
    if (!value) return add_null();
    fields_.push_back({data_.size(), value->size(), false});
    data_.append(*value);
  }
  void add_null() { fields_.push_back({data_.size(), 0, true}); }
  void set_line(std::uint64_t line) noexcept { line_ = line; }

  // The fields as owned strings (tests, simple products).
  std::vector<std::optional<std::string>> to_vector() const;
  // Same fields, same values (the line number does not count).
  friend bool operator==(const CopyRow& a, const CopyRow& b) noexcept;

 private:
  friend class CopyRowWriter;
  struct Field {
    std::size_t offset;
    std::size_t length;
    bool null;
  };
  std::string data_;
  std::vector<Field> fields_;
  std::uint64_t line_ = 0;
};

// Copy-in: CopyData payloads in, rows out. Incremental (feed any slices;
// next() hands out each row once it is complete) with bounded memory: a row
// longer than max_row_bytes is ERROR 54000, and a binary field's length is
// never allocated before its bytes have arrived.
class CopyDecoder {
 public:
  enum class Status : std::uint8_t {
    row,        // `row` holds the next row
    need_more,  // feed() more data (or finish())
    done,       // end of data: "\." line, binary trailer + finish(), or finish()
    error,      // error() tells; every later call returns error again
  };

  explicit CopyDecoder(CopySettings settings, std::size_t max_row_bytes = default_copy_max_row_bytes);
  CopyDecoder(CopyDecoder&&) noexcept;
  CopyDecoder& operator=(CopyDecoder&&) noexcept;
  ~CopyDecoder();

  // The payload of one CopyData message. Call next() until need_more before
  // feeding again, or the buffered rows accumulate.
  void feed(std::string_view data);
  // CopyDone: no more data. A last line without its newline is still a row.
  void finish();
  Status next(CopyRow& row);

  const ErrorInfo& error() const noexcept;
  const CopySettings& settings() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Copy-out: rows in, the bytes of CopyData payloads out, as PostgreSQL writes
// them (CopyAttributeOutText / CopyAttributeOutCSV escaping, binary header
// and trailer). Fields are already-encoded values: text for text/csv, binary
// for binary (convert_copy_row converts). PostgreSQL sends the text/csv
// header line as its own CopyData, the binary header together with the first
// row, and the binary trailer on its own; any split is valid.
class CopyEncoder {
 public:
  explicit CopyEncoder(CopySettings settings) : s_(std::move(settings)) {}

  // HEADER line (text/csv) or the binary signature, flags and extension length.
  void begin(Buffer& out) const;
  // One row; a field count other than the number of columns sets
  // codec_errc::invalid_count on `out`.
  void row(std::span<const std::optional<std::string_view>> fields, Buffer& out) const;
  void row(const CopyRow& row, Buffer& out) const;
  // The binary trailer; nothing for text/csv (no "\." in protocol 3).
  void end(Buffer& out) const;

  const CopySettings& settings() const noexcept { return s_; }

 private:
  CopySettings s_;
};

// Converts each non-NULL field of `in` between formats through the type layer
// (convert_format), given the column type OIDs: a binary COPY row to text, or
// text values to binary for a binary copy-out. Errors carry the type layer's
// SQLSTATE (22P02, 22P03, ...) and, with `relation`, a CONTEXT line naming the column.
std::optional<ErrorInfo> convert_copy_row(const CopyRow& in, std::span<const Oid> types,
                                          FormatCode from, FormatCode to, CopyRow& out,
                                          const CopySettings* context = nullptr);

}  // namespace pgwire

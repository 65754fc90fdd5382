#pragma once
// Pieces shared by the COPY format files (copy_*.cpp). The split follows
// PostgreSQL's: finding where a line ends (CopyReadLineText, one reader for
// text and CSV: copy_lines.cpp) is separate from splitting a line into fields
// (CopyReadAttributesText / CSV: copy_text.cpp, copy_csv.cpp); the binary
// format has its own reader (copy_binary.cpp); copy_codec.cpp drives them.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "pgwire/codec/buffer.hpp"
#include "pgwire/codec/error_info.hpp"
#include "pgwire/types/copy_format.hpp"

namespace pgwire {

// Builds a CopyRow in place (the decoders append bytes one by one).
class CopyRowWriter {
 public:
  explicit CopyRowWriter(CopyRow& row) noexcept : row_(row) {}
  void reset(std::size_t reserve) {
    row_.clear();
    row_.data_.reserve(reserve);
  }
  std::string& data() noexcept { return row_.data_; }
  // Closes the field whose bytes start at `start` (dropped when null).
  void end_field(std::size_t start, bool null) {
    if (null) row_.data_.resize(start);
    row_.fields_.push_back({start, null ? 0 : row_.data_.size() - start, null});
  }
  void make_null(std::size_t i) noexcept { row_.fields_[i] = {0, 0, true}; }
  void make_value(std::size_t i, std::string_view v) {
    row_.fields_[i] = {row_.data_.size(), v.size(), false};
    row_.data_.append(v);
  }

 private:
  CopyRow& row_;
};

namespace copy_detail {

inline constexpr const char* bad_copy_file_format = "22P04";
inline constexpr const char* character_not_in_repertoire = "22021";

inline ErrorInfo error(const char* code, std::string message) {
  return ErrorInfo::error(code, std::move(message));
}
// PostgreSQL's report_invalid_encoding for the character at `bad`:
// `invalid byte sequence for encoding "UTF8": 0xe2 0x28`.
ErrorInfo invalid_encoding(std::string_view bad);
// A row over the decoder's limit: 54000, as PostgreSQL's "out of memory"
// when a line or field outgrows its 1 GB buffer.
ErrorInfo row_too_long(std::size_t limit);

// Length of the valid UTF-8 character at s[i]; 0 when it is incomplete or
// invalid (PostgreSQL's verifier stops there too; NUL is invalid).
std::size_t utf8_char(std::string_view s, std::size_t i) noexcept;

// "COPY t, line 3" and its variants (CopyFromErrorCallback); empty when the
// settings name no relation. `line_text` is clipped to 100 bytes as PostgreSQL's.
std::string context(const CopySettings& s, std::uint64_t line,
                    std::optional<std::string_view> line_text = std::nullopt,
                    const std::string* column = nullptr);

enum class Eol : std::uint8_t { unknown, nl, cr, crnl };

// PostgreSQL's CopyReadLineText, resumable: finds where the current line
// ends in `data` (which starts at the line) for text and CSV, with the same
// end-of-line style rules, "\." end-of-data marker and UTF-8 verification
// order. It only looks at bytes it needs, and returns need_more before
// changing any state, so a line split across CopyData messages is scanned
// once, not from its start on every message.
class LineScanner {
 public:
  struct Result {
    enum Kind : std::uint8_t { line, need_more, error } kind = need_more;
    std::size_t length = 0;    // the line, without its end of line
    std::size_t consumed = 0;  // up to the next line
    bool last = false;         // no line after this one ("\." or end of input)
  };

  void configure(bool csv, char quote, char escape) noexcept {
    csv_ = csv;
    quote_ = static_cast<unsigned char>(quote);
    // PostgreSQL ignores the escape character when it is the quote.
    escape_ = escape == quote ? -1 : static_cast<unsigned char>(escape);
  }
  Result scan(std::string_view data, bool eof, std::size_t limit, ErrorInfo& err);
  // Physical lines inside quoted CSV fields of the current line (they count
  // in PostgreSQL's line numbers).
  std::uint64_t embedded_lines() const noexcept { return embedded_; }
  // The caller consumed the line: the next one starts `consumed` bytes later.
  void next_line(std::size_t consumed) noexcept;

 private:
  static constexpr int need = -1;     // the byte has not arrived
  static constexpr int invalid = -2;  // the input is not valid UTF-8 there
  int peek(std::string_view d, std::size_t i, bool eof);
  void verify(std::string_view d, bool eof);

  bool csv_ = false;
  int quote_ = '"';
  int escape_ = -1;
  Eol eol_ = Eol::unknown;   // decided by the first line, as PostgreSQL's
  std::size_t pos_ = 0;      // next byte to look at, from the line start
  std::size_t verified_ = 0; // bytes known to be valid UTF-8, from the line start
  bool bad_ = false;         // invalid input at verified_
  bool in_quote_ = false, last_was_esc_ = false;
  std::uint64_t embedded_ = 0;
};

// CopyReadAttributesText / CopyReadAttributesCSV: one complete line into
// fields (de-escaped; NULL where the raw field is the NULL string).
std::optional<ErrorInfo> split_text_line(std::string_view line, const CopySettings& s, CopyRow& row);
std::optional<ErrorInfo> split_csv_line(std::string_view line, const CopySettings& s, CopyRow& row);

// CopyAttributeOutText / CopyAttributeOutCSV for one value.
void put_text_field(std::string_view v, char delimiter, Buffer& out);
void put_csv_field(std::string_view v, const CopySettings& s, bool force_quote, Buffer& out);

// The binary format's reader (ReceiveCopyBinaryHeader + NextCopyFrom), resumable.
class BinaryReader {
 public:
  struct Result {
    enum Kind : std::uint8_t { row, need_more, done, error } kind = need_more;
    std::size_t consumed = 0;
  };
  Result step(std::string_view data, bool eof, std::size_t limit, const CopySettings& s,
              CopyRow& row, ErrorInfo& err);

 private:
  enum class Stage : std::uint8_t { signature, flags, extension_length, extension, tuples, trailer };
  Result tuple(std::string_view d, bool eof, std::size_t limit, const CopySettings& s,
               CopyRow& row, ErrorInfo& err);

  Stage stage_ = Stage::signature;
  std::uint32_t skip_ = 0;   // header extension bytes still to skip
  std::uint64_t tuples_ = 0; // tuples read (PostgreSQL's line number)
  std::size_t need_ = 0;     // bytes the current tuple needs at least
};

void put_binary_header(Buffer& out);
void put_binary_row(std::span<const std::optional<std::string_view>> fields, Buffer& out);

}  // namespace copy_detail
}  // namespace pgwire

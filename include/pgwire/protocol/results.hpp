#pragma once
// What a statement produces, as the session machine sees it: one Response
// per statement, whose rows come from a RowStream the session asks the
// driver to pull batch by batch (bounded memory, backpressure, PortalSuspended).
// Products implement RowStream through pgwire::RowSource (pgwire/api/results.hpp),
// whose fill() is a coroutine; this layer never calls it.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pgwire/codec/error_info.hpp"
#include "pgwire/codec/backend.hpp"
#include "pgwire/codec/common.hpp"
#include "pgwire/protocol/copy.hpp"
#include "pgwire/types/field.hpp"
#include "pgwire/types/oid.hpp"

namespace pgwire {

// One result column as a product describes it. It owns its name; the
// codec's FieldDescription is the same description as sent on the wire
// (field()), so RowDescription is encoded in one place (the codec).
struct Column {
  std::string name;
  Oid type = oid::text;
  // pg_type.typlen; unset: derived from the type (int4 4, text -1, ...).
  std::optional<std::int16_t> type_size = std::nullopt;
  std::int32_t type_modifier = -1;
  Oid table_oid = 0;
  std::int16_t column_id = 0;

  // The wire form, in `format`; views name.
  FieldDescription field(FormatCode format = format_text) const noexcept {
    return FieldDescription{name, table_oid, column_id, type, type_size ? *type_size : pgwire::type_size(type),
                            type_modifier, format};
  }
};
using Schema = std::vector<Column>;
using SchemaPtr = std::shared_ptr<const Schema>;

SchemaPtr make_schema(std::vector<Column> columns);

// Encodes rows for one result: knows the schema and the per-column formats
// the client asked for, and when the current batch is full.
class RowWriter {
 public:
  RowWriter(Buffer& out, const Schema& schema, std::span<const FormatCode> formats,
            std::size_t batch_bytes, std::uint64_t row_limit) noexcept
      : out_(out), schema_(schema), formats_(formats), batch_end_(out.size() + batch_bytes),
        row_limit_(row_limit), complete_(out.size()) {}
  RowWriter(const RowWriter&) = delete;
  RowWriter& operator=(const RowWriter&) = delete;

  // False once the batch is full or the Execute row limit is reached: return
  // from RowSource::fill and you will be called again.
  bool wants_more() const noexcept {
    return out_.size() < batch_end_ && (row_limit_ == 0 || rows_ < row_limit_);
  }

  void begin_row() {
    row_.emplace(out_);
    column_ = 0;
  }
  // Value already encoded in the column's format (see format()).
  void add_encoded(std::string_view bytes) {
    row_->add(bytes);
    ++column_;
  }
  void add_null() {
    row_->add_null();
    ++column_;
  }
  // A typed value (int32_t, double, std::string_view, Date, Numeric, ...),
  // encoded in the format the client asked for this column; nullopt = NULL.
  template <class T>
  void add(const T& value) {
    row_->begin_value();
    encode_value(value, format(), out_);
    end_value();
  }
  template <class T>
  void add(const std::optional<T>& value) {
    if (value) {
      add(*value);
    } else {
      add_null();
    }
  }
  // Write a value in place: begin_value(), append to buffer(), end_value().
  void begin_value() { row_->begin_value(); }
  void end_value() {
    row_->end_value();
    ++column_;
  }
  void end_row();
  // Whole DataRow messages encoded elsewhere (a product that encodes rows on
  // its own thread, in the formats format_of() gives), back to back: one
  // copy for many rows. Each is checked to be a DataRow of this result's
  // width; anything else fails the result, as a bad end_row() does. Take
  // no more rows than rows_left() allows, and stop once !wants_more().
  void add_encoded_rows(std::string_view data_rows);
  // Rows the Execute's limit still allows (UINT64_MAX: no limit), and bytes
  // until the batch is full.
  std::uint64_t rows_left() const noexcept {
    return row_limit_ == 0 ? UINT64_MAX : row_limit_ > rows_ ? row_limit_ - rows_ : 0;
  }
  std::size_t bytes_left() const noexcept { return out_.size() < batch_end_ ? batch_end_ - out_.size() : 0; }
  // Drops a row begun but not ended (the source threw in the middle of it):
  // a half-written DataRow would desynchronise the client.
  void discard_partial_row() noexcept { out_.truncate(complete_); }

  // Format the client wants for the current column (0 text, 1 binary).
  FormatCode format() const noexcept { return format_of(column_); }
  FormatCode format_of(std::size_t column) const noexcept {
    if (formats_.empty()) return format_text;
    return formats_.size() == 1 ? formats_[0] : formats_[column];
  }
  std::size_t column() const noexcept { return column_; }
  const Schema& schema() const noexcept { return schema_; }
  Buffer& buffer() noexcept { return out_; }
  std::uint64_t rows() const noexcept { return rows_; }

 private:
  Buffer& out_;
  const Schema& schema_;
  std::span<const FormatCode> formats_;
  std::size_t batch_end_;
  std::uint64_t row_limit_;
  std::uint64_t rows_ = 0;
  std::size_t complete_;  // end of the last whole row
  std::optional<DataRowWriter> row_;  // the row being written (the codec's encoder)
  std::size_t column_ = 0;
};

// A result's rows as the session machine holds them. Products derive from
// pgwire::RowSource (pgwire/api/results.hpp), whose fill() the Asio driver
// awaits; a sans-io driver (a test, a fuzzer) may derive its own kind and
// fill the RowWriter itself.
class RowStream {
 public:
  virtual ~RowStream() = default;
  RowStream(const RowStream&) = delete;
  RowStream& operator=(const RowStream&) = delete;
  // The CommandComplete tag once the rows are exhausted, when the source
  // knows better than "<command> <count>" (a proxy passing an upstream tag
  // such as "FETCH 5" through). nullopt: the library builds the tag.
  virtual std::optional<std::string> command_tag() const { return std::nullopt; }

 protected:
  RowStream() = default;
};

// How a statement changes the transaction: the status reported in
// ReadyForQuery, SQL cursors closed at its end, and settings kept (commit)
// or undone (rollback; also a commit of a failed block, as in PostgreSQL).
// `end` is the former name of commit. rollback_to_savepoint: ROLLBACK TO
// keeps the block open, and a failed block works again (status T, not E).
enum class TransactionEffect { none, begin, commit, rollback, rollback_to_savepoint, end = commit };

class Response {
 public:
  enum class Kind { rows, command, empty, error, copy_in, copy_out, copy_both };

  // A row-returning statement. The CommandComplete tag is built from
  // `command` as PostgreSQL does: "SELECT 3", "FETCH 3", "INSERT 0 3",
  // "UPDATE 3" (RETURNING); others ("SHOW", "EXPLAIN") without a count.
  static Response rows(SchemaPtr schema, std::unique_ptr<RowStream> source,
                       std::string command = "SELECT");
  // A statement without rows: tag as PostgreSQL prints it ("INSERT 0 1", "CREATE TABLE").
  static Response command(std::string tag, TransactionEffect effect = TransactionEffect::none);
  static Response begin(std::string tag = "BEGIN") { return command(std::move(tag), TransactionEffect::begin); }
  static Response commit(std::string tag = "COMMIT") { return command(std::move(tag), TransactionEffect::commit); }
  static Response rollback(std::string tag = "ROLLBACK") { return command(std::move(tag), TransactionEffect::rollback); }
  static Response rollback_to_savepoint() { return command("ROLLBACK", TransactionEffect::rollback_to_savepoint); }
  static Response empty();
  static Response error(ErrorInfo info);
  // COPY ... FROM STDIN: the session sends CopyInResponse (`columns`
  // columns, all in `format`) and hands the client's data to `target`
  // (copy.hpp); CopyDone gives "COPY n" with the count the target returns.
  static Response copy_in(std::unique_ptr<CopyInStream> target, CopyFormat format, std::size_t columns);
  // COPY ... TO STDOUT: CopyOutResponse, then CopyData pulled from `source`.
  static Response copy_out(std::unique_ptr<CopyOutStream> source, CopyFormat format, std::size_t columns);
  // Copy-both (START_REPLICATION): CopyBothResponse; the client's CopyData
  // go to `target` as in copy-in, the product's own go through
  // Session::handle() (copy_data, copy_done) while the session streams.
  static Response copy_both(std::unique_ptr<CopyInStream> target, CopyFormat format, std::size_t columns);

  Kind kind() const noexcept { return kind_; }
  const std::string& tag() const noexcept { return tag_; }
  TransactionEffect effect() const noexcept { return effect_; }
  const SchemaPtr& schema() const noexcept { return schema_; }
  RowStream* source() const noexcept { return source_.get(); }
  // The COPY stream of Kind::copy_in / copy_out / copy_both (nullptr otherwise).
  CopyInStream* copy_in() const noexcept;
  CopyOutStream* copy_out() const noexcept;
  CopyInStream* copy_both() const noexcept;
  // The error of Kind::error (an empty ErrorInfo otherwise).
  const ErrorInfo& error_info() const noexcept;

 private:
  static Response copy(Kind kind, std::unique_ptr<CopyStream> stream, CopyFormat format, std::size_t columns);

  Kind kind_ = Kind::empty;
  std::string tag_;
  TransactionEffect effect_ = TransactionEffect::none;
  SchemaPtr schema_;
  std::unique_ptr<RowStream> source_;
  std::unique_ptr<CopyStream> copy_;
  // Boxed: a Response is moved several times per statement, ErrorInfo is big.
  std::unique_ptr<ErrorInfo> error_;
};

}  // namespace pgwire

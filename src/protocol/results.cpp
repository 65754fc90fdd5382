#include "pgwire/protocol/results.hpp"

#include "pgwire/codec/backend.hpp"
#include "pgwire/codec/framing.hpp"

namespace pgwire {

const ErrorInfo& Response::error_info() const noexcept {
  static const ErrorInfo none;
  return error_ ? *error_ : none;
}

SchemaPtr make_schema(std::vector<Column> columns) {
  return std::make_shared<const Schema>(std::move(columns));
}

void RowWriter::end_row() {
  // A row with the wrong number of values would desynchronise every client.
  if (column_ != schema_.size()) out_.set_error(codec_errc::invalid_count);
  row_->finish();
  row_.reset();
  complete_ = out_.size();
  ++rows_;
}

void RowWriter::add_encoded_rows(std::string_view data_rows) {
  // (Read as the client will: a message of another kind or width would
  // desynchronise it.)
  std::size_t rows = 0;
  for (std::string_view rest = data_rows; !rest.empty(); ++rows) {
    auto message = parse_backend_frame(rest);
    if (!message.complete() || message.frame.type != 'D' ||
        data_row_width(message.frame.body) != schema_.size()) {
      out_.set_error(codec_errc::invalid_count);
      return;
    }
    rest.remove_prefix(message.size);
  }
  out_.put_bytes(data_rows);
  complete_ = out_.size();
  rows_ += rows;
}

Response Response::rows(SchemaPtr schema, std::unique_ptr<RowStream> source, std::string command) {
  Response r;
  r.kind_ = Kind::rows;
  r.schema_ = std::move(schema);
  r.source_ = std::move(source);
  r.tag_ = std::move(command);
  return r;
}

Response Response::command(std::string tag, TransactionEffect effect) {
  Response r;
  r.kind_ = Kind::command;
  r.tag_ = std::move(tag);
  r.effect_ = effect;
  return r;
}

Response Response::copy(Kind kind, std::unique_ptr<CopyStream> stream, CopyFormat format, std::size_t columns) {
  Response r;
  r.kind_ = kind;
  r.tag_ = "COPY";
  stream->announce(format, columns);
  r.copy_ = std::move(stream);
  return r;
}

Response Response::copy_in(std::unique_ptr<CopyInStream> target, CopyFormat format, std::size_t columns) {
  return copy(Kind::copy_in, std::move(target), format, columns);
}

Response Response::copy_out(std::unique_ptr<CopyOutStream> source, CopyFormat format, std::size_t columns) {
  return copy(Kind::copy_out, std::move(source), format, columns);
}

Response Response::copy_both(std::unique_ptr<CopyInStream> target, CopyFormat format, std::size_t columns) {
  return copy(Kind::copy_both, std::move(target), format, columns);
}

CopyInStream* Response::copy_both() const noexcept {
  return kind_ == Kind::copy_both ? static_cast<CopyInStream*>(copy_.get()) : nullptr;
}

CopyInStream* Response::copy_in() const noexcept {
  return kind_ == Kind::copy_in ? static_cast<CopyInStream*>(copy_.get()) : nullptr;
}

CopyOutStream* Response::copy_out() const noexcept {
  return kind_ == Kind::copy_out ? static_cast<CopyOutStream*>(copy_.get()) : nullptr;
}

Response Response::empty() { return Response{}; }

Response Response::error(ErrorInfo info) {
  Response r;
  r.kind_ = Kind::error;
  r.error_ = std::make_unique<ErrorInfo>(std::move(info));
  return r;
}

}  // namespace pgwire

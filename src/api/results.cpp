#include "pgwire/api/results.hpp"

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
  out_.end_message(length_at_);
  complete_ = out_.size();
  ++rows_;
}

namespace {

class CallableSource final : public RowSource {
 public:
  explicit CallableSource(std::function<bool(RowWriter&)> f) : next_(std::move(f)) {}
  asio::awaitable<bool> fill(RowWriter& out) override {
    while (out.wants_more()) {
      if (!next_(out)) co_return false;
    }
    co_return true;
  }

 private:
  std::function<bool(RowWriter&)> next_;
};

class TextRows final : public RowSource {
 public:
  explicit TextRows(std::vector<std::vector<std::optional<std::string>>> rows)
      : rows_(std::move(rows)) {}
  asio::awaitable<bool> fill(RowWriter& out) override {
    for (; next_ < rows_.size() && out.wants_more(); ++next_) {
      out.begin_row();
      for (const auto& v : rows_[next_]) {
        if (v) {
          out.add_encoded(*v);
        } else {
          out.add_null();
        }
      }
      out.end_row();
    }
    co_return next_ < rows_.size();
  }

 private:
  std::vector<std::vector<std::optional<std::string>>> rows_;
  std::size_t next_ = 0;
};

}  // namespace

std::unique_ptr<RowSource> make_row_source(std::function<bool(RowWriter&)> next_row) {
  return std::make_unique<CallableSource>(std::move(next_row));
}

std::unique_ptr<RowSource> make_text_rows(
    std::vector<std::vector<std::optional<std::string>>> rows) {
  return std::make_unique<TextRows>(std::move(rows));
}

Response Response::rows(SchemaPtr schema, std::unique_ptr<RowSource> source, std::string command) {
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

Response Response::empty() { return Response{}; }

Response Response::error(ErrorInfo info) {
  Response r;
  r.kind_ = Kind::error;
  r.error_ = std::make_unique<ErrorInfo>(std::move(info));
  return r;
}

}  // namespace pgwire

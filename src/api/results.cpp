#include "pgwire/api/results.hpp"

namespace pgwire {

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

}  // namespace pgwire

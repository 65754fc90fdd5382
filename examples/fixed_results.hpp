#pragma once
// The fixed-results handler shared by server, secure_server and scram_server.
//
//   SELECT ...      -> one row per statement: the statement text and its length
//   BEGIN/COMMIT    -> transaction status changes as in PostgreSQL
//   anything with "error" in it -> ERROR 42601 with detail and hint
//   pg_sleep(N)     -> waits N seconds without blocking the server; cancellable

#include <cctype>
#include <chrono>
#include <cstdlib>

#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include <pgwire/api/handlers.hpp>

namespace example {

bool starts_with_word(std::string_view s, std::string_view word) {
  if (s.size() < word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(s[i])) != word[i]) return false;
  return s.size() == word.size() || !std::isalnum(static_cast<unsigned char>(s[word.size()]));
}

class FixedResults final : public pgwire::SimpleQueryHandler {
 public:
  asio::awaitable<std::vector<pgwire::Response>> query(pgwire::Session&,
                                                       std::string_view sql) override {
    std::vector<pgwire::Response> out;
    for (auto stmt : pgwire::split_statements(sql)) {
      if (starts_with_word(stmt, "BEGIN")) {
        out.push_back(pgwire::Response::begin());
      } else if (starts_with_word(stmt, "COMMIT")) {
        out.push_back(pgwire::Response::commit());
      } else if (starts_with_word(stmt, "ROLLBACK")) {
        out.push_back(pgwire::Response::rollback());
      } else if (auto at = stmt.find("pg_sleep("); at != std::string_view::npos) {
        // A cancellable wait: a CancelRequest aborts the timer (57014).
        double seconds = std::atof(std::string(stmt.substr(at + 9)).c_str());
        asio::steady_timer timer(co_await asio::this_coro::executor);
        timer.expires_after(std::chrono::milliseconds(static_cast<long>(seconds * 1000)));
        co_await timer.async_wait(asio::use_awaitable);
        auto schema = pgwire::make_schema({{"pg_sleep", pgwire::oid::void_, 4}});
        out.push_back(pgwire::Response::rows(schema, pgwire::make_text_rows({{std::string()}})));
      } else if (stmt.find("error") != std::string_view::npos) {
        out.push_back(pgwire::Response::error(
            pgwire::ErrorInfo::error(pgwire::sqlstate::syntax_error, "you asked for an error")
                .with_detail("The statement contained the word \"error\".")
                .with_hint("Leave it out.")));
        break;
      } else {
        auto schema = pgwire::make_schema({{"statement", pgwire::oid::text}, {"length", pgwire::oid::int4, 4}});
        out.push_back(pgwire::Response::rows(
            schema, pgwire::make_text_rows({{std::string(stmt), std::to_string(stmt.size())}})));
      }
    }
    co_return out;
  }
};


}  // namespace example

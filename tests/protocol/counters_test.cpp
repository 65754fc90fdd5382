// Counters and OutputTally (pgwire/protocol/counters.hpp): what a session's
// written bytes add to the counters.

#include "support/codec_util.hpp"
#include "pgwire/codec/error_info.hpp"
#include "pgwire/protocol/counters.hpp"

using namespace pgwire;

namespace {

std::string error_bytes(const char* severity, const char* code) {
  Buffer b;
  ErrorInfo(severity, code, "m").encode(b);
  return std::string(b.view());
}

}  // namespace

TEST_CASE("counters: statements, errors by class, bytes, COPY rows in each direction", "[counters]") {
  Counters c;
  protocol::OutputTally tally;
  tally.written("S", c);  // the answer to SSLRequest: bytes only
  CHECK(c.bytes_out == 1);

  std::string first = test::encoded(CommandComplete{"SELECT 2"}).s + test::encoded(CopyInResponse{}).s;
  tally.written(first, c);
  // The client's CopyData come between; the tag comes in a later write.
  std::string second = test::encoded(CommandComplete{"COPY 3"}).s +
                       test::encoded(ReadyForQuery{TransactionStatus::idle}).s + test::encoded(CopyOutResponse{}).s +
                       test::encoded(CopyData{"1\n"}).s + test::encoded(CopyDone{}).s +
                       test::encoded(CommandComplete{"COPY 7"}).s + error_bytes("ERROR", "42601") +
                       error_bytes("ERROR", "42P01") + error_bytes("ERROR", "22012");
  tally.written(second, c);
  CHECK(c.statements == 3);
  CHECK(c.copy_rows_in == 3);
  CHECK(c.copy_rows_out == 7);
  CHECK(c.errors == 3);
  CHECK(c.errors_in_class("42") == 2);
  CHECK(c.errors_in_class("22") == 1);
  CHECK(c.errors_in_class("08") == 0);
  CHECK(c.errors_in_class("x") == 0);
  CHECK(c.bytes_out == 1 + first.size() + second.size());
  CHECK(tally.fatal_sqlstate().empty());

  std::vector<std::pair<std::string, std::uint64_t>> classes;
  c.for_each_error_class([&](const std::string& cls, std::uint64_t n) { classes.emplace_back(cls, n); });
  CHECK(classes == std::vector<std::pair<std::string, std::uint64_t>>{{"22", 1}, {"42", 2}});

  tally.written(error_bytes("FATAL", "57P01"), c);
  CHECK(tally.fatal_sqlstate() == "57P01");
  CHECK(c.errors_in_class("57") == 1);
}

TEST_CASE("counters: a COPY that fails adds no rows", "[counters]") {
  Counters c;
  protocol::OutputTally tally;
  tally.written(test::encoded(CopyInResponse{}).s + error_bytes("ERROR", "57014") +
                    test::encoded(CommandComplete{"COPY 5"}).s,
                c);
  CHECK(c.copy_rows_in == 0);
  CHECK(c.statements == 1);
}

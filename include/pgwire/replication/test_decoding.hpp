#pragma once
// The test_decoding output plugin: one text line per message, exactly as
// PostgreSQL 15's contrib/test_decoding prints it. pg_recvlogical prints
// these lines; tests and tools compare them verbatim.

#include <string>
#include <vector>

#include "pgwire/replication/change.hpp"
#include "pgwire/replication/plugin_option.hpp"

namespace pgwire::replication {

struct TestDecodingOptions {
  bool include_xids = true;
  bool include_timestamp = false;
  bool skip_empty_xacts = false;
  bool only_local = false;  // skip transactions that carry an Origin
};

// The options of START_REPLICATION, checked as test_decoding's startup does:
// PgError 22023 for an unknown option or a value that is not a boolean.
// force-binary, include-rewrites and stream-changes are accepted (their
// value is checked) and have no effect here.
TestDecodingOptions parse_test_decoding_options(const PluginOptions& options);

// The lines of one message each.
std::string test_decoding_begin(const Transaction& txn, const TestDecodingOptions& options);
std::string test_decoding_commit(const Transaction& txn, const TestDecodingOptions& options);
// PgError XX000 for a tuple without exactly one value per column.
std::string test_decoding_change(const Relation& relation, const RowChange& change);
std::string test_decoding_truncate(const Truncate& truncate);
// "message: transactional: 1 prefix: p, sz: n content:" and the content.
std::string test_decoding_message(const LogicalMessage& message);

// One transaction's messages, with skip-empty-xacts and only-local applied:
// BEGIN is delayed until the first change when empty transactions are
// skipped. Each call returns the messages to send now, in order.
class TestDecodingTransaction {
 public:
  TestDecodingTransaction(const Transaction& txn, const TestDecodingOptions& options);
  std::vector<std::string> begin();
  std::vector<std::string> change(const Relation& relation, const RowChange& change);
  std::vector<std::string> truncate(const Truncate& truncate);
  // A transactional message: printed, but it neither prints a held-back
  // BEGIN nor makes the transaction non-empty (test_decoding's own rule).
  std::vector<std::string> message(const LogicalMessage& message);
  std::vector<std::string> commit();

 private:
  std::vector<std::string> before_change();

  Transaction txn_;  // copies: a caller may pass temporaries
  TestDecodingOptions options_;
  bool filtered_;
  bool wrote_changes_ = false;
};

}  // namespace pgwire::replication

#include "pgwire/replication/test_decoding.hpp"

#include <fmt/format.h>

#include "pgwire/codec/buffer.hpp"
#include "pgwire/codec/error_info.hpp"
#include "pgwire/types/oid.hpp"
#include "pgwire/types/scalar.hpp"
#include "pgwire/types/values.hpp"
#include "sql_identifier.hpp"

namespace pgwire::replication {
namespace {

using detail::quote_identifier;

void set_bool(const PluginOption& option, bool& target) {
  if (!option.value) {
    target = true;
    return;
  }
  auto parsed = parse_bool(*option.value);
  if (!parsed)
    throw PgError(sqlstate::invalid_parameter_value,
                  fmt::format("could not parse value \"{}\" for parameter \"{}\"", *option.value, option.name));
  target = *parsed;
}

// print_literal: numbers bare, bits as B'...', booleans as words, the rest
// quoted with '' (standard_conforming_strings).
void append_literal(std::string& out, Oid type, std::string_view text) {
  switch (type) {
    case oid::int2:
    case oid::int4:
    case oid::int8:
    case oid::oid:
    case oid::float4:
    case oid::float8:
    case oid::numeric:
      out += text;
      return;
    case 1560:  // bit
    case 1562:  // varbit
      out += "B'";
      out += text;
      out += '\'';
      return;
    case oid::bool_:
      out += text == "t" ? "true" : "false";
      return;
    default:
      out += '\'';
      for (char c : text) {
        if (c == '\'') out += '\'';
        out += c;
      }
      out += '\'';
  }
}

// tuple_to_stringinfo: " name[type]:value" per column; an old tuple leaves
// out its nulls (the columns outside the key).
void append_tuple(std::string& out, const Relation& rel, const Tuple& tuple, bool skip_nulls) {
  if (tuple.size() != rel.columns.size())
    throw PgError(sqlstate::internal_error,
                  fmt::format("tuple has {} values, but relation \"{}.{}\" has {} columns", tuple.size(), rel.schema,
                              rel.name, rel.columns.size()));
  for (std::size_t i = 0; i < rel.columns.size(); ++i) {
    const Column& col = rel.columns[i];
    const TupleValue& v = tuple[i];
    if (v.kind == TupleValue::Kind::null && skip_nulls) continue;
    out += ' ';
    out += quote_identifier(col.name);
    out += '[';
    out += col.type_name;
    out += "]:";
    switch (v.kind) {
      case TupleValue::Kind::null: out += "null"; break;
      case TupleValue::Kind::unchanged_toast: out += "unchanged-toast-datum"; break;
      case TupleValue::Kind::text: append_literal(out, col.type_oid, v.text); break;
    }
  }
}

std::string qualified(const Relation& rel) {
  return quote_identifier(rel.schema) + "." + quote_identifier(rel.name);
}

}  // namespace

TestDecodingOptions parse_test_decoding_options(const PluginOptions& options) {
  TestDecodingOptions out;
  for (const auto& option : options) {
    bool ignored = false;
    if (option.name == "include-xids") {
      set_bool(option, out.include_xids);
    } else if (option.name == "include-timestamp") {
      set_bool(option, out.include_timestamp);
    } else if (option.name == "skip-empty-xacts") {
      set_bool(option, out.skip_empty_xacts);
    } else if (option.name == "only-local") {
      set_bool(option, out.only_local);
    } else if (option.name == "force-binary" || option.name == "include-rewrites" ||
               option.name == "stream-changes") {
      // Without a value these are no-ops in test_decoding too.
      if (option.value) set_bool(option, ignored);
    } else {
      throw PgError(sqlstate::invalid_parameter_value,
                    fmt::format("option \"{}\" = \"{}\" is unknown", option.name,
                                option.value ? *option.value : std::string("(null)")));
    }
  }
  return out;
}

std::string test_decoding_begin(const Transaction& txn, const TestDecodingOptions& options) {
  return options.include_xids ? fmt::format("BEGIN {}", txn.xid) : std::string("BEGIN");
}

std::string test_decoding_commit(const Transaction& txn, const TestDecodingOptions& options) {
  std::string out = options.include_xids ? fmt::format("COMMIT {}", txn.xid) : std::string("COMMIT");
  if (options.include_timestamp) {
    // timestamptz_to_str in the walsender's TimeZone; the library's is UTC.
    Buffer at;
    encode_text(TimestampTz{txn.commit_time}, at);
    out += " (at ";
    out += at.view();
    out += ')';
  }
  return out;
}

std::string test_decoding_change(const Relation& relation, const RowChange& change) {
  std::string out = "table " + qualified(relation) + ":";
  bool has_old = change.old_kind != OldTuple::none;
  switch (change.kind) {
    case ChangeKind::insert:
      out += " INSERT:";
      append_tuple(out, relation, change.new_tuple, false);
      break;
    case ChangeKind::update:
      out += " UPDATE:";
      if (has_old) {
        out += " old-key:";
        append_tuple(out, relation, change.old_tuple, true);
        out += " new-tuple:";
      }
      append_tuple(out, relation, change.new_tuple, false);
      break;
    case ChangeKind::delete_:
      out += " DELETE:";
      if (has_old)
        append_tuple(out, relation, change.old_tuple, true);
      else
        out += " (no-tuple-data)";
      break;
  }
  return out;
}

std::string test_decoding_truncate(const Truncate& truncate) {
  std::string out = "table ";
  for (std::size_t i = 0; i < truncate.relations.size(); ++i) {
    if (i > 0) out += ", ";
    out += qualified(*truncate.relations[i]);
  }
  out += ": TRUNCATE:";
  if (truncate.restart_identity) out += " restart_seqs";
  if (truncate.cascade) out += " cascade";
  if (!truncate.restart_identity && !truncate.cascade) out += " (no-flags)";
  return out;
}

std::string test_decoding_message(const LogicalMessage& message) {
  std::string out = fmt::format("message: transactional: {} prefix: {}, sz: {} content:", message.transactional ? 1 : 0,
                                message.prefix, message.content.size());
  out += message.content;
  return out;
}

TestDecodingTransaction::TestDecodingTransaction(const Transaction& txn, const TestDecodingOptions& options)
    : txn_(txn), options_(options), filtered_(options.only_local && txn.origin.has_value()) {}

std::vector<std::string> TestDecodingTransaction::begin() {
  if (filtered_ || options_.skip_empty_xacts) return {};
  return {test_decoding_begin(txn_, options_)};
}

std::vector<std::string> TestDecodingTransaction::before_change() {
  std::vector<std::string> out;
  if (options_.skip_empty_xacts && !wrote_changes_) out.push_back(test_decoding_begin(txn_, options_));
  wrote_changes_ = true;
  return out;
}

std::vector<std::string> TestDecodingTransaction::change(const Relation& relation, const RowChange& change) {
  if (filtered_) return {};
  auto out = before_change();
  out.push_back(test_decoding_change(relation, change));
  return out;
}

std::vector<std::string> TestDecodingTransaction::truncate(const Truncate& truncate) {
  if (filtered_) return {};
  auto out = before_change();
  out.push_back(test_decoding_truncate(truncate));
  return out;
}

std::vector<std::string> TestDecodingTransaction::message(const LogicalMessage& message) {
  if (filtered_) return {};
  return {test_decoding_message(message)};
}

std::vector<std::string> TestDecodingTransaction::commit() {
  if (filtered_ || (options_.skip_empty_xacts && !wrote_changes_)) return {};
  return {test_decoding_commit(txn_, options_)};
}

}  // namespace pgwire::replication

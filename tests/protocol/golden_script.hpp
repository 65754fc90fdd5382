#pragma once
// What PostgreSQL answered in one golden capture, in the form a product
// knows it: the login (which authentication request, the settings it
// reported, the process id and cancel key) and, per statement, its
// parameter types, columns, rows, command tag, error, notices, the
// settings it changed and, for COPY, its format, columns and data. read_script() gets it by following PostgreSQL's
// answer to each client message in turn; golden_product.hpp answers the
// session machine from it.

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "golden_capture.hpp"
#include "pgwire/protocol/results.hpp"

namespace pgwire::test {

using Setting = std::pair<std::string, std::string>;

// One statement's result.
struct GoldenResult {
  std::vector<ErrorInfo> notices;  // NoticeResponse before the result
  SchemaPtr columns;               // RowDescription; null without one
  std::vector<std::vector<std::optional<std::string>>> rows;  // every value in text form
  std::string tag;                 // CommandComplete
  std::optional<ErrorInfo> error;  // the ErrorResponse that ended it
  bool empty = false;              // EmptyQueryResponse
  std::vector<Setting> settings;   // ParameterStatus the statement caused
  // COPY: PostgreSQL answered CopyInResponse ('G') or CopyOutResponse ('H');
  // the result then ends with "COPY n" or an error, as any other.
  struct Copy {
    char direction = 0;  // 'G' copy-in, 'H' copy-out
    bool binary = false;  // the overall format (text and csv both announce 0)
    std::size_t columns = 0;
    std::vector<std::string> data;  // copy-out: the payload of each CopyData
  };
  std::optional<Copy> copy;
  // PostgreSQL answered CopyBothResponse: a sub-protocol (replication) the
  // library does not have.
  char unsupported = 0;
};

// One Parse.
struct GoldenParse {
  std::optional<ErrorInfo> error;
  std::optional<std::vector<Oid>> parameter_types;  // ParameterDescription, if described
  SchemaPtr columns;  // a RowDescription of the statement or of a portal made from it
};

struct GoldenScript {
  // Login. auth: the AuthenticationRequest code PostgreSQL asked with (0: trust).
  std::int32_t auth = 0;
  std::array<char, 4> md5_salt{};
  std::string scram_server_first;  // its nonce and salt are PostgreSQL's choice
  std::int32_t process_id = 0;
  std::string secret_key;
  std::vector<Setting> settings;  // ParameterStatus at login

  // Statements by SQL text; several of the same text are answered in order.
  std::map<std::string, std::deque<std::vector<GoldenResult>>> queries;  // simple Query
  std::map<std::string, std::deque<GoldenParse>> parses;
  std::map<std::string, std::deque<std::optional<ErrorInfo>>> binds;
  std::map<std::string, std::deque<GoldenResult>> executes;  // a portal's whole result
};

// Throws std::runtime_error when PostgreSQL's answer does not follow the
// protocol as read here (a capture this reader does not understand).
GoldenScript read_script(const Capture& capture);

ErrorInfo error_info(const ErrorFields& fields);

}  // namespace pgwire::test

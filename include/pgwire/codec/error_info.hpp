#pragma once
// Errors and notices as PostgreSQL reports them: a severity, a SQLSTATE and
// the optional fields of ErrorResponse/NoticeResponse. Handlers throw PgError
// (or return Response::error) and the client sees exactly these fields.

#include <stdexcept>
#include <string>
#include <string_view>

#include "pgwire/codec/buffer.hpp"

namespace pgwire {

// SQLSTATE codes the library itself uses (PostgreSQL's errcodes.txt).
namespace sqlstate {
inline constexpr const char* successful_completion = "00000";
inline constexpr const char* warning = "01000";
inline constexpr const char* connection_exception = "08000";
inline constexpr const char* connection_failure = "08006";
inline constexpr const char* protocol_violation = "08P01";
inline constexpr const char* feature_not_supported = "0A000";
inline constexpr const char* invalid_authorization = "28000";
inline constexpr const char* invalid_password = "28P01";
inline constexpr const char* invalid_catalog_name = "3D000";
inline constexpr const char* syntax_error = "42601";
inline constexpr const char* undefined_table = "42P01";
inline constexpr const char* undefined_object = "42704";
inline constexpr const char* query_canceled = "57014";
inline constexpr const char* admin_shutdown = "57P01";
inline constexpr const char* no_active_sql_transaction = "25P01";
inline constexpr const char* in_failed_transaction = "25P02";
// Data exceptions the value-type layer reports (type_error_sqlstate).
inline constexpr const char* invalid_text_representation = "22P02";
inline constexpr const char* invalid_binary_representation = "22P03";
inline constexpr const char* untranslatable_character = "22P05";
inline constexpr const char* numeric_value_out_of_range = "22003";
inline constexpr const char* invalid_datetime_format = "22007";
inline constexpr const char* datetime_field_overflow = "22008";  // also datetime_value_out_of_range
inline constexpr const char* invalid_time_zone_displacement_value = "22009";
inline constexpr const char* interval_field_overflow = "22015";
inline constexpr const char* character_not_in_repertoire = "22021";
inline constexpr const char* invalid_parameter_value = "22023";
inline constexpr const char* array_subscript_error = "2202E";
inline constexpr const char* datatype_mismatch = "42804";
inline constexpr const char* name_too_long = "42622";
inline constexpr const char* statement_too_complex = "54001";
inline constexpr const char* program_limit_exceeded = "54000";
inline constexpr const char* too_many_connections = "53300";
inline constexpr const char* internal_error = "XX000";
}  // namespace sqlstate

struct ErrorInfo {
  std::string severity = "ERROR";  // ERROR, FATAL, PANIC; WARNING, NOTICE, DEBUG, INFO, LOG
  std::string code = sqlstate::internal_error;
  std::string message;
  std::string detail;
  std::string hint;
  std::string position;  // 1-based character index into the query, as text
  std::string internal_position;
  std::string internal_query;
  std::string where;
  std::string schema_name;
  std::string table_name;
  std::string column_name;
  std::string data_type_name;
  std::string constraint_name;
  std::string file;
  std::string line;
  std::string routine;

  ErrorInfo() = default;
  ErrorInfo(std::string severity_, std::string code_, std::string message_)
      : severity(std::move(severity_)), code(std::move(code_)), message(std::move(message_)) {}

  static ErrorInfo error(std::string code, std::string message) {
    return {"ERROR", std::move(code), std::move(message)};
  }
  static ErrorInfo fatal(std::string code, std::string message) {
    return {"FATAL", std::move(code), std::move(message)};
  }
  static ErrorInfo notice(std::string message) {
    return {"NOTICE", sqlstate::successful_completion, std::move(message)};
  }
  ErrorInfo& with_detail(std::string d) & { detail = std::move(d); return *this; }
  ErrorInfo&& with_detail(std::string d) && { detail = std::move(d); return std::move(*this); }
  ErrorInfo& with_hint(std::string h) & { hint = std::move(h); return *this; }
  ErrorInfo&& with_hint(std::string h) && { hint = std::move(h); return std::move(*this); }

  bool is_fatal() const noexcept { return severity == "FATAL" || severity == "PANIC"; }

  // Appends an ErrorResponse ('E') or NoticeResponse ('N') with every
  // non-empty field.
  void encode(Buffer& out, bool as_notice = false) const;
};

// Thrown by handlers to send an ErrorResponse. Any other exception becomes
// XX000 with its what() text.
class PgError : public std::runtime_error {
 public:
  explicit PgError(ErrorInfo info) : std::runtime_error(info.message), info_(std::move(info)) {}
  PgError(std::string code, std::string message)
      : PgError(ErrorInfo::error(std::move(code), std::move(message))) {}
  const ErrorInfo& info() const noexcept { return info_; }

 private:
  ErrorInfo info_;
};

}  // namespace pgwire

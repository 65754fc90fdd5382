// The one place where a failure becomes what PostgreSQL would send: a
// PgError carries its own ErrorInfo; while a CancelRequest is pending any
// other failure (an aborted await, a source giving up) is 57014; anything
// else is an internal error (XX000) with the exception's text.

#include "pgwire/protocol/session_machine.hpp"
#include "pgwire/types/encoding.hpp"
#include "wire.hpp"

namespace pgwire::protocol {

void require_utf8(std::initializer_list<std::string_view> strings) {
  for (std::string_view s : strings)
    if (!valid_utf8(s)) throw PgError(invalid_utf8_error(s));
}

ErrorInfo canceled_error() {
  return ErrorInfo::error(sqlstate::query_canceled, "canceling statement due to user request");
}

ErrorInfo SessionMachine::failure_info(std::exception_ptr error) const {
  try {
    std::rethrow_exception(error);
  } catch (const PgError& e) {
    return e.info();
  } catch (const std::exception& e) {
    if (cancel_requested_.load()) return canceled_error();
    return ErrorInfo::error(sqlstate::internal_error, e.what());
  } catch (...) {
    if (cancel_requested_.load()) return canceled_error();
    return ErrorInfo::error(sqlstate::internal_error, "internal error");
  }
}

}  // namespace pgwire::protocol

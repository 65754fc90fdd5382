#include "pgwire/replication/slot_name.hpp"

#include <fmt/format.h>

#include "pgwire/codec/error_info.hpp"

namespace pgwire::replication {

void validate_slot_name(std::string_view name) {
  if (name.empty())
    throw PgError("42602", fmt::format("replication slot name \"{}\" is too short", name));
  if (name.size() >= 64)
    throw PgError("42622", fmt::format("replication slot name \"{}\" is too long", name));
  for (char c : name) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') continue;
    ErrorInfo info = ErrorInfo::error("42602", fmt::format("replication slot name \"{}\" contains invalid character", name));
    info.hint = "Replication slot names may only contain lower case letters, numbers, and the underscore character.";
    throw PgError(std::move(info));
  }
}

}  // namespace pgwire::replication

#include "pgwire/types/field.hpp"

namespace pgwire {

FieldDescription field_description(std::string_view name, Oid type, FormatCode format,
                                   std::int32_t type_modifier) noexcept {
  FieldDescription f;
  f.name = name;
  f.type_oid = type;
  f.type_size = type_size(type);
  f.type_modifier = type_modifier;
  f.format = format;
  return f;
}

}  // namespace pgwire

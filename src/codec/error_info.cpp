#include "pgwire/codec/error_info.hpp"

#include "pgwire/codec/backend.hpp"

namespace pgwire {

void ErrorInfo::encode(Buffer& out, bool as_notice) const {
  auto at = out.begin_message(as_notice ? 'N' : 'E');
  auto put = [&out](char code, const std::string& v) {
    // A NUL inside user text would corrupt the frame: cut the field there.
    std::string_view s = std::string_view(v).substr(0, v.find('\0'));
    if (s.empty()) return;
    out.put_char(code);
    out.put_cstring(s);
  };
  put(field::severity, severity);
  put(field::severity_nonlocalized, severity);
  put(field::sqlstate, code);
  put(field::message, message);
  put(field::detail, detail);
  put(field::hint, hint);
  put(field::position, position);
  put(field::internal_position, internal_position);
  put(field::internal_query, internal_query);
  put(field::where, where);
  put(field::schema_name, schema_name);
  put(field::table_name, table_name);
  put(field::column_name, column_name);
  put(field::data_type_name, data_type_name);
  put(field::constraint_name, constraint_name);
  put(field::file, file);
  put(field::line, line);
  put(field::routine, routine);
  out.put_char('\0');
  out.end_message(at);
}

}  // namespace pgwire

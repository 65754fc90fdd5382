#include "pgwire/types/convert.hpp"

#include "pgwire/types.hpp"
#include "pgwire/types/time_zone.hpp"

namespace pgwire {

namespace {

template <class T>
std::error_code scalar(std::string_view in, FormatCode from, FormatCode to, Buffer& out) {
  T v{};
  std::error_code ec;
  std::string storage;
  if constexpr (requires(std::string& s) {
                  decode_text(in, v, s);
                  decode_binary(in, v, s);
                }) {
    ec = decode_value(in, from, v, storage);
  } else {
    ec = decode_value(in, from, v);
  }
  if (ec) return ec;
  encode_value(v, to, out);
  return out.error();
}

template <class T, class... Extra>
std::error_code array(std::string_view in, FormatCode from, FormatCode to, Buffer& out, Oid element) {
  DecodedArray<T> a;
  std::error_code ec = from == format_binary ? decode_binary(in, a, element) : decode_text(in, a, element);
  if (ec) return ec;
  ArrayRef<T> ref(a.elements, element, a.lower_bound);
  if (to == format_binary) {
    encode_binary(ref, out);
  } else {
    encode_text(ref, out);
  }
  return out.error();
}

// Element type of `type` when it is an array this layer knows, else 0.
std::error_code dispatch(Oid type, std::string_view in, FormatCode from, FormatCode to, Buffer& out,
                         bool dry_run) {
  auto go = [&](auto tag) -> std::error_code {
    if (dry_run) return {};
    return scalar<decltype(tag)>(in, from, to, out);
  };
  switch (type) {
    case oid::bool_: return go(bool{});
    case oid::int2: return go(std::int16_t{});
    case oid::int4: return go(std::int32_t{});
    case oid::int8: return go(std::int64_t{});
    case oid::float4: return go(float{});
    case oid::float8: return go(double{});
    case oid::oid: return go(OidValue{});
    case oid::char_: return go(Char{});
    case oid::bytea: return go(Bytea{});
    case oid::numeric: return go(Numeric{});
    case oid::date: return go(Date{});
    case oid::time: return go(Time{});
    case oid::timetz: return go(TimeTz{});
    case oid::timestamp: return go(Timestamp{});
    case oid::timestamptz: return go(TimestampTz{});
    case oid::interval: return go(Interval{});
    case oid::uuid: return go(Uuid{});
    case oid::jsonb: {
      if (dry_run) return {};
      // Decoding normalises already: write that text rather than parse it twice.
      Jsonb v;
      std::string storage;
      if (auto ec = decode_value(in, from, v, storage)) return ec;
      if (to == format_binary) out.put_u8(1);
      out.put_bytes(v.text);
      return {};
    }
    case oid::inet:
    case oid::cidr: {
      if (dry_run) return {};
      Inet v{};
      auto ec = from == format_binary ? decode_binary(in, v, type) : decode_text(in, v, type);
      if (ec) return ec;
      encode_value(v, to, out);
      return out.error();
    }
    // Text-like types: the binary form is the text.
    case oid::text: case oid::varchar: case oid::bpchar: case oid::name: case oid::json:
    case oid::unknown:
      if (!dry_run) out.put_bytes(in);
      return {};
    default: break;
  }
  const TypeInfo* info = find_type(type);
  if (info == nullptr || info->element == 0) return type_errc::unsupported_type;
  Oid e = info->element;
  if (dry_run) return dispatch(e, {}, from, to, out, true);
  switch (e) {
    case oid::bool_: return array<bool>(in, from, to, out, e);
    case oid::int2: return array<std::int16_t>(in, from, to, out, e);
    case oid::int4: return array<std::int32_t>(in, from, to, out, e);
    case oid::int8: return array<std::int64_t>(in, from, to, out, e);
    case oid::float4: return array<float>(in, from, to, out, e);
    case oid::float8: return array<double>(in, from, to, out, e);
    case oid::oid: return array<OidValue>(in, from, to, out, e);
    case oid::char_: return array<Char>(in, from, to, out, e);
    case oid::bytea: return array<Bytea>(in, from, to, out, e);
    case oid::numeric: return array<Numeric>(in, from, to, out, e);
    case oid::date: return array<Date>(in, from, to, out, e);
    case oid::time: return array<Time>(in, from, to, out, e);
    case oid::timetz: return array<TimeTz>(in, from, to, out, e);
    case oid::timestamp: return array<Timestamp>(in, from, to, out, e);
    case oid::timestamptz: return array<TimestampTz>(in, from, to, out, e);
    case oid::interval: return array<Interval>(in, from, to, out, e);
    case oid::uuid: return array<Uuid>(in, from, to, out, e);
    case oid::jsonb: return array<Jsonb>(in, from, to, out, e);
    case oid::inet: case oid::cidr: return array<Inet>(in, from, to, out, e);
    case oid::text: case oid::varchar: case oid::bpchar: case oid::name: case oid::json:
      return array<std::string_view>(in, from, to, out, e);
    default: return type_errc::unsupported_type;
  }
}

}  // namespace

bool can_convert_format(Oid type) noexcept {
  Buffer unused;
  return !dispatch(type, {}, format_text, format_binary, unused, true);
}

std::error_code convert_format(Oid type, std::string_view in, FormatCode from, FormatCode to,
                               Buffer& out) {
  if (from != format_text && from != format_binary) return type_errc::unsupported_format;
  if (to != format_text && to != format_binary) return type_errc::unsupported_format;
  if (from == to) {
    out.put_bytes(in);
    return {};
  }
  return dispatch(type, in, from, to, out, false);
}

std::error_code convert_format(Oid type, std::string_view in, FormatCode from, FormatCode to, Buffer& out,
                               const TimeZone& zone) {
  bool array = type == oid::timestamptz_array;
  if ((type != oid::timestamptz && !array) || zone.is_utc() || from == to)
    return convert_format(type, in, from, to, out);
  if (from != format_text && from != format_binary) return type_errc::unsupported_format;
  if (to != format_text && to != format_binary) return type_errc::unsupported_format;
  if (array) {  // (only the elements' output depends on the zone)
    if (to == format_binary) return convert_format(type, in, from, to, out);
    DecodedArray<TimestampTz> a;
    if (auto ec = decode_binary(in, a, oid::timestamptz)) return ec;
    encode_text(ArrayRef<TimestampTz>(a.elements, oid::timestamptz, a.lower_bound), out, zone);
    return out.error();
  }
  TimestampTz v{};
  if (auto ec = from == format_text ? decode_text(in, v, zone) : decode_binary(in, v)) return ec;
  if (to == format_text) {
    encode_text(v, out, zone);
  } else {
    encode_binary(v, out);
  }
  return out.error();
}

}  // namespace pgwire

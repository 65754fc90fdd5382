// pgoutput's parse_output_parameters and the version checks of its startup.

#include "pgwire/replication/pgoutput_options.hpp"

#include <cctype>
#include <fmt/format.h>

#include "pgwire/codec/error_info.hpp"
#include "sql_identifier.hpp"

namespace pgwire::replication {
namespace {

constexpr std::uint32_t kMinVersion = 1, kMaxVersion = 3;
constexpr std::uint32_t kStreamingVersion = 2, kTwoPhaseVersion = 3;

[[noreturn]] void conflicting() { throw PgError(sqlstate::syntax_error, "conflicting or redundant options"); }

// strtoul(text, &end, 10) with errno and *end checked, then the uint32 range:
// leading blanks and a sign are accepted, "-1" is out of range (it wraps).
std::uint32_t parse_version(const std::string& text) {
  std::size_t i = 0;
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  std::size_t digits_start = i;
  std::uint64_t v = 0;
  bool overflow = false;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    std::uint64_t d = static_cast<std::uint64_t>(text[i] - '0');
    if (v > (UINT64_MAX - d) / 10) overflow = true;
    else v = v * 10 + d;
  }
  bool no_digits = i == digits_start;
  // Without digits strtoul leaves `end` at the start of the text.
  bool junk = no_digits ? !text.empty() : i != text.size();
  if (overflow || junk) throw PgError(sqlstate::invalid_parameter_value, "invalid proto_version");
  if (negative) v = ~v + 1;
  if (v > UINT32_MAX)
    throw PgError(sqlstate::invalid_parameter_value, fmt::format("proto_version \"{}\" out of range", text));
  return static_cast<std::uint32_t>(v);
}

// defGetBoolean of a string option: true/false/on/off, case-insensitive.
bool flag(const PluginOption& option) {
  if (!option.value) return true;
  std::string v;
  for (char c : *option.value) v += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (v == "true" || v == "on") return true;
  if (v == "false" || v == "off") return false;
  throw PgError(sqlstate::syntax_error, fmt::format("{} requires a Boolean value", option.name));
}

}  // namespace

PgOutputOptions parse_pgoutput_options(const PluginOptions& options) {
  PgOutputOptions out;
  bool version_given = false, publications_given = false, binary_given = false, messages_given = false,
       streaming_given = false, two_phase_given = false;
  auto once = [](bool& given) {
    if (given) conflicting();
    given = true;
  };
  for (const auto& option : options) {
    if (option.name == "proto_version") {
      once(version_given);
      out.proto_version = parse_version(option.value.value_or(""));
    } else if (option.name == "publication_names") {
      once(publications_given);
      auto names = detail::split_identifier_list(option.value.value_or(""), ',');
      if (!names) throw PgError("42602", "invalid publication_names syntax");
      out.publication_names = std::move(*names);
    } else if (option.name == "binary") {
      once(binary_given);
      out.binary = flag(option);
    } else if (option.name == "messages") {
      once(messages_given);
      out.messages = flag(option);
    } else if (option.name == "streaming") {
      once(streaming_given);
      out.streaming = flag(option);
    } else if (option.name == "two_phase") {
      once(two_phase_given);
      out.two_phase = flag(option);
    } else {
      throw PgError(sqlstate::internal_error, fmt::format("unrecognized pgoutput option: {}", option.name));
    }
  }
  if (out.proto_version > kMaxVersion)
    throw PgError(sqlstate::feature_not_supported,
                  fmt::format("client sent proto_version={} but we only support protocol {} or lower",
                              static_cast<std::int32_t>(out.proto_version), kMaxVersion));
  if (out.proto_version < kMinVersion)
    throw PgError(sqlstate::feature_not_supported,
                  fmt::format("client sent proto_version={} but we only support protocol {} or higher",
                              out.proto_version, kMinVersion));
  if (out.publication_names.empty())
    throw PgError(sqlstate::invalid_parameter_value, "publication_names parameter missing");
  if (out.streaming && out.proto_version < kStreamingVersion)
    throw PgError(sqlstate::invalid_parameter_value,
                  fmt::format("requested proto_version={} does not support streaming, need {} or higher",
                              out.proto_version, kStreamingVersion));
  if (out.two_phase && out.proto_version < kTwoPhaseVersion)
    throw PgError(sqlstate::invalid_parameter_value,
                  fmt::format("requested proto_version={} does not support two-phase commit, need {} or higher",
                              out.proto_version, kTwoPhaseVersion));
  return out;
}

}  // namespace pgwire::replication

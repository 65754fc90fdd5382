// TimeZone (time_zone.hpp): the setting's forms as PostgreSQL reads them,
// and timestamptz text written and read in a zone. Expected texts are
// PostgreSQL 15's (SET TIME ZONE ...; SELECT x::timestamptz::text).

#include "pgwire/types.hpp"
#include "support/codec_util.hpp"

using namespace pgwire;

namespace {

TimestampTz instant(std::string_view utc_text) {
  TimestampTz v{};
  REQUIRE_FALSE(decode_text(utc_text, v));
  return v;
}

std::string in_zone(std::string_view utc_text, std::string_view zone_name) {
  auto zone = TimeZone::find(zone_name);
  REQUIRE(zone);
  Buffer b;
  encode_text(instant(utc_text), b, *zone);
  REQUIRE_FALSE(b.error());
  return std::string(b.view());
}

// `local` (no offset) read in the zone, printed in it.
std::string read_in_zone(std::string_view local, std::string_view zone_name) {
  auto zone = TimeZone::find(zone_name);
  REQUIRE(zone);
  TimestampTz v{};
  REQUIRE_FALSE(decode_text(local, v, *zone));
  Buffer b;
  encode_text(v, b, *zone);
  return std::string(b.view());
}

}  // namespace

TEST_CASE("types: TimeZone settings as PostgreSQL reads them") {
  SECTION("names of the database, in any case, under the file's spelling") {
    REQUIRE(TimeZone::find("europe/paris")->name() == "Europe/Paris");
    REQUIRE(TimeZone::find("America/New_York")->name() == "America/New_York");
    REQUIRE(TimeZone::find("utc")->name() == "UTC");
    REQUIRE(TimeZone::find("UTC")->is_utc());
    REQUIRE_FALSE(TimeZone::find("Europe/Paris")->is_utc());
  }
  SECTION("numbers are hours east, named as fixed POSIX zones, under a week") {
    REQUIRE(TimeZone::find("-7")->name() == "<-07>+07");
    REQUIRE(TimeZone::find("5.5")->name() == "<+05:30>-05:30");
    REQUIRE(TimeZone::find("+3")->name() == "<+03>-03");
    REQUIRE(TimeZone::find("167.5")->name() == "<+167:30>-167:30");
    REQUIRE(TimeZone::find("-7")->offset_at(0) == -7 * 3600);
    REQUIRE_FALSE(TimeZone::find("168"));
  }
  SECTION("POSIX zones keep their text, and their sign is west") {
    auto zone = TimeZone::find("UTC+3");
    REQUIRE(zone);
    REQUIRE(zone->name() == "UTC+3");
    REQUIRE(zone->offset_at(1719835200) == -3 * 3600);
  }
  SECTION("anything else is no zone, and no name leaves the database") {
    for (std::string_view bad : {"Nowhere/Bogus", "XYZ", "../../etc/passwd", "/etc/localtime", "Europe", "", "a b"})
      REQUIRE_FALSE(TimeZone::find(bad));
    REQUIRE_FALSE(TimeZone::named("-7"));
  }
  SECTION("abbreviations follow daylight saving time") {
    auto berlin = TimeZone::find("Europe/Berlin");
    REQUIRE(berlin->abbreviation_at(1719835200) == "CEST");  // 2024-07-01 12:00 UTC
    REQUIRE(berlin->abbreviation_at(1704110400) == "CET");   // 2024-01-01 12:00 UTC
    REQUIRE(berlin->abbreviation_at(4102444800) == "CET");   // 2100: the file's TZ rule
    REQUIRE(berlin->offset_at(4118083200) == 7200);          // 2100-07-01: still CEST by the rule
  }
}

TEST_CASE("types: timestamptz text in a session's TimeZone") {
  SECTION("printed in the zone, with PostgreSQL's offset forms") {
    REQUIRE(in_zone("2024-07-01 12:00:00+00", "America/New_York") == "2024-07-01 08:00:00-04");
    REQUIRE(in_zone("2024-01-01 12:00:00+00", "America/New_York") == "2024-01-01 07:00:00-05");
    REQUIRE(in_zone("2024-07-01 12:00:00+00", "Asia/Kolkata") == "2024-07-01 17:30:00+05:30");
    REQUIRE(in_zone("2024-07-01 12:00:00+00", "EST5EDT") == "2024-07-01 08:00:00-04");
    REQUIRE(in_zone("2024-07-01 12:00:00+00", "UTC+3") == "2024-07-01 09:00:00-03");
    REQUIRE(in_zone("1850-01-01 12:00:00+00", "America/New_York") == "1850-01-01 07:03:58-04:56:02");
    REQUIRE(in_zone("infinity", "America/New_York") == "infinity");
    REQUIRE(in_zone("2024-07-01 12:00:00+00", "UTC") == "2024-07-01 12:00:00+00");
    REQUIRE(in_zone("January 6 2024 10:00:00+02", "UTC") == "2024-01-06 08:00:00+00");  // (a spelled date)
  }
  SECTION("text without an offset is the zone's clock; a gap and an overlap read as standard time") {
    REQUIRE(read_in_zone("2024-07-01 12:00", "Europe/Berlin") == "2024-07-01 12:00:00+02");
    REQUIRE(read_in_zone("2024-03-31 02:30:00", "Europe/Berlin") == "2024-03-31 03:30:00+02");
    REQUIRE(read_in_zone("2024-10-27 02:30:00", "Europe/Berlin") == "2024-10-27 02:30:00+01");
    REQUIRE(read_in_zone("2024-07-01 12:00:00+00", "Europe/Berlin") == "2024-07-01 14:00:00+02");
  }
  SECTION("convert_format and arrays take the zone for text; binary stays UTC") {
    auto berlin = TimeZone::find("Europe/Berlin");
    Buffer binary, text, again;
    REQUIRE_FALSE(convert_format(oid::timestamptz, "2024-07-01 14:00", format_text, format_binary, binary, *berlin));
    REQUIRE_FALSE(convert_format(oid::timestamptz, binary.view(), format_binary, format_text, text));
    REQUIRE(text.view() == "2024-07-01 12:00:00+00");
    REQUIRE_FALSE(convert_format(oid::timestamptz_array, "{\"2024-07-01 12:00:00+00\",NULL}", format_text,
                                 format_text, again, *berlin));
    REQUIRE(again.view() == "{\"2024-07-01 12:00:00+00\",NULL}");  // (same formats: the bytes as given)
    Buffer array_binary, array_text;
    REQUIRE_FALSE(convert_format(oid::timestamptz_array, "{\"2024-07-01 12:00:00+00\",NULL}", format_text,
                                 format_binary, array_binary));
    REQUIRE_FALSE(
        convert_format(oid::timestamptz_array, array_binary.view(), format_binary, format_text, array_text, *berlin));
    REQUIRE(array_text.view() == "{\"2024-07-01 14:00:00+02\",NULL}");
  }
}

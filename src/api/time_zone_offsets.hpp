#pragma once
// SET TIME ZONE with an offset instead of a zone name: a number of hours
// (SET TIME ZONE -7, 5.5) or an interval (SET TIME ZONE INTERVAL '+02:00'
// HOUR TO MINUTE, which Sequelize sends at connect). PostgreSQL stores such
// a setting as a POSIX zone of that offset, and SHOW prints it so:
// <-07>+07, <+05:30>-05:30 (POSIX counts west of Greenwich, so the sign
// after the brackets is the other one).

#include <optional>
#include <string>
#include <string_view>

namespace pgwire::api_detail {

// The TimeZone value for `hours` (a decimal number), or nullopt when it is
// not one.
std::optional<std::string> zone_of_hours(std::string_view hours);

// The TimeZone value for the interval's text: [+|-]HH[:MM[:SS]], or
// quantities of hours, minutes and seconds ("1 hour 30 minutes"); nullopt
// when it is neither. Throws PgError 22023 for days, months or years, as
// PostgreSQL refuses them.
std::optional<std::string> zone_of_interval(std::string_view interval);

}  // namespace pgwire::api_detail

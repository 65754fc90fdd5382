#pragma once
// The value-type layer: PostgreSQL 15's built-in types in text and binary
// format, for result rows (encode) and Bind parameters (decode).

#include "pgwire/types/array.hpp"
#include "pgwire/types/error.hpp"
#include "pgwire/types/convert.hpp"
#include "pgwire/types/field.hpp"
#include "pgwire/types/oid.hpp"
#include "pgwire/types/scalar.hpp"
#include "pgwire/types/time_zone.hpp"
#include "pgwire/types/values.hpp"

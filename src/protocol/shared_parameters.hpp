#pragma once
// Parameter maps shared between sessions (internal to Settings).
//
// Most sessions of a server log in with the same settings (the product's
// server parameters, the same driver's startup parameters): each holding
// its own copy cost about 5 KiB per idle connection. Settings keeps its
// maps as shared, immutable ones and copies a map only when its session
// changes it (SET, a ParameterStatus sent).

#include <memory>

#include "pgwire/protocol/settings.hpp"

namespace pgwire::protocol::detail {

using SharedParameters = std::shared_ptr<const ParameterMap>;

// The one map of these contents that some session holds, or a new one.
// Any thread (a lock; called at login, not per statement).
SharedParameters share_parameters(ParameterMap map);

// The empty map every Settings starts with.
const SharedParameters& no_parameters();

}  // namespace pgwire::protocol::detail

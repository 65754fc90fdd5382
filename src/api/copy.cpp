#include "pgwire/api/copy.hpp"

namespace pgwire {

// Most targets buffer nothing they must undo: aborting is a no-op.
asio::awaitable<void> CopyInTarget::abort(Session&, std::string_view) { co_return; }

}  // namespace pgwire

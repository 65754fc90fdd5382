#include "pgwire/api/extended.hpp"

namespace pgwire {

asio::awaitable<void> ExtendedQueryHandler::bind(Session&, Portal&) { co_return; }
asio::awaitable<void> ExtendedQueryHandler::sync(Session&) { co_return; }
void ExtendedQueryHandler::closed(Session&, const Statement&) {}
void ExtendedQueryHandler::closed(Session&, const Portal&) {}

}  // namespace pgwire

#pragma once
// The single way to include Asio. Boost 1.74's asio/awaitable.hpp uses
// std::exchange without including <utility>, which GCC 12 rejects in coroutine
// code, so <utility> must come first.
#include <utility>

#include <boost/asio.hpp>

namespace roster {
namespace asio = boost::asio;
}

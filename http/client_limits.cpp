#include "http/client_limits.hpp"

namespace roster::http {

ClientLimits::Lease::~Lease() {
  if (owner_) owner_->release(client_);
}

std::optional<ClientLimits::Lease> ClientLimits::acquire(const std::string& client) {
  {
    auto open = open_.lock();
    std::size_t& n = (*open)[client];
    if (per_client_ != 0 && n >= per_client_) {
      if (n == 0) open->erase(client);
      return std::nullopt;
    }
    ++n;
  }
  return std::optional<Lease>(std::in_place, *this, client);
}

std::size_t ClientLimits::open(const std::string& client) {
  auto open = open_.lock();
  const auto it = open->find(client);
  return it == open->end() ? 0 : it->second;
}

void ClientLimits::release(const std::string& client) {
  auto open = open_.lock();
  const auto it = open->find(client);
  if (it != open->end() && --it->second == 0) open->erase(it);
}

}  // namespace roster::http

#include "http/acl.hpp"

namespace roster::http {
namespace {

enum class Role { Anonymous, Agent, Management, Unknown };

// Compares in time independent of where the strings differ, so response
// timing does not reveal how much of a guessed token was right.
bool same_secret(std::string_view given, std::string_view secret) {
  if (secret.empty() || given.size() != secret.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < secret.size(); ++i)
    diff |= static_cast<unsigned char>(given[i] ^ secret[i]);
  return diff == 0;
}

Role role_of(std::string_view token, const AclConfig& c) {
  if (token.empty()) token = c.default_token;
  if (token.empty()) return Role::Anonymous;
  if (same_secret(token, c.management_token)) return Role::Management;
  if (same_secret(token, c.agent_token) || same_secret(token, c.agent_recovery_token)) return Role::Agent;
  return Role::Unknown;
}

}  // namespace

Verdict decide(Access access, std::string_view token, const AclConfig& c) {
  if (!c.enabled || access == Access::Open) return Verdict::Allow;
  const Role role = role_of(token, c);
  if (role == Role::Unknown) return Verdict::UnknownToken;
  if (role == Role::Management) return Verdict::Allow;
  switch (access) {
    case Access::ReadOne:
    case Access::ReadList:
      if (role == Role::Agent || c.default_policy == DefaultPolicy::Allow) return Verdict::Allow;
      return access == Access::ReadList ? Verdict::Filter : Verdict::Deny;
    case Access::AgentWrite:
      return role == Role::Agent ? Verdict::Allow : Verdict::Deny;
    case Access::Write:
    case Access::Unset:
    case Access::Open:
      break;
  }
  return Verdict::Deny;
}

std::string_view default_policy_name(const AclConfig& c) {
  return c.enabled && c.default_policy == DefaultPolicy::Deny ? "deny" : "allow";
}

}  // namespace roster::http

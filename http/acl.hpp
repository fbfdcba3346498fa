#pragma once
// Access control: the `acl` block of the config and the one decision every
// request goes through, (route's access kind, token, config) → verdict. Pure;
// Api::serve enforces it before any handler or cached answer (docs/agent.md).
//
// Roster has no policies: a token is one of the configured ones or unknown.
//   management (tokens.initial_management, legacy `master`): everything;
//   agent (tokens.agent, tokens.agent_recovery): every read, plus the agent's
//     own operations (reload, leave, join, force-leave, node maintenance);
//   anonymous (no token, or tokens.default when set stands in for it): reads
//     as default_policy says, no writes;
//   any other token: 403 "ACL not found", as Consul answers an unknown token.
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace roster::http {

// What a route does, for the ACL decision. Unset routes are treated as Write
// (fail closed); a unit test keeps every route classified.
enum class Access {
  Unset,
  Open,        // no token needed even under deny (status, datacenters)
  ReadOne,     // one object: denied → 403
  ReadList,    // a collection: denied → 200 with the route's empty collection
  Write,       // registrations, checks, catalog writes, service maintenance
  AgentWrite,  // the agent's own operations: management or agent token
};

enum class DefaultPolicy { Allow, Deny };

struct AclConfig {
  bool enabled = false;
  DefaultPolicy default_policy = DefaultPolicy::Allow;
  std::string management_token;      // tokens.initial_management (or `master`)
  std::string agent_token;           // tokens.agent
  std::string agent_recovery_token;  // tokens.agent_recovery (or `agent_master`)
  std::string default_token;         // tokens.default: used for requests without one

  bool operator==(const AclConfig&) const = default;
};

enum class Verdict {
  Allow,
  Deny,          // 403 "Permission denied"
  Filter,        // 200 with an empty collection
  UnknownToken,  // 403 "ACL not found"
};

Verdict decide(Access access, std::string_view token, const AclConfig& config);

// The 403 bodies, as Consul words them.
inline constexpr std::string_view kPermissionDenied = "Permission denied";
inline constexpr std::string_view kAclNotFound = "ACL not found";

// The header value Consul puts on every response.
std::string_view default_policy_name(const AclConfig& config);

// The current AclConfig, replaceable on reload. Thread safety: get() and set()
// may run concurrently from any thread.
class AclSettings {
 public:
  explicit AclSettings(AclConfig config) : current_(std::make_shared<const AclConfig>(std::move(config))) {}
  std::shared_ptr<const AclConfig> get() const {
    const std::lock_guard lock(mutex_);
    return current_;
  }
  void set(AclConfig config) {
    auto next = std::make_shared<const AclConfig>(std::move(config));
    const std::lock_guard lock(mutex_);
    current_ = std::move(next);
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const AclConfig> current_;
};

}  // namespace roster::http

#pragma once
// Where the agent's HTTP API is, as every client subcommand takes it:
// "host", "host:port", "[v6]:port", and with a scheme "http://host:port"
// (CONSUL_HTTP_ADDR's form). Pure functions.
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace roster::client {

inline constexpr std::uint16_t kDefaultAgentPort = 8500;

struct AgentEndpoint {
  std::string host = "127.0.0.1";
  std::uint16_t port = kDefaultAgentPort;
};

// A port number 0..65535; `what` names the input in the error.
Result<std::uint16_t> parse_port(std::string_view what, std::string_view text);

Result<AgentEndpoint> parse_agent_address(const std::string& text, bool allow_scheme);

// Percent-encodes one path segment or query value: unreserved characters and
// ':' '@' stay, everything else (including '/') becomes %XX.
std::string url_encode(std::string_view text);

}  // namespace roster::client

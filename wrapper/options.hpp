#pragma once
// `roster wrap` command line: ianitor's options, spelling and defaults.
//
//   roster wrap [-h] [--consul-agent hostname[:port]] [--ttl seconds]
//               [--heartbeat seconds] [--tags tag]... [--id ID] [--port PORT]
//               [-v]... service-name -- command [arguments]
//
// and Roster's additions: --address, --meta, --check-http, --check-tcp,
// --check-interval, --drain, --on-exit.
//
// Parsing is pure: the environment is a parameter, nothing is printed here.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "client/agent_address.hpp"
#include "common/log.hpp"
#include "common/result.hpp"
#include "wrapper/http_url.hpp"

namespace roster::wrapper {

// The environment variables the wrapper reads (CONSUL_HTTP_ADDR, CONSUL_HTTP_TOKEN).
using Environment = std::map<std::string, std::string, std::less<>>;

// Reads the variables parse_wrap_options looks at from the process environment.
Environment current_environment();

inline constexpr std::chrono::milliseconds kDefaultTtl{10'000};

// What happens when the child exits without being asked to (no SIGTERM/SIGINT
// to the wrapper): deregister at once, or leave the instance registered as
// critical with a note ("exited with status 3") for alerting.
enum class OnExit { Deregister, Critical };

struct WrapOptions {
  bool help = false;  // -h/--help: print usage, run nothing

  std::string agent_host = "localhost";  // --consul-agent / CONSUL_HTTP_ADDR
  std::uint16_t agent_port = client::kDefaultAgentPort;
  std::string token;  // CONSUL_HTTP_TOKEN, sent as X-Consul-Token

  std::chrono::milliseconds ttl = kDefaultTtl;  // --ttl seconds (fractions allowed)
  std::chrono::milliseconds heartbeat{1'000};   // --heartbeat seconds, default ttl/10
  std::vector<std::string> tags;                // --tags, repeatable
  std::string id;                               // --id, default = service name
  std::optional<std::uint16_t> port;            // --port
  int verbosity = 0;                            // -v/--verbose, repeatable

  std::string address;  // --address: IP, interface name or network; "" = the agent's node address
  std::vector<std::pair<std::string, std::string>> meta;  // --meta K=V, repeatable, in order
  std::optional<HttpUrl> check_http;                      // --check-http URL
  bool check_tcp = false;                                 // --check-tcp: connect instead of reading /proc
  std::chrono::milliseconds check_interval{1'000};        // --check-interval, default = heartbeat
  std::chrono::milliseconds drain{0};                     // --drain seconds
  OnExit on_exit = OnExit::Deregister;                    // --on-exit deregister|critical

  std::string service_name;
  std::vector<std::string> command;  // everything after `--`
};

// Parses `args` (everything after the word `wrap`). Usage errors come back as
// ErrorCode::Invalid with a one-line message in argparse's words.
Result<WrapOptions> parse_wrap_options(const std::vector<std::string>& args, const Environment& env);


// The usage lines (printed with usage errors) and the full help (-h).
std::string wrap_usage();
std::string wrap_help();

// ianitor's -v counting: none or -v → errors only, -vv → warnings, -vvv and
// more → everything (info and debug).
LogLevel log_level_for_verbosity(int verbosity);

}  // namespace roster::wrapper

#pragma once
// Flags in Consul's spelling (-x, --x, -x=v, -x v) for every subcommand, and
// the agent address every client subcommand takes: -http-addr / -token, else
// CONSUL_HTTP_ADDR / CONSUL_HTTP_TOKEN, else 127.0.0.1:8500.
#include <map>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "client/http_client.hpp"
#include "common/result.hpp"

namespace roster::cli {

using Environment = std::map<std::string, std::string>;

// The process's CONSUL_HTTP_* variables.
Environment current_environment();

// Parses `args` against `desc`; words that are not flags go to `positional`
// (when non-null; otherwise they are an error). Stops at "--".
Status parse_flags(const std::vector<std::string>& args, const boost::program_options::options_description& desc,
                   boost::program_options::variables_map& vm, std::vector<std::string>* positional = nullptr);

struct ClientFlags {
  std::string http_addr;
  std::string token;
};

// Adds -http-addr and -token to `desc`, writing into `flags`.
void add_client_flags(boost::program_options::options_description& desc, ClientFlags& flags);

// Where to send requests: flags first, then the environment, then the default.
Result<client::HttpClientConfig> client_config(const ClientFlags& flags, const Environment& env);

}  // namespace roster::cli

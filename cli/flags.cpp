#include "cli/flags.hpp"

#include <cstdlib>

#include "client/agent_address.hpp"

namespace roster::cli {
namespace po = boost::program_options;

Environment current_environment() {
  Environment env;
  for (const char* name : {"CONSUL_HTTP_ADDR", "CONSUL_HTTP_TOKEN"})
    if (const char* v = std::getenv(name)) env.emplace(name, v);
  return env;
}

Status parse_flags(const std::vector<std::string>& args, const po::options_description& desc,
                   po::variables_map& vm, std::vector<std::string>* positional) {
  std::vector<std::string> words;
  po::options_description all;
  all.add(desc);
  all.add_options()("positional-words", po::value(&words)->composing());
  po::positional_options_description pos;
  pos.add("positional-words", -1);
  try {
    auto style = po::command_line_style::unix_style | po::command_line_style::allow_long_disguise;
    style &= ~po::command_line_style::allow_guessing;
    po::store(po::command_line_parser(args).options(all).positional(pos).style(style).run(), vm);
    po::notify(vm);
  } catch (const std::exception& e) {
    return invalid(e.what());
  }
  if (!words.empty() && !positional) return invalid("unexpected argument \"" + words.front() + "\"");
  if (positional) *positional = std::move(words);
  return ok();
}

void add_client_flags(po::options_description& desc, ClientFlags& flags) {
  desc.add_options()
      ("http-addr", po::value(&flags.http_addr), "the agent's HTTP address (default: CONSUL_HTTP_ADDR or 127.0.0.1:8500)")
      ("token", po::value(&flags.token), "ACL token (default: CONSUL_HTTP_TOKEN)");
}

Result<client::HttpClientConfig> client_config(const ClientFlags& flags, const Environment& env) {
  client::HttpClientConfig config;
  config.user_agent = "roster-cli";
  std::string addr = flags.http_addr;
  if (addr.empty())
    if (auto it = env.find("CONSUL_HTTP_ADDR"); it != env.end()) addr = it->second;
  if (!addr.empty()) {
    auto ep = client::parse_agent_address(addr, true);
    if (!ep) return invalid("invalid HTTP address \"" + addr + "\": " + ep.error().message);
    config.host = ep->host;
    config.port = ep->port;
  }
  config.token = flags.token;
  if (config.token.empty())
    if (auto it = env.find("CONSUL_HTTP_TOKEN"); it != env.end()) config.token = it->second;
  return config;
}

}  // namespace roster::cli

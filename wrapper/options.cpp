#include "wrapper/options.hpp"

#include "client/agent_address.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string_view>
#include <system_error>

namespace roster::wrapper {
namespace {

using std::chrono::milliseconds;

enum class Opt {
  ConsulAgent, Ttl, Heartbeat, Tags, Id, Port, Verbose, Help,
  Address, Meta, CheckHttp, CheckTcp, CheckInterval, Drain, OnExit,
};

struct OptionSpec {
  std::string_view name;  // long spelling, with the leading "--"
  char short_name;        // 0 when there is none
  bool takes_value;
  Opt opt;
};

// ianitor's options, then Roster's additions.
constexpr OptionSpec kOptions[] = {
    {"--consul-agent", 0, true, Opt::ConsulAgent},
    {"--ttl", 0, true, Opt::Ttl},
    {"--heartbeat", 0, true, Opt::Heartbeat},
    {"--tags", 0, true, Opt::Tags},
    {"--id", 0, true, Opt::Id},
    {"--port", 0, true, Opt::Port},
    {"--verbose", 'v', false, Opt::Verbose},
    {"--help", 'h', false, Opt::Help},
    {"--address", 0, true, Opt::Address},
    {"--meta", 0, true, Opt::Meta},
    {"--check-http", 0, true, Opt::CheckHttp},
    {"--check-tcp", 0, false, Opt::CheckTcp},
    {"--check-interval", 0, true, Opt::CheckInterval},
    {"--drain", 0, true, Opt::Drain},
    {"--on-exit", 0, true, Opt::OnExit},
};

// Consul's Meta rules (the agent would answer 400 otherwise): up to 64 pairs,
// keys of at most 128 characters from [A-Za-z0-9_-] not starting with
// "consul-", values of at most 512 bytes.
Status add_meta(std::vector<std::pair<std::string, std::string>>& meta, const std::string& text) {
  const auto bad = [&text](const std::string& why) { return invalid("argument --meta: " + why + ": '" + text + "'"); };
  const auto eq = text.find('=');
  if (eq == std::string::npos) return bad("expected KEY=VALUE");
  std::string key = text.substr(0, eq), value = text.substr(eq + 1);
  if (key.empty()) return bad("empty key");
  if (key.size() > 128) return bad("key longer than 128 characters");
  for (char c : key)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'))
      return bad("keys may only contain letters, digits, '_' and '-'");
  if (key.starts_with("consul-")) return bad("the 'consul-' key prefix is reserved");
  if (value.size() > 512) return bad("value longer than 512 bytes");
  for (const auto& kv : meta)
    if (kv.first == key) return bad("key given twice");
  if (meta.size() >= 64) return bad("more than 64 pairs");
  meta.emplace_back(std::move(key), std::move(value));
  return ok();
}

// A long option by exact name or, as argparse allows, by an unambiguous prefix.
Result<const OptionSpec*> find_long(std::string_view name) {
  std::vector<const OptionSpec*> matches;
  for (const auto& spec : kOptions) {
    if (spec.name == name) return &spec;
    if (name.size() > 2 && spec.name.starts_with(name)) matches.push_back(&spec);
  }
  if (matches.size() == 1) return matches.front();
  if (matches.empty()) return invalid("unrecognized arguments: " + std::string(name));
  std::string candidates;
  for (const auto* m : matches) candidates += (candidates.empty() ? "" : ", ") + std::string(m->name);
  return invalid("ambiguous option: " + std::string(name) + " could match " + candidates);
}

const OptionSpec* find_short(char c) {
  for (const auto& spec : kOptions)
    if (spec.short_name == c) return &spec;
  return nullptr;
}

// argparse treats "-5" and "-.5" as values, not options.
bool looks_like_negative_number(std::string_view s) {
  if (s.size() < 2 || s[0] != '-') return false;
  double d = 0;
  auto [p, ec] = std::from_chars(s.data() + 1, s.data() + s.size(), d);
  return ec == std::errc() && p == s.data() + s.size();
}

Result<milliseconds> parse_seconds(std::string_view option, const std::string& text) {
  double value = 0;
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || p != end || !std::isfinite(value))
    return invalid("argument " + std::string(option) + ": invalid float value: '" + text + "'");
  if (std::fabs(value) > 1e9)
    return invalid("argument " + std::string(option) + ": value out of range: '" + text + "'");
  return milliseconds(std::llround(value * 1000.0));
}

struct Parsed {
  WrapOptions opts;
  bool agent_given = false;
  bool heartbeat_given = false;
  bool check_interval_given = false;
};

Status apply(Parsed& out, const OptionSpec& spec, const std::string& value) {
  auto& o = out.opts;
  switch (spec.opt) {
    case Opt::ConsulAgent: {
      auto ep = client::parse_agent_address(value, false);
      if (!ep) return invalid("argument --consul-agent: " + ep.error().message);
      o.agent_host = ep->host;
      o.agent_port = ep->port;
      out.agent_given = true;
      return ok();
    }
    case Opt::Ttl: {
      auto v = parse_seconds(spec.name, value);
      if (!v) return v.error();
      if (v->count() <= 0) return invalid("argument --ttl: must be greater than 0: '" + value + "'");
      o.ttl = *v;
      return ok();
    }
    case Opt::Heartbeat: {
      auto v = parse_seconds(spec.name, value);
      if (!v) return v.error();
      if (v->count() < 0) return invalid("argument --heartbeat: must not be negative: '" + value + "'");
      o.heartbeat = *v;
      out.heartbeat_given = v->count() > 0;  // ianitor: 0 means "use the default"
      return ok();
    }
    case Opt::Tags: o.tags.push_back(value); return ok();
    case Opt::Id: o.id = value; return ok();
    case Opt::Port: {
      auto p = client::parse_port("argument --port", value);
      if (!p) return p.error();
      o.port = *p;
      return ok();
    }
    case Opt::Verbose: ++o.verbosity; return ok();
    case Opt::Help: o.help = true; return ok();
    case Opt::Address:
      if (value.empty()) return invalid("argument --address: must not be empty");
      o.address = value;
      return ok();
    case Opt::Meta: return add_meta(o.meta, value);
    case Opt::CheckHttp: {
      auto url = parse_http_url(value);
      if (!url) return invalid("argument " + url.error().message);
      o.check_http = std::move(*url);
      return ok();
    }
    case Opt::CheckTcp: o.check_tcp = true; return ok();
    case Opt::CheckInterval: {
      auto v = parse_seconds(spec.name, value);
      if (!v) return v.error();
      if (v->count() <= 0) return invalid("argument --check-interval: must be greater than 0: '" + value + "'");
      o.check_interval = *v;
      out.check_interval_given = true;
      return ok();
    }
    case Opt::Drain: {
      auto v = parse_seconds(spec.name, value);
      if (!v) return v.error();
      if (v->count() < 0) return invalid("argument --drain: must not be negative: '" + value + "'");
      o.drain = *v;
      return ok();
    }
    case Opt::OnExit:
      if (value == "deregister") o.on_exit = OnExit::Deregister;
      else if (value == "critical") o.on_exit = OnExit::Critical;
      else return invalid("argument --on-exit: invalid choice: '" + value + "' (choose from 'deregister', 'critical')");
      return ok();
  }
  return internal("unhandled option");
}

// Parses the words before `--`. Stops at -h/--help, as argparse does.
Status parse_words(const std::vector<std::string>& words, Parsed& out) {
  std::vector<std::string> positionals;
  for (std::size_t i = 0; i < words.size() && !out.opts.help; ++i) {
    const std::string& w = words[i];
    if (w.size() < 2 || w[0] != '-' || looks_like_negative_number(w)) {
      positionals.push_back(w);
      continue;
    }
    if (w.starts_with("--")) {
      const auto eq = w.find('=');
      auto spec = find_long(std::string_view(w).substr(0, eq));
      if (!spec) return spec.error();
      const OptionSpec& s = **spec;
      std::string value;
      if (eq != std::string::npos) {
        if (!s.takes_value)
          return invalid("argument " + std::string(s.name) + ": ignored explicit argument '" + w.substr(eq + 1) + "'");
        value = w.substr(eq + 1);
      } else if (s.takes_value) {
        if (i + 1 >= words.size() ||
            (words[i + 1].size() > 1 && words[i + 1][0] == '-' && !looks_like_negative_number(words[i + 1])))
          return invalid("argument " + std::string(s.name) + ": expected one argument");
        value = words[++i];
      }
      if (auto st = apply(out, s, value); !st) return st;
      continue;
    }
    // A cluster of short flags: -v, -vv, -vh.
    for (std::size_t k = 1; k < w.size(); ++k) {
      const OptionSpec* s = find_short(w[k]);
      if (!s) return invalid("unrecognized arguments: " + w);
      if (auto st = apply(out, *s, {}); !st) return st;
    }
  }
  if (out.opts.help) return ok();
  if (positionals.size() > 1) {
    std::string extra;
    for (std::size_t i = 1; i < positionals.size(); ++i) extra += (i > 1 ? " " : "") + positionals[i];
    return invalid("unrecognized arguments: " + extra);
  }
  if (positionals.empty()) return invalid("the following arguments are required: service-name");
  out.opts.service_name = positionals.front();
  if (out.opts.service_name.empty()) return invalid("service-name must not be empty");
  return ok();
}

}  // namespace

Environment current_environment() {
  Environment env;
  for (const char* name : {"CONSUL_HTTP_ADDR", "CONSUL_HTTP_TOKEN"})
    if (const char* v = std::getenv(name)) env.emplace(name, v);
  return env;
}

Result<WrapOptions> parse_wrap_options(const std::vector<std::string>& args, const Environment& env) {
  const auto split = std::find(args.begin(), args.end(), "--");
  const std::vector<std::string> words(args.begin(), split);
  Parsed parsed;
  if (args.empty()) {  // ianitor prints the help when called bare
    parsed.opts.help = true;
    return parsed.opts;
  }
  const Status st = parse_words(words, parsed);
  if (parsed.opts.help) return parsed.opts;
  if (split == args.end()) return invalid("command missing (put -- before the command)");
  if (!st) return st.error();

  WrapOptions& o = parsed.opts;
  o.command.assign(split + 1, args.end());
  if (o.command.empty() || o.command.front().empty()) return invalid("command missing after --");
  if (o.id.empty()) o.id = o.service_name;
  if (!parsed.heartbeat_given) o.heartbeat = std::max(milliseconds(1), o.ttl / 10);
  if (!parsed.check_interval_given) o.check_interval = o.heartbeat;
  if (o.check_tcp && !o.port) return invalid("argument --check-tcp: needs --port");

  if (!parsed.agent_given) {
    if (auto it = env.find("CONSUL_HTTP_ADDR"); it != env.end() && !it->second.empty()) {
      auto ep = client::parse_agent_address(it->second, true);
      if (!ep) return invalid("CONSUL_HTTP_ADDR: " + ep.error().message);
      o.agent_host = ep->host;
      o.agent_port = ep->port;
    }
  }
  if (auto it = env.find("CONSUL_HTTP_TOKEN"); it != env.end()) o.token = it->second;
  return o;
}

LogLevel log_level_for_verbosity(int verbosity) {
  if (verbosity <= 1) return LogLevel::Error;
  if (verbosity == 2) return LogLevel::Warn;
  return LogLevel::Debug;
}

std::string wrap_usage() {
  return "usage: roster wrap [-h] [--consul-agent hostname[:port]] [--ttl seconds]\n"
         "                   [--heartbeat seconds] [--tags tag] [--id ID]\n"
         "                   [--port PORT] [-v] [--address ADDR] [--meta K=V]\n"
         "                   [--check-http URL] [--check-tcp] [--check-interval seconds]\n"
         "                   [--drain seconds] [--on-exit deregister|critical]\n"
         "                   service-name -- command [arguments]\n";
}

std::string wrap_help() {
  return wrap_usage() +
         "\n"
         "Doorkeeper for consul discovered services: runs the command, registers it\n"
         "with a TTL check, passes the check while it runs, deregisters when it ends\n"
         "and exits with its status (128+N if killed by signal N).\n"
         "\n"
         "positional arguments:\n"
         "  service-name                    service name in consul cluster\n"
         "\n"
         "optional arguments:\n"
         "  -h, --help                      show this help message and exit\n"
         "  --consul-agent=hostname[:port]  set consul agent address (default localhost:8500,\n"
         "                                  or CONSUL_HTTP_ADDR)\n"
         "  --ttl=seconds                   set TTL of service in consul cluster (default 10)\n"
         "  --heartbeat=seconds             set process poll heartbeat (defaults to ttl/10)\n"
         "  --tags=tag                      set service tags in consul cluster (can be used\n"
         "                                  multiple times)\n"
         "  --id=ID                         set service id - must be node unique (defaults to\n"
         "                                  service name)\n"
         "  --port=PORT                     set service port\n"
         "  -v, --verbose                   enable logging to stderr (use multiple times to\n"
         "                                  increase verbosity)\n"
         "\n"
         "roster additions:\n"
         "  --address=ADDR                  advertise this address: an IP, an interface name\n"
         "                                  (its address; loopback refused) or a network\n"
         "                                  (10.0.0.0/8: the interface address inside it);\n"
         "                                  default: the agent's node address\n"
         "  --meta=KEY=VALUE                service metadata (can be used multiple times)\n"
         "  --check-http=URL                pass only while GET URL answers 2xx (429: warning)\n"
         "  --check-tcp                     check --port by connecting to it, instead of\n"
         "                                  looking for the child's listening socket\n"
         "  --check-interval=seconds        how often the checks run (default: heartbeat)\n"
         "  --drain=seconds                 on SIGTERM/SIGINT: mark critical, wait this long,\n"
         "                                  then forward the signal (default 0)\n"
         "  --on-exit=deregister|critical   when the child exits on its own: deregister\n"
         "                                  (default) or stay registered as critical\n"
         "\n"
         "With --port the service passes only while the child (or a process it started)\n"
         "listens on that port; until then, and when it stops, the check is critical.\n"
         "\n"
         "environment: CONSUL_HTTP_ADDR (host:port or http://host:port) when --consul-agent\n"
         "is absent; CONSUL_HTTP_TOKEN is sent as X-Consul-Token.\n";
}

}  // namespace roster::wrapper

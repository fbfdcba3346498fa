#include "wrapper/wrap_command.hpp"

#include <exception>
#include <iostream>
#include <memory>

#include <unistd.h>

#include "common/log.hpp"
#include "common/net.hpp"
#include "wrapper/address.hpp"
#include "wrapper/api_client.hpp"
#include "wrapper/supervisor.hpp"

namespace roster::wrapper {

int run_wrap(const std::vector<std::string>& args) {
  return run_wrap(args, current_environment(), std::cout, std::cerr);
}

int run_wrap(const std::vector<std::string>& args, const Environment& env, std::ostream& out, std::ostream& err) {
  auto parsed = parse_wrap_options(args, env);
  if (!parsed) {
    err << wrap_usage() << "roster wrap: error: " << parsed.error().message << '\n';
    return 2;
  }
  const WrapOptions& opts = *parsed;
  if (opts.help) {
    out << wrap_help();
    return 0;
  }

  // --address: resolved once, up front; a bad one is a usage error (nothing started).
  std::string address;
  if (!opts.address.empty()) {
    auto chosen = choose_address(opts.address, list_interface_addresses());
    if (!chosen) {
      err << wrap_usage() << "roster wrap: error: argument " << chosen.error().message << '\n';
      return 2;
    }
    address = chosen->ip;
    err << "roster wrap: advertising address " << address << " (" << chosen->source << ")\n";
  }

  const Logger log(std::make_shared<LogSink>(err, log_level_for_verbosity(opts.verbosity)), "wrap");
  if (opts.heartbeat >= opts.ttl)
    log.warn("heartbeat is not shorter than ttl: the check will flap between passes",
             {{"ttl_ms", std::to_string(opts.ttl.count())}, {"heartbeat_ms", std::to_string(opts.heartbeat.count())}});

  asio::io_context io;
  ApiClient api(io.get_executor(), ApiClientConfig{opts.agent_host, opts.agent_port, opts.token});
  SupervisorConfig config;
  config.registration = ServiceRegistration{opts.service_name, opts.id, opts.tags, opts.port, opts.ttl, address, opts.meta};
  config.heartbeat = opts.heartbeat;
  config.command = opts.command;
  config.health = HealthConfig{opts.port, address, opts.check_tcp, opts.check_http, opts.check_interval};
  config.drain = opts.drain;
  config.on_exit = opts.on_exit;
  config.reap_orphans = ::getpid() == 1;  // a container's init: orphans are ours to reap
  Supervisor supervisor(io, api, std::move(config), log);

  int exit_code = 1;
  asio::co_spawn(io, supervisor.async_run(), [&](std::exception_ptr e, int code) {
    if (!e) {
      exit_code = code;
      return;
    }
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      log.error("wrapper failed", {{"error", ex.what()}});
    } catch (...) {
      log.error("wrapper failed", {{"error", "unknown exception"}});
    }
  });
  io.run();
  return exit_code;
}

}  // namespace roster::wrapper

// `roster watch -type service|services|nodes|checks [...] [-- HANDLER ARGS...]`:
// holds a blocking query and, each time the result changes, prints the JSON
// or runs the handler with the JSON on its stdin.
#include <algorithm>
#include <thread>

#include <boost/process.hpp>
#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "cli/agent_calls.hpp"
#include "cli/commands.hpp"
#include "cli/watch_state.hpp"
#include "client/agent_address.hpp"

namespace roster::cli {
namespace po = boost::program_options;
namespace bp = boost::process;

namespace {

constexpr const char* kUsage =
    "Usage: roster watch -type service -service NAME [-tag TAG]... [-passingonly]\n"
    "       roster watch -type services|nodes\n"
    "       roster watch -type checks [-service NAME | -state STATE]\n"
    "   with [-cooldown SECONDS] [-http-addr ADDR] [-token TOKEN] [-- HANDLER [ARGS...]]\n";

constexpr std::chrono::seconds kWait{300};  // the agent's default blocking wait

struct WatchFlags {
  ClientFlags client;
  std::string type, service, state;
  std::vector<std::string> tags;
  bool passing_only = false;
  double cooldown = 0;
};

Result<std::string> target_for(const WatchFlags& f) {
  if (f.type == "service") {
    if (f.service.empty()) return invalid("-type service needs -service NAME");
    std::string t = "/v1/health/service/" + client::url_encode(f.service);
    std::string q;
    for (const auto& tag : f.tags) q += (q.empty() ? "?" : "&") + std::string("tag=") + client::url_encode(tag);
    if (f.passing_only) q += (q.empty() ? "?" : "&") + std::string("passing=1");
    return t + q;
  }
  if (f.type == "services") return std::string("/v1/catalog/services");
  if (f.type == "nodes") return std::string("/v1/catalog/nodes");
  if (f.type == "checks") {
    if (!f.service.empty() && !f.state.empty()) return invalid("-service and -state cannot be combined");
    if (!f.service.empty()) return "/v1/health/checks/" + client::url_encode(f.service);
    return "/v1/health/state/" + client::url_encode(f.state.empty() ? "any" : f.state);
  }
  return invalid(f.type.empty() ? "-type is required" : "unknown -type \"" + f.type + "\"");
}

std::string pretty(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  if (doc.HasParseError()) return body;
  rapidjson::StringBuffer buf;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buf);
  w.SetIndent(' ', 4);
  doc.Accept(w);
  return std::string(buf.GetString(), buf.GetSize()) + "\n";
}

// Runs the handler with `json` on its stdin; a failing handler is reported,
// never fatal.
void run_handler(const std::vector<std::string>& handler, const std::string& json, const Io& io) {
  try {
    const auto exe = handler[0].find('/') == std::string::npos ? bp::search_path(handler[0])
                                                               : boost::filesystem::path(handler[0]);
    if (exe.empty()) {
      io.err << "roster watch: handler \"" << handler[0] << "\" not found\n";
      return;
    }
    bp::opstream in;
    bp::child child(exe, bp::args(std::vector<std::string>(handler.begin() + 1, handler.end())), bp::std_in < in);
    in << json;
    in.flush();
    in.pipe().close();
    child.wait();
    if (child.exit_code() != 0)
      io.err << "roster watch: handler exited with status " << child.exit_code() << "\n";
  } catch (const std::exception& e) {
    io.err << "roster watch: cannot run handler: " << e.what() << "\n";
  }
}

}  // namespace

int run_watch(const std::vector<std::string>& args, const Io& io) {
  const auto dashdash = std::find(args.begin(), args.end(), "--");
  const std::vector<std::string> flags(args.begin(), dashdash);
  const std::vector<std::string> handler = dashdash == args.end() ? std::vector<std::string>{}
                                                                  : std::vector<std::string>(dashdash + 1, args.end());
  WatchFlags f;
  po::options_description desc;
  add_client_flags(desc, f.client);
  desc.add_options()("type", po::value(&f.type), "service, services, nodes or checks")(
      "service", po::value(&f.service), "service name")("state", po::value(&f.state), "check state")(
      "tag", po::value(&f.tags)->composing(), "tag (repeatable)")("passingonly", po::bool_switch(&f.passing_only),
                                                                  "only passing instances")(
      "cooldown", po::value(&f.cooldown), "run the handler at most once per this many seconds");
  po::variables_map vm;
  auto usage = [&](const std::string& m) {
    io.err << "roster watch: " << m << "\n" << kUsage;
    return 2;
  };
  if (auto st = parse_flags(flags, desc, vm); !st) return usage(st.error().message);
  if (dashdash != args.end() && handler.empty()) return usage("a handler command must follow --");
  if (f.cooldown < 0) return usage("-cooldown must not be negative");
  auto target = target_for(f);
  if (!target) return usage(target.error().message);
  auto config = client_config(f.client, io.env);
  if (!config) return usage(config.error().message);

  WatchState state;
  Cooldown cooldown(std::chrono::milliseconds(static_cast<long long>(f.cooldown * 1000)));
  std::uint64_t index = 0;
  std::chrono::milliseconds backoff{500};
  std::string last_error;
  for (;;) {
    std::string t = *target;
    if (index > 0)
      t += (t.find('?') == std::string::npos ? "?" : "&") + std::string("index=") + std::to_string(index) +
           "&wait=" + std::to_string(kWait.count()) + "s";
    auto reply = client::request_blocking(*config, {"GET", t, ""}, kWait + kWait / 16 + std::chrono::seconds(10));
    if (!reply || reply->status >= 500) {
      const std::string err = !reply ? reply.error().message
                                     : "Unexpected response code: " + std::to_string(reply->status) + " (" +
                                           one_line(reply->body) + ")";
      if (err != last_error) io.err << "roster watch: " << err << " (retrying)\n";
      last_error = err;
      std::this_thread::sleep_for(backoff);
      backoff = std::min(backoff * 2, std::chrono::milliseconds(30'000));
      continue;
    }
    if (reply->status != 200) {
      io.err << "roster watch: Unexpected response code: " << reply->status << " (" << one_line(reply->body) << ")\n";
      return 1;
    }
    last_error.clear();
    backoff = std::chrono::milliseconds(500);
    std::uint64_t reply_index = 0;
    if (auto h = reply->header("x-consul-index")) reply_index = std::strtoull(h->c_str(), nullptr, 10);
    const WatchStep step = state.on_reply(reply_index, reply->body);
    index = step.next_index;
    if (!step.emit) continue;
    if (const auto wait = cooldown.remaining(Cooldown::Clock::now()); wait.count() > 0) {
      std::this_thread::sleep_for(wait);  // then block on the newest index, which returns at once if it moved
      index = 0;
      continue;
    }
    cooldown.ran(Cooldown::Clock::now());
    state.emitted(reply->body);
    if (handler.empty()) {
      io.out << pretty(reply->body) << std::flush;
    } else {
      run_handler(handler, reply->body, io);
    }
  }
}

}  // namespace roster::cli

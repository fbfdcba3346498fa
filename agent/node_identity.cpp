#include "agent/node_identity.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/string_generator.hpp>
#include <boost/uuid/uuid_io.hpp>

#include "common/interfaces.hpp"

namespace roster::agent {
namespace fs = std::filesystem;

namespace {

std::string hostname() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "roster";
  return buf;
}

bool valid_uuid(const std::string& s) {
  try {
    boost::uuids::string_generator()(s);
    return s.size() == 36;
  } catch (const std::exception&) {
    return false;
  }
}

Result<std::string> node_id(const std::string& data_dir) {
  const std::string fresh = boost::uuids::to_string(boost::uuids::random_generator()());
  if (data_dir.empty()) return fresh;
  std::error_code ec;
  fs::create_directories(data_dir, ec);
  if (ec) return internal("cannot create data dir " + data_dir + ": " + ec.message());
  const fs::path path = fs::path(data_dir) / "node-id";
  if (std::ifstream in(path); in) {
    std::string id;
    in >> id;
    if (valid_uuid(id)) return id;
    return invalid("data dir holds an invalid node-id file: " + path.string());
  }
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << fresh << '\n';
    if (!out) return internal("cannot write " + tmp.string());
  }
  fs::rename(tmp, path, ec);
  if (ec) return internal("cannot write " + path.string() + ": " + ec.message());
  return fresh;
}

}  // namespace

std::string default_advertise_address() {
  for (const auto& i : list_interface_addresses())
    if (i.address.is_v4() && !i.address.is_loopback()) return i.address.to_string();
  return "127.0.0.1";
}

Result<registry::LocalNode> resolve_identity(const AgentConfig& c) {
  registry::LocalNode node;
  node.name = c.node_name.empty() ? hostname() : c.node_name;
  node.datacenter = c.datacenter;
  auto id = node_id(c.dev ? std::string() : c.data_dir);
  if (!id) return id.error();
  node.id = *id;
  if (!c.advertise_addr.empty()) node.address = c.advertise_addr;
  else if (c.dev) node.address = "127.0.0.1";
  else if (!c.bind_addr.empty() && c.bind_addr != "0.0.0.0") node.address = c.bind_addr;
  else node.address = default_advertise_address();
  return node;
}

}  // namespace roster::agent

#include "agent/ready_file.hpp"

#include <unistd.h>

#include <cstdio>
#include <fstream>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace roster::agent {

Status write_ready_file(const std::string& path, const ReadyInfo& info) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("pid"); w.Int(static_cast<int>(getpid()));
  w.Key("node"); w.String(info.node.c_str());
  w.Key("client_addr"); w.String(info.client_addr.c_str());
  w.Key("http_port"); w.Uint(info.http_port);
  w.Key("dns_port"); w.Uint(info.dns_port);
  w.Key("serf_lan_port"); w.Uint(info.serf_lan_port);
  w.EndObject();
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << buf.GetString() << '\n';
    if (!out) return internal("cannot write ready file " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return internal("cannot rename ready file to " + path);
  return ok();
}

}  // namespace roster::agent

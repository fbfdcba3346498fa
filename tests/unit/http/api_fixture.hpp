#pragma once
// The whole API driven through Api::handle with a real Registry: no sockets.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>

#include "fakes/manual_clock.hpp"
#include "http/api.hpp"

namespace roster::http {

class ApiFixture : public ::testing::Test {
 protected:
  testing::ManualClock clock;
  registry::Registry reg{registry::LocalNode{"node1", "id-1", "10.0.0.1", "dc1", {}}, clock.now()};
  int leaves = 0;
  Api api{ApiContext{reg, clock, AgentInfo{"node1", "id-1", "dc1", "10.0.0.1", "0.1.0", "abc"},
                     [this] { ++leaves; }}};

  Response call(Method m, const std::string& target, std::string body = "",
                std::map<std::string, std::string> headers = {}) {
    Request r;
    r.method = m;
    r.method_text = std::string(to_string(m));
    const auto q = target.find('?');
    r.path = target.substr(0, q);
    if (q != std::string::npos) r.query = QueryParams::parse(target.substr(q + 1));
    r.body = std::move(body);
    r.headers = std::move(headers);
    return api.handle(r);
  }
  Response get(const std::string& target) { return call(Method::Get, target); }
  Response put(const std::string& target, std::string body = "") { return call(Method::Put, target, std::move(body)); }

  rapidjson::Document json(const Response& r) {
    rapidjson::Document d;
    d.Parse(r.body.c_str());
    EXPECT_FALSE(d.HasParseError()) << r.body;
    return d;
  }

  static std::string header(const Response& r, const std::string& name) {
    for (const auto& [k, v] : r.headers)
      if (k == name) return v;
    return "";
  }
  static registry::Index index_of(const Response& r) { return std::stoull(header(r, "X-Consul-Index")); }

  void register_service(const std::string& body) { ASSERT_EQ(put("/v1/agent/service/register", body).status, 200) << body; }
};

}  // namespace roster::http

#include "cli/agent_calls.hpp"

namespace roster::cli {

std::string one_line(std::string text) {
  for (char& c : text)
    if (c == '\n' || c == '\r') c = ' ';
  while (!text.empty() && text.back() == ' ') text.pop_back();
  if (text.size() > 300) text = text.substr(0, 300) + "...";
  return text;
}

Result<client::HttpReply> call_agent(const client::HttpClientConfig& config, const std::string& method,
                                     const std::string& target, std::string body,
                                     std::chrono::milliseconds timeout) {
  auto reply = client::request_blocking(config, {method, target, std::move(body)}, timeout);
  if (!reply) return internal(reply.error().message);
  if (reply->status != 200)
    return internal("Unexpected response code: " + std::to_string(reply->status) + " (" +
                    one_line(reply->body) + ")");
  return reply;
}

Result<rapidjson::Document> get_json(const client::HttpClientConfig& config, const std::string& target) {
  auto reply = call_agent(config, "GET", target);
  if (!reply) return reply.error();
  rapidjson::Document doc;
  doc.Parse(reply->body.c_str(), reply->body.size());
  if (doc.HasParseError()) return internal("the agent answered with invalid JSON");
  return doc;
}

}  // namespace roster::cli

// Load generator of bench/http/registrations.py: C keep-alive HTTP/1.1
// connections, each looping register (a fresh ID, TTL check) -> pass ->
// deregister with one request in flight, the same requests as the wrk script
// of that file. wrk needs one thread per connection for that ordering (its Lua
// state is per thread), and 64 threads running Lua cost about as much CPU per
// request as the agent on a 2-core machine; this client multiplexes the
// connections over a few epoll threads instead. Standalone (no project
// headers), compiled by registrations.py:
//
//   g++ -std=c++20 -O2 -pthread regload.cpp -o regload
//   regload PORT CONNECTIONS SECONDS [THREADS]
//
// Prints one line of JSON: requests, non2xx, errors, seconds, p50_us, p99_us.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Conn {
  int fd = -1;
  std::string id;        // this connection's ID prefix
  std::uint64_t n = 0;   // registrations started
  int step = 0;          // 0 register, 1 pass, 2 deregister
  std::string out;       // the request being sent
  std::size_t sent = 0;
  std::string in;        // the response being read
  Clock::time_point started;
  bool done = false;
};

struct Totals {
  std::uint64_t requests = 0, non2xx = 0, errors = 0;
  std::vector<std::uint32_t> latencies_us;
};

void build_request(Conn& c) {
  const std::string sid = "reg-" + c.id + "-" + std::to_string(c.n);
  c.out.clear();
  c.sent = 0;
  if (c.step == 0) {
    const std::string body =
        "{\"Name\":\"reg\",\"ID\":\"" + sid + "\",\"Port\":9000,\"Tags\":[\"a\"],\"Check\":{\"TTL\":\"30s\"}}";
    c.out = "PUT /v1/agent/service/register HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " +
            std::to_string(body.size()) + "\r\n\r\n" + body;
  } else if (c.step == 1) {
    c.out = "PUT /v1/agent/check/pass/service:" + sid + "?note=ok HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  } else {
    c.out = "PUT /v1/agent/service/deregister/" + sid + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  }
}

// Sends what is left of the request; false on a broken connection.
bool flush(Conn& c) {
  while (c.sent < c.out.size()) {
    const ssize_t n = ::send(c.fd, c.out.data() + c.sent, c.out.size() - c.sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;  // EPOLLOUT finishes it
    if (n <= 0) return false;
    c.sent += static_cast<std::size_t>(n);
  }
  return true;
}

// The length of a whole response at the start of `in`, 0 while incomplete,
// -1 when malformed. Responses carry Content-Length (Roster always sends it).
long response_length(const std::string& in, int& status) {
  const auto end = in.find("\r\n\r\n");
  if (end == std::string::npos) return 0;
  if (in.compare(0, 9, "HTTP/1.1 ") != 0 || in.size() < 12) return -1;
  status = std::atoi(in.c_str() + 9);
  long body = 0;
  for (std::size_t pos = in.find("\r\n"); pos < end; pos = in.find("\r\n", pos + 2)) {
    static const char kName[] = "content-length:";
    if (end - pos - 2 < sizeof kName - 1) continue;
    if (strncasecmp(in.c_str() + pos + 2, kName, sizeof kName - 1) == 0)
      body = std::atol(in.c_str() + pos + 2 + sizeof kName - 1);
  }
  const long total = static_cast<long>(end + 4) + body;
  return static_cast<long>(in.size()) >= total ? total : 0;
}

int connect_to(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 && errno != EINPROGRESS) {
    ::close(fd);
    return -1;
  }
  return fd;
}

void run(int port, std::vector<Conn*> conns, Clock::time_point deadline, Totals& t) {
  const int ep = ::epoll_create1(EPOLL_CLOEXEC);
  std::size_t live = 0;
  for (Conn* c : conns) {
    c->fd = connect_to(port);
    if (c->fd < 0) {
      ++t.errors;
      c->done = true;
      continue;
    }
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLET;  // edges: EPOLLOUT once connected or drained
    ev.data.ptr = c;
    ::epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
    build_request(*c);
    c->started = Clock::now();
    ++live;
  }
  const auto finish = [&](Conn& c, bool error) {
    if (error) ++t.errors;
    ::epoll_ctl(ep, EPOLL_CTL_DEL, c.fd, nullptr);
    ::close(c.fd);
    c.done = true;
    --live;
  };
  std::vector<epoll_event> events(64);
  char buf[16384];
  while (live > 0) {
    const int n = ::epoll_wait(ep, events.data(), static_cast<int>(events.size()), 100);
    if (n < 0 && errno != EINTR) break;
    for (int i = 0; i < n; ++i) {
      Conn& c = *static_cast<Conn*>(events[i].data.ptr);
      if (c.done) continue;
      if (events[i].events & (EPOLLERR | EPOLLHUP)) {
        finish(c, true);
        continue;
      }
      if ((events[i].events & EPOLLOUT) && !flush(c)) {
        finish(c, true);
        continue;
      }
      if (!(events[i].events & EPOLLIN)) continue;
      bool closed = false;
      for (;;) {
        const ssize_t r = ::recv(c.fd, buf, sizeof buf, 0);
        if (r > 0) {
          c.in.append(buf, static_cast<std::size_t>(r));
          continue;
        }
        if (r < 0 && errno == EINTR) continue;
        closed = r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
        break;
      }
      int status = 0;
      const long len = response_length(c.in, status);
      if (len < 0 || (len == 0 && closed)) {
        finish(c, true);
        continue;
      }
      if (len == 0) continue;
      const auto now = Clock::now();
      ++t.requests;
      if (status < 200 || status >= 300) {
        ++t.non2xx;
        std::fprintf(stderr, "non-2xx %d: %.*s\n", status, static_cast<int>(len), c.in.c_str());
      }
      t.latencies_us.push_back(static_cast<std::uint32_t>(
          std::chrono::duration_cast<std::chrono::microseconds>(now - c.started).count()));
      c.in.erase(0, static_cast<std::size_t>(len));
      if (now >= deadline) {
        finish(c, false);
        continue;
      }
      if (++c.step == 3) {
        c.step = 0;
        ++c.n;
      }
      build_request(c);
      c.started = now;
      if (!flush(c)) finish(c, true);
    }
  }
  ::close(ep);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s PORT CONNECTIONS SECONDS [THREADS]\n", argv[0]);
    return 2;
  }
  const int port = std::atoi(argv[1]);
  const int connections = std::max(1, std::atoi(argv[2]));
  const double seconds = std::atof(argv[3]);
  const int threads = std::clamp(argc > 4 ? std::atoi(argv[4]) : 2, 1, connections);

  std::vector<Conn> conns(static_cast<std::size_t>(connections));
  const auto stamp = std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
  for (int i = 0; i < connections; ++i) conns[static_cast<std::size_t>(i)].id = std::to_string(i + 1) + "-" + stamp;
  std::vector<Totals> totals(static_cast<std::size_t>(threads));
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    std::vector<Conn*> mine;
    for (int i = t; i < connections; i += threads) mine.push_back(&conns[static_cast<std::size_t>(i)]);
    workers.emplace_back(run, port, std::move(mine), deadline, std::ref(totals[static_cast<std::size_t>(t)]));
  }
  for (auto& w : workers) w.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();

  Totals all;
  for (auto& t : totals) {
    all.requests += t.requests;
    all.non2xx += t.non2xx;
    all.errors += t.errors;
    all.latencies_us.insert(all.latencies_us.end(), t.latencies_us.begin(), t.latencies_us.end());
  }
  std::sort(all.latencies_us.begin(), all.latencies_us.end());
  const auto pct = [&](double p) -> std::uint32_t {
    if (all.latencies_us.empty()) return 0;
    return all.latencies_us[std::min(all.latencies_us.size() - 1, static_cast<std::size_t>(p * all.latencies_us.size()))];
  };
  std::printf("{\"requests\": %llu, \"non2xx\": %llu, \"errors\": %llu, \"seconds\": %.3f, \"p50_us\": %u, \"p99_us\": %u}\n",
              static_cast<unsigned long long>(all.requests), static_cast<unsigned long long>(all.non2xx),
              static_cast<unsigned long long>(all.errors), elapsed, pct(0.50), pct(0.99));
  return 0;
}

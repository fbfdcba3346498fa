#include "dns/cares_channel.hpp"

#include <arpa/inet.h>

#include <cstring>
#include <mutex>
#include <string>

namespace roster::dns {

struct CaresChannel::Watch {
  explicit Watch(asio::io_context& io, ares_socket_t s) : fd(s), descriptor(io, s) {}
  ares_socket_t fd;
  asio::posix::stream_descriptor descriptor;
  bool want_read = false;
  bool want_write = false;
  bool reading = false;
  bool writing = false;
  bool alive = true;
};

namespace {

struct Pending {
  CaresChannel::Callback done;
  bool* destroying;
};

}  // namespace

CaresChannel::CaresChannel(asio::io_context& io) : io_(io), timer_(io) {}

CaresChannel::~CaresChannel() {
  destroying_ = true;
  *alive_ = false;
  channel_.reset();  // calls on_reply(ARES_EDESTRUCTION) and on_sock_state(fd, 0, 0)
  for (auto& [fd, w] : watches_) {
    w->alive = false;
    boost::system::error_code ec;
    w->descriptor.cancel(ec);
    (void)w->descriptor.release();
  }
  timer_.cancel();
}

Result<std::unique_ptr<CaresChannel>> CaresChannel::create(asio::io_context& io, const Upstream& server,
                                                           bool tcp, std::chrono::milliseconds timeout) {
  static std::once_flag init;
  std::call_once(init, [] { ares_library_init(ARES_LIB_INIT_ALL); });
  std::unique_ptr<CaresChannel> self(new CaresChannel(io));
  ares_options opts{};
  opts.flags = ARES_FLAG_NOCHECKRESP | ARES_FLAG_NOSEARCH | (tcp ? ARES_FLAG_USEVC : ARES_FLAG_IGNTC);
  opts.timeout = static_cast<int>(timeout.count());
  opts.tries = 1;
  opts.sock_state_cb = &CaresChannel::on_sock_state;
  opts.sock_state_cb_data = self.get();
  ares_channel raw = nullptr;
  const int st = ares_init_options(&raw, &opts,
                                   ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_SOCK_STATE_CB);
  if (st != ARES_SUCCESS) return internal(std::string("dns: c-ares init failed: ") + ares_strerror(st));
  self->channel_.reset(raw);

  ares_addr_port_node node{};
  const auto& a = server.address;
  if (a.is_v4()) {
    node.family = AF_INET;
    const auto bytes = a.to_v4().to_bytes();
    std::memcpy(&node.addr.addr4, bytes.data(), bytes.size());
  } else {
    node.family = AF_INET6;
    const auto bytes = a.to_v6().to_bytes();
    std::memcpy(&node.addr.addr6, bytes.data(), bytes.size());
  }
  node.udp_port = server.port;
  node.tcp_port = server.port;
  if (const int s = ares_set_servers_ports(raw, &node); s != ARES_SUCCESS)
    return internal(std::string("dns: c-ares cannot use recursor: ") + ares_strerror(s));
  return self;
}

void CaresChannel::send(std::span<const std::uint8_t> query, Callback done) {
  auto* p = new Pending{std::move(done), &destroying_};
  ares_send(channel_.get(), query.data(), static_cast<int>(query.size()), &CaresChannel::on_reply, p);
  rearm_timer();
}

void CaresChannel::on_reply(void* arg, int status, int /*timeouts*/, unsigned char* abuf, int alen) {
  std::unique_ptr<Pending> p(static_cast<Pending*>(arg));
  if (status == ARES_EDESTRUCTION || *p->destroying) return;
  if (status == ARES_SUCCESS && abuf && alen > 0)
    p->done(true, {abuf, static_cast<std::size_t>(alen)});
  else
    p->done(false, {});
}

void CaresChannel::on_sock_state(void* data, ares_socket_t fd, int readable, int writable) {
  auto* self = static_cast<CaresChannel*>(data);
  auto it = self->watches_.find(fd);
  if (!readable && !writable) {
    // c-ares is about to close `fd`: give it back first.
    if (it == self->watches_.end()) return;
    auto w = it->second;
    self->watches_.erase(it);
    w->alive = false;
    boost::system::error_code ec;
    w->descriptor.cancel(ec);
    (void)w->descriptor.release();
    return;
  }
  if (it == self->watches_.end()) it = self->watches_.emplace(fd, std::make_shared<Watch>(self->io_, fd)).first;
  it->second->want_read = readable != 0;
  it->second->want_write = writable != 0;
  if (!self->destroying_) self->arm(it->second);
}

void CaresChannel::arm(const std::shared_ptr<Watch>& w) {
  if (w->want_read && !w->reading) {
    w->reading = true;
    w->descriptor.async_wait(asio::posix::descriptor_base::wait_read,
                             [this, w](const boost::system::error_code& ec) {
                               w->reading = false;
                               if (ec || !w->alive) return;
                               process(w->fd, ARES_SOCKET_BAD);
                               if (w->alive) arm(w);
                             });
  }
  if (w->want_write && !w->writing) {
    w->writing = true;
    w->descriptor.async_wait(asio::posix::descriptor_base::wait_write,
                             [this, w](const boost::system::error_code& ec) {
                               w->writing = false;
                               if (ec || !w->alive) return;
                               process(ARES_SOCKET_BAD, w->fd);
                               if (w->alive) arm(w);
                             });
  }
}

void CaresChannel::process(ares_socket_t read_fd, ares_socket_t write_fd) {
  ares_process_fd(channel_.get(), read_fd, write_fd);
  rearm_timer();
}

void CaresChannel::rearm_timer() {
  timeval tv{};
  if (!ares_timeout(channel_.get(), nullptr, &tv)) {
    timer_.cancel();
    return;
  }
  timer_.expires_after(std::chrono::seconds(tv.tv_sec) + std::chrono::microseconds(tv.tv_usec));
  timer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
    if (ec || !*alive) return;
    process(ARES_SOCKET_BAD, ARES_SOCKET_BAD);
  });
}

}  // namespace roster::dns

#include "dns/udp_batch.hpp"

#include <cerrno>
#include <cstring>

namespace roster::dns {

UdpBatch::UdpBatch() : arena_(2 * kSize * kStride) {}

std::size_t UdpBatch::receive(int fd) {
  out_count_ = 0;
  last_error_ = 0;
  for (std::size_t i = 0; i < kSize; ++i) {
    in_iov_[i] = {in(i), kBufferSize};
    in_msgs_[i] = {};
    in_msgs_[i].msg_hdr.msg_name = &peers_[i];
    in_msgs_[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
    in_msgs_[i].msg_hdr.msg_iov = &in_iov_[i];
    in_msgs_[i].msg_hdr.msg_iovlen = 1;
  }
  const int n = ::recvmmsg(fd, in_msgs_.data(), kSize, MSG_WAITFORONE, nullptr);
  if (n < 0) last_error_ = errno == EINTR ? 0 : errno;
  if (n <= 0) return 0;
  for (int i = 0; i < n; ++i) in_size_[i] = in_msgs_[i].msg_len;
  return static_cast<std::size_t>(n);
}

std::size_t UdpBatch::receive_more(int fd, std::size_t have) {
  if (have >= kSize) return have;
  const int n = ::recvmmsg(fd, in_msgs_.data() + have, static_cast<unsigned>(kSize - have), MSG_DONTWAIT, nullptr);
  if (n <= 0) return have;  // none waiting (or an error receive() will see again)
  for (std::size_t i = have; i < have + static_cast<std::size_t>(n); ++i) in_size_[i] = in_msgs_[i].msg_len;
  return have + static_cast<std::size_t>(n);
}

void UdpBatch::set_reply(std::size_t i, std::size_t size) {
  out_iov_[out_count_] = {out(i), size};
  mmsghdr& m = out_msgs_[out_count_++];
  m = {};
  m.msg_hdr.msg_name = &peers_[i];
  m.msg_hdr.msg_namelen = in_msgs_[i].msg_hdr.msg_namelen;
  m.msg_hdr.msg_iov = &out_iov_[out_count_ - 1];
  m.msg_hdr.msg_iovlen = 1;
}

asio::ip::udp::endpoint UdpBatch::peer(std::size_t i) const {
  asio::ip::udp::endpoint ep;
  const auto len = in_msgs_[i].msg_hdr.msg_namelen;
  std::memcpy(ep.data(), &peers_[i], std::min<std::size_t>(len, ep.capacity()));
  ep.resize(len);
  return ep;
}

void UdpBatch::send(int fd) {
  std::size_t sent = 0;
  while (sent < out_count_) {
    const int n = ::sendmmsg(fd, out_msgs_.data() + sent, static_cast<unsigned>(out_count_ - sent), 0);
    if (n > 0) sent += static_cast<std::size_t>(n);
    else if (n == 0 || errno != EINTR) ++sent;  // this one cannot be sent: skip it
  }
}

}  // namespace roster::dns

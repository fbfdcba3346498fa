#pragma once
// UdpBatch: batched datagram I/O on one blocking UDP socket: recvmmsg()
// waits for a query and reads every other one waiting (up to kSize) in the
// same system call, and sendmmsg() sends their replies in one more. The only
// place these calls are made.
#include <sys/socket.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "common/net.hpp"

namespace roster::dns {

// Thread safety: none; one per socket, used by the thread that serves it.
class UdpBatch {
 public:
  static constexpr std::size_t kSize = 32;
  static constexpr std::size_t kBufferSize = 65535;

  UdpBatch();
  UdpBatch(const UdpBatch&) = delete;
  UdpBatch& operator=(const UdpBatch&) = delete;

  // Waits for a datagram, then reads it and the others already waiting, up
  // to kSize. Returns how many: 0 when a signal interrupted the wait, or on
  // an error, whose errno is then last_error(). Once the socket is shut down
  // (shutdown(2)) it returns at once, with one empty datagram: callers check
  // their own stop flag. Forgets the replies of the previous batch.
  std::size_t receive(int fd);
  int last_error() const { return last_error_; }
  // Adds to the batch of `have` datagrams (receive()'s count) the ones
  // waiting now, without blocking, up to kSize. Returns the new count.
  std::size_t receive_more(int fd, std::size_t have);

  std::span<const std::uint8_t> query(std::size_t i) const { return {in(i), in_size_[i]}; }
  // Where reply `i` is written: kBufferSize bytes.
  std::span<std::uint8_t> reply_buffer(std::size_t i) { return {out(i), kBufferSize}; }
  // Marks reply `i` (of `size` bytes, already in its buffer) for sending.
  void set_reply(std::size_t i, std::size_t size);
  asio::ip::udp::endpoint peer(std::size_t i) const;

  // Sends the replies marked since receive(), waiting for room in the
  // socket's buffer. A reply the kernel rejects (an unreachable peer, no
  // memory) is skipped.
  void send(int fd);

 private:
  // Query i and reply i live in one arena, kStride bytes apart. The stride is
  // not a multiple of the page size, so the buffers' first bytes (the only
  // ones a typical message touches) fall in different cache sets: 64 KiB
  // apart they would all compete for the same few ways of L1 and L2.
  static constexpr std::size_t kStride = kBufferSize + 1 + 5 * 64;
  std::uint8_t* in(std::size_t i) { return arena_.data() + i * kStride; }
  const std::uint8_t* in(std::size_t i) const { return arena_.data() + i * kStride; }
  std::uint8_t* out(std::size_t i) { return arena_.data() + (kSize + i) * kStride; }
  std::vector<std::uint8_t> arena_;
  std::array<std::size_t, kSize> in_size_{};
  std::array<sockaddr_storage, kSize> peers_{};
  std::array<iovec, kSize> in_iov_{};
  std::array<mmsghdr, kSize> in_msgs_{};
  std::array<iovec, kSize> out_iov_{};
  std::array<mmsghdr, kSize> out_msgs_{};
  std::size_t out_count_ = 0;  // replies marked
  int last_error_ = 0;
};

}  // namespace roster::dns

#pragma once
// ServerContext: what a TCP server uses on its I/O thread.
#include "dns/answer_cache.hpp"
#include "dns/forwarder.hpp"
#include "dns/responder.hpp"

namespace roster::dns {

// Thread safety: the cache and the forwarder belong to one thread; every
// server given this context must run on the single thread of one io_context.
// Everything referenced must outlive the io_context's run.
struct ServerContext {
  const Responder& responder;
  AnswerCache& cache;
  Forwarder* forwarder = nullptr;  // null: no recursors (Forward decisions are refused)
};

}  // namespace roster::dns

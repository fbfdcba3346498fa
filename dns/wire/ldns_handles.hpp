#pragma once
// RAII handles for ldns objects. Every ldns object Roster creates is owned by
// one of these; no other code calls an ldns_*_free function.
#include <memory>

#include "dns/wire/ldns.hpp"

namespace roster::dns::wire {

struct PktFree {
  void operator()(ldns_pkt* p) const noexcept { ldns_pkt_free(p); }
};
struct RrFree {
  void operator()(ldns_rr* rr) const noexcept { ldns_rr_free(rr); }
};
struct RdfFree {
  void operator()(ldns_rdf* rdf) const noexcept { ldns_rdf_deep_free(rdf); }
};
struct BufferFree {
  void operator()(ldns_buffer* b) const noexcept { ldns_buffer_free(b); }
};
// A name-compression tree as ldns_dname2buffer_wire_compress fills it: every
// node and its key (a cloned dname rdf) were allocated by ldns.
struct CompressionTreeFree {
  void operator()(ldns_rbtree_t* tree) const noexcept {
    ldns_traverse_postorder(tree, free_node, nullptr);
    ldns_rbtree_free(tree);
  }
  static void free_node(ldns_rbnode_t* node, void*) noexcept {
    ldns_rdf_deep_free(static_cast<ldns_rdf*>(const_cast<void*>(node->key)));
    LDNS_FREE(node);
  }
};

using PktHandle = std::unique_ptr<ldns_pkt, PktFree>;
using RrHandle = std::unique_ptr<ldns_rr, RrFree>;
using RdfHandle = std::unique_ptr<ldns_rdf, RdfFree>;
using BufferHandle = std::unique_ptr<ldns_buffer, BufferFree>;
using CompressionTree = std::unique_ptr<ldns_rbtree_t, CompressionTreeFree>;

}  // namespace roster::dns::wire

// The registry's commit path: groups of applied writes made durable (one
// journal append) and visible (one new Catalog), then acknowledged, either to
// a blocked writer (await_commit) or to a callback (when_committed).
#include <algorithm>

#include "registry/registry.hpp"

namespace roster::registry {

namespace {
// The scope open on this thread, if any (see Registry::DeferredCommit). A
// thread-local rather than a parameter: it lets the HTTP layer defer the
// acknowledgement of any write without threading a ticket through every
// handler and registry method.
thread_local Registry::DeferredCommit* open_scope = nullptr;
}  // namespace

Registry::DeferredCommit::DeferredCommit(Registry& registry) : registry_(registry), outer_(open_scope) {
  open_scope = this;
}

Registry::DeferredCommit::~DeferredCommit() { open_scope = outer_; }

void Registry::set_commit_executor(CommitExecutor executor) {
  std::lock_guard lk(commit_mu_);
  commit_executor_ = std::move(executor);
}

Status Registry::status_of(std::uint64_t seq) const {
  if (failed_.empty()) return ok();
  auto it = failed_.upper_bound(seq);
  if (it != failed_.begin() && seq <= std::prev(it)->second.first) return std::prev(it)->second.second;
  return ok();
}

Status Registry::await_commit(std::uint64_t seq) {
  std::unique_lock lk(commit_mu_);
  if (open_scope && &open_scope->registry_ == this && commit_executor_) {
    open_scope->seq_ = std::max(open_scope->seq_, seq);
    return ok();  // the scope's owner waits with when_committed()
  }
  while (committed_ < seq) {
    if (committing_) {
      commit_cv_.wait(lk);
      continue;
    }
    commit_group(lk);
  }
  return status_of(seq);
}

void Registry::when_committed(std::uint64_t seq, std::function<void(Status)> done) {
  std::unique_lock lk(commit_mu_);
  if (!commit_executor_) {  // nobody commits in the background: commit on this thread
    lk.unlock();
    done(await_commit(seq));
    return;
  }
  if (committed_ >= seq) {
    Status st = status_of(seq);
    lk.unlock();
    done(std::move(st));
    return;
  }
  waiters_.emplace(seq, std::move(done));
  if (!commit_scheduled_) {
    commit_scheduled_ = true;
    commit_executor_([this] { run_commits(); });
  }
}

void Registry::run_commits() {
  std::unique_lock lk(commit_mu_);
  while (!waiters_.empty() && std::prev(waiters_.end())->first > committed_) {
    if (committing_) {
      commit_cv_.wait(lk);  // a blocked writer is committing; it fires the waiters too
      continue;
    }
    commit_group(lk);
  }
  commit_scheduled_ = false;
}

void Registry::commit_group(std::unique_lock<std::mutex>& lk) {
  committing_ = true;
  const std::uint64_t first = committed_ + 1;
  lk.unlock();

  // Take the whole group applied so far.
  std::uint64_t last = 0;
  Index index = 0;
  std::vector<Catalog::NodeChange> changes;
  std::shared_ptr<const IndexTable> indexes;
  std::string records;
  bool compact = false;
  {
    auto s = state_.lock();
    last = s->applied;
    index = s->index;
    changes.reserve(s->pending_changes.size());
    for (auto& [key, change] : s->pending_changes) changes.push_back(std::move(change));
    s->pending_changes.clear();
    indexes = std::make_shared<const IndexTable>(s->indexes);
    if (s->journal) {
      // Compaction: once the log has grown past twice its live size (and 4 MiB).
      compact = s->compact_next ||
                s->journal_appended > std::max<std::uint64_t>(4u << 20, 2 * s->journal_live);
      if (compact) {
        records = full_image(*s);
        s->journal_live = records.size();
        s->journal_appended = 0;
        s->compact_next = false;
      } else {
        records.swap(s->pending_records);
        s->journal_appended += records.size();
      }
      s->pending_records.clear();
    }
  }
  Status st = ok();
  if (journal_ && (compact || !records.empty()))
    st = compact ? journal_->rewrite(records) : journal_->append(records);
  if (!st) state_.lock()->compact_next = true;  // the next group rewrites the whole state
  if (!changes.empty()) {
    const auto prev = snapshot();
    auto next = Catalog::next(*prev, index, std::move(indexes), changes);
    *current_.lock() = std::move(next);
    const auto cat = snapshot();
    std::vector<Listener> listeners = *listeners_.lock();
    for (const auto& l : listeners) l(*cat);
  }

  lk.lock();
  if (!st) failed_.emplace(first, std::make_pair(last, st.error()));
  committed_ = std::max(committed_, last);
  committing_ = false;
  commit_cv_.notify_all();
  // Acknowledge the deferred writes of this group (outside the lock: a
  // callback may start another write).
  if (waiters_.empty() || waiters_.begin()->first > committed_) return;
  std::vector<std::pair<std::function<void(Status)>, Status>> ready;
  const auto end = waiters_.upper_bound(committed_);
  for (auto it = waiters_.begin(); it != end; ++it) ready.emplace_back(std::move(it->second), status_of(it->first));
  waiters_.erase(waiters_.begin(), end);
  lk.unlock();
  for (auto& [done, status] : ready) done(std::move(status));
  lk.lock();
}

}  // namespace roster::registry

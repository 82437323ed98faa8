// RevisionCache: a small LRU map of values derived from one revision of the
// index (a database uuid and revision: shards.h), shared by the readers. Search keeps
// two: the exact total and facet counts of recent queries (a common query
// repeated, the query mix being Zipf-like, does not walk its tens of
// thousands of matches again: what Elasticsearch's shard request cache does
// for aggregations), and the match bitmaps of frequent terms
// (match_bitmap.h).
//
// Entries answer only for the revision they were computed on: any commit
// makes a new revision, a reader that reopened onto it misses, and the first
// entry stored for the newer revision drops the older ones. A reader still
// on an older revision neither hits nor stores.
//
// Thread-safe: one mutex around the LRU list. Values are immutable and
// shared, so a hit copies nothing under the lock.
#pragma once

#include <xapian.h>

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

#include "shards.h"

namespace custos::indexer {

template <typename V>
class RevisionCache {
 public:
  struct Stats {
    int64_t hits = 0;
    int64_t misses = 0;
    int64_t entries = 0;
  };

  // Keeps at most `capacity` entries (0: stores nothing).
  explicit RevisionCache(size_t capacity) : capacity_(capacity) {}

  // The value of `key` computed on revision `rev` of database `uuid`, or
  // null.
  std::shared_ptr<const V> Get(const std::string& uuid, const shards::Revision& rev,
                               const std::string& key) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = uuid == uuid_ && rev == rev_ ? index_.find(key) : index_.end();
    if (it == index_.end()) {
      ++misses_;
      return nullptr;
    }
    lru_.splice(lru_.begin(), lru_, it->second);  // most recently used first
    ++hits_;
    return it->second->second;
  }

  // Stores `value` for `key` on revision `rev` of `uuid`, evicting the least
  // recently used entry when full.
  void Put(const std::string& uuid, const shards::Revision& rev, const std::string& key,
           std::shared_ptr<const V> value) {
    if (capacity_ == 0) return;
    std::lock_guard<std::mutex> lock(mu_);
    if (uuid == uuid_ && shards::Earlier(rev, rev_)) return;  // a reader not yet reopened
    if (uuid != uuid_ || rev != rev_) {
      lru_.clear();
      index_.clear();
      uuid_ = uuid;
      rev_ = rev;
    }
    if (auto it = index_.find(key); it != index_.end()) {
      it->second->second = std::move(value);
      lru_.splice(lru_.begin(), lru_, it->second);
      return;
    }
    lru_.emplace_front(key, std::move(value));
    index_.emplace(key, lru_.begin());
    if (lru_.size() > capacity_) {
      index_.erase(lru_.back().first);
      lru_.pop_back();
    }
  }

  Stats stats() const {
    std::lock_guard<std::mutex> lock(mu_);
    return {hits_, misses_, static_cast<int64_t>(lru_.size())};
  }

 private:
  using List = std::list<std::pair<std::string, std::shared_ptr<const V>>>;
  const size_t capacity_;
  mutable std::mutex mu_;
  std::string uuid_;  // the database and revision the entries belong to
  shards::Revision rev_;
  List lru_;
  std::unordered_map<std::string, typename List::iterator> index_;
  int64_t hits_ = 0;
  int64_t misses_ = 0;
};

}  // namespace custos::indexer

#include "custos/indexer/xapian_search_index.h"

#include <xapian.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <system_error>
#include <unordered_map>
#include <vector>

#include "custos/core/thread.h"
#include "facet_columns.h"
#include "generations.h"
#include "match_bitmap.h"
#include "revision_cache.h"
#include "schema.h"
#include "search.h"
#include "shards.h"
#include "xapian_status.h"

namespace custos::indexer {

namespace fs = std::filesystem;
using core::Result;
using core::Status;

namespace {

// Readers look for commits of other processes at least this often.
constexpr auto kReaderRecheck = std::chrono::milliseconds(100);
// Idle readers kept for reuse.
constexpr size_t kMaxIdleReaders = 32;
// Bitmaps of frequent terms kept (match_bitmap.h): 3.2 MB at 100k documents.
constexpr size_t kTermBitmaps = 256;
// Facet columns are rebuilt for a new revision at most this often.
constexpr auto kColumnsRebuildEvery = std::chrono::seconds(2);

// Creates an empty generation of `n` shards (if missing), each stamped with
// the schema.
Status CreateGeneration(const fs::path& path, int n) {
  try {
    return shards::Create(path, n, [](Xapian::WritableDatabase& w) {
      if (w.get_metadata(schema::kMetaSchema).empty()) {
        w.set_metadata(schema::kMetaSchema, std::string(schema::kSchemaVersion));
      }
    });
  } catch (const Xapian::Error& e) {
    return FromXapian(e, "creating index " + path.string());
  }
}

Status CheckSchema(const std::string& stored, const fs::path& path) {
  if (stored != schema::kSchemaVersion) {
    return Status::Corruption("index " + path.string() + " has schema '" + stored +
                              "', expected '" + std::string(schema::kSchemaVersion) +
                              "': rebuild it with custos reindex");
  }
  return Status::Ok();
}

int64_t ParseSeq(const std::string& s) {
  if (s.empty()) return 0;
  try {
    return std::stoll(s);
  } catch (const std::exception&) {
    return -1;
  }
}

// What the index has applied: what its least advanced shard has (shards.h).
template <typename Db>
Result<int64_t> AppliedSeq(const std::vector<Db>& dbs) {
  int64_t applied = -1;
  for (const auto& db : dbs) {
    const int64_t seq = ParseSeq(db.get_metadata(schema::kMetaLastSeq));
    if (seq < 0) return Status::Corruption("index metadata custos:last_seq is not a number");
    applied = applied < 0 ? seq : std::min(applied, seq);
  }
  return std::max<int64_t>(applied, 0);
}

// Net change of the spelling frequencies in a batch, applied once per word
// at its end: the batch's records share most of their words, and each
// add_spelling call is a lookup in Xapian's std::map of pending changes
// (and, for the first in a commit, in the spelling table).
using SpellingDelta = std::unordered_map<std::string, int64_t>;

// Takes away the spelling words an indexed public record contributed.
void RemoveSpellingOf(Xapian::WritableDatabase& w, const std::string& id_term,
                      SpellingDelta& delta) {
  Xapian::PostingIterator p = w.postlist_begin(id_term);
  if (p == w.postlist_end(id_term)) return;
  Xapian::Document old = w.get_document(*p);
  Xapian::TermIterator t = old.termlist_begin();
  const std::string public_term = std::string(schema::kVisibility) + "public";
  t.skip_to(public_term);
  if (t == old.termlist_end() || *t != public_term) return;
  for (auto& word : schema::SpellingWords(old)) --delta[std::move(word)];
}

// One shard's part of a batch.
struct ShardWork {
  std::vector<const std::string*> deletes;
  std::vector<const core::IndexedArtifact*> upserts;
};

// Writes one shard's part of `batch` in one transaction that also records
// the batch's seq, building each document on this thread (text analysis is
// about a fifth of the CPU of indexing a record). Shards run this side by
// side, on threads of their own. On an error the transaction is left open:
// the caller closes the writer, which cancels it.
Status ApplyShard(Xapian::WritableDatabase& w, const ShardWork& work, int64_t last_seq) {
  try {
    const int64_t stored = ParseSeq(w.get_metadata(schema::kMetaLastSeq));
    w.begin_transaction(true);
    SpellingDelta spelling;
    for (const std::string* id : work.deletes) {
      const std::string term = schema::IdTerm(*id);
      RemoveSpellingOf(w, term, spelling);
      w.delete_document(term);
    }
    Xapian::TermGenerator tg;  // one per thread: a TermGenerator is not thread-safe
    for (const core::IndexedArtifact* up : work.upserts) {
      schema::BuiltDocument built = schema::BuildDocument(*up, tg);
      const std::string term = schema::IdTerm(up->artifact.id);
      RemoveSpellingOf(w, term, spelling);
      if (built.is_public) {
        for (auto& word : schema::SpellingWords(built.doc)) ++spelling[std::move(word)];
      }
      w.replace_document(term, built.doc);
    }
    for (const auto& [word, d] : spelling) {
      if (d > 0) w.add_spelling(word, static_cast<Xapian::termcount>(d));
      if (d < 0) w.remove_spelling(word, static_cast<Xapian::termcount>(-d));
    }
    if (last_seq > stored) w.set_metadata(schema::kMetaLastSeq, std::to_string(last_seq));
    w.commit_transaction();
    return Status::Ok();
  } catch (const Xapian::Error& e) {
    return FromXapian(e, "indexing");
  } catch (const std::exception& e) {
    return Status::Internal(std::string("indexing: ") + e.what());
  }
}

}  // namespace

struct XapianSearchIndex::Impl {
  struct Reader {
    shards::Snapshot snap;
    std::string gen;
    uint64_t epoch = 0;
    std::chrono::steady_clock::time_point checked;
  };

  // Returns a reader to the pool when it goes out of scope, unless dropped.
  class Lease {
   public:
    Lease(const Impl* impl, std::unique_ptr<Reader> r) : impl_(impl), r_(std::move(r)) {}
    Lease(Lease&&) = default;
    ~Lease() {
      if (r_) impl_->Release(std::move(r_));
    }
    Reader& operator*() { return *r_; }
    Reader* operator->() { return r_.get(); }
    void Drop() { r_.reset(); }

   private:
    const Impl* impl_;
    std::unique_ptr<Reader> r_;
  };

  fs::path root;
  std::optional<std::string> pinned;  // OpenGeneration: never follows CURRENT
  int new_shards = 2;                 // of a generation created here

  // CURRENT cache.
  mutable std::mutex gen_mu;
  mutable generations::Stamp gen_stamp;
  mutable std::string gen_name;

  // Writers: one per shard of writer_gen (none when closed).
  std::mutex writer_mu;
  std::vector<Xapian::WritableDatabase> writers;
  std::string writer_gen;
  std::atomic<uint64_t> epoch{1};  // bumped after each commit by this process

  // Reader pool.
  mutable std::mutex pool_mu;
  mutable std::vector<std::unique_ptr<Reader>> idle;

  // Counts of recent queries (null when turned off) and bitmaps of
  // frequent terms, of the latest revision searched (revision_cache.h).
  std::unique_ptr<RevisionCache<FacetCount>> facet_cache;
  int64_t facet_cache_min_matches = 0;
  bool count_by_bitmap = true;
  // One cache of term bitmaps per shard (a shard's docids index them).
  std::vector<std::unique_ptr<RevisionCache<MatchBitmap>>> term_bitmaps = [] {
    std::vector<std::unique_ptr<RevisionCache<MatchBitmap>>> v;
    for (int k = 0; k < shards::kMaxShards; ++k) {
      v.push_back(std::make_unique<RevisionCache<MatchBitmap>>(kTermBitmaps));
    }
    return v;
  }();

  // Facet columns of the latest revision searched (facet_columns.h).
  mutable std::mutex columns_mu;
  mutable std::shared_ptr<const SnapshotColumns> columns;
  mutable std::chrono::steady_clock::time_point columns_built{};
  mutable bool columns_building = false;

  // The columns of db's revision, built now if due; null when another
  // search is building them or they were rebuilt less than
  // kColumnsRebuildEvery ago. While the index is written, every commit is a
  // new revision: in between rebuilds searches count facets by reading
  // values per match, exact as well, only slower.
  std::shared_ptr<const SnapshotColumns> ColumnsFor(const shards::Snapshot& snap) const {
    const std::string uuid = snap.db.get_uuid();
    const shards::Revision rev = snap.revision();
    const auto now = std::chrono::steady_clock::now();
    std::shared_ptr<const SnapshotColumns> previous;
    {
      std::lock_guard<std::mutex> lock(columns_mu);
      if (columns && columns->uuid == uuid && columns->revision == rev) return columns;
      if (columns_building || (columns && now - columns_built < kColumnsRebuildEvery)) {
        return nullptr;
      }
      columns_building = true;
      previous = columns;
    }
    std::shared_ptr<const SnapshotColumns> built;
    try {
      auto next = std::make_shared<SnapshotColumns>();
      next->uuid = uuid;
      next->revision = rev;
      for (size_t k = 0; k < snap.shards.size(); ++k) {
        // A shard no commit has touched since keeps its columns.
        const Xapian::Database& shard = snap.shards[k];
        if (previous && k < previous->shards.size() &&
            previous->shards[k]->uuid() == shard.get_uuid() &&
            previous->shards[k]->revision() == rev[k]) {
          next->shards.push_back(previous->shards[k]);
        } else {
          next->shards.push_back(FacetColumns::Build(shard));
        }
      }
      built = std::move(next);
    } catch (...) {
      std::lock_guard<std::mutex> lock(columns_mu);
      columns_building = false;
      throw;
    }
    std::lock_guard<std::mutex> lock(columns_mu);
    columns = built;
    columns_built = now;
    columns_building = false;
    return built;
  }

  fs::path PathOf(const std::string& gen) const { return root / gen; }

  Result<std::string> CurrentGen() const {
    if (pinned) return *pinned;
    generations::Stamp stamp = generations::StampOf(root);
    std::lock_guard<std::mutex> lock(gen_mu);
    if (!gen_name.empty() && stamp == gen_stamp) return gen_name;
    CUSTOS_ASSIGN_OR_RETURN(std::string gen, generations::ReadCurrent(root));
    gen_stamp = stamp;
    gen_name = gen;
    return gen;
  }

  Result<Lease> Acquire() const {
    CUSTOS_ASSIGN_OR_RETURN(std::string gen, CurrentGen());
    std::unique_ptr<Reader> r;
    {
      std::lock_guard<std::mutex> lock(pool_mu);
      if (!idle.empty()) {
        r = std::move(idle.back());
        idle.pop_back();
      }
    }
    const auto now = std::chrono::steady_clock::now();
    const uint64_t e = epoch.load(std::memory_order_acquire);
    // A writer committing twice while we open or reopen can discard the
    // revision being read (DatabaseModifiedError): try again from scratch.
    for (int attempt = 0;; ++attempt) {
      try {
        if (!r || r->gen != gen) {
          CUSTOS_ASSIGN_OR_RETURN(std::vector<fs::path> paths, shards::Paths(PathOf(gen)));
          r = std::make_unique<Reader>(Reader{shards::Snapshot::Open(paths), gen, e, now});
        } else if (r->epoch != e || now - r->checked >= kReaderRecheck) {
          r->snap.db.reopen();
          r->epoch = e;
          r->checked = now;
        }
        break;
      } catch (const Xapian::DatabaseModifiedError& ex) {
        r.reset();
        if (attempt >= 5) return FromXapian(ex, "opening index " + PathOf(gen).string());
      } catch (const Xapian::Error& ex) {
        return FromXapian(ex, "opening index " + PathOf(gen).string());
      }
    }
    return Lease(this, std::move(r));
  }

  void Release(std::unique_ptr<Reader> r) const {
    std::lock_guard<std::mutex> lock(pool_mu);
    if (idle.size() < kMaxIdleReaders) idle.push_back(std::move(r));
  }

  // Runs f(snapshot) on a leased reader, retrying when a writer has recycled
  // the revision the reader was on.
  template <typename T, typename F>
  Result<T> WithReader(F&& f, const char* what) const {
    for (int attempt = 0;; ++attempt) {
      CUSTOS_ASSIGN_OR_RETURN(Lease lease, Acquire());
      try {
        return f(lease->snap);
      } catch (const Xapian::DatabaseModifiedError& e) {
        lease.Drop();
        if (attempt >= 5) return FromXapian(e, what);
      } catch (const Xapian::Error& e) {
        lease.Drop();
        return FromXapian(e, what);
      } catch (const std::exception& e) {
        return Status::Internal(std::string(what) + ": " + e.what());
      }
    }
  }

  // Closes the writers (cancelling an open transaction). writer_mu held.
  void CloseWriters() {
    for (auto& w : writers) {
      try {
        w.close();
      } catch (const Xapian::Error&) {
        // Nothing uncommitted is lost: batches commit as a whole.
      }
    }
    writers.clear();
  }

  // Opens (or moves) the writers onto the live generation. writer_mu held.
  Status EnsureWriter() {
    CUSTOS_ASSIGN_OR_RETURN(std::string gen, CurrentGen());
    if (!writers.empty() && writer_gen == gen) return Status::Ok();
    CloseWriters();
    CUSTOS_ASSIGN_OR_RETURN(std::vector<fs::path> paths, shards::Paths(PathOf(gen)));
    try {
      for (const auto& path : paths) {
        Xapian::WritableDatabase& w =
            writers.emplace_back(path.string(), Xapian::DB_CREATE_OR_OPEN);
        std::string stored = w.get_metadata(schema::kMetaSchema);
        if (stored.empty() && w.get_doccount() == 0) {
          w.set_metadata(schema::kMetaSchema, std::string(schema::kSchemaVersion));
          w.commit();
          stored = schema::kSchemaVersion;
        }
        Status s = CheckSchema(stored, path);
        if (!s.ok()) {
          CloseWriters();
          return s;
        }
      }
      writer_gen = gen;
      return Status::Ok();
    } catch (const Xapian::Error& e) {
      CloseWriters();
      return FromXapian(e, "opening index for writing " + PathOf(gen).string());
    }
  }

  // Applies a batch: each shard's part in the shard's own transaction, the
  // shards side by side on threads of their own (shards.h).
  Status Apply(const core::IndexBatch& batch) {
    std::lock_guard<std::mutex> lock(writer_mu);
    CUSTOS_RETURN_IF_ERROR(EnsureWriter());
    const int n = static_cast<int>(writers.size());
    std::vector<ShardWork> work(writers.size());
    for (const auto& id : batch.deletes) work[shards::ShardOf(id, n)].deletes.push_back(&id);
    for (const auto& up : batch.upserts) {
      work[shards::ShardOf(up.artifact.id, n)].upserts.push_back(&up);
    }
    std::vector<Status> results(writers.size());
    std::vector<std::future<void>> helpers;
    for (int k = 1; k < n; ++k) {
      auto run = [this, &work, &results, &batch, k] {
        results[k] = ApplyShard(writers[k], work[k], batch.last_seq);
      };
      try {
        helpers.push_back(std::async(std::launch::async, [run, k] {
          core::NameThisThread("index-shard-" + std::to_string(k));
          run();
        }));
      } catch (const std::system_error&) {
        run();  // no thread to be had: on this one
      }
    }
    results[0] = ApplyShard(writers[0], work[0], batch.last_seq);
    for (auto& h : helpers) h.get();
    for (const Status& s : results) {
      if (!s.ok()) {
        // Shards that committed keep the batch; the follower applies it again
        // from the smallest seq. Closing cancels the others' transactions.
        CloseWriters();
        return s;
      }
    }
    epoch.fetch_add(1, std::memory_order_acq_rel);
    return Status::Ok();
  }
};

XapianSearchIndex::XapianSearchIndex(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
XapianSearchIndex::~XapianSearchIndex() { CloseWriter(); }

namespace {

// The whole number in environment variable `name` within [lo, hi], or
// `fallback` when it is unset.
Result<size_t> NumberFromEnvironment(const char* name, size_t fallback, size_t lo, size_t hi,
                                     const std::string& meaning) {
  const char* env = std::getenv(name);
  if (env == nullptr) return fallback;
  const std::string_view text(env);
  size_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || n < lo || n > hi) {
    return Status::InvalidArgument(std::string(name) + "=" + std::string(text) + ": expected " +
                                   meaning + " from " + std::to_string(lo) + " to " +
                                   std::to_string(hi) + " (unset for the default, " +
                                   std::to_string(fallback) + ")");
  }
  return n;
}

}  // namespace

Result<XapianSearchIndexOptions> XapianSearchIndexOptions::FromEnvironment() {
  XapianSearchIndexOptions o;
  CUSTOS_ASSIGN_OR_RETURN(
      o.facet_cache_entries,
      NumberFromEnvironment("CUSTOS_SEARCH_CACHE", o.facet_cache_entries, 0, 1 << 20,
                            "a number of cached facet counts (0 turns the cache off)"));
  CUSTOS_ASSIGN_OR_RETURN(
      const size_t n, NumberFromEnvironment("CUSTOS_INDEX_SHARDS", o.shards, 1, shards::kMaxShards,
                                            "a number of index shards"));
  o.shards = static_cast<int>(n);
  return o;
}

Result<std::unique_ptr<XapianSearchIndex>> XapianSearchIndex::Open(const std::string& dir) {
  CUSTOS_ASSIGN_OR_RETURN(XapianSearchIndexOptions options,
                          XapianSearchIndexOptions::FromEnvironment());
  return Open(dir, options);
}

Result<std::unique_ptr<XapianSearchIndex>> XapianSearchIndex::Open(
    const std::string& dir, const XapianSearchIndexOptions& options) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::IOError("cannot create " + dir + ": " + ec.message());
  auto impl = std::make_unique<Impl>();
  impl->root = dir;
  if (options.facet_cache_entries > 0) {
    impl->facet_cache =
        std::make_unique<RevisionCache<FacetCount>>(options.facet_cache_entries);
    impl->facet_cache_min_matches = options.facet_cache_min_matches;
  }
  impl->count_by_bitmap = options.count_by_bitmap;
  impl->new_shards = options.shards;
  Result<std::string> cur = generations::ReadCurrent(impl->root);
  if (!cur.ok() && cur.status().code() != core::StatusCode::kNotFound) return cur.status();
  if (!cur.ok()) {
    const std::string first = generations::Next(impl->root);
    CUSTOS_RETURN_IF_ERROR(CreateGeneration(impl->root / first, impl->new_shards));
    CUSTOS_RETURN_IF_ERROR(generations::WriteCurrent(impl->root, first));
  }
  std::unique_ptr<XapianSearchIndex> index(new XapianSearchIndex(std::move(impl)));
  // Fail early on an unreadable or incompatible database.
  Result<bool> ok = index->impl_->WithReader<bool>(
      [&](shards::Snapshot& snap) -> Result<bool> {
        for (const auto& shard : snap.shards) {
          Status s = CheckSchema(shard.get_metadata(schema::kMetaSchema), dir);
          if (!s.ok()) return s;
        }
        return true;
      },
      "opening index");
  if (!ok.ok()) return ok.status();
  return index;
}

Result<std::unique_ptr<XapianSearchIndex>> XapianSearchIndex::OpenGeneration(
    const std::string& dir, const std::string& generation) {
  CUSTOS_ASSIGN_OR_RETURN(XapianSearchIndexOptions options,
                          XapianSearchIndexOptions::FromEnvironment());
  if (generations::Number(generation) < 0) {
    return Status::InvalidArgument("not a generation name: " + generation);
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::IOError("cannot create " + dir + ": " + ec.message());
  auto impl = std::make_unique<Impl>();
  impl->root = dir;
  impl->pinned = generation;
  impl->new_shards = options.shards;
  CUSTOS_RETURN_IF_ERROR(CreateGeneration(impl->root / generation, impl->new_shards));
  return std::unique_ptr<XapianSearchIndex>(new XapianSearchIndex(std::move(impl)));
}

Status XapianSearchIndex::ApplyBatch(const core::IndexBatch& batch) { return impl_->Apply(batch); }

Result<int64_t> XapianSearchIndex::LastAppliedSeq() const {
  {
    // The writers, when open on the live generation, are the freshest view.
    std::lock_guard<std::mutex> lock(impl_->writer_mu);
    Result<std::string> gen = impl_->CurrentGen();
    if (!impl_->writers.empty() && gen.ok() && *gen == impl_->writer_gen) {
      try {
        return AppliedSeq(impl_->writers);
      } catch (const Xapian::Error& e) {
        return FromXapian(e, "reading index metadata");
      }
    }
  }
  return impl_->WithReader<int64_t>([](shards::Snapshot& snap) { return AppliedSeq(snap.shards); },
                                    "reading index metadata");
}

Result<core::SearchResults> XapianSearchIndex::Search(const core::SearchQuery& query) const {
  CUSTOS_RETURN_IF_ERROR(ValidateQuery(query));
  return impl_->WithReader<core::SearchResults>(
      [&](shards::Snapshot& snap) {
        std::shared_ptr<const SnapshotColumns> columns;
        if (query.facets && query.facet_sample <= 0) columns = impl_->ColumnsFor(snap);
        SearchCaches caches;
        caches.counts = impl_->facet_cache.get();
        caches.counts_min_total = impl_->facet_cache_min_matches;
        caches.count_by_bitmap = impl_->count_by_bitmap;
        caches.term_bitmaps = &impl_->term_bitmaps;
        return RunSearch(snap, query, columns.get(), caches);
      },
      "search");
}

Result<std::vector<core::SearchHit>> XapianSearchIndex::Similar(std::string_view id, int n,
                                                                bool include_restricted) const {
  return impl_->WithReader<std::vector<core::SearchHit>>(
      [&](shards::Snapshot& snap) { return RunSimilar(snap.db, id, n, include_restricted); },
      "similar");
}

Result<int64_t> XapianSearchIndex::DocumentCount() const {
  return impl_->WithReader<int64_t>(
      [](shards::Snapshot& snap) -> Result<int64_t> {
        return static_cast<int64_t>(snap.db.get_doccount());
      },
      "counting");
}

std::string XapianSearchIndex::CurrentGeneration() const {
  Result<std::string> gen = impl_->CurrentGen();
  return gen.ok() ? *gen : std::string();
}

XapianSearchIndex::CacheStats XapianSearchIndex::FacetCacheStats() const {
  CacheStats out;
  if (impl_->facet_cache) {
    const auto s = impl_->facet_cache->stats();
    out.hits = s.hits;
    out.misses = s.misses;
    out.entries = s.entries;
  }
  for (const auto& bitmaps : impl_->term_bitmaps) out.term_bitmap_hits += bitmaps->stats().hits;
  return out;
}

void XapianSearchIndex::CloseWriter() {
  std::lock_guard<std::mutex> lock(impl_->writer_mu);
  impl_->CloseWriters();
}

}  // namespace custos::indexer

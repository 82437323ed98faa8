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

#include "facet_columns.h"
#include "generations.h"
#include "match_bitmap.h"
#include "revision_cache.h"
#include "schema.h"
#include "search.h"
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
// Documents of a batch are built (text analysis, document data) this many at
// a time, one chunk ahead of the writer on another thread: building is about
// a fifth of the CPU of indexing a record, and Xapian's writer is
// single-threaded.
constexpr size_t kBuildChunk = 256;

// Creates an empty generation database (if missing) with the schema stamp.
Status CreateGeneration(const fs::path& path) {
  try {
    Xapian::WritableDatabase w(path.string(), Xapian::DB_CREATE_OR_OPEN);
    if (w.get_metadata(schema::kMetaSchema).empty()) {
      w.set_metadata(schema::kMetaSchema, std::string(schema::kSchemaVersion));
      w.commit();
    }
    w.close();
    return Status::Ok();
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

}  // namespace

struct XapianSearchIndex::Impl {
  struct Reader {
    Xapian::Database db;
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

  // CURRENT cache.
  mutable std::mutex gen_mu;
  mutable generations::Stamp gen_stamp;
  mutable std::string gen_name;

  // Writer.
  std::mutex writer_mu;
  std::optional<Xapian::WritableDatabase> writer;
  std::string writer_gen;
  Xapian::TermGenerator tg;
  std::atomic<uint64_t> epoch{1};  // bumped after each commit by this process

  // Reader pool.
  mutable std::mutex pool_mu;
  mutable std::vector<std::unique_ptr<Reader>> idle;

  // Counts of recent queries (null when turned off) and bitmaps of
  // frequent terms, of the latest revision searched (revision_cache.h).
  std::unique_ptr<RevisionCache<FacetCount>> facet_cache;
  int64_t facet_cache_min_matches = 0;
  bool count_by_bitmap = true;
  RevisionCache<MatchBitmap> term_bitmaps{kTermBitmaps};

  // Facet columns of the latest revision searched (facet_columns.h).
  mutable std::mutex columns_mu;
  mutable std::shared_ptr<const FacetColumns> columns;
  mutable std::chrono::steady_clock::time_point columns_built{};
  mutable bool columns_building = false;

  // The columns of db's revision, built now if due; null when another
  // search is building them or they were rebuilt less than
  // kColumnsRebuildEvery ago. While the index is written, every commit is a
  // new revision: in between rebuilds searches count facets by reading
  // values per match, exact as well, only slower.
  std::shared_ptr<const FacetColumns> ColumnsFor(const Xapian::Database& db) const {
    const std::string uuid = db.get_uuid();
    const Xapian::rev rev = db.get_revision();
    const auto now = std::chrono::steady_clock::now();
    {
      std::lock_guard<std::mutex> lock(columns_mu);
      if (columns && columns->uuid() == uuid && columns->revision() == rev) return columns;
      if (columns_building || (columns && now - columns_built < kColumnsRebuildEvery)) {
        return nullptr;
      }
      columns_building = true;
    }
    std::shared_ptr<const FacetColumns> built;
    try {
      built = FacetColumns::Build(db);
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
          r = std::make_unique<Reader>(Reader{Xapian::Database(PathOf(gen).string()), gen, e, now});
        } else if (r->epoch != e || now - r->checked >= kReaderRecheck) {
          r->db.reopen();
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

  // Runs f(db) on a leased reader, retrying when a writer has recycled the
  // revision the reader was on.
  template <typename T, typename F>
  Result<T> WithReader(F&& f, const char* what) const {
    for (int attempt = 0;; ++attempt) {
      CUSTOS_ASSIGN_OR_RETURN(Lease lease, Acquire());
      try {
        return f(lease->db);
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

  // Opens (or moves) the writer onto the live generation. writer_mu held.
  Status EnsureWriter() {
    CUSTOS_ASSIGN_OR_RETURN(std::string gen, CurrentGen());
    if (writer && writer_gen == gen) return Status::Ok();
    try {
      if (writer) {
        writer->close();
        writer.reset();
      }
      writer.emplace(PathOf(gen).string(), Xapian::DB_CREATE_OR_OPEN);
      writer_gen = gen;
      std::string stored = writer->get_metadata(schema::kMetaSchema);
      if (stored.empty() && writer->get_doccount() == 0) {
        writer->set_metadata(schema::kMetaSchema, std::string(schema::kSchemaVersion));
        writer->commit();
        stored = schema::kSchemaVersion;
      }
      Status s = CheckSchema(stored, PathOf(gen));
      if (!s.ok()) {
        writer->close();
        writer.reset();
      }
      return s;
    } catch (const Xapian::Error& e) {
      writer.reset();
      return FromXapian(e, "opening index for writing " + PathOf(gen).string());
    }
  }

  // A document as written, with the words it adds to the spelling data
  // (public records only).
  struct Built {
    schema::BuiltDocument built;
    std::vector<std::string> spelling;
  };

  // Builds the documents of ups[begin, end). Thread-safe with distinct `tg`s.
  static std::vector<Built> BuildRange(const std::vector<core::IndexedArtifact>& ups, size_t begin,
                                       size_t end, Xapian::TermGenerator& tg) {
    std::vector<Built> out;
    out.reserve(end - begin);
    for (size_t i = begin; i < end; ++i) {
      Built b{schema::BuildDocument(ups[i], tg), {}};
      if (b.built.is_public) b.spelling = schema::SpellingWords(b.built.doc);
      out.push_back(std::move(b));
    }
    return out;
  }

  // Net change of the spelling frequencies in a batch, applied once per word
  // at its end: the batch's records share most of their words, and each
  // add_spelling call is a lookup in Xapian's std::map of pending changes
  // (and, for the first in a commit, in the spelling table).
  using SpellingDelta = std::unordered_map<std::string, int64_t>;

  // Takes away the spelling words an indexed public record contributed.
  void RemoveSpellingOf(const std::string& id_term, SpellingDelta& delta) {
    Xapian::PostingIterator p = writer->postlist_begin(id_term);
    if (p == writer->postlist_end(id_term)) return;
    Xapian::Document old = writer->get_document(*p);
    Xapian::TermIterator t = old.termlist_begin();
    const std::string public_term = std::string(schema::kVisibility) + "public";
    t.skip_to(public_term);
    if (t == old.termlist_end() || *t != public_term) return;
    for (auto& w : schema::SpellingWords(old)) --delta[std::move(w)];
  }

  void ApplySpelling(const SpellingDelta& delta) {
    for (const auto& [word, d] : delta) {
      if (d > 0) writer->add_spelling(word, static_cast<Xapian::termcount>(d));
      if (d < 0) writer->remove_spelling(word, static_cast<Xapian::termcount>(-d));
    }
  }

  Status Apply(const core::IndexBatch& batch) {
    std::lock_guard<std::mutex> lock(writer_mu);
    CUSTOS_RETURN_IF_ERROR(EnsureWriter());
    bool in_txn = false;
    try {
      const int64_t stored = ParseSeq(writer->get_metadata(schema::kMetaLastSeq));
      writer->begin_transaction(true);
      in_txn = true;
      SpellingDelta spelling;
      for (const auto& id : batch.deletes) {
        const std::string term = schema::IdTerm(id);
        RemoveSpellingOf(term, spelling);
        writer->delete_document(term);
      }
      const std::vector<core::IndexedArtifact>& ups = batch.upserts;
      auto chunk_end = [&](size_t begin) { return std::min(begin + kBuildChunk, ups.size()); };
      std::vector<Built> chunk = BuildRange(ups, 0, chunk_end(0), tg);
      for (size_t begin = 0; begin < ups.size(); begin = chunk_end(begin)) {
        // The next chunk is built on another thread while this one is
        // written (a future from std::async joins when it goes out of scope,
        // also when writing throws).
        std::future<std::vector<Built>> ahead;
        const size_t next = chunk_end(begin);
        if (next < ups.size()) {
          try {
            ahead = std::async(std::launch::async, [&ups, next, end = chunk_end(next)] {
              Xapian::TermGenerator own;  // a TermGenerator is not thread-safe
              return BuildRange(ups, next, end, own);
            });
          } catch (const std::system_error&) {
            // No thread to be had: built below, on this one.
          }
        }
        for (size_t i = begin; i < next; ++i) {
          Built& b = chunk[i - begin];
          const std::string term = schema::IdTerm(ups[i].artifact.id);
          RemoveSpellingOf(term, spelling);
          for (auto& w : b.spelling) ++spelling[std::move(w)];
          writer->replace_document(term, b.built.doc);
        }
        chunk = ahead.valid() ? ahead.get() : BuildRange(ups, next, chunk_end(next), tg);
      }
      ApplySpelling(spelling);
      if (batch.last_seq > stored) {
        writer->set_metadata(schema::kMetaLastSeq, std::to_string(batch.last_seq));
      }
      writer->commit_transaction();
      in_txn = false;
    } catch (const Xapian::Error& e) {
      Status s = FromXapian(e, "indexing");
      if (in_txn) {
        try {
          writer->cancel_transaction();
        } catch (const Xapian::Error&) {
          writer.reset();  // reopened on the next batch
        }
      }
      return s;
    } catch (const std::exception& e) {
      if (in_txn) {
        try {
          writer->cancel_transaction();
        } catch (const Xapian::Error&) {
          writer.reset();
        }
      }
      return Status::Internal(std::string("indexing: ") + e.what());
    }
    epoch.fetch_add(1, std::memory_order_acq_rel);
    return Status::Ok();
  }
};

XapianSearchIndex::XapianSearchIndex(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
XapianSearchIndex::~XapianSearchIndex() { CloseWriter(); }

Result<XapianSearchIndexOptions> XapianSearchIndexOptions::FromEnvironment() {
  XapianSearchIndexOptions o;
  const char* env = std::getenv("CUSTOS_SEARCH_CACHE");
  if (env == nullptr) return o;
  const std::string_view text(env);
  size_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return Status::InvalidArgument("CUSTOS_SEARCH_CACHE=" + std::string(text) +
                                   ": expected a whole number of cached facet counts "
                                   "(0 turns the cache off; unset for the default, " +
                                   std::to_string(o.facet_cache_entries) + ")");
  }
  o.facet_cache_entries = n;
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
  Result<std::string> cur = generations::ReadCurrent(impl->root);
  if (!cur.ok() && cur.status().code() != core::StatusCode::kNotFound) return cur.status();
  if (!cur.ok()) {
    const std::string first = generations::Next(impl->root);
    CUSTOS_RETURN_IF_ERROR(CreateGeneration(impl->root / first));
    CUSTOS_RETURN_IF_ERROR(generations::WriteCurrent(impl->root, first));
  }
  std::unique_ptr<XapianSearchIndex> index(new XapianSearchIndex(std::move(impl)));
  // Fail early on an unreadable or incompatible database.
  Result<bool> ok = index->impl_->WithReader<bool>(
      [&](Xapian::Database& db) -> Result<bool> {
        Status s = CheckSchema(db.get_metadata(schema::kMetaSchema), dir);
        if (!s.ok()) return s;
        return true;
      },
      "opening index");
  if (!ok.ok()) return ok.status();
  return index;
}

Result<std::unique_ptr<XapianSearchIndex>> XapianSearchIndex::OpenGeneration(
    const std::string& dir, const std::string& generation) {
  if (generations::Number(generation) < 0) {
    return Status::InvalidArgument("not a generation name: " + generation);
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::IOError("cannot create " + dir + ": " + ec.message());
  auto impl = std::make_unique<Impl>();
  impl->root = dir;
  impl->pinned = generation;
  CUSTOS_RETURN_IF_ERROR(CreateGeneration(impl->root / generation));
  return std::unique_ptr<XapianSearchIndex>(new XapianSearchIndex(std::move(impl)));
}

Status XapianSearchIndex::ApplyBatch(const core::IndexBatch& batch) { return impl_->Apply(batch); }

Result<int64_t> XapianSearchIndex::LastAppliedSeq() const {
  {
    // The writer, when open on the live generation, is the freshest view.
    std::lock_guard<std::mutex> lock(impl_->writer_mu);
    Result<std::string> gen = impl_->CurrentGen();
    if (impl_->writer && gen.ok() && *gen == impl_->writer_gen) {
      try {
        int64_t seq = ParseSeq(impl_->writer->get_metadata(schema::kMetaLastSeq));
        if (seq < 0) return Status::Corruption("index metadata custos:last_seq is not a number");
        return seq;
      } catch (const Xapian::Error& e) {
        return FromXapian(e, "reading index metadata");
      }
    }
  }
  return impl_->WithReader<int64_t>(
      [](Xapian::Database& db) -> Result<int64_t> {
        int64_t seq = ParseSeq(db.get_metadata(schema::kMetaLastSeq));
        if (seq < 0) return Status::Corruption("index metadata custos:last_seq is not a number");
        return seq;
      },
      "reading index metadata");
}

Result<core::SearchResults> XapianSearchIndex::Search(const core::SearchQuery& query) const {
  CUSTOS_RETURN_IF_ERROR(ValidateQuery(query));
  return impl_->WithReader<core::SearchResults>(
      [&](Xapian::Database& db) {
        std::shared_ptr<const FacetColumns> columns;
        if (query.facets && query.facet_sample <= 0) columns = impl_->ColumnsFor(db);
        SearchCaches caches;
        caches.counts = impl_->facet_cache.get();
        caches.counts_min_total = impl_->facet_cache_min_matches;
        caches.count_by_bitmap = impl_->count_by_bitmap;
        caches.term_bitmaps = &impl_->term_bitmaps;
        return RunSearch(db, query, columns.get(), caches);
      },
      "search");
}

Result<std::vector<core::SearchHit>> XapianSearchIndex::Similar(std::string_view id, int n,
                                                                bool include_restricted) const {
  return impl_->WithReader<std::vector<core::SearchHit>>(
      [&](Xapian::Database& db) { return RunSimilar(db, id, n, include_restricted); }, "similar");
}

Result<int64_t> XapianSearchIndex::DocumentCount() const {
  return impl_->WithReader<int64_t>(
      [](Xapian::Database& db) -> Result<int64_t> {
        return static_cast<int64_t>(db.get_doccount());
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
  out.term_bitmap_hits = impl_->term_bitmaps.stats().hits;
  return out;
}

void XapianSearchIndex::CloseWriter() {
  std::lock_guard<std::mutex> lock(impl_->writer_mu);
  if (!impl_->writer) return;
  try {
    impl_->writer->close();
  } catch (const Xapian::Error&) {
    // Nothing uncommitted is lost: batches commit as a whole.
  }
  impl_->writer.reset();
}

}  // namespace custos::indexer

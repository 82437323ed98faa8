#include "match_bitmap.h"

#include <bit>
#include <cassert>

namespace custos::indexer {

namespace {

// A term's bitmap is kept for the revision when the term is in at least
// 1/kKeepTermsOver of the documents: its posting list is then long to
// decode, and the bitmap no larger than the list.
constexpr Xapian::doccount kKeepTermsOver = 32;

class Evaluator {
 public:
  Evaluator(const Xapian::Database& db, Xapian::docid last, RevisionCache<MatchBitmap>* terms)
      : db_(db),
        last_(last),
        words_(static_cast<size_t>(last) / 64 + 1),
        terms_(terms),
        uuid_(db.get_uuid()),
        rev_{db.get_revision()} {}

  std::shared_ptr<const MatchBitmap> Eval(const Xapian::Query& q) {
    using Q = Xapian::Query;
    switch (q.get_type()) {
      case Q::LEAF_TERM:
        return Term(*q.get_unique_terms_begin());
      case Q::LEAF_MATCH_ALL:
        return Term("");  // the empty term's posting list is every document
      case Q::LEAF_MATCH_NOTHING:
        return std::make_shared<const MatchBitmap>(words_, 0);
      case Q::OP_SCALE_WEIGHT:
        return Eval(q.get_subquery(0));
      case Q::OP_AND_MAYBE:  // matches what its first subquery matches
        return Eval(q.get_subquery(0));
      case Q::OP_AND:
      case Q::OP_FILTER:
        return Combine(q, [](uint64_t a, uint64_t b) { return a & b; });
      case Q::OP_OR:
      case Q::OP_SYNONYM:
      case Q::OP_MAX:
        return Combine(q, [](uint64_t a, uint64_t b) { return a | b; });
      case Q::OP_XOR:
        return Combine(q, [](uint64_t a, uint64_t b) { return a ^ b; });
      case Q::OP_AND_NOT:
        return Combine(q, [](uint64_t a, uint64_t b) { return a & ~b; });
      default:
        assert(false && "BitmapEvaluable lets only the cases above through");
        return nullptr;
    }
  }

 private:
  // Folds the subqueries' bitmaps left to right with `op`.
  template <typename Op>
  std::shared_ptr<const MatchBitmap> Combine(const Xapian::Query& q, Op op) {
    const size_t n = q.get_num_subqueries();
    auto first = Eval(q.get_subquery(0));
    if (n == 1) return first;
    auto out = std::make_shared<MatchBitmap>(*first);
    for (size_t i = 1; i < n; ++i) {
      auto b = Eval(q.get_subquery(i));
      for (size_t w = 0; w < words_; ++w) (*out)[w] = op((*out)[w], (*b)[w]);
    }
    return out;
  }

  std::shared_ptr<const MatchBitmap> Term(const std::string& term) {
    if (terms_ != nullptr) {
      if (auto hit = terms_->Get(uuid_, rev_, term)) return hit;
    }
    auto b = std::make_shared<MatchBitmap>(words_, 0);
    Xapian::doccount n = 0;
    for (auto p = db_.postlist_begin(term); p != db_.postlist_end(term); ++p, ++n) {
      const Xapian::docid d = *p;
      if (d <= last_) (*b)[d / 64] |= uint64_t{1} << (d % 64);
    }
    if (terms_ != nullptr && n * kKeepTermsOver >= last_) terms_->Put(uuid_, rev_, term, b);
    return b;
  }

  const Xapian::Database& db_;
  const Xapian::docid last_;
  const size_t words_;
  RevisionCache<MatchBitmap>* const terms_;
  const std::string uuid_;
  const shards::Revision rev_;  // one shard
};

}  // namespace

bool BitmapEvaluable(const Xapian::Query& q) {
  using Q = Xapian::Query;
  switch (q.get_type()) {
    case Q::LEAF_TERM:
    case Q::LEAF_MATCH_ALL:
    case Q::LEAF_MATCH_NOTHING:
      return true;
    case Q::OP_SCALE_WEIGHT:
    case Q::OP_AND_MAYBE:
    case Q::OP_AND:
    case Q::OP_FILTER:
    case Q::OP_OR:
    case Q::OP_SYNONYM:
    case Q::OP_MAX:
    case Q::OP_XOR:
    case Q::OP_AND_NOT:
      if (q.get_num_subqueries() == 0) return false;
      for (size_t i = 0; i < q.get_num_subqueries(); ++i) {
        if (!BitmapEvaluable(q.get_subquery(i))) return false;
      }
      return true;
    default:  // phrases, NEAR, wildcards, value ranges, posting sources, ...
      return false;
  }
}

std::shared_ptr<const FacetCount> CountByBitmap(const Xapian::Database& db, const Xapian::Query& q,
                                                const FacetColumns& columns,
                                                RevisionCache<MatchBitmap>* terms) {
  assert(columns.uuid() == db.get_uuid() && columns.revision() == db.get_revision());
  const Xapian::docid last = columns.LastDocid();
  Evaluator eval(db, last, terms);
  const std::shared_ptr<const MatchBitmap> m = eval.Eval(q);
  auto out = std::make_shared<FacetCount>();
  for (const uint64_t w : *m) out->total += std::popcount(w);

  ColumnCounts counts(columns);
  const size_t nwords = m->size();
  if (out->total * 2 > static_cast<int64_t>(last)) {
    // Most documents match: subtract the ones that do not (docids 1..last;
    // a deleted docid has no facet entries, so subtracting it is a no-op).
    counts.SetToAll();
    for (size_t w = 0; w < nwords; ++w) {
      uint64_t miss = ~(*m)[w];
      if (w == 0) miss &= ~uint64_t{1};  // there is no docid 0
      if (w == nwords - 1 && (last + 1) % 64 != 0) miss &= (uint64_t{1} << ((last + 1) % 64)) - 1;
      for (; miss != 0; miss &= miss - 1) {
        counts.Subtract(static_cast<Xapian::docid>(w * 64 + std::countr_zero(miss)));
      }
    }
  } else {
    for (size_t w = 0; w < nwords; ++w) {
      for (uint64_t hit = (*m)[w]; hit != 0; hit &= hit - 1) {
        counts.Add(static_cast<Xapian::docid>(w * 64 + std::countr_zero(hit)));
      }
    }
  }
  out->facets = counts.Results();
  return out;
}

}  // namespace custos::indexer

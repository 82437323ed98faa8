// gen_corpus: deterministic generator of N artifact records (JSON Lines, the
// format `custos import` takes) with a Zipf-distributed vocabulary, plus a
// matching query list (1-3 words, Zipf-sampled from the same vocabulary).
//
//   gen_corpus --n 100000 --seed 42 --out corpus.jsonl --queries queries.txt
//              [--nqueries 2000] [--vocab 50000] [--zipf 1.0]
//
// Same arguments -> byte-identical output on every platform: the PRNG is
// splitmix64/xoshiro256** and all sampling is done by hand (no <random>
// distributions, whose output is implementation-defined).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "rng.h"

namespace {

using bench::Rng;

// Pronounceable synthetic words, distinct by construction (rank -> syllables).
std::string MakeWord(uint64_t rank) {
  static const char* kSyl[] = {"ka", "lo", "mi", "ra", "te", "su", "no", "vi", "de", "ba",
                               "go", "pe", "zu", "fa", "hi", "ju", "ne", "to", "sa", "ri",
                               "mo", "la", "ke", "di", "po", "ve", "gu", "ti", "na", "bo",
                               "ce", "xa"};
  std::string w;
  uint64_t r = rank + 32;  // at least two syllables
  while (r > 0) { w += kSyl[r % 32]; r /= 32; }
  return w;
}

struct Zipf {
  std::vector<double> cdf;
  Zipf(size_t n, double s) : cdf(n) {
    double sum = 0;
    for (size_t i = 0; i < n; ++i) { sum += 1.0 / std::pow(static_cast<double>(i + 1), s); cdf[i] = sum; }
    for (auto& c : cdf) c /= sum;
  }
  size_t sample(Rng& r) const {
    double u = r.uniform();
    return static_cast<size_t>(std::lower_bound(cdf.begin(), cdf.end(), u) - cdf.begin());
  }
};

const std::vector<std::string> kTypes = {"vase", "amphora", "statue", "figurine", "coin", "tablet",
    "manuscript", "painting", "icon", "relief", "seal", "mask", "textile", "bowl", "stele", "jewellery"};
const std::vector<std::string> kMaterials = {"bronze", "terracotta", "marble", "gold", "silver",
    "limestone", "wood", "parchment", "ivory", "clay", "glass", "linen", "alabaster", "basalt",
    "oil on panel", "tempera"};
const std::vector<std::string> kCountries = {"IQ", "SY", "EG", "IT", "GR", "TR", "IR", "AF", "PE",
    "MX", "KH", "CN", "IN", "NG", "ML", "LB", "YE", "LY", "CY", "GT"};
const std::vector<std::string> kStatus = {"in_collection", "in_collection", "in_collection",
    "in_collection", "reported_stolen", "seized", "under_investigation", "in_litigation",
    "repatriated", "returned"};
const std::vector<std::string> kFirst = {"Jean", "Marie", "Henri", "Paul", "Anna", "Karl", "Hans",
    "Luigi", "Sofia", "George", "Edward", "Alice", "Omar", "Nadia", "Pierre", "Elena"};
const std::vector<std::string> kLast = {"Durand", "Moreau", "Weber", "Rossi", "Smith", "Brown",
    "Kahn", "Levy", "Bernard", "Fischer", "Marchetti", "Hughes", "Aziz", "Haddad", "Petit", "Vogel"};
const std::vector<std::string> kCities = {"Paris", "London", "New York", "Geneva", "Zurich",
    "Brussels", "Munich", "Basel", "Vienna", "Beirut", "Cairo", "Rome", "Amsterdam", "Berlin"};
const std::vector<std::string> kDealers = {"Galerie Moreau", "Sotheby's", "Christie's",
    "Koller", "Hotel Drouot", "Spink", "Bonhams", "Gallery Ariadne"};

void AppendWords(std::string& out, Rng& r, const Zipf& z, const std::vector<std::string>& vocab, int n) {
  for (int i = 0; i < n; ++i) {
    if (i) out += ' ';
    out += vocab[z.sample(r)];
    if (i % 13 == 12 && i + 1 < n) out += '.';
  }
}

std::string Person(Rng& r) { return r.pick(kFirst) + " " + r.pick(kLast); }

std::string Provenance(Rng& r) {
  int periods = r.range(3, 6);
  int year = r.range(1880, 1930);
  std::string p;
  for (int i = 0; i < periods; ++i) {
    int kind = (i == 0) ? 0 : r.range(0, 3);
    std::string party = (kind == 3) ? r.pick(kDealers) : Person(r);
    std::string sep = (i == 0) ? "" : (r.range(0, 1) ? "; " : ". ");
    p += sep;
    const char* verb;
    switch (kind) {
      case 0: verb = (i == 0) ? "Purchased by " : "purchased by "; break;
      case 1: verb = "by descent to "; break;
      case 2: verb = "Sold to "; break;
      default: verb = "Acquired from "; break;
    }
    if (sep == ". " || i == 0) {
      std::string v = verb; v[0] = static_cast<char>(std::toupper(v[0])); p += v;
    } else {
      p += verb;
    }
    p += party;
    if (r.range(0, 2) != 0) { p += ", "; p += r.pick(kCities); }
    p += ", " + std::to_string(year);
    year += r.range(3, 30);
    if (year > 2023) year = 2023;
  }
  p += ".";
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  long n = 100000, nqueries = 2000, vocab_n = 50000;
  uint64_t seed = 42;
  double s = 1.0;
  const char* out_path = "corpus.jsonl";
  const char* q_path = "queries.txt";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--n") n = std::atol(argv[i + 1]);
    else if (a == "--seed") seed = std::strtoull(argv[i + 1], nullptr, 10);
    else if (a == "--out") out_path = argv[i + 1];
    else if (a == "--queries") q_path = argv[i + 1];
    else if (a == "--nqueries") nqueries = std::atol(argv[i + 1]);
    else if (a == "--vocab") vocab_n = std::atol(argv[i + 1]);
    else if (a == "--zipf") s = std::atof(argv[i + 1]);
    else { std::fprintf(stderr, "gen_corpus: unknown option %s\n", a.c_str()); return 2; }
  }
  std::vector<std::string> vocab;
  vocab.reserve(static_cast<size_t>(vocab_n));
  for (long i = 0; i < vocab_n; ++i) vocab.push_back(MakeWord(static_cast<uint64_t>(i)));
  Zipf zipf(static_cast<size_t>(vocab_n), s);
  Rng r(seed);

  FILE* out = std::fopen(out_path, "w");
  if (!out) { std::perror(out_path); return 1; }
  std::string line;
  for (long i = 0; i < n; ++i) {
    line.clear();
    char id[32];
    std::snprintf(id, sizeof id, "B%07ld", i);
    std::string type = r.pick(kTypes);
    line += "{\"id\":\""; line += id;
    line += "\",\"status\":\""; line += r.pick(kStatus);
    line += "\",\"object_type\":\""; line += type;
    line += "\",\"title\":\""; { std::string t; AppendWords(t, r, zipf, vocab, r.range(2, 5)); t[0] = static_cast<char>(std::toupper(t[0])); line += t + " " + type; }
    line += "\",\"materials\":[";
    int nm = r.range(1, 3);
    for (int m = 0; m < nm; ++m) { if (m) line += ','; line += '"' + r.pick(kMaterials) + '"'; }
    line += "],\"description\":\""; AppendWords(line, r, zipf, vocab, r.range(60, 100)); line += '.';
    line += "\",\"provenance_text\":\""; line += Provenance(r);
    line += "\",\"country_of_origin\":\""; line += r.pick(kCountries);
    int earliest = r.range(-3000, 1900);
    int latest = earliest + r.range(0, 200);
    line += "\",\"date\":{\"earliest\":" + std::to_string(earliest) + ",\"latest\":" + std::to_string(latest) + "}";
    char inv[64];
    std::snprintf(inv, sizeof inv, "INV %d.%d/%d", r.range(1900, 2020), r.range(1, 40), r.range(1, 400));
    line += ",\"identifiers\":[{\"type\":\"inventory_number\",\"value\":\""; line += inv; line += "\"}]";
    line += "}\n";
    std::fwrite(line.data(), 1, line.size(), out);
  }
  if (std::fclose(out) != 0) { std::perror(out_path); return 1; }

  FILE* q = std::fopen(q_path, "w");
  if (!q) { std::perror(q_path); return 1; }
  for (long i = 0; i < nqueries; ++i) {
    int words = r.range(1, 3);
    std::string qs;
    for (int w = 0; w < words; ++w) { if (w) qs += ' '; qs += vocab[zipf.sample(r)]; }
    std::fprintf(q, "%s\n", qs.c_str());
  }
  if (std::fclose(q) != 0) { std::perror(q_path); return 1; }
  std::fprintf(stderr, "gen_corpus: %ld records -> %s, %ld queries -> %s (seed %llu, vocab %ld, s=%.2f)\n",
               n, out_path, nqueries, q_path, static_cast<unsigned long long>(seed), vocab_n, s);
  return 0;
}

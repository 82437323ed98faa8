// raw_xapian_index: the ceiling for `bench/ingest.sh`. A minimal in-process
// Xapian indexer over the same JSONL: one document per record, TermGenerator
// (English, STEM_SOME, like custos) over the same text fields (title x3,
// materials, description, provenance_text, identifiers, object_type), the
// unique Q<id> term, one commit at the end. No store, no change feed, no
// prefixed duplicates, no facet values or document data beyond the JSON line.
//
//   raw_xapian_index CORPUS.jsonl DBDIR
// prints: raw_xapian_index: N records in S s = R records/s
#include <xapian.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: raw_xapian_index CORPUS.jsonl DBDIR\n";
    return 2;
  }
  auto t0 = std::chrono::steady_clock::now();
  std::ifstream in(argv[1]);
  if (!in) { std::perror(argv[1]); return 1; }
  Xapian::WritableDatabase db(argv[2], Xapian::DB_CREATE_OR_OVERWRITE);
  Xapian::TermGenerator tg;
  tg.set_stemmer(Xapian::Stem("english"));
  tg.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
  std::string line;
  long n = 0;
  db.begin_transaction(false);
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto j = nlohmann::json::parse(line);
    Xapian::Document doc;
    tg.set_document(doc);
    tg.index_text(j.value("title", ""), 3);
    tg.increase_termpos(100);
    for (const auto& m : j.value("materials", nlohmann::json::array())) {
      tg.index_text(m.get<std::string>());
      tg.increase_termpos(1);
    }
    tg.increase_termpos(100);
    tg.index_text(j.value("description", ""));
    tg.increase_termpos(100);
    tg.index_text(j.value("provenance_text", ""));
    tg.increase_termpos(100);
    tg.index_text(j.value("object_type", ""));
    for (const auto& id : j.value("identifiers", nlohmann::json::array())) {
      tg.increase_termpos(100);
      tg.index_text(id.value("value", ""));
    }
    const std::string qterm = "Q" + j.value("id", "");
    doc.add_boolean_term(qterm);
    doc.set_data(line);
    db.replace_document(qterm, doc);
    ++n;
  }
  db.commit_transaction();
  db.commit();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("raw_xapian_index: %ld records in %.2f s = %.0f records/s\n", n, secs, n / secs);
  return 0;
}

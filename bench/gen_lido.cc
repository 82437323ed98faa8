// gen_lido: deterministic generator of a LIDO 1.1 lidoWrap of N object
// records, for bench/import.sh. Each record has what a museum export carries:
// lidoRecID, object work type (with an AAT concept), one or two titles,
// inscriptions, a repository set with an inventory number, a description,
// measurements, a production event (actor, culture, date, place, materials
// and techniques), 1-4 acquisition events (actor, method, date, place), a
// record ID, type and source. The file is valid against lido-v1.1.xsd
// (checked by bench/import.sh on a small sample with xmllint).
//
//   gen_lido --n 100000 --seed 42 --out objects.lido.xml
//
// Same arguments -> byte-identical output on every platform: the PRNG is
// splitmix64/xoshiro256** (as in gen_corpus.cc) and all sampling is by hand.
// Records are streamed to the file: the generator's memory does not grow
// with N.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "rng.h"

namespace {

using bench::Rng;

constexpr const char* kTerm = "http://terminology.lido-schema.org/";

struct Concept {
  const char* term;
  const char* uri;
};
const std::vector<Concept> kTypes = {
    {"vase", "http://vocab.getty.edu/aat/300132254"},
    {"amphora", "http://vocab.getty.edu/aat/300198852"},
    {"statue", "http://vocab.getty.edu/aat/300047600"},
    {"figurine", "http://vocab.getty.edu/aat/300189808"},
    {"coin", "http://vocab.getty.edu/aat/300037222"},
    {"tablet", "http://vocab.getty.edu/aat/300265863"},
    {"manuscript", "http://vocab.getty.edu/aat/300028569"},
    {"painting", "http://vocab.getty.edu/aat/300033618"},
    {"icon", "http://vocab.getty.edu/aat/300015640"},
    {"relief", "http://vocab.getty.edu/aat/300047586"},
    {"seal", "http://vocab.getty.edu/aat/300150884"},
    {"mask", "http://vocab.getty.edu/aat/300138758"},
    {"stele", "http://vocab.getty.edu/aat/300007023"},
    {"bowl", "http://vocab.getty.edu/aat/300152001"},
};
const std::vector<std::string> kMaterials = {
    "bronze",    "terracotta", "marble", "gold",  "silver", "limestone", "wood",
    "parchment", "ivory",      "clay",   "glass", "linen",  "alabaster", "basalt"};
const std::vector<std::string> kTechniques = {"casting", "carving",   "painting",
                                              "gilding", "engraving", "modelling",
                                              "weaving", "repoussé",  "inlay"};
const std::vector<std::string> kCultures = {
    "Etruscan", "Roman", "Attic",    "Sumerian",  "Assyrian", "Egyptian, Middle Kingdom",
    "Moche",    "Khmer", "Gandhara", "Byzantine", "Nok",      "Phoenician"};
const std::vector<std::string> kPlaces = {
    "Cerveteri", "Vulci",  "Athens",         "Ur",  "Nimrud", "Thebes",  "Sipán",
    "Angkor",    "Taxila", "Constantinople", "Nok", "Tyre",   "Palmyra", "Apamea"};
const std::vector<std::string> kFirst = {"Jean", "Marie", "Henri",  "Paul",   "Anna",   "Karl",
                                         "Hans", "Luigi", "Sofia",  "George", "Edward", "Alice",
                                         "Omar", "Nadia", "Pierre", "Elena"};
const std::vector<std::string> kLast = {
    "Durand",  "Moreau",  "Weber",     "Rossi",  "Smith", "Brown",  "Kahn",  "Levy",
    "Bernard", "Fischer", "Marchetti", "Hughes", "Aziz",  "Haddad", "Petit", "Vogel"};
const std::vector<std::string> kCities = {"Paris",    "London", "New York",  "Geneva", "Zurich",
                                          "Brussels", "Munich", "Basel",     "Vienna", "Beirut",
                                          "Cairo",    "Rome",   "Amsterdam", "Berlin"};
const std::vector<std::string> kDealers = {"Galerie Moreau", "Sotheby's",      "Christie's",
                                           "Koller",         "Hôtel Drouot",   "Spink & Son",
                                           "Bonhams",        "Gallery Ariadne"};
const std::vector<std::string> kMethods = {"purchase", "gift", "bequest", "auction", "exchange"};
const std::vector<std::string> kWords = {
    "figure",      "standing",    "seated",   "with",      "and",      "the",     "of",
    "a",           "left",        "right",    "hand",      "raised",   "holding", "wearing",
    "robe",        "crown",       "border",   "decorated", "band",     "frieze",  "animals",
    "palmettes",   "lotus",       "rosettes", "warrior",   "goddess",  "king",    "procession",
    "chariot",     "horse",       "bull",     "lion",      "griffin",  "sphinx",  "register",
    "upper",       "lower",       "rim",      "foot",      "handle",   "neck",    "shoulder",
    "body",        "scene",       "banquet",  "hunt",      "offering", "altar",   "tree",
    "inscription", "fragmentary", "restored", "chipped",   "traces",   "pigment", "red",
    "black",       "white",       "glaze",    "incised",   "stamped"};
const std::vector<std::string> kMuseums = {"Museum of Antiquities", "Civic Archaeological Museum",
                                           "National Museum", "Collection of Classical Art",
                                           "Museum of Asian Art"};

// Escapes the five XML specials (the lists above use only & and ').
std::string Esc(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&':
        o += "&amp;";
        break;
      case '<':
        o += "&lt;";
        break;
      case '>':
        o += "&gt;";
        break;
      case '"':
        o += "&quot;";
        break;
      case '\'':
        o += "&apos;";
        break;
      default:
        o += c;
    }
  }
  return o;
}

std::string Words(Rng& r, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) {
    if (i) s += ' ';
    s += r.pick(kWords);
  }
  return s;
}

std::string Cap(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

// LIDO date strings: a year, four digits, "-" for BCE.
std::string LidoYear(int y) {
  char b[16];
  std::snprintf(b, sizeof b, "%s%04d", y < 0 ? "-" : "", y < 0 ? -y : y);
  return b;
}

std::string DisplayYears(int e, int l) {
  auto one = [](int y) { return y < 0 ? std::to_string(-y) + " BCE" : std::to_string(y); };
  if (e == l) return one(e);
  return one(e) + "-" + one(l);
}

void Actor(std::string& o, const std::string& name, const char* role) {
  o += "          <lido:eventActor>\n"
       "            <lido:actorInRole>\n"
       "              <lido:actor>\n"
       "                <lido:nameActorSet><lido:appellationValue>" +
       Esc(name) +
       "</lido:appellationValue></lido:nameActorSet>\n"
       "              </lido:actor>\n"
       "              <lido:roleActor><lido:term xml:lang=\"en\">" +
       role +
       "</lido:term></lido:roleActor>\n"
       "            </lido:actorInRole>\n"
       "          </lido:eventActor>\n";
}

void Date(std::string& o, const std::string& display, int e, int l) {
  o += "          <lido:eventDate>\n"
       "            <lido:displayDate>" +
       Esc(display) +
       "</lido:displayDate>\n"
       "            <lido:date><lido:earliestDate>" +
       LidoYear(e) +
       "</lido:earliestDate>"
       "<lido:latestDate>" +
       LidoYear(l) +
       "</lido:latestDate></lido:date>\n"
       "          </lido:eventDate>\n";
}

void Place(std::string& o, const std::string& name) {
  o += "          <lido:eventPlace><lido:place><lido:namePlaceSet><lido:appellationValue>" +
       Esc(name) + "</lido:appellationValue></lido:namePlaceSet></lido:place></lido:eventPlace>\n";
}

void Record(std::string& o, Rng& r, long i) {
  char rec[32];
  std::snprintf(rec, sizeof rec, "obj%07ld", i);
  const Concept& type = r.pick(kTypes);
  const std::string museum = r.pick(kMuseums);
  const std::string title = Cap(type.term) + " " + Words(r, r.range(1, 3)) + " " + r.pick(kWords);
  o += "  <lido:lido>\n"
       "    <lido:lidoRecID lido:type=\"" +
       std::string(kTerm) + "lido00100\">XX-BENCH/" + rec +
       "</lido:lidoRecID>\n"
       "    <lido:category>\n"
       "      <lido:conceptID lido:type=\"" +
       std::string(kTerm) + "lido00099\">" + kTerm +
       "lido00096</lido:conceptID>\n"
       "      <lido:term xml:lang=\"en\">Human-made object</lido:term>\n"
       "    </lido:category>\n"
       "    <lido:descriptiveMetadata xml:lang=\"en\">\n"
       "      <lido:objectClassificationWrap>\n"
       "        <lido:objectWorkTypeWrap>\n"
       "          <lido:objectWorkType>\n"
       "            <lido:conceptID lido:type=\"" +
       std::string(kTerm) + "lido00099\">" + type.uri +
       "</lido:conceptID>\n"
       "            <lido:term xml:lang=\"en\">" +
       type.term +
       "</lido:term>\n"
       "          </lido:objectWorkType>\n"
       "        </lido:objectWorkTypeWrap>\n"
       "      </lido:objectClassificationWrap>\n"
       "      <lido:objectIdentificationWrap>\n"
       "        <lido:titleWrap>\n"
       "          <lido:titleSet><lido:appellationValue xml:lang=\"en\">" +
       Esc(title) + "</lido:appellationValue></lido:titleSet>\n";
  if (r.range(0, 2) == 0) {
    o += "          <lido:titleSet><lido:appellationValue xml:lang=\"en\">" +
         Esc(Cap(Words(r, 3))) + "</lido:appellationValue></lido:titleSet>\n";
  }
  o += "        </lido:titleWrap>\n";
  if (r.range(0, 1) == 0) {
    o += "        <lido:inscriptionsWrap>\n"
         "          <lido:inscriptions>\n"
         "            <lido:inscriptionTranscription>" +
         Esc(Words(r, r.range(2, 6))) +
         "</lido:inscriptionTranscription>\n"
         "            <lido:inscriptionDescription><lido:descriptiveNoteValue>" +
         Esc(Cap(Words(r, r.range(5, 12)))) +
         ".</lido:descriptiveNoteValue></lido:inscriptionDescription>\n"
         "          </lido:inscriptions>\n"
         "        </lido:inscriptionsWrap>\n";
  }
  char inv[64];
  std::snprintf(inv, sizeof inv, "INV %d.%d/%ld", r.range(1900, 2020), r.range(1, 40), i);
  o += "        <lido:repositoryWrap>\n"
       "          <lido:repositorySet lido:type=\"" +
       std::string(kTerm) +
       "lido00475\">\n"
       "            <lido:repositoryName><lido:legalBodyName><lido:appellationValue>" +
       museum +
       "</lido:appellationValue></lido:legalBodyName></lido:repositoryName>\n"
       "            <lido:workID lido:type=\"" +
       std::string(kTerm) + "lido00113\">" + inv +
       "</lido:workID>\n"
       "            <lido:repositoryLocation><lido:namePlaceSet><lido:appellationValue>" +
       r.pick(kCities) +
       "</lido:appellationValue></lido:namePlaceSet></lido:repositoryLocation>\n"
       "          </lido:repositorySet>\n"
       "        </lido:repositoryWrap>\n"
       "        <lido:objectDescriptionWrap>\n"
       "          <lido:objectDescriptionSet><lido:descriptiveNoteValue xml:lang=\"en\">" +
       Esc(Cap(Words(r, r.range(25, 60)))) +
       ".</lido:descriptiveNoteValue></lido:objectDescriptionSet>\n"
       "        </lido:objectDescriptionWrap>\n";
  int h = r.range(3, 180), w = r.range(3, 120);
  o += "        <lido:objectMeasurementsWrap>\n"
       "          <lido:objectMeasurementsSet>\n"
       "            <lido:displayObjectMeasurements>H. " +
       std::to_string(h) + " cm, W. " + std::to_string(w) +
       " cm</lido:displayObjectMeasurements>\n"
       "            <lido:objectMeasurements>\n"
       "              <lido:measurementsSet><lido:measurementType>height</lido:measurementType>"
       "<lido:measurementUnit>cm</lido:measurementUnit><lido:measurementValue>" +
       std::to_string(h) +
       "</lido:measurementValue></lido:measurementsSet>\n"
       "              <lido:measurementsSet><lido:measurementType>width</lido:measurementType>"
       "<lido:measurementUnit>cm</lido:measurementUnit><lido:measurementValue>" +
       std::to_string(w) +
       "</lido:measurementValue></lido:measurementsSet>\n"
       "            </lido:objectMeasurements>\n"
       "          </lido:objectMeasurementsSet>\n"
       "        </lido:objectMeasurementsWrap>\n"
       "      </lido:objectIdentificationWrap>\n"
       "      <lido:eventWrap>\n";

  // Production.
  int e = r.range(-3000, 1800), l = e + r.range(0, 150);
  o += "        <lido:eventSet><lido:event>\n"
       "          <lido:eventType><lido:conceptID lido:type=\"" +
       std::string(kTerm) + "lido00099\">" + kTerm +
       "lido00007</lido:conceptID><lido:term "
       "xml:lang=\"en\">Production</lido:term></lido:eventType>\n";
  if (r.range(0, 3) == 0) Actor(o, r.pick(kFirst) + " " + r.pick(kLast), "maker");
  o += "          <lido:culture><lido:term xml:lang=\"en\">" + Esc(r.pick(kCultures)) +
       "</lido:term></lido:culture>\n";
  Date(o, (l - e > 50 ? "c. " : "") + DisplayYears(e, l), e, l);
  Place(o, r.pick(kPlaces));
  o += "          <lido:eventMaterialsTech>\n"
       "            <lido:materialsTech>\n";
  for (int m = r.range(1, 3); m > 0; --m) {
    o += "              <lido:termMaterialsTech lido:type=\"" + std::string(kTerm) +
         "lido00132\"><lido:term xml:lang=\"en\">" + r.pick(kMaterials) +
         "</lido:term></lido:termMaterialsTech>\n";
  }
  o += "              <lido:termMaterialsTech lido:type=\"" + std::string(kTerm) +
       "lido00131\"><lido:term xml:lang=\"en\">" + Esc(r.pick(kTechniques)) +
       "</lido:term></lido:termMaterialsTech>\n"
       "            </lido:materialsTech>\n"
       "          </lido:eventMaterialsTech>\n"
       "        </lido:event></lido:eventSet>\n";

  // Acquisitions, oldest first.
  int year = r.range(1850, 1960);
  for (int a = r.range(1, 4); a > 0; --a) {
    const std::string method = r.pick(kMethods);
    std::string party =
        r.range(0, 2) == 0 ? r.pick(kDealers) : r.pick(kFirst) + " " + r.pick(kLast);
    o += "        <lido:eventSet><lido:event>\n"
         "          <lido:eventType><lido:conceptID lido:type=\"" +
         std::string(kTerm) + "lido00099\">" + kTerm +
         "lido00001</lido:conceptID><lido:term "
         "xml:lang=\"en\">Acquisition</lido:term></lido:eventType>\n";
    Actor(o, party, "owner");
    Date(o, std::to_string(year), year, year);
    Place(o, r.pick(kCities));
    o += "          <lido:eventMethod><lido:term xml:lang=\"en\">" + method +
         "</lido:term></lido:eventMethod>\n"
         "        </lido:event></lido:eventSet>\n";
    year += r.range(2, 25);
    if (year > 2024) year = 2024;
  }
  o += "      </lido:eventWrap>\n"
       "    </lido:descriptiveMetadata>\n"
       "    <lido:administrativeMetadata xml:lang=\"en\">\n"
       "      <lido:recordWrap>\n"
       "        <lido:recordID lido:type=\"" +
       std::string(kTerm) + "lido00100\">" + rec +
       "</lido:recordID>\n"
       "        <lido:recordType><lido:conceptID lido:type=\"" +
       std::string(kTerm) + "lido00099\">" + kTerm +
       "lido00141</lido:conceptID><lido:term xml:lang=\"en\">item-level "
       "record</lido:term></lido:recordType>\n"
       "        <lido:recordSource><lido:legalBodyName><lido:appellationValue>" +
       museum +
       "</lido:appellationValue></lido:legalBodyName></lido:recordSource>\n"
       "      </lido:recordWrap>\n"
       "    </lido:administrativeMetadata>\n"
       "  </lido:lido>\n";
}

}  // namespace

int main(int argc, char** argv) {
  long n = 100000;
  uint64_t seed = 42;
  const char* out_path = "objects.lido.xml";
  if (argc % 2 == 0) {
    std::fprintf(stderr, "usage: gen_lido [--n N] [--seed S] [--out FILE]\n");
    return 2;
  }
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--n")
      n = std::atol(argv[i + 1]);
    else if (a == "--seed")
      seed = std::strtoull(argv[i + 1], nullptr, 10);
    else if (a == "--out")
      out_path = argv[i + 1];
    else {
      std::fprintf(stderr, "gen_lido: unknown option %s\n", a.c_str());
      return 2;
    }
  }
  FILE* out = std::fopen(out_path, "w");
  if (!out) {
    std::perror(out_path);
    return 1;
  }
  Rng r(seed);
  std::string buf =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<lido:lidoWrap xmlns:lido=\"http://www.lido-schema.org\""
      " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
      " xsi:schemaLocation=\"http://www.lido-schema.org "
      "http://www.lido-schema.org/schema/v1.1/lido-v1.1.xsd\">\n";
  for (long i = 0; i < n; ++i) {
    Record(buf, r, i);
    if (buf.size() > (1 << 20)) {
      std::fwrite(buf.data(), 1, buf.size(), out);
      buf.clear();
    }
  }
  buf += "</lido:lidoWrap>\n";
  std::fwrite(buf.data(), 1, buf.size(), out);
  if (std::fclose(out) != 0) {
    std::perror(out_path);
    return 1;
  }
  std::fprintf(stderr, "gen_lido: %ld records -> %s (seed %llu)\n", n, out_path,
               static_cast<unsigned long long>(seed));
  return 0;
}

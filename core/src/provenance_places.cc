// A modest gazetteer for the gap rules: country names (modern and historical)
// and the cities that appear most in provenance and the art market, each with
// its ISO 3166-1 alpha-2 code; and the words of archaeological and
// ethnographic object types.
#include <algorithm>
#include <array>

#include "custos/core/gap_rules.h"
#include "provenance_text.h"

namespace custos::core {
namespace {

using namespace provenance_internal;

struct Place {
  std::string_view name;  // lower case
  std::string_view code;
};

constexpr std::array kPlaces = {
    // Countries, with historical and alternative names.
    Place{"afghanistan", "AF"},
    Place{"albania", "AL"},
    Place{"algeria", "DZ"},
    Place{"andorra", "AD"},
    Place{"angola", "AO"},
    Place{"argentina", "AR"},
    Place{"armenia", "AM"},
    Place{"australia", "AU"},
    Place{"austria", "AT"},
    Place{"azerbaijan", "AZ"},
    Place{"bahrain", "BH"},
    Place{"bangladesh", "BD"},
    Place{"belarus", "BY"},
    Place{"belgium", "BE"},
    Place{"belgique", "BE"},
    Place{"benin", "BJ"},
    Place{"dahomey", "BJ"},
    Place{"bolivia", "BO"},
    Place{"bosnia", "BA"},
    Place{"bosnia and herzegovina", "BA"},
    Place{"brazil", "BR"},
    Place{"bulgaria", "BG"},
    Place{"burma", "MM"},
    Place{"myanmar", "MM"},
    Place{"cambodia", "KH"},
    Place{"kampuchea", "KH"},
    Place{"cameroon", "CM"},
    Place{"canada", "CA"},
    Place{"chile", "CL"},
    Place{"china", "CN"},
    Place{"colombia", "CO"},
    Place{"congo", "CD"},
    Place{"zaire", "CD"},
    Place{"belgian congo", "CD"},
    Place{"costa rica", "CR"},
    Place{"croatia", "HR"},
    Place{"cuba", "CU"},
    Place{"cyprus", "CY"},
    Place{"czech republic", "CZ"},
    Place{"czechia", "CZ"},
    Place{"czechoslovakia", "CZ"},
    Place{"bohemia", "CZ"},
    Place{"moravia", "CZ"},
    Place{"denmark", "DK"},
    Place{"ecuador", "EC"},
    Place{"egypt", "EG"},
    Place{"el salvador", "SV"},
    Place{"estonia", "EE"},
    Place{"ethiopia", "ET"},
    Place{"abyssinia", "ET"},
    Place{"finland", "FI"},
    Place{"france", "FR"},
    Place{"georgia", "GE"},
    Place{"germany", "DE"},
    Place{"deutschland", "DE"},
    Place{"prussia", "DE"},
    Place{"bavaria", "DE"},
    Place{"saxony", "DE"},
    Place{"ghana", "GH"},
    Place{"gold coast", "GH"},
    Place{"greece", "GR"},
    Place{"crete", "GR"},
    Place{"guatemala", "GT"},
    Place{"honduras", "HN"},
    Place{"hong kong", "HK"},
    Place{"hungary", "HU"},
    Place{"iceland", "IS"},
    Place{"india", "IN"},
    Place{"indonesia", "ID"},
    Place{"iran", "IR"},
    Place{"persia", "IR"},
    Place{"iraq", "IQ"},
    Place{"mesopotamia", "IQ"},
    Place{"ireland", "IE"},
    Place{"israel", "IL"},
    Place{"italy", "IT"},
    Place{"italia", "IT"},
    Place{"sicily", "IT"},
    Place{"sardinia", "IT"},
    Place{"ivory coast", "CI"},
    Place{"cote d'ivoire", "CI"},
    Place{"japan", "JP"},
    Place{"jordan", "JO"},
    Place{"kazakhstan", "KZ"},
    Place{"kenya", "KE"},
    Place{"korea", "KR"},
    Place{"south korea", "KR"},
    Place{"north korea", "KP"},
    Place{"kosovo", "XK"},
    Place{"kuwait", "KW"},
    Place{"laos", "LA"},
    Place{"latvia", "LV"},
    Place{"lebanon", "LB"},
    Place{"libya", "LY"},
    Place{"liechtenstein", "LI"},
    Place{"lithuania", "LT"},
    Place{"luxembourg", "LU"},
    Place{"mali", "ML"},
    Place{"malta", "MT"},
    Place{"mexico", "MX"},
    Place{"moldova", "MD"},
    Place{"monaco", "MC"},
    Place{"mongolia", "MN"},
    Place{"montenegro", "ME"},
    Place{"morocco", "MA"},
    Place{"nepal", "NP"},
    Place{"netherlands", "NL"},
    Place{"the netherlands", "NL"},
    Place{"holland", "NL"},
    Place{"new zealand", "NZ"},
    Place{"nicaragua", "NI"},
    Place{"niger", "NE"},
    Place{"nigeria", "NG"},
    Place{"north macedonia", "MK"},
    Place{"macedonia", "MK"},
    Place{"norway", "NO"},
    Place{"oman", "OM"},
    Place{"pakistan", "PK"},
    Place{"palestine", "PS"},
    Place{"panama", "PA"},
    Place{"papua new guinea", "PG"},
    Place{"paraguay", "PY"},
    Place{"peru", "PE"},
    Place{"philippines", "PH"},
    Place{"poland", "PL"},
    Place{"portugal", "PT"},
    Place{"qatar", "QA"},
    Place{"romania", "RO"},
    Place{"russia", "RU"},
    Place{"soviet union", "RU"},
    Place{"ussr", "RU"},
    Place{"saudi arabia", "SA"},
    Place{"senegal", "SN"},
    Place{"serbia", "RS"},
    Place{"yugoslavia", "RS"},
    Place{"singapore", "SG"},
    Place{"slovakia", "SK"},
    Place{"slovenia", "SI"},
    Place{"south africa", "ZA"},
    Place{"spain", "ES"},
    Place{"espana", "ES"},
    Place{"sri lanka", "LK"},
    Place{"ceylon", "LK"},
    Place{"sudan", "SD"},
    Place{"sweden", "SE"},
    Place{"switzerland", "CH"},
    Place{"suisse", "CH"},
    Place{"schweiz", "CH"},
    Place{"syria", "SY"},
    Place{"taiwan", "TW"},
    Place{"tajikistan", "TJ"},
    Place{"tanzania", "TZ"},
    Place{"thailand", "TH"},
    Place{"siam", "TH"},
    Place{"tunisia", "TN"},
    Place{"turkey", "TR"},
    Place{"turkiye", "TR"},
    Place{"anatolia", "TR"},
    Place{"asia minor", "TR"},
    Place{"ottoman empire", "TR"},
    Place{"turkmenistan", "TM"},
    Place{"uganda", "UG"},
    Place{"ukraine", "UA"},
    Place{"united arab emirates", "AE"},
    Place{"uae", "AE"},
    Place{"united kingdom", "GB"},
    Place{"uk", "GB"},
    Place{"great britain", "GB"},
    Place{"britain", "GB"},
    Place{"england", "GB"},
    Place{"scotland", "GB"},
    Place{"wales", "GB"},
    Place{"northern ireland", "GB"},
    Place{"united states", "US"},
    Place{"united states of america", "US"},
    Place{"usa", "US"},
    Place{"us", "US"},
    Place{"america", "US"},
    Place{"uruguay", "UY"},
    Place{"uzbekistan", "UZ"},
    Place{"vatican", "VA"},
    Place{"vatican city", "VA"},
    Place{"venezuela", "VE"},
    Place{"vietnam", "VN"},
    Place{"viet nam", "VN"},
    Place{"yemen", "YE"},
    Place{"zambia", "ZM"},
    Place{"zimbabwe", "ZW"},
    Place{"rhodesia", "ZW"},
    // Cities of the art market and of provenance history.
    Place{"london", "GB"},
    Place{"edinburgh", "GB"},
    Place{"oxford", "GB"},
    Place{"glasgow", "GB"},
    Place{"manchester", "GB"},
    Place{"dublin", "IE"},
    Place{"new york", "US"},
    Place{"new york city", "US"},
    Place{"washington", "US"},
    Place{"boston", "US"},
    Place{"chicago", "US"},
    Place{"los angeles", "US"},
    Place{"san francisco", "US"},
    Place{"philadelphia", "US"},
    Place{"newark", "US"},
    Place{"baltimore", "US"},
    Place{"cleveland", "US"},
    Place{"detroit", "US"},
    Place{"houston", "US"},
    Place{"dallas", "US"},
    Place{"miami", "US"},
    Place{"santa fe", "US"},
    Place{"toronto", "CA"},
    Place{"montreal", "CA"},
    Place{"paris", "FR"},
    Place{"lyon", "FR"},
    Place{"lyons", "FR"},
    Place{"marseille", "FR"},
    Place{"marseilles", "FR"},
    Place{"nice", "FR"},
    Place{"bordeaux", "FR"},
    Place{"strasbourg", "FR"},
    Place{"berlin", "DE"},
    Place{"munich", "DE"},
    Place{"m\xC3\xBCnchen", "DE"},
    Place{"muenchen", "DE"},
    Place{"hamburg", "DE"},
    Place{"frankfurt", "DE"},
    Place{"cologne", "DE"},
    Place{"k\xC3\xB6ln", "DE"},
    Place{"koln", "DE"},
    Place{"d\xC3\xBCsseldorf", "DE"},
    Place{"dusseldorf", "DE"},
    Place{"dresden", "DE"},
    Place{"leipzig", "DE"},
    Place{"stuttgart", "DE"},
    Place{"nuremberg", "DE"},
    Place{"n\xC3\xBCrnberg", "DE"},
    Place{"bremen", "DE"},
    Place{"hanover", "DE"},
    Place{"hannover", "DE"},
    Place{"bonn", "DE"},
    Place{"heidelberg", "DE"},
    Place{"karlsruhe", "DE"},
    Place{"wiesbaden", "DE"},
    Place{"vienna", "AT"},
    Place{"wien", "AT"},
    Place{"salzburg", "AT"},
    Place{"linz", "AT"},
    Place{"graz", "AT"},
    Place{"innsbruck", "AT"},
    Place{"altaussee", "AT"},
    Place{"zurich", "CH"},
    Place{"z\xC3\xBCrich", "CH"},
    Place{"geneva", "CH"},
    Place{"gen\xC3\xA8ve", "CH"},
    Place{"geneve", "CH"},
    Place{"basel", "CH"},
    Place{"basle", "CH"},
    Place{"bern", "CH"},
    Place{"berne", "CH"},
    Place{"lucerne", "CH"},
    Place{"luzern", "CH"},
    Place{"lausanne", "CH"},
    Place{"lugano", "CH"},
    Place{"amsterdam", "NL"},
    Place{"the hague", "NL"},
    Place{"den haag", "NL"},
    Place{"rotterdam", "NL"},
    Place{"utrecht", "NL"},
    Place{"maastricht", "NL"},
    Place{"brussels", "BE"},
    Place{"bruxelles", "BE"},
    Place{"antwerp", "BE"},
    Place{"antwerpen", "BE"},
    Place{"ghent", "BE"},
    Place{"liege", "BE"},
    Place{"rome", "IT"},
    Place{"roma", "IT"},
    Place{"milan", "IT"},
    Place{"milano", "IT"},
    Place{"florence", "IT"},
    Place{"firenze", "IT"},
    Place{"venice", "IT"},
    Place{"venezia", "IT"},
    Place{"naples", "IT"},
    Place{"napoli", "IT"},
    Place{"turin", "IT"},
    Place{"torino", "IT"},
    Place{"genoa", "IT"},
    Place{"bologna", "IT"},
    Place{"madrid", "ES"},
    Place{"barcelona", "ES"},
    Place{"seville", "ES"},
    Place{"lisbon", "PT"},
    Place{"lisboa", "PT"},
    Place{"porto", "PT"},
    Place{"prague", "CZ"},
    Place{"praha", "CZ"},
    Place{"brno", "CZ"},
    Place{"budapest", "HU"},
    Place{"warsaw", "PL"},
    Place{"warszawa", "PL"},
    Place{"krakow", "PL"},
    Place{"krak\xC3\xB3w", "PL"},
    Place{"cracow", "PL"},
    Place{"lodz", "PL"},
    Place{"poznan", "PL"},
    Place{"danzig", "PL"},
    Place{"gdansk", "PL"},
    Place{"breslau", "PL"},
    Place{"wroclaw", "PL"},
    Place{"copenhagen", "DK"},
    Place{"stockholm", "SE"},
    Place{"oslo", "NO"},
    Place{"helsinki", "FI"},
    Place{"athens", "GR"},
    Place{"thessaloniki", "GR"},
    Place{"bucharest", "RO"},
    Place{"sofia", "BG"},
    Place{"belgrade", "RS"},
    Place{"zagreb", "HR"},
    Place{"ljubljana", "SI"},
    Place{"bratislava", "SK"},
    Place{"vaduz", "LI"},
    Place{"moscow", "RU"},
    Place{"st. petersburg", "RU"},
    Place{"saint petersburg", "RU"},
    Place{"leningrad", "RU"},
    Place{"kyiv", "UA"},
    Place{"kiev", "UA"},
    Place{"minsk", "BY"},
    Place{"vilnius", "LT"},
    Place{"riga", "LV"},
    Place{"tallinn", "EE"},
    Place{"cairo", "EG"},
    Place{"alexandria", "EG"},
    Place{"luxor", "EG"},
    Place{"thebes", "EG"},
    Place{"baghdad", "IQ"},
    Place{"mosul", "IQ"},
    Place{"basra", "IQ"},
    Place{"nimrud", "IQ"},
    Place{"ur", "IQ"},
    Place{"damascus", "SY"},
    Place{"aleppo", "SY"},
    Place{"palmyra", "SY"},
    Place{"beirut", "LB"},
    Place{"tel aviv", "IL"},
    Place{"amman", "JO"},
    Place{"petra", "JO"},
    Place{"istanbul", "TR"},
    Place{"constantinople", "TR"},
    Place{"ankara", "TR"},
    Place{"tehran", "IR"},
    Place{"kabul", "AF"},
    Place{"delhi", "IN"},
    Place{"new delhi", "IN"},
    Place{"mumbai", "IN"},
    Place{"bombay", "IN"},
    Place{"kolkata", "IN"},
    Place{"calcutta", "IN"},
    Place{"beijing", "CN"},
    Place{"peking", "CN"},
    Place{"shanghai", "CN"},
    Place{"tokyo", "JP"},
    Place{"kyoto", "JP"},
    Place{"osaka", "JP"},
    Place{"seoul", "KR"},
    Place{"bangkok", "TH"},
    Place{"phnom penh", "KH"},
    Place{"angkor", "KH"},
    Place{"hanoi", "VN"},
    Place{"lima", "PE"},
    Place{"cusco", "PE"},
    Place{"cuzco", "PE"},
    Place{"mexico city", "MX"},
    Place{"guatemala city", "GT"},
    Place{"bogota", "CO"},
    Place{"quito", "EC"},
    Place{"la paz", "BO"},
    Place{"buenos aires", "AR"},
    Place{"rio de janeiro", "BR"},
    Place{"sao paulo", "BR"},
    Place{"lagos", "NG"},
    Place{"benin city", "NG"},
    Place{"ife", "NG"},
    Place{"accra", "GH"},
    Place{"bamako", "ML"},
    Place{"timbuktu", "ML"},
    Place{"dakar", "SN"},
    Place{"kinshasa", "CD"},
    Place{"addis ababa", "ET"},
    Place{"nairobi", "KE"},
    Place{"tunis", "TN"},
    Place{"carthage", "TN"},
    Place{"algiers", "DZ"},
    Place{"rabat", "MA"},
    Place{"marrakesh", "MA"},
    Place{"tripoli", "LY"},
    Place{"sydney", "AU"},
    Place{"melbourne", "AU"},
    Place{"auckland", "NZ"},
    Place{"dubai", "AE"},
    Place{"abu dhabi", "AE"},
    Place{"riyadh", "SA"},
    Place{"kathmandu", "NP"},
    Place{"colombo", "LK"},
    Place{"lahore", "PK"},
    Place{"karachi", "PK"},
    Place{"taipei", "TW"},
    Place{"manila", "PH"},
    Place{"jakarta", "ID"},
    Place{"ulaanbaatar", "MN"},
};

// US state abbreviations, matched only as a whole part in capitals ("Newark, NJ").
constexpr std::array<std::string_view, 51> kUsStates = {
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL",
    "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT",
    "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI",
    "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "DC"};

constexpr std::array<std::string_view, 41> kContinentalEurope = {
    "AD", "AL", "AT", "BA", "BE", "BG", "BY", "CH", "CZ", "DE", "DK", "EE", "ES", "FI",
    "FR", "GR", "HR", "HU", "IT", "LI", "LT", "LU", "LV", "MC", "MD", "ME", "MK", "NL",
    "NO", "PL", "PT", "RO", "RS", "RU", "SE", "SI", "SK", "SM", "UA", "VA", "XK"};

// Lower case, dots dropped, "the " dropped, single spaces.
std::string Normalize(std::string_view s) {
  std::string out;
  for (char c : CollapseSpace(s)) {
    if (c != '.') out.push_back(ToLower(c));
  }
  if (out.rfind("the ", 0) == 0 && out != "the hague" && out != "the netherlands") {
    out.erase(0, 4);
  }
  return out;
}

std::string_view Lookup(std::string_view normalized) {
  for (const Place& p : kPlaces) {
    if (p.name == normalized) return p.code;
  }
  return {};
}

// A table name found as whole words inside `text` ("southern Iraq" -> IQ).
std::string_view LookupInside(std::string_view text) {
  std::string_view best_code;
  size_t best_len = 0;
  for (const Place& p : kPlaces) {
    if (p.name.size() < 4 || p.name.size() <= best_len) continue;
    for (size_t at = text.find(p.name); at != std::string_view::npos;
         at = text.find(p.name, at + 1)) {
      const size_t end = at + p.name.size();
      const bool left = at == 0 || !IsAlnum(text[at - 1]);
      const bool right = end == text.size() || !IsAlnum(text[end]);
      if (left && right) {
        best_code = p.code;
        best_len = p.name.size();
        break;
      }
    }
  }
  return best_code;
}

}  // namespace

std::string CountryOfPlace(std::string_view place) {
  if (place.empty() || place.size() > 2000) return "";
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= place.size(); ++i) {
    if (i == place.size() || place[i] == ',') {
      parts.push_back(Trim(place.substr(start, i - start)));
      start = i + 1;
    }
  }
  for (size_t k = parts.size(); k-- > 0;) {
    std::string caps;
    for (char c : parts[k]) {
      if (c != '.') caps.push_back(c);
    }
    if (k > 0 && caps.size() == 2 &&
        std::find(kUsStates.begin(), kUsStates.end(), caps) != kUsStates.end()) {
      return "US";
    }
    if (auto code = Lookup(Normalize(parts[k])); !code.empty()) return std::string(code);
  }
  for (size_t k = parts.size(); k-- > 0;) {
    if (auto code = LookupInside(Normalize(parts[k])); !code.empty()) return std::string(code);
  }
  return "";
}

bool IsContinentalEurope(std::string_view iso_country) {
  if (iso_country.size() != 2) return false;
  std::string code;
  for (char c : iso_country) code.push_back(ToUpper(c));
  return std::find(kContinentalEurope.begin(), kContinentalEurope.end(), code) !=
         kContinentalEurope.end();
}

bool IsArchaeologicalOrEthnographic(std::string_view object_type) {
  static constexpr std::array<std::string_view, 52> kWords = {
      "antiquity",     "antiquities",   "archaeological",
      "archeological", "ethnographic",  "ethnological",
      "figurine",      "vessel",        "coin",
      "statue",        "statuette",     "stele",
      "stela",         "tablet",        "mask",
      "amphora",       "pottery",       "potsherd",
      "sherd",         "seal",          "sarcophagus",
      "mosaic",        "fresco",        "idol",
      "bead",          "amulet",        "papyrus",
      "funerary",      "burial",        "shabti",
      "ushabti",       "scarab",        "urn",
      "krater",        "kylix",         "lekythos",
      "oil lamp",      "arrowhead",     "totem",
      "headdress",     "fetish",        "reliquary figure",
      "cuneiform",     "ostracon",      "ostraca",
      "hoard",         "fibula",        "bronze age",
      "neolithic",     "pre-columbian", "votive",
      "effigy"};
  const std::string t = Normalize(object_type);
  for (std::string_view w : kWords) {
    for (size_t at = t.find(w); at != std::string::npos; at = t.find(w, at + 1)) {
      const size_t end = at + w.size();
      const bool left = at == 0 || !IsAlnum(t[at - 1]);
      // allow plurals: "coins", "masks", "vessels"
      const bool right = end == t.size() || !IsAlnum(t[end]) ||
                         (t[end] == 's' && (end + 1 == t.size() || !IsAlnum(t[end + 1])));
      if (left && right) return true;
    }
  }
  return false;
}

}  // namespace custos::core

// Writing provenance periods back as text in the museum standard.
//
// The renderer writes exactly what the parser reads, so that parse -> render
// -> parse is stable: keywords in lower case (capitalised at the start of a
// sentence), items joined by ", ", and no space after an item that ends with
// '.' where the parser would otherwise see the end of a sentence.
#include <algorithm>

#include "custos/core/provenance.h"
#include "provenance_text.h"

namespace custos::core {
namespace {

using namespace provenance_internal;

std::string JoinItems(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

// Appends " " + tail, or just tail when text ends with '.' (see file comment).
void AppendSpaced(std::string* text, std::string_view tail) {
  if (!text->empty() && text->back() != '.') text->push_back(' ');
  text->append(tail);
}

std::string DateTextOf(const ProvenancePeriod& p) {
  const DateBounds bounds{p.begin_of_the_begin, p.end_of_the_begin, p.begin_of_the_end,
                          p.end_of_the_end, p.date_certainty};
  if (!p.date_text.empty()) {
    if (auto parsed = ParseProvenanceDate(p.date_text); parsed && *parsed == bounds) {
      return p.date_text;
    }
  }
  return FormatProvenanceDate(bounds);
}

// True when the period's text starts with a keyword the renderer wrote (and
// may therefore capitalise), not with a name.
bool StartsWithKeyword(const ProvenancePeriod& p) {
  if (p.unparsed) return false;
  return p.certainty != Certainty::kCertain || !p.method_phrase.empty() ||
         p.method != AcquisitionMethod::kUnknown;
}

}  // namespace

std::string RenderProvenancePeriod(const ProvenancePeriod& p) {
  if (p.unparsed) return std::string(Trim(p.raw));
  std::string phrase = p.method_phrase;
  if (phrase.empty()) phrase = std::string(CanonicalAcquisitionPhrase(p.method));
  const PhraseMatch info = PhraseInfo(phrase);
  const PhraseObject object = phrase.empty() ? PhraseObject::kParty : info.object;

  std::vector<std::string> items;
  if (object == PhraseObject::kPlace) {
    if (!p.place.empty()) items.push_back(p.place);
  } else {
    if (!p.role.empty()) items.push_back(p.role);
    std::string party = p.party.name;
    if (p.party.uncertain) party += "?";
    if (!p.party.life_dates.empty()) AppendSpaced(&party, "[" + p.party.life_dates + "]");
    if (p.party.is_dealer) {
      if (!p.place.empty()) party += ", " + p.place;
      items.push_back("(" + party + ")");
    } else {
      if (!party.empty()) items.push_back(party);
      if (!p.place.empty()) items.push_back(p.place);
    }
  }
  if (std::string date = DateTextOf(p); !date.empty()) items.push_back(std::move(date));
  if (!p.lot.empty()) items.push_back("lot " + p.lot);
  for (const auto& doc : p.documents) items.push_back("see document sha256:" + doc);

  std::string out(CertaintyAdverb(p.certainty));
  if (!phrase.empty()) {
    if (!out.empty()) out += " ";
    out += phrase;
    if (!items.empty()) out += (info.standalone ? ", " : " ") + JoinItems(items);
  } else if (!items.empty()) {
    if (!out.empty()) out += " ";
    out += JoinItems(items);
  }
  for (int n : p.footnotes) AppendSpaced(&out, "[" + std::to_string(n) + "]");
  return out;
}

std::string RenderProvenance(const Provenance& provenance) {
  const size_t n = provenance.periods.size();
  std::vector<std::string> texts(n);
  bool sentence_start = true;
  for (size_t i = 0; i < n; ++i) {
    const ProvenancePeriod& p = provenance.periods[i];
    texts[i] = RenderProvenancePeriod(p);
    if (sentence_start && StartsWithKeyword(p) && !texts[i].empty()) {
      texts[i][0] = ToUpper(texts[i][0]);
    }
    sentence_start = !p.direct_transfer;
  }
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    if (!out.empty()) out += " ";
    out += texts[i];
    if (provenance.periods[i].direct_transfer) {
      out += ";";
      continue;
    }
    // A '.' after text the parser reads as an abbreviation or initial ("...
    // Co." in an unparsed period) would not end the period; written after a
    // space it always does (as it did in the source, which had that space).
    if (i + 1 < n) {
      const std::string_view before =
          std::string_view(texts[i]).substr(texts[i].size() > 128 ? texts[i].size() - 128 : 0);
      const std::string probe = std::string(before) + ". " +
                                texts[i + 1].substr(0, std::min<size_t>(64, texts[i + 1].size()));
      if (!IsSentenceEnd(probe, before.size(), probe.size())) out += " ";
    }
    out += ".";
  }
  if (!provenance.footnotes.empty()) {
    if (!out.empty()) out += " ";
    out += "NOTES:";
    for (const auto& note : provenance.footnotes) {
      if (note.number > 0) out += " [" + std::to_string(note.number) + "]";
      if (!note.text.empty()) out += " " + note.text;
    }
  }
  return out;
}

}  // namespace custos::core

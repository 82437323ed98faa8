// Private: the search-term highlighting of the document viewer.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace custos::web {

// HTML-escapes & < > " '.
std::string EscapeHtml(std::string_view s);

// The words of a search query worth marking in a document's text: lower
// case, without excluded words (-word), field prefixes (maker:), operators
// and one-letter words; each once.
std::vector<std::string> HighlightTerms(std::string_view query);

// `text` as HTML: escaped, with every word that starts with one of `terms`
// (lower case) wrapped in <mark></mark>. `matches` (optional) receives the
// number of marked words.
std::string HighlightHtml(std::string_view text, const std::vector<std::string>& terms,
                          int* matches);

}  // namespace custos::web

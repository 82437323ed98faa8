// Artifact -> CSV in the importer's columns. See csv_writer.h.
#include "custos/archive/csv_writer.h"

#include "custos/archive/csv_reader.h"

namespace custos::archive {
namespace {

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : "|") + i;
  return out;
}

std::string Row(const std::vector<std::string>& cells) {
  std::string out;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i) out += ',';
    out += CsvField(cells[i]);
  }
  return out + "\r\n";
}

}  // namespace

std::string CsvField(const std::string& value) {
  bool quote = value.find_first_of(",\"\r\n") != std::string::npos ||
               (!value.empty() && (value.front() == ' ' || value.back() == ' ' ||
                                   value.front() == '\t' || value.back() == '\t'));
  if (!quote) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string CsvHeaderRow() { return Row(CsvColumns()); }

std::string ArtifactToCsvRow(const core::Artifact& a) {
  std::vector<std::string> cells;
  for (const std::string& col : CsvColumns()) {
    std::string v;
    if (col == "id")
      v = a.id;
    else if (col == "title")
      v = a.title;
    else if (col == "object_type")
      v = a.object_type;
    else if (col == "status")
      v = std::string(core::ToString(a.status));
    else if (col == "visibility")
      v = std::string(core::ToString(a.visibility));
    else if (col == "materials")
      v = Join(a.materials);
    else if (col == "techniques")
      v = Join(a.techniques);
    else if (col == "measurements")
      v = a.measurements;
    else if (col == "inscriptions")
      v = a.inscriptions;
    else if (col == "distinguishing_features")
      v = a.distinguishing_features;
    else if (col == "subject")
      v = a.subject;
    else if (col == "date_display")
      v = a.date.display;
    else if (col == "date_earliest")
      v = a.date.earliest ? std::to_string(*a.date.earliest) : "";
    else if (col == "date_latest")
      v = a.date.latest ? std::to_string(*a.date.latest) : "";
    else if (col == "maker")
      v = a.maker;
    else if (col == "culture")
      v = a.culture;
    else if (col == "country_of_origin")
      v = a.country_of_origin;
    else if (col == "find_spot")
      v = a.find_spot;
    else if (col == "description")
      v = a.description;
    else if (col == "language")
      v = a.language;
    else if (col == "identifiers") {
      std::vector<std::string> ids;
      for (const auto& i : a.identifiers) ids.push_back(i.type + ":" + i.value);
      v = Join(ids);
    } else if (col == "provenance_text")
      v = a.provenance_text;
    cells.push_back(std::move(v));
  }
  return Row(cells);
}

}  // namespace custos::archive

// CSV -> artifacts. See csv_reader.h.
#include "custos/archive/csv_reader.h"

#include <algorithm>
#include <fstream>
#include <map>

namespace custos::archive {
namespace {

using nlohmann::json;

constexpr size_t kMaxCellBytes = 200000;
constexpr size_t kMaxColumns = 64;

// One RFC 4180 row at a time from a stream.
class CsvParser {
 public:
  explicit CsvParser(std::istream& in) : in_(in) {}

  // Reads the next row into `cells`. Returns false at end of input (cells
  // empty), or sets `error` on malformed input.
  bool Next(std::vector<std::string>& cells, std::string& error) {
    cells.clear();
    row_line_ = line_;
    std::string cell;
    bool quoted = false, after_quote = false, any = false;
    int c;
    while ((c = in_.get()) != EOF) {
      any = true;
      char ch = static_cast<char>(c);
      if (quoted) {
        if (ch == '"') {
          if (in_.peek() == '"') {
            in_.get();
            cell += '"';
          } else {
            quoted = false;
            after_quote = true;
          }
        } else {
          if (ch == '\n') ++line_;
          cell += ch;
        }
      } else if (ch == '"') {
        if (!cell.empty() || after_quote) {
          error = "a quote inside an unquoted field (quote the whole field and double inner quotes)";
          return false;
        }
        quoted = true;
      } else if (ch == ',') {
        cells.push_back(std::move(cell));
        cell.clear();
        after_quote = false;
      } else if (ch == '\r' || ch == '\n') {
        if (ch == '\r' && in_.peek() == '\n') in_.get();
        ++line_;
        cells.push_back(std::move(cell));
        return true;
      } else {
        if (after_quote) {
          error = "characters after a closing quote";
          return false;
        }
        cell += ch;
      }
      if (cell.size() > kMaxCellBytes) {
        error = "a field longer than " + std::to_string(kMaxCellBytes) + " bytes";
        return false;
      }
      if (cells.size() > kMaxColumns) {
        error = "more than " + std::to_string(kMaxColumns) + " fields";
        return false;
      }
    }
    if (quoted) {
      error = "a quoted field is not closed before the end of the file";
      return false;
    }
    if (!any) return false;
    cells.push_back(std::move(cell));
    return true;
  }

  int64_t row_line() const { return row_line_; }

 private:
  std::istream& in_;
  int64_t line_ = 1, row_line_ = 1;
};

bool ValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    int n = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
    if (n < 0 || i + n >= s.size()) return false;
    for (int k = 1; k <= n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n + 1;
  }
  return true;
}

std::string Trim(std::string s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t bar = s.find('|', start);
    std::string item = Trim(s.substr(start, bar == std::string::npos ? std::string::npos : bar - start));
    if (!item.empty()) out.push_back(item);
    if (bar == std::string::npos) break;
    start = bar + 1;
  }
  return out;
}

// The CSV column for an ArtifactFromJson field name ("date.earliest",
// "identifiers[1].value", "materials[0]").
std::string ColumnOfField(const std::string& field) {
  if (field.rfind("date.", 0) == 0) return "date_" + field.substr(5);
  size_t cut = field.find_first_of("[.");
  return cut == std::string::npos ? field : field.substr(0, cut);
}

Status RowError(int64_t row, const std::string& column, const std::string& why) {
  return Status::InvalidArgument(
      "row " + std::to_string(row) + (column.empty() ? "" : ", column " + column) + ": " + why,
      column);
}

Result<core::Artifact> MapRow(int64_t row, const std::vector<std::string>& header,
                              const std::vector<std::string>& cells) {
  if (cells.size() != header.size()) {
    return RowError(row, "", "has " + std::to_string(cells.size()) + " fields, the header has " +
                                 std::to_string(header.size()));
  }
  json j = json::object();
  json date = json::object();
  for (size_t i = 0; i < header.size(); ++i) {
    const std::string& col = header[i];
    std::string v = Trim(cells[i]);
    if (v.empty()) continue;
    if (!ValidUtf8(v)) return RowError(row, col, "is not valid UTF-8");
    if (col == "materials" || col == "techniques") {
      j[col] = SplitList(v);
    } else if (col == "identifiers") {
      json ids = json::array();
      for (const std::string& item : SplitList(v)) {
        size_t colon = item.find(':');
        if (colon == std::string::npos || colon == 0 || colon + 1 == item.size()) {
          return RowError(row, col, "\"" + item + "\" is not type:value");
        }
        ids.push_back({{"type", Trim(item.substr(0, colon))}, {"value", Trim(item.substr(colon + 1))}});
      }
      j[col] = std::move(ids);
    } else if (col == "date_earliest" || col == "date_latest") {
      size_t used = 0;
      long long y = 0;
      try {
        y = std::stoll(v, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != v.size()) return RowError(row, col, "\"" + v + "\" is not a whole year");
      date[col.substr(5)] = y;
    } else if (col == "date_display") {
      date["display"] = v;
    } else {
      j[col] = v;
    }
  }
  if (!date.empty()) j["date"] = std::move(date);
  auto a = core::ArtifactFromJson(j);
  if (!a.ok()) {
    std::string column = ColumnOfField(a.status().field());
    return RowError(row, column, a.status().message());
  }
  return a;
}

Status ReadAll(std::istream& in, const CsvRecordSink* sink, int64_t* rows_out) {
  // A UTF-8 BOM before the header is tolerated.
  if (in.peek() == 0xEF) {
    char bom[3];
    in.read(bom, 3);
    if (!(in.gcount() == 3 && static_cast<unsigned char>(bom[1]) == 0xBB &&
          static_cast<unsigned char>(bom[2]) == 0xBF)) {
      return RowError(1, "", "the file does not start with UTF-8 text");
    }
  }
  CsvParser parser(in);
  std::vector<std::string> cells;
  std::string error;
  if (!parser.Next(cells, error)) {
    return RowError(1, "", error.empty() ? "the file is empty: a header row is required" : error);
  }
  std::vector<std::string> header;
  std::map<std::string, size_t> seen;
  const auto& known = CsvColumns();
  for (size_t i = 0; i < cells.size(); ++i) {
    std::string name = Lower(Trim(cells[i]));
    std::string label = "column " + std::to_string(i + 1);
    if (name.empty()) return RowError(1, label, "header cell is empty");
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      std::string all;
      for (const auto& k : known) all += (all.empty() ? "" : ", ") + k;
      return RowError(1, name, "unknown column \"" + cells[i] + "\" (known columns: " + all + ")");
    }
    if (!seen.emplace(name, i).second) return RowError(1, name, "column appears twice");
    header.push_back(name);
  }
  for (const char* need : {"title", "object_type"}) {
    if (!seen.contains(need)) return RowError(1, need, "the header has no " + std::string(need) + " column");
  }
  int64_t row = 1, rows = 0;
  while (true) {
    error.clear();
    bool got = parser.Next(cells, error);
    ++row;
    if (!error.empty()) return RowError(row, "", error + " (line " + std::to_string(parser.row_line()) + ")");
    if (!got) break;
    if (cells.size() == 1 && Trim(cells[0]).empty()) continue;  // blank line
    ++rows;
    if (!sink) continue;
    CsvRecord rec;
    rec.row = row;
    rec.line = parser.row_line();
    if (auto it = seen.find("id"); it != seen.end() && it->second < cells.size()) {
      rec.id = Trim(cells[it->second]);
    }
    rec.artifact = MapRow(row, header, cells);
    CUSTOS_RETURN_IF_ERROR((*sink)(std::move(rec)));
  }
  if (rows_out) *rows_out = rows;
  return Status::Ok();
}

}  // namespace

const std::vector<std::string>& CsvColumns() {
  static const std::vector<std::string> k = {
      "id", "title", "object_type", "status", "visibility", "materials", "techniques",
      "measurements", "inscriptions", "distinguishing_features", "subject", "date_display",
      "date_earliest", "date_latest", "maker", "culture", "country_of_origin", "find_spot",
      "description", "language", "identifiers", "provenance_text"};
  return k;
}

Status ReadCsv(std::istream& in, const CsvRecordSink& sink) { return ReadAll(in, &sink, nullptr); }

Status ReadCsvFile(const std::string& path, const CsvRecordSink& sink) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot read " + path);
  return ReadAll(in, &sink, nullptr);
}

Result<int64_t> CheckCsvFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot read " + path);
  int64_t rows = 0;
  CUSTOS_RETURN_IF_ERROR(ReadAll(in, nullptr, &rows));
  return rows;
}

}  // namespace custos::archive

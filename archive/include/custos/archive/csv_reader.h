// Reads artifact records from CSV: RFC 4180 quoting (quoted fields may hold
// commas, doubled quotes and line breaks), UTF-8 with an optional BOM, CRLF or
// LF line ends. The first row is a header naming artifact fields:
//
//   id, title, object_type, status, visibility, materials, techniques,
//   measurements, inscriptions, distinguishing_features, subject,
//   date_display, date_earliest, date_latest, maker, culture,
//   country_of_origin, find_spot, description, language, identifiers,
//   provenance_text
//
// List columns: materials and techniques separate items with '|';
// identifiers are "type:value|type:value". Years are integers (negative BCE).
// Empty cells leave the field unset. Columns are matched case-insensitively
// and may come in any order; an unknown or repeated column is an error.
//
// Streams: memory holds one row. Thread-compatible.
#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <string>

#include "custos/core/artifact.h"
#include "custos/core/status.h"

namespace custos::archive {

using core::Result;
using core::Status;

struct CsvRecord {
  int64_t row = 0;   // 1-based row number, the header being row 1
  int64_t line = 0;  // line where the row starts
  std::string id;    // the id cell, may be empty
  // The record, or InvalidArgument "row R, column C: reason".
  Result<core::Artifact> artifact = Status::InvalidArgument("unset");
};

using CsvRecordSink = std::function<Status(CsvRecord&&)>;

// Reads every data row into `sink`. Returns InvalidArgument for a file-level
// problem (no header, unknown or repeated column, no title/object_type
// column, unterminated quote, invalid UTF-8) naming row and column; the sink's
// status when it fails. Rows delivered before a file-level error were
// delivered; CheckCsvFile first for all-or-nothing.
Status ReadCsv(std::istream& in, const CsvRecordSink& sink);
Status ReadCsvFile(const std::string& path, const CsvRecordSink& sink);

// Parses the whole file without mapping: the number of data rows, or the
// file-level error ReadCsvFile would return.
Result<int64_t> CheckCsvFile(const std::string& path);

// The header names accepted, in the order above.
const std::vector<std::string>& CsvColumns();

}  // namespace custos::archive

// Writes artifact records as CSV in the column mapping the CSV importer reads
// (csv_reader.h, CsvColumns()), so that export -> import round-trips: RFC 4180
// (CRLF line ends; a field is quoted when it holds a comma, quote, CR or LF,
// or begins or ends with a space, and quotes inside are doubled), UTF-8
// without BOM.
//
// Lists: materials and techniques joined with '|', identifiers as
// "type:value|type:value" (what the reader splits). Only public descriptive
// fields are written: case data never is. Thread-compatible.
#pragma once

#include <ostream>
#include <string>

#include "custos/core/artifact.h"

namespace custos::archive {

// The header row (with CRLF).
std::string CsvHeaderRow();
// One record as a row (with CRLF).
std::string ArtifactToCsvRow(const core::Artifact& a);
// One RFC 4180 field.
std::string CsvField(const std::string& value);

}  // namespace custos::archive

// Reads LIDO XML (1.0 and 1.1, namespace http://www.lido-schema.org) into
// artifact records: one lido:lido record, a lido:lidoWrap of any size, or LIDO
// records inside an OAI-PMH response.
//
// The reader streams (libxml2's xmlTextReader): only one record's subtree is
// in memory at a time, so memory does not grow with the file. It is hostile-
// input safe: no network (XML_PARSE_NONET), no DTD loading, no entity
// substitution, and any document type declaration is refused outright (LIDO
// needs none; that is where billion-laughs and external entities live);
// nesting is bounded by libxml2's 256-level limit and by `max_depth`.
//
// Mapping (LIDO -> Artifact):
//   lidoRecID                         -> identifiers{lido_rec_id}, id (LidoArtifactId)
//   objectWorkType/term               -> object_type (classification/term if absent)
//   titleSet/appellationValue         -> title (the first)
//   inscriptions/inscriptionTranscription (or its descriptiveNoteValue) -> inscriptions
//   objectMeasurementsSet/displayObjectMeasurements -> measurements
//   objectDescriptionSet/descriptiveNoteValue -> description
//   repositorySet/workID              -> identifiers{inventory_number}
//   production event: displayDate/earliestDate/latestDate -> date,
//     eventActor -> maker, culture -> culture, eventPlace -> description
//     ("Place of production: ..."), termMaterialsTech/displayMaterialsTech ->
//     materials and techniques (by the lido:type of the term)
//   acquisition and other events (not production/creation) -> provenance_text,
//     one period per event "<phrase> <actor>, <place>, <date>." in document order
//   recordSource/legalBodyName        -> identifiers{record_source}
//   recordID                          -> identifiers{record_id}
// The lido:lido element itself, serialised, goes to Artifact::source_lido.
//
// Thread-safety: functions are reentrant; libxml2 must have been initialised
// (xmlInitParser, done by the first call here).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "custos/core/artifact.h"
#include "custos/core/status.h"

namespace custos::archive {

using core::Result;
using core::Status;

inline constexpr std::string_view kLidoNamespace = "http://www.lido-schema.org";

struct LidoReadOptions {
  int max_depth = 128;                       // element nesting, whole document
  size_t max_record_bytes = 1 << 20;         // serialised lido:lido element
};

// One record found in the stream. `artifact` is an error (naming the LIDO
// element or the artifact field) when the record cannot be mapped; the stream
// goes on with the next record.
struct LidoRecord {
  int64_t line = 0;          // line of the lido:lido start tag
  std::string lido_rec_id;   // as written, may be empty
  Result<core::Artifact> artifact = Status::InvalidArgument("unset");
};

using LidoRecordSink = std::function<Status(LidoRecord&&)>;

// Streams `path`, calling `sink` for every lido:lido record in document order.
// Returns OK after the whole file parsed; InvalidArgument (with line and
// libxml2's reason) on a fatal XML error, a DOCTYPE, excessive depth, or no
// LIDO record at all; IOError when the file cannot be read; the sink's status
// when the sink fails (reading stops there). Records delivered before a fatal
// error were delivered: a caller that must import all-or-nothing checks the
// file first (CheckLidoFile) or buffers.
Status ReadLidoFile(const std::string& path, const LidoRecordSink& sink,
                    const LidoReadOptions& options = {});
Status ReadLidoMemory(std::string_view xml, const LidoRecordSink& sink,
                      const LidoReadOptions& options = {});

// Parses the whole file as ReadLidoFile does and maps nothing: the structural
// check an all-or-nothing import runs before writing. Returns the number of
// lido:lido records, or the error ReadLidoFile would return.
Result<int64_t> CheckLidoFile(const std::string& path, const LidoReadOptions& options = {});

// The stable artifact id for a lidoRecID: the id itself when it is a valid
// artifact id; otherwise the id with every other character replaced by '-'
// (cut to 47 characters) plus '-' and 16 hex digits of its SHA-256, so that
// distinct lidoRecIDs keep distinct ids. Empty for an empty lidoRecID.
std::string LidoArtifactId(std::string_view lido_rec_id);

// Validates an XML file against an XSD (e.g. lido-v1.1.xsd) with libxml2, no
// network. OK when valid; InvalidArgument listing the first errors (line:
// message) otherwise; IOError when the schema cannot be loaded.
Status ValidateXmlFileAgainstXsd(const std::string& xml_path, const std::string& xsd_path);
Status ValidateXmlAgainstXsd(std::string_view xml, const std::string& xsd_path);

// The LIDO 1.1 schema shipped with custos: $CUSTOS_LIDO_SCHEMA when set, else
// the copy in the source tree (archive/schemas/lido/lido-v1.1.xsd).
std::string DefaultLidoSchemaPath();

}  // namespace custos::archive

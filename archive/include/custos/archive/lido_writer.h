// Writes artifacts as LIDO 1.1 XML (valid against lido-v1.1.xsd), one record
// as a lido:lido document or many as a streamed lido:lidoWrap file.
//
// Only descriptive, public fields are written: restricted case data never is;
// callers decide whether a restricted record may be exported at all.
// Writers are not thread-safe; use one per output.
#pragma once

#include <memory>
#include <string>

#include "custos/core/artifact.h"
#include "custos/core/status.h"

namespace custos::archive {

using core::Result;
using core::Status;

// A complete XML document holding one lido:lido element for `a`.
// Internal on a libxml2 writer failure (out of memory).
Result<std::string> ArtifactToLidoXml(const core::Artifact& a);
// The lido:lido element alone (no XML declaration), declaring the LIDO
// namespace, for embedding in another document (an OAI-PMH <metadata>).
Result<std::string> ArtifactToLidoElement(const core::Artifact& a);

// Streams a lido:lidoWrap to a file, one record at a time.
class LidoWrapWriter {
 public:
  // IOError when the file cannot be created.
  static Result<std::unique_ptr<LidoWrapWriter>> Create(const std::string& path);
  ~LidoWrapWriter();
  LidoWrapWriter(const LidoWrapWriter&) = delete;
  LidoWrapWriter& operator=(const LidoWrapWriter&) = delete;

  Status Add(const core::Artifact& a);
  // Closes the wrap and flushes the file; IOError on a write failure.
  Status Finish();

 private:
  struct Impl;
  explicit LidoWrapWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace custos::archive

// Private: documents as the web layer sees them (access rules, uploads),
// shared by the JSON API (api_documents.cc) and the HTML pages.
#pragma once

#include <Poco/Net/HTMLForm.h>

#include <functional>
#include <string>

#include "app.h"
#include "custos/archive/document_store.h"

namespace custos::web {

// The document `sha` (any hex case) if the caller may see it: restricted
// documents need a role that sees restricted data; a public one needs a linked
// record the caller may see. Hidden and unknown documents are both NotFound
// with the same message. `pages`: load the extracted text per page.
// artifact_ids holds only the linked records the caller may see.
core::Result<archive::Document> LoadVisibleDocument(App& app, const RequestContext& ctx,
                                                    const std::string& sha, bool pages);

// Called with the form fields read so far, before an upload's bytes are
// stored; a non-ok Status refuses the upload.
using UploadPrecheck = std::function<core::Status(const Poco::Net::HTMLForm&)>;

// Reads a multipart/form-data document upload (fields `file`, `kind`, `date`,
// `description`, `visibility`, `ocr_languages`) for artifact `id` and stores
// it. Needs a writer; the artifact must be visible. Consumes the body.
core::Result<archive::UploadResult> ReceiveDocumentUpload(App& app, RequestContext& ctx,
                                                          const std::string& id,
                                                          const UploadPrecheck& precheck);

}  // namespace custos::web

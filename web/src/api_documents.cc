// Scanned documents:
//   POST /api/v1/artifacts/{id}/documents (multipart: file, kind, date, description,
//        visibility, ocr_languages), GET /api/v1/artifacts/{id}/documents
//   GET /api/v1/documents/{sha256}, .../content (Range), .../preview?page=&size=
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/PartHandler.h>
#include <Poco/URI.h>

#include <filesystem>
#include <fstream>

#include "app.h"
#include "custody_bundle.h"
#include "document_access.h"
#include "custos/archive/document_store.h"
#include "custos/core/blob_store.h"
#include "custos/core/crypto.h"
#include "custos/core/encoding.h"

namespace custos::web {

using archive::Document;
using archive::NewDocument;
using core::Result;
using core::Status;
using nlohmann::json;

namespace {

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find_first_of(",+ ", start);
    if (end == std::string::npos) end = s.size();
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

Result<NewDocument> MetadataFrom(const Poco::Net::NameValueCollection& form,
                                 const std::string& filename) {
  NewDocument meta;
  std::string kind = form.get("kind", "other");
  auto k = archive::ParseDocumentKind(kind);
  if (!k) {
    std::string all;
    for (auto each : archive::AllDocumentKinds()) {
      all += (all.empty() ? "" : ", ") + std::string(archive::ToString(each));
    }
    return Status::InvalidArgument("kind must be one of " + all, "kind");
  }
  meta.kind = *k;
  meta.original_filename = filename;
  meta.date = form.get("date", "");
  meta.description = form.get("description", "");
  std::string visibility = form.get("visibility", "public");
  auto v = core::ParseVisibility(visibility);
  if (!v) return Status::InvalidArgument("visibility must be public or restricted", "visibility");
  meta.visibility = *v;
  meta.ocr_languages = SplitList(form.get("ocr_languages", ""));
  return meta;
}

// Receives the `file` part. When the metadata fields came first it streams
// straight into the archive; otherwise it spools to a private temp file and
// the upload happens once the whole form is read.
class UploadHandler final : public Poco::Net::PartHandler {
 public:
  UploadHandler(App& app, const RequestContext& ctx, std::string artifact_id,
                const Poco::Net::HTMLForm& form, const UploadPrecheck& precheck)
      : app_(app), ctx_(ctx), artifact_id_(std::move(artifact_id)), form_(form),
        precheck_(precheck) {}
  ~UploadHandler() override {
    if (!spool_.empty()) std::filesystem::remove(spool_);
  }

  void handlePart(const Poco::Net::MessageHeader& header, std::istream& stream) override {
    std::string disposition, name, filename;
    Poco::Net::NameValueCollection params;
    if (header.has("Content-Disposition")) {
      Poco::Net::MessageHeader::splitParameters(header.get("Content-Disposition"), disposition,
                                                params);
      name = params.get("name", "");
      filename = params.get("filename", "");
    }
    if (name != "file") {
      stream.ignore(std::numeric_limits<std::streamsize>::max());
      return;
    }
    if (seen_file_) {
      result_ = Status::InvalidArgument("send one file per upload", "file");
      stream.ignore(std::numeric_limits<std::streamsize>::max());
      return;
    }
    seen_file_ = true;
    filename_ = filename;
    if (form_.has("kind")) {
      result_ = Upload(stream);
      if (!result_->ok()) stream.ignore(std::numeric_limits<std::streamsize>::max());
      return;
    }
    auto rnd = core::RandomBytes(12);
    spool_ = app_.archive.paths().blobs() + "/.upload-" + core::HexEncode(*rnd);
    std::ofstream out(spool_, std::ios::binary | std::ios::trunc);
    char buf[1 << 16];
    uint64_t total = 0;
    while (stream) {
      stream.read(buf, sizeof buf);
      total += static_cast<uint64_t>(stream.gcount());
      if (total > app_.config.max_upload) {
        result_ = Status::TooLarge("the file is larger than " +
                                   std::to_string(app_.config.max_upload) + " bytes");
        stream.ignore(std::numeric_limits<std::streamsize>::max());
        return;
      }
      out.write(buf, stream.gcount());
    }
    if (!out) result_ = Status::IOError("cannot spool the upload");
  }

  // After the whole form is read.
  Result<archive::UploadResult> Finish() {
    if (!seen_file_) return Status::InvalidArgument("the multipart field `file` is missing", "file");
    if (result_) return *result_;
    std::ifstream in(spool_, std::ios::binary);
    return Upload(in);
  }

 private:
  Result<archive::UploadResult> Upload(std::istream& in) {
    // The fields read so far must pass (e.g. a page form's CSRF token)
    // before anything is stored.
    if (precheck_) CUSTOS_RETURN_IF_ERROR(precheck_(form_));
    CUSTOS_ASSIGN_OR_RETURN(NewDocument meta, MetadataFrom(form_, filename_));
    if (meta.visibility == core::Visibility::kRestricted &&
        !core::CanSeeRestricted(ctx_.principal.role) &&
        ctx_.principal.role != core::Role::kCurator) {
      return Status::Forbidden("you may not add restricted documents");
    }
    return app_.archive.documents().Upload(in, meta, artifact_id_, ctx_.principal.user,
                                           app_.config.max_upload);
  }

  App& app_;
  const RequestContext& ctx_;
  std::string artifact_id_;
  const Poco::Net::HTMLForm& form_;
  const UploadPrecheck& precheck_;
  std::string filename_;
  std::string spool_;
  bool seen_file_ = false;
  std::optional<Result<archive::UploadResult>> result_;
};

json MetadataJson(const archive::DocumentMetadata& m) {
  return {{"sha256", m.sha256},
          {"media_type", m.media_type},
          {"size", m.size},
          {"filename", m.original_filename},
          {"kind", std::string(archive::ToString(m.kind))},
          {"date", m.date},
          {"description", m.description},
          {"visibility", std::string(core::ToString(m.visibility))},
          {"ocr_languages", m.ocr_languages},
          {"page_count", m.page_count},
          {"created_at", m.created_at},
          {"created_by", m.created_by},
          {"content", "/api/v1/documents/" + m.sha256 + "/content"},
          {"thumbnail", "/api/v1/documents/" + m.sha256 + "/preview?page=1&size=thumb"}};
}

}  // namespace

// Whether the caller may see the document: restricted ones need the role; a
// public one needs at least one linked record the caller may see.
Result<Document> LoadVisibleDocument(App& app, const RequestContext& ctx, const std::string& sha,
                                     bool pages) {
  const Status hidden = Status::NotFound("no document " + sha);
  auto normalized = core::NormalizeSha256Hex(sha);
  if (!normalized) return hidden;
  auto doc = app.archive.documents().GetDocument(*normalized, pages);
  if (!doc.ok()) return doc.status().code() == core::StatusCode::kNotFound ? hidden : doc.status();
  bool full = core::CanSeeRestricted(ctx.principal.role);
  if (doc->metadata.visibility == core::Visibility::kRestricted && !full) return hidden;
  std::vector<std::string> visible;
  for (const auto& id : doc->artifact_ids) {
    auto a = app.archive.records().GetArtifact(id);
    if (a.ok() && MaySee(ctx.principal, *a)) visible.push_back(id);
  }
  if (visible.empty() && !full) return hidden;
  doc->artifact_ids = std::move(visible);
  return doc;
}

namespace {

json DocumentJson(const Document& d) {
  json j = MetadataJson(d.metadata);
  j["artifacts"] = d.artifact_ids;
  j["extraction"] = {{"status", std::string(archive::ToString(d.extraction.status))},
                     {"reason", d.extraction.reason},
                     {"attempts", d.extraction.attempts},
                     {"updated_at", d.extraction.updated_at}};
  json pages = json::array();
  for (const auto& p : d.pages) {
    pages.push_back({{"page", p.page},
                     {"source", std::string(archive::ToString(p.source))},
                     {"text", p.text}});
  }
  j["pages"] = pages;
  if (d.last_fixity) {
    j["last_fixity"] = {{"time", d.last_fixity->time},
                        {"outcome", std::string(archive::ToString(d.last_fixity->outcome))},
                        {"expected", d.last_fixity->expected},
                        {"actual", d.last_fixity->actual}};
  } else {
    j["last_fixity"] = nullptr;
  }
  return j;
}

}  // namespace

Result<archive::UploadResult> ReceiveDocumentUpload(App& app, RequestContext& ctx,
                                                    const std::string& id,
                                                    const UploadPrecheck& precheck) {
  CUSTOS_RETURN_IF_ERROR(RequireWriter(ctx));
  CUSTOS_ASSIGN_OR_RETURN(core::Artifact artifact, LoadVisibleArtifact(app, ctx, id));
  auto& req = ctx.request;
  std::string type = req.getContentType();
  if (type.rfind("multipart/form-data", 0) != 0) {
    return Status::UnsupportedMediaType("upload documents as multipart/form-data with a `file` field");
  }
  if (req.hasContentLength() &&
      req.getContentLength64() > static_cast<int64_t>(app.config.max_upload + (1 << 20))) {
    return Status::TooLarge("the upload is larger than " + std::to_string(app.config.max_upload) +
                            " bytes");
  }
  Poco::Net::HTMLForm form;
  form.setFieldLimit(32);
  form.setValueLengthLimit(20000);
  UploadHandler handler(app, ctx, id, form, precheck);
  try {
    form.load(req, req.stream(), handler);
  } catch (const Poco::Exception& e) {
    return Status::InvalidArgument("malformed multipart body: " + e.message());
  }
  ctx.body_consumed = true;
  CUSTOS_ASSIGN_OR_RETURN(auto result, handler.Finish());
  app.Written();
  return result;
}

namespace {

Result<Reply> UploadDocument(App& app, RequestContext& ctx) {
  CUSTOS_ASSIGN_OR_RETURN(auto result,
                          ReceiveDocumentUpload(app, ctx, ctx.path_params.at("id"), nullptr));
  json out = DocumentJson(result.document);
  out["created"] = result.created;
  out["linked"] = result.linked;
  Reply r = JsonReply(result.created ? 201 : 200, out);
  r.headers.emplace_back("Location", "/api/v1/documents/" + result.document.metadata.sha256);
  return r;
}

Result<Reply> ListDocuments(App& app, RequestContext& ctx) {
  const std::string& id = ctx.path_params.at("id");
  CUSTOS_ASSIGN_OR_RETURN(core::Artifact artifact, LoadVisibleArtifact(app, ctx, id));
  CUSTOS_ASSIGN_OR_RETURN(auto docs, app.archive.documents().ListForArtifact(id));
  bool full = core::CanSeeRestricted(ctx.principal.role);
  json out = json::array();
  for (const auto& d : docs) {
    if (d.visibility == core::Visibility::kRestricted && !full) continue;
    out.push_back(MetadataJson(d));
  }
  return JsonReply(200, {{"artifact", id}, {"documents", out}});
}

// RFC 5987 filename* plus an ASCII fallback, so quotes and semicolons in a
// stored name cannot break the header.
std::string Disposition(const std::string& filename, const std::string& sha) {
  std::string ascii;
  for (char c : filename) {
    unsigned char u = static_cast<unsigned char>(c);
    ascii += (u >= 0x20 && u < 0x7f && c != '"' && c != '\\' && c != ';') ? c : '_';
  }
  if (ascii.empty()) ascii = sha;
  std::string encoded;
  Poco::URI::encode(filename.empty() ? sha : filename, "\"';,/?:@&=+$# ", encoded);
  return "inline; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
}

Result<Reply> Content(App& app, RequestContext& ctx) {
  const std::string& sha = ctx.path_params.at("sha256");
  CUSTOS_ASSIGN_OR_RETURN(Document doc, LoadVisibleDocument(app, ctx, sha, false));
  CUSTOS_ASSIGN_OR_RETURN(auto reader, app.archive.blobs().Open(doc.metadata.sha256));
  const uint64_t size = reader->size();
  uint64_t first = 0, last = size ? size - 1 : 0;
  int status = 200;
  if (ctx.request.has("Range") && size > 0) {
    // One range: bytes=a-b, bytes=a-, bytes=-n. Others are served whole.
    std::string range = ctx.request.get("Range");
    if (range.rfind("bytes=", 0) == 0 && range.find(',') == std::string::npos) {
      std::string spec = range.substr(6);
      size_t dash = spec.find('-');
      try {
        if (dash == 0) {
          uint64_t n = std::stoull(spec.substr(1));
          first = n >= size ? 0 : size - n;
        } else if (dash != std::string::npos) {
          first = std::stoull(spec.substr(0, dash));
          if (dash + 1 < spec.size()) last = std::min<uint64_t>(std::stoull(spec.substr(dash + 1)), size - 1);
        }
        status = 206;
      } catch (const std::exception&) {
        status = 200;
        first = 0;
        last = size - 1;
      }
      if (status == 206 && (first > last || first >= size)) {
        Reply r;
        r.status = 416;
        r.headers.emplace_back("Content-Range", "bytes */" + std::to_string(size));
        r.content_type = "text/plain";
        return r;
      }
    }
  }
  Reply r;
  r.status = status;
  r.content_type = doc.metadata.media_type;
  r.headers.emplace_back("Content-Disposition", Disposition(doc.metadata.original_filename, sha));
  r.headers.emplace_back("Accept-Ranges", "bytes");
  r.headers.emplace_back("Content-Security-Policy", "sandbox");
  r.headers.emplace_back("Cache-Control", "private, max-age=3600");
  r.headers.emplace_back("ETag", "\"" + doc.metadata.sha256 + "\"");
  if (status == 206) {
    r.headers.emplace_back("Content-Range", "bytes " + std::to_string(first) + "-" +
                                                std::to_string(last) + "/" + std::to_string(size));
  }
  r.stream_length = static_cast<int64_t>(size ? last - first + 1 : 0);
  std::shared_ptr<core::BlobReader> shared(std::move(reader));
  r.stream = [shared, first, length = r.stream_length](std::ostream& out) {
    uint64_t offset = first, left = static_cast<uint64_t>(length);
    while (left > 0 && out) {
      auto chunk = shared->ReadAt(offset, static_cast<size_t>(std::min<uint64_t>(left, 1 << 20)));
      if (!chunk.ok() || chunk->empty()) break;
      out.write(chunk->data(), static_cast<std::streamsize>(chunk->size()));
      offset += chunk->size();
      left -= chunk->size();
    }
  };
  return r;
}

Result<Reply> Preview(App& app, RequestContext& ctx) {
  const std::string& sha = ctx.path_params.at("sha256");
  CUSTOS_ASSIGN_OR_RETURN(Document doc, LoadVisibleDocument(app, ctx, sha, false));
  CUSTOS_ASSIGN_OR_RETURN(int64_t page, IntParam(ctx, "page", 1, 1, 100000));
  auto size = archive::ParsePreviewSize(ctx.QueryParam("size", "thumb"));
  if (!size) return Status::InvalidArgument("size must be thumb or page", "size");
  CUSTOS_ASSIGN_OR_RETURN(std::string png, app.archive.previews().Preview(
                                               doc.metadata.sha256, static_cast<int>(page), *size));
  Reply r;
  r.content_type = "image/png";
  r.body = std::move(png);
  r.headers.emplace_back("Cache-Control", "private, max-age=86400");
  return r;
}

}  // namespace

Result<std::string> DocumentMediaType(App& app, const RequestContext& ctx,
                                      const std::string& sha256) {
  CUSTOS_ASSIGN_OR_RETURN(Document doc, LoadVisibleDocument(app, ctx, sha256, false));
  return doc.metadata.media_type;
}

void AddDocumentRoutes(Router& router, App& app) {
  router.Add("POST", "/api/v1/artifacts/{id}/documents",
             [&app](RequestContext& c) { return UploadDocument(app, c); });
  router.Add("GET", "/api/v1/artifacts/{id}/documents",
             [&app](RequestContext& c) { return ListDocuments(app, c); });
  router.Add("GET", "/api/v1/documents/{sha256}", [&app](RequestContext& c) -> Result<Reply> {
    CUSTOS_ASSIGN_OR_RETURN(Document doc,
                            LoadVisibleDocument(app, c, c.path_params.at("sha256"), true));
    return JsonReply(200, DocumentJson(doc));
  });
  router.Add("GET", "/api/v1/documents/{sha256}/content",
             [&app](RequestContext& c) { return Content(app, c); });
  router.Add("GET", "/api/v1/documents/{sha256}/preview",
             [&app](RequestContext& c) { return Preview(app, c); });
}

}  // namespace custos::web

// BagIt dossiers. See dossier.h.
#include "custos/archive/dossier.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

#include "custos/archive/custody_bundle.h"
#include "custos/archive/lido_writer.h"
#include "custos/archive/media_type.h"
#include "custos/core/crypto.h"
#include "custos/core/digest.h"
#include "custos/core/zip.h"

namespace custos::archive {

using core::Result;
using core::Status;
using nlohmann::json;

namespace {

Result<std::string> Hex(std::string_view algorithm, std::string_view data) {
  CUSTOS_ASSIGN_OR_RETURN(auto d, core::Digester::Create(algorithm));
  d->Update(data);
  return d->FinishHex();
}

// "<hex>  <path>\n" for each file, sorted by path (RFC 8493 §2.1.3).
Result<std::string> Manifest(std::string_view algorithm, const std::vector<DossierFile>& files) {
  std::map<std::string, std::string> lines;
  for (const auto& f : files) {
    CUSTOS_ASSIGN_OR_RETURN(std::string hex, Hex(algorithm, f.data));
    lines[f.path] = hex + "  " + f.path + "\n";
  }
  std::string out;
  for (const auto& [_, line] : lines) out += line;
  return out;
}

}  // namespace

std::string DossierBaseName(const core::Artifact& artifact) {
  return "custos-dossier-" + artifact.id;
}

Result<std::vector<DossierFile>> BuildDossier(Archive& archive, const CustodyLog* log,
                                              const core::Artifact& artifact,
                                              const DossierOptions& options) {
  std::vector<DossierFile> payload;
  payload.push_back(
      {"data/record.json", core::ArtifactToJson(artifact, options.include_restricted)
                                   .dump(2, ' ', false, json::error_handler_t::replace) +
                               "\n"});
  CUSTOS_ASSIGN_OR_RETURN(std::string lido, ArtifactToLidoXml(artifact));
  payload.push_back({"data/record.lido.xml", std::move(lido)});

  CUSTOS_ASSIGN_OR_RETURN(auto docs, archive.documents().ListForArtifact(artifact.id));
  json listed = json::array();
  uint64_t total = 0;
  for (const auto& d : docs) {
    if (!options.include_restricted && d.visibility != core::Visibility::kPublic) continue;
    total += d.size;
    if (total > kMaxDossierDocumentBytes) {
      return Status::TooLarge("the record's documents exceed " +
                              std::to_string(kMaxDossierDocumentBytes >> 20) +
                              " MiB; download them separately");
    }
    CUSTOS_ASSIGN_OR_RETURN(std::string bytes,
                            archive.blobs().ReadAll(d.sha256, kMaxDossierDocumentBytes));
    if (core::Sha256Hex(bytes) != d.sha256) {
      return Status::Corruption("stored document " + d.sha256 +
                                " no longer matches its hash; run custos fsck");
    }
    std::string ext(ExtensionForMediaType(d.media_type));
    std::string path = "data/documents/" + d.sha256 + (ext.empty() ? "" : "." + ext);
    listed.push_back({{"path", path},
                      {"sha256", d.sha256},
                      {"media_type", d.media_type},
                      {"size", d.size},
                      {"original_filename", d.original_filename},
                      {"kind", std::string(ToString(d.kind))},
                      {"date", d.date},
                      {"description", d.description},
                      {"visibility", std::string(core::ToString(d.visibility))}});
    payload.push_back({std::move(path), std::move(bytes)});
  }
  payload.push_back(
      {"data/documents.json", listed.dump(2, ' ', false, json::error_handler_t::replace) + "\n"});

  if (log) {
    auto bundle = BuildCustodyBundle(
        archive, *log, artifact,
        options.include_restricted ? BundleDocuments::kAll : BundleDocuments::kPublic);
    if (bundle.ok()) {
      payload.push_back({"data/custody-bundle.zip", std::move(bundle).value()});
    } else if (bundle.status().code() != core::StatusCode::kNotFound) {
      return bundle.status();  // NotFound: no custody entries, no bundle
    }
  }

  uint64_t octets = 0;
  for (const auto& f : payload) octets += f.data.size();
  std::vector<DossierFile> tags;
  tags.push_back({"bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"});
  // bag-info.txt values are single lines: no CR/LF can come from the record id
  // (validated) or the options.
  auto line = [](const std::string& label, std::string value) {
    value.erase(
        std::remove_if(value.begin(), value.end(), [](char c) { return c == '\r' || c == '\n'; }),
        value.end());
    return label + ": " + value + "\n";
  };
  std::string info =
      line("Source-Organization", options.source_organization) +
      line("Bagging-Date", options.bagging_date) + line("External-Identifier", artifact.id) +
      line("External-Description", "custos dossier of " + artifact.title) +
      line("Payload-Oxum", std::to_string(octets) + "." + std::to_string(payload.size())) +
      line("Bag-Software-Agent", "custos");
  tags.push_back({"bag-info.txt", std::move(info)});
  CUSTOS_ASSIGN_OR_RETURN(std::string m256, Manifest("sha256", payload));
  CUSTOS_ASSIGN_OR_RETURN(std::string m512, Manifest("sha512", payload));
  tags.push_back({"manifest-sha256.txt", std::move(m256)});
  tags.push_back({"manifest-sha512.txt", std::move(m512)});
  CUSTOS_ASSIGN_OR_RETURN(std::string t256, Manifest("sha256", tags));
  CUSTOS_ASSIGN_OR_RETURN(std::string t512, Manifest("sha512", tags));
  tags.push_back({"tagmanifest-sha256.txt", std::move(t256)});
  tags.push_back({"tagmanifest-sha512.txt", std::move(t512)});

  std::vector<DossierFile> out = std::move(payload);
  for (auto& t : tags) out.push_back(std::move(t));
  return out;
}

Result<std::string> DossierZip(const std::vector<DossierFile>& files, const std::string& base) {
  core::ZipWriter zip;
  for (const auto& f : files) CUSTOS_RETURN_IF_ERROR(zip.Add(base + "/" + f.path, f.data));
  return zip.Finish();
}

Status WriteDossierDirectory(const std::vector<DossierFile>& files, const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(dir, ec)) return Status::Conflict(dir + " exists; choose a new directory");
  for (const auto& f : files) {
    if (!core::IsSafeZipName(f.path)) return Status::Internal("unsafe dossier path " + f.path);
    fs::path p = fs::path(dir) / f.path;
    fs::create_directories(p.parent_path(), ec);
    if (ec)
      return Status::IOError("cannot create " + p.parent_path().string() + ": " + ec.message());
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(f.data.data(), static_cast<std::streamsize>(f.data.size()));
    out.close();
    if (!out) return Status::IOError("cannot write " + p.string());
  }
  return Status::Ok();
}

}  // namespace custos::archive

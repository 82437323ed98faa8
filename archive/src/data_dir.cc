#include "custos/archive/data_dir.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace custos::archive {

using core::Status;

namespace {
Status MakeDir(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return Status::IOError("cannot create " + path + ": " + ec.message());
  std::filesystem::permissions(path, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace, ec);
  if (ec) return Status::IOError("cannot set permissions on " + path + ": " + ec.message());
  return Status::Ok();
}
}  // namespace

Status PrepareDataDir(const DataPaths& paths) {
  for (const auto& dir : {paths.root, paths.index(), paths.blobs(), paths.keys()}) {
    CUSTOS_RETURN_IF_ERROR(MakeDir(dir));
  }
  return Status::Ok();
}

Archive::Archive(DataPaths paths, std::shared_ptr<SqliteDatabase> db, const core::Clock& clock)
    : paths_(std::move(paths)), db_(db), records_(db, clock), users_(db, clock) {}

core::Result<std::unique_ptr<Archive>> Archive::Open(const std::string& root,
                                                     const core::Clock& clock) {
  DataPaths paths{root};
  CUSTOS_RETURN_IF_ERROR(PrepareDataDir(paths));
  auto db = SqliteDatabase::Open(paths.db());
  if (!db.ok()) return db.status();
  auto blobs = FileBlobStore::OpenAt(paths.blobs());
  if (!blobs.ok()) return blobs.status();
  std::unique_ptr<Archive> archive(new Archive(std::move(paths), std::move(db).value(), clock));
  archive->blobs_ = std::move(blobs).value();
  archive->documents_ = std::make_unique<DocumentStore>(archive->db_, *archive->blobs_, clock);
  archive->previews_ =
      std::make_unique<PreviewCache>(archive->paths_.previews(), *archive->blobs_);
  archive->parties_ = std::make_unique<PartyStore>(archive->db_, clock);
  return archive;
}

}  // namespace custos::archive

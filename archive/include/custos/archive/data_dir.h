// The embedded data directory and the stores that live in it:
//
//   DIR/custos.db   SQLite (WAL): records, revisions, audit, users, change feed
//   DIR/index/      Xapian database (derived; rebuildable)
//   DIR/blobs/      content-addressed scans
//   DIR/previews/   page images of scans (derived; deletable)
//   DIR/keys/       log signing key (0600) and its public vkey
//
// Directories are created 0700: the database holds token hashes and case data.
#pragma once

#include <memory>
#include <string>

#include "custos/archive/document_store.h"
#include "custos/archive/file_blob_store.h"
#include "custos/archive/party_store.h"
#include "custos/archive/preview.h"
#include "custos/archive/sqlite_database.h"
#include "custos/archive/sqlite_record_store.h"
#include "custos/archive/user_store.h"
#include "custos/core/clock.h"

namespace custos::archive {

struct DataPaths {
  std::string root;
  std::string db() const { return root + "/custos.db"; }
  std::string index() const { return root + "/index"; }
  std::string blobs() const { return root + "/blobs"; }
  std::string keys() const { return root + "/keys"; }
  std::string previews() const { return root + "/previews"; }
};

// Creates DIR and its subdirectories (0700) when missing. IOError.
core::Status PrepareDataDir(const DataPaths& paths);

// The stores of one data directory, opened together. Thread-safe.
class Archive {
 public:
  // Prepares the directory and opens/migrates the database. `clock` must
  // outlive the Archive.
  static core::Result<std::unique_ptr<Archive>> Open(const std::string& root,
                                                     const core::Clock& clock);

  const DataPaths& paths() const { return paths_; }
  SqliteDatabase& database() { return *db_; }
  const std::shared_ptr<SqliteDatabase>& database_ptr() { return db_; }
  SqliteRecordStore& records() { return records_; }
  UserStore& users() { return users_; }
  FileBlobStore& blobs() { return *blobs_; }
  DocumentStore& documents() { return *documents_; }
  PreviewCache& previews() { return *previews_; }
  // One per archive, so that the server's follower and its requests share
  // the parties' snapshot (and the record of what changed since it).
  PartyStore& parties() { return *parties_; }

 private:
  Archive(DataPaths paths, std::shared_ptr<SqliteDatabase> db, const core::Clock& clock);
  DataPaths paths_;
  std::shared_ptr<SqliteDatabase> db_;
  SqliteRecordStore records_;
  UserStore users_;
  std::unique_ptr<FileBlobStore> blobs_;
  std::unique_ptr<DocumentStore> documents_;  // uses blobs_
  std::unique_ptr<PreviewCache> previews_;    // uses blobs_
  std::unique_ptr<PartyStore> parties_;
};

}  // namespace custos::archive

// Private: the Poco::Data connections behind SqliteDatabase.
#pragma once

#include <Poco/Data/Session.h>

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "custos/archive/sqlite_database.h"

namespace custos::archive {

struct SqliteDatabase::Impl {
  ~Impl();
  // Runs WAL checkpoints on their own connection (see sqlite_database.cc).
  void CheckpointLoop();
  void NoteCommit();

  std::string path;
  int schema_version = 0;
  std::mutex write_mu;
  std::unique_ptr<Poco::Data::Session> writer;
  mutable std::mutex pool_mu;
  mutable std::vector<std::unique_ptr<Poco::Data::Session>> idle_readers;

  std::mutex checkpoint_mu;
  std::condition_variable checkpoint_cv;
  uint64_t commits_since_checkpoint = 0;  // guarded by checkpoint_mu
  bool stopping = false;                  // guarded by checkpoint_mu
  std::thread checkpointer;
};

// Opens one connection with the pragmas every connection needs.
std::unique_ptr<Poco::Data::Session> OpenConnection(const std::string& path);

}  // namespace custos::archive

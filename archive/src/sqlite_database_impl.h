// Private: the Poco::Data connections behind SqliteDatabase.
#pragma once

#include <Poco/Data/Session.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "custos/archive/sqlite_database.h"

namespace custos::archive {

struct SqliteDatabase::Impl {
  std::string path;
  int schema_version = 0;
  std::mutex write_mu;
  std::unique_ptr<Poco::Data::Session> writer;
  mutable std::mutex pool_mu;
  mutable std::vector<std::unique_ptr<Poco::Data::Session>> idle_readers;
};

// Opens one connection with the pragmas every connection needs.
std::unique_ptr<Poco::Data::Session> OpenConnection(const std::string& path);

}  // namespace custos::archive

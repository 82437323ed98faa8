#include "migrations.h"

namespace custos::archive {

const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> k = {
      {1,
       "records, revisions, change feed, audit log",
       {
           R"(CREATE TABLE artifacts (
                id TEXT PRIMARY KEY,
                version INTEGER NOT NULL,
                visibility TEXT NOT NULL,
                status TEXT NOT NULL,
                title TEXT NOT NULL,
                deleted INTEGER NOT NULL DEFAULT 0,
                doc TEXT NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL))",
           R"(CREATE TABLE revisions (
                artifact_id TEXT NOT NULL REFERENCES artifacts(id),
                version INTEGER NOT NULL,
                op TEXT NOT NULL,
                actor TEXT NOT NULL,
                time TEXT NOT NULL,
                doc TEXT NOT NULL,
                PRIMARY KEY (artifact_id, version)))",
           R"(CREATE TABLE changes (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                artifact_id TEXT NOT NULL REFERENCES artifacts(id),
                version INTEGER NOT NULL,
                op TEXT NOT NULL,
                time TEXT NOT NULL))",
           R"(CREATE TABLE audit (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                time TEXT NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                target TEXT NOT NULL,
                detail TEXT NOT NULL DEFAULT ''))",
       }},
      {2,
       "users and API tokens; listing index",
       {
           R"(CREATE TABLE users (
                name TEXT PRIMARY KEY,
                role TEXT NOT NULL,
                disabled INTEGER NOT NULL DEFAULT 0,
                password_hash TEXT NOT NULL DEFAULT '',
                created_at TEXT NOT NULL))",
           R"(CREATE TABLE tokens (
                token_hash TEXT PRIMARY KEY,
                user_name TEXT NOT NULL REFERENCES users(name),
                created_at TEXT NOT NULL))",
           "CREATE INDEX tokens_by_user ON tokens(user_name)",
           "CREATE INDEX artifacts_live ON artifacts(deleted, visibility, id)",
       }},
  };
  return k;
}

}  // namespace custos::archive

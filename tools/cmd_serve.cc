// custos serve: the HTTP server under Poco::Util::ServerApplication (options,
// config file, SIGTERM/SIGINT handling).
#include <Poco/Util/AbstractConfiguration.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/IntValidator.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionSet.h>
#include <Poco/Util/ServerApplication.h>

#include <iostream>

#include "cli_args.h"
#include "commands.h"
#include "custos/archive/custody_log.h"
#include "custos/archive/data_dir.h"
#include "custos/archive/log_keys.h"
#include "custos/web/runtime.h"
#include "custos/web/server.h"

namespace custos::tools {
namespace {

using Poco::Util::Option;
using Poco::Util::OptionCallback;

class ServeApp final : public Poco::Util::ServerApplication {
 protected:
  void defineOptions(Poco::Util::OptionSet& options) override {
    ServerApplication::defineOptions(options);
    auto add = [&](const char* name, const char* arg, const char* help) {
      options.addOption(Option(name, "", help)
                            .required(false)
                            .repeatable(false)
                            .argument(arg)
                            .callback(OptionCallback<ServeApp>(this, &ServeApp::SetOption)));
    };
    add("data", "DIR", "data directory (default: $CUSTOS_DATA, else ./data)");
    add("port", "PORT", "TCP port (default 8080; 0 picks a free one)");
    add("bind", "ADDR", "address to listen on (default 127.0.0.1)");
    add("threads", "N", "request threads (default 16)");
    add("max-body", "BYTES", "largest JSON request body (default 1048576)");
    add("origin", "NAME", "the log's origin and key name, set on first start (default custos.local/log)");
    add("fixity-interval", "SECONDS", "how often every scan is re-hashed (default 86400; 0 never)");
    add("max-upload", "BYTES", "largest document upload (default 209715200)");
    add("config", "FILE", "settings file (key = value: data, port, bind, threads, max-body)");
    options.addOption(Option("help", "h", "show this help")
                          .required(false)
                          .repeatable(false)
                          .callback(OptionCallback<ServeApp>(this, &ServeApp::Help)));
  }

  void SetOption(const std::string& name, const std::string& value) {
    if (name == "config") {
      loadConfiguration(value);
    } else {
      // Flags override the settings file whatever their order.
      flags_[name] = value;
    }
  }

  void Help(const std::string&, const std::string&) {
    Poco::Util::HelpFormatter f(options());
    f.setCommand("custos serve");
    f.setUsage("[--data DIR] [--port 8080] [--bind 127.0.0.1] [--config FILE]");
    f.setHeader(
        "Runs the custos HTTP server. On first start it creates the data directory and an "
        "admin user and prints the admin's API token and browser password once.");
    f.setUnixStyle(true);
    f.format(std::cout);
    help_ = true;
    stopOptionsProcessing();
  }

  std::string Setting(const std::string& name, const std::string& fallback) {
    if (auto it = flags_.find(name); it != flags_.end()) return it->second;
    return config().getString(name, fallback);
  }

  int main(const std::vector<std::string>& args) override {
    if (help_) return EXIT_OK;
    if (!args.empty()) {
      std::cerr << "custos serve: unexpected argument '" << args[0] << "' (see --help)\n";
      return EXIT_USAGE;
    }
    web::ServerConfig cfg;
    std::string data;
    try {
      const char* env = std::getenv("CUSTOS_DATA");
      data = Setting("data", env && *env ? env : "data");
      cfg.port = std::stoi(Setting("port", "8080"));
      cfg.bind = Setting("bind", "127.0.0.1");
      cfg.threads = std::stoi(Setting("threads", "16"));
      cfg.max_json_body = std::stoul(Setting("max-body", "1048576"));
      cfg.max_upload = std::stoull(Setting("max-upload", "209715200"));
    } catch (const std::exception&) {
      std::cerr << "custos serve: port, threads and max-body must be numbers\n";
      return EXIT_USAGE;
    }
    if (cfg.port < 0 || cfg.port > 65535 || cfg.threads < 1 || cfg.threads > 1024) {
      std::cerr << "custos serve: port must be 0-65535 and threads 1-1024\n";
      return EXIT_USAGE;
    }

    core::SystemClock clock;
    auto archive = archive::Archive::Open(data, clock);
    if (!archive.ok()) {
      std::cerr << "custos serve: cannot open " << data << ": " << archive.status().ToString()
                << "\n";
      return EXIT_IOERR;
    }
    web::RuntimeOptions ro;
    ro.origin = Setting("origin", "custos.local/log");
    try {
      ro.fixity_interval = std::chrono::seconds(std::stoll(Setting("fixity-interval", "86400")));
    } catch (const std::exception&) {
      std::cerr << "custos serve: fixity-interval must be seconds\n";
      return EXIT_USAGE;
    }
    ro.log = [](const std::string& line) { std::cerr << line << std::endl; };
    auto runtime = web::Runtime::Start(**archive, clock, ro);
    if (!runtime.ok()) {
      std::cerr << "custos serve: " << runtime.status().ToString() << "\n";
      return EXIT_IOERR;
    }
    auto server = web::Server::Start(cfg, (*runtime)->deps());
    if (!server.ok()) {
      std::cerr << "custos serve: " << server.status().ToString() << "\n";
      return EXIT_IOERR;
    }
    std::string url = "http://" + cfg.bind + ":" + std::to_string((*server)->port());
    if (!FirstStart(**archive, url)) return EXIT_SOFTWARE;
    std::cout << "custos: serving " << data << " on " << url << std::endl;
    waitForTerminationRequest();
    std::cout << "custos: shutting down (finishing requests in flight)" << std::endl;
    (*server)->Stop();
    (*runtime)->Stop();
    std::cout << "custos: stopped" << std::endl;
    return EXIT_OK;
  }

  // On an empty user table: create `admin`, print its token and password once.
  static bool FirstStart(archive::Archive& archive, const std::string& url) {
    auto count = archive.users().CountUsers();
    if (!count.ok()) {
      std::cerr << "custos serve: " << count.status().ToString() << "\n";
      return false;
    }
    if (*count > 0) return true;
    auto& users = archive.users();
    std::string password = archive::NewRandomPassword();
    core::Status st = users.AddUser("admin", core::Role::kAdmin);
    if (st.ok()) st = users.SetPassword("admin", password);
    auto token = st.ok() ? users.IssueToken("admin") : core::Result<std::string>(st);
    if (!token.ok()) {
      std::cerr << "custos serve: cannot create the admin user: " << token.status().ToString()
                << "\n";
      return false;
    }
    std::cout << "\ncustos: first start: created the user 'admin'. These are shown once and "
                 "stored only as hashes:\n"
              << "  API token:       " << *token << "\n"
              << "  browser login:   admin / " << password << "  (" << url << "/login)\n"
              << "  try:             curl -H 'Authorization: Bearer " << *token << "' " << url
              << "/api/v1/whoami\n"
              << "Lost them? `custos user token admin` and `custos user password admin` issue "
                 "new ones.\n\n"
              << std::flush;
    return true;
  }

 private:
  std::map<std::string, std::string> flags_;
  bool help_ = false;
};

}  // namespace

int RunServe(int argc, char** argv) {
  ServeApp app;
  try {
    return app.run(argc, argv);
  } catch (const Poco::Exception& e) {
    std::cerr << "custos serve: " << e.displayText() << " (see --help)\n";
    return 2;
  }
}

}  // namespace custos::tools

// The README example, compiled so it cannot rot.

#include <pgwire/api/auth.hpp>
#include <pgwire/server/server.hpp>

class Hello final : public pgwire::SimpleQueryHandler {
 public:
  asio::awaitable<std::vector<pgwire::Response>> query(pgwire::Session& session,
                                                       std::string_view sql) override {
    std::vector<pgwire::Response> out;
    for (auto stmt : pgwire::split_statements(sql)) {     // one result per statement
      if (stmt == "begin") { out.push_back(pgwire::Response::begin()); continue; }
      auto schema = pgwire::make_schema({{"greeting", pgwire::oid::text}});
      int n = 0;                                          // rows are pulled in batches:
      out.push_back(pgwire::Response::rows(schema, pgwire::make_row_source(
          [n](pgwire::RowWriter& w) mutable {             // memory stays bounded and a
            w.begin_row();                                // slow client pauses the source
            w.add_encoded("hello " + std::to_string(n));
            w.end_row();
            return ++n < 1000000;
          })));
    }
    co_return out;                                        // or throw pgwire::PgError{"42601", "..."}
  }
};

int main() {
  auto users = std::make_shared<pgwire::StaticAuthSource>();
  users->add("postgres", "secret");                       // or a stored "SCRAM-SHA-256$..." secret
  pgwire::ServerOptions options;
  options.listen = {"127.0.0.1:5433"};
  pgwire::Server server(options, {pgwire::make_scram_auth(users), std::make_shared<Hello>()});
  server.run();
}

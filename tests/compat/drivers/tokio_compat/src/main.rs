//! tokio-postgres driver program of the compat suite (tests/compat/compat.py):
//! runs the features against the server in the COMPAT_* variables and prints
//! one JSON line per feature. Built by the build (tests/compat/CMakeLists.txt)
//! with Debian's tokio-postgres 0.7 and its dependencies.

mod auth;
mod cancel;
mod common;
mod config;
mod connect;
mod copy;
mod notify;
mod pg_values;
mod report;
mod tls;
mod types;

use config::Config;
use connect::Shared;
use report::{run, Failure, Outcome};

/// Runs a feature that needs a table, or reports why that table is missing.
async fn with_table<F: std::future::Future<Output = Outcome>>(cfg: &Config, feature: &str, table: &Result<(), String>, body: F) {
    match table {
        Ok(()) => run(cfg, feature, body).await,
        Err(e) => run(cfg, feature, async { Err(Failure(e.clone())) }).await,
    }
}

/// Drops and creates a table on the main connection; Err says why it failed.
async fn make_table(main: &mut Shared, what: &str, table: &str, create: &str) -> Result<(), String> {
    let k = main.get().map_err(|Failure(m)| m)?;
    common::recreate_table(k, table, create)
        .await
        .map_err(|e| format!("creating {} failed: {} (query: {})", what, report::describe(&e), create))
}

async fn features(cfg: &Config) {
    let mut main = Shared::new();
    run(cfg, "connect_trust", common::connect_trust(cfg, &mut main)).await;
    run(cfg, "connect_scram", common::connect_scram(cfg)).await;
    run(cfg, "connect_tls", common::connect_tls(cfg)).await;
    run(cfg, "auth_md5", auth::auth_md5(cfg)).await;
    run(cfg, "auth_cleartext", auth::auth_cleartext(cfg)).await;
    run(cfg, "auth_cert", auth::auth_cert(cfg)).await;
    run(cfg, "simple_query", common::simple_query(&mut main)).await;
    run(cfg, "expr_type", common::expr_type(&mut main)).await;

    let table = make_table(&mut main, "the test table", &cfg.table, &cfg.sql_create).await;
    for feature in common::PARAM_FEATURES {
        with_table(cfg, feature, &table, common::param_feature(cfg, &mut main, feature)).await;
    }
    run(cfg, "error_sqlstate", common::error_sqlstate(&mut main)).await;
    run(cfg, "multi_statement", common::multi_statement(&mut main)).await;
    with_table(cfg, "transaction", &table, common::transaction(cfg, &mut main)).await;
    run(cfg, "rows_100k", common::rows_100k(cfg, &mut main)).await;
    run(cfg, "stream_100k", common::stream_100k(cfg, &mut main)).await;
    with_table(cfg, "prepared", &table, common::prepared(cfg, &mut main)).await;

    let specs = match types::load(&cfg.types_path) {
        Ok(specs) => specs,
        Err(e) => {
            eprintln!("{}", e);
            std::process::exit(3);
        }
    };
    let types_table = make_table(&mut main, "the types table", &cfg.types_table, &cfg.sql_create_types).await;
    for (i, spec) in specs.iter().enumerate() {
        let feature = format!("type_{}", spec.name);
        let body = async {
            let k = main.get()?;
            types::round_trip(cfg, k, spec, i as i64 + 1).await
        };
        with_table(cfg, &feature, &types_table, body).await;
    }

    run(cfg, "copy_in", copy::copy_in(cfg)).await;
    run(cfg, "copy_out", copy::copy_out(cfg)).await;
    run(cfg, "cancel", cancel::cancel(cfg)).await;
    run(cfg, "notify", notify::notify(cfg)).await;
}

fn main() {
    let cfg = Config::from_env();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
    runtime.block_on(features(&cfg));
}

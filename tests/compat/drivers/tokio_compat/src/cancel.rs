//! cancel: `SELECT pg_sleep(10)` cancelled with CancelToken::cancel_query (a
//! CancelRequest on a new connection), sent every 100 ms until the statement
//! ends (one that arrives before the server started the statement is lost):
//! SQLSTATE 57014 within COMPAT_CANCEL_WITHIN, then the same connection runs a
//! query.

use std::time::{Duration, Instant};

use tokio_postgres::NoTls;

use crate::common::expect_one;
use crate::config::Config;
use crate::connect::connect;
use crate::report::{describe, sql, sqlstate, Outcome};
use crate::{bail, ensure};

const SLEEP_SQL: &str = "SELECT pg_sleep(10)";

pub async fn cancel(cfg: &Config) -> Outcome {
    let k = connect(&cfg.trust_dsn).await?;
    let token = k.cancel_token();
    let canceller = async {
        let mut wait = Duration::from_millis(50); // the first a little after the query was sent
        loop {
            tokio::time::sleep(wait).await;
            wait = Duration::from_millis(100);
            token.cancel_query(NoTls).await?;
        }
        #[allow(unreachable_code)]
        Ok::<(), tokio_postgres::Error>(())
    };
    let started = Instant::now();
    // The query and the canceller on one task: the canceller stops when the query ends.
    let result = tokio::select! {
        r = k.execute(sql(SLEEP_SQL), &[]) => r,
        Err(e) = canceller => bail!("the driver's cancel failed: {}", describe(&e)),
    };
    let elapsed = started.elapsed();
    match result {
        Ok(_) => bail!("{} was not cancelled (it ended after {:.1} s)", SLEEP_SQL, elapsed.as_secs_f64()),
        Err(e) => ensure!(sqlstate(&e) == "57014", "got {}, want SQLSTATE 57014", describe(&e)),
    }
    ensure!(
        elapsed < cfg.cancel_within,
        "cancelled after {:.2} s, want < {:.1} s",
        elapsed.as_secs_f64(),
        cfg.cancel_within.as_secs_f64()
    );
    expect_one(&k, "SELECT 1 after the cancel").await
}

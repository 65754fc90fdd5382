//! The JSON lines compat.py reads: one per feature, {"feature", "ok",
//! "error", "query", "detail"}. A feature is a future returning Outcome: Ok
//! (with the formats it proved as its detail, if any) or a Failure whose text
//! is reported with the SQL in flight.

use std::cell::RefCell;
use std::future::Future;

use crate::config::Config;

thread_local! {
    // The SQL in flight, reported with a failure. The runtime has one thread.
    static QUERY: RefCell<Option<String>> = RefCell::new(None);
}

/// Records `text` as the SQL in flight and returns it.
pub fn sql(text: &str) -> &str {
    QUERY.with(|q| *q.borrow_mut() = Some(text.to_string()));
    text
}

#[derive(Debug)]
pub struct Failure(pub String);

impl From<tokio_postgres::Error> for Failure {
    fn from(e: tokio_postgres::Error) -> Failure {
        Failure(describe(&e))
    }
}

impl From<String> for Failure {
    fn from(msg: String) -> Failure {
        Failure(msg)
    }
}

/// Ok(Some(detail)) passes and shows the detail in the report.
pub type Outcome = Result<Option<String>, Failure>;

/// `[SQLSTATE] message` for a server error, else the driver's own text.
pub fn describe(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("[{}] {}: {}", db.code().code(), db.severity(), db.message()),
        None => e.to_string(),
    }
}

/// The SQLSTATE of a server error ("" for any other failure).
pub fn sqlstate(e: &tokio_postgres::Error) -> &str {
    e.code().map(|c| c.code()).unwrap_or("")
}

/// `return Err(Failure(format!(...)))`
#[macro_export]
macro_rules! bail {
    ($($arg:tt)*) => { return Err($crate::report::Failure(format!($($arg)*))) };
}

/// `bail!` unless the condition holds.
#[macro_export]
macro_rules! ensure {
    ($cond:expr, $($arg:tt)*) => { if !$cond { $crate::bail!($($arg)*); } };
}

pub fn emit(feature: &str, result: Result<Option<String>, String>) {
    let mut r = serde_json::json!({"feature": feature, "ok": result.is_ok()});
    match result {
        Ok(Some(detail)) => r["detail"] = detail.into(),
        Ok(None) => {}
        Err(error) => {
            r["error"] = error.into();
            if let Some(q) = QUERY.with(|q| q.borrow().clone()) {
                r["query"] = q.into();
            }
        }
    }
    println!("{}", r);
}

/// Runs one feature within COMPAT_TIMEOUT (longer is a hang) and reports it;
/// a feature listed with "skip:" in expected_gaps.txt (COMPAT_SKIP) is
/// reported failed without running.
pub async fn run<F: Future<Output = Outcome>>(cfg: &Config, feature: &str, body: F) {
    QUERY.with(|q| *q.borrow_mut() = None);
    if cfg.skip.iter().any(|f| f == feature) {
        emit(feature, Err("not run: listed in expected_gaps.txt with skip: (see its reason)".into()));
        return;
    }
    let result = match tokio::time::timeout(cfg.timeout, body).await {
        Ok(Ok(detail)) => Ok(detail),
        Ok(Err(Failure(msg))) => Err(msg),
        Err(_) => Err(format!(
            "hung: no answer within the time limit (COMPAT_TIMEOUT, {} s)",
            cfg.timeout.as_secs()
        )),
    };
    emit(feature, result);
}

//! The COMPAT_* variables compat.py sets (driver_env): endpoints, table
//! names, the dialect's SQL, the COPY/cancel/notify parameters.

use std::env;
use std::time::Duration;

pub struct Config {
    pub trust_dsn: String,
    pub scram_dsn: String,
    pub tls_dsn: String,
    pub md5_dsn: String,
    pub md5_wrong_dsn: String,
    pub clear_dsn: String,
    pub clear_wrong_dsn: String,
    /// The certificate user with sslmode=require; tokio-postgres has no
    /// sslcert/sslkey keywords: the TLS connector presents the certificate.
    pub cert_user_dsn: String,
    pub sslcert_der: String,
    pub sslkey_pk8: String,
    pub table: String,
    pub sql_create: String,
    pub sql_rows: String,
    pub rows: i64,
    pub types_path: String,
    pub types_table: String,
    pub sql_create_types: String,
    pub copy_table: String,
    pub sql_create_copy: String,
    pub sql_copy_seed: String,
    pub copy_rows: i64,
    pub cancel_within: Duration,
    pub channel: String,
    pub notify_within: Duration,
    pub timeout: Duration,
    pub skip: Vec<String>,
}

fn var(name: &str) -> String {
    env::var(name).unwrap_or_default()
}

fn number(name: &str, default: f64) -> f64 {
    env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

impl Config {
    pub fn from_env() -> Config {
        Config {
            trust_dsn: var("COMPAT_TRUST_DSN"),
            scram_dsn: var("COMPAT_SCRAM_DSN"),
            tls_dsn: var("COMPAT_TLS_DSN"),
            md5_dsn: var("COMPAT_MD5_DSN"),
            md5_wrong_dsn: var("COMPAT_MD5_WRONG_DSN"),
            clear_dsn: var("COMPAT_CLEAR_DSN"),
            clear_wrong_dsn: var("COMPAT_CLEAR_WRONG_DSN"),
            cert_user_dsn: var("COMPAT_CERT_NOCERT_DSN"),
            sslcert_der: var("COMPAT_SSLCERT_DER"),
            sslkey_pk8: var("COMPAT_SSLKEY_PK8"),
            table: var("COMPAT_TABLE"),
            sql_create: var("COMPAT_SQL_CREATE"),
            sql_rows: var("COMPAT_SQL_ROWS"),
            rows: number("COMPAT_ROWS", 100000.0) as i64,
            types_path: var("COMPAT_TYPES"),
            types_table: var("COMPAT_TYPES_TABLE"),
            sql_create_types: var("COMPAT_SQL_CREATE_TYPES"),
            copy_table: var("COMPAT_COPY_TABLE"),
            sql_create_copy: var("COMPAT_SQL_CREATE_COPY"),
            sql_copy_seed: var("COMPAT_SQL_COPY_SEED"),
            copy_rows: number("COMPAT_COPY_ROWS", 1000.0) as i64,
            cancel_within: Duration::from_secs_f64(number("COMPAT_CANCEL_WITHIN", 1.0)),
            channel: var("COMPAT_CHANNEL"),
            notify_within: Duration::from_secs_f64(number("COMPAT_NOTIFY_WITHIN", 1.0)),
            timeout: Duration::from_secs_f64(number("COMPAT_TIMEOUT", 15.0)),
            skip: var("COMPAT_SKIP").split(',').filter(|f| !f.is_empty()).map(String::from).collect(),
        }
    }
}

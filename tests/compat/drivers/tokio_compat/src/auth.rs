//! auth_md5, auth_cleartext, auth_cert: a login by each pg_hba rule of
//! compat.py (HBA_RULES), then one the server must refuse with its SQLSTATE.

use tokio_postgres::Client;

use crate::common::expect_one;
use crate::config::Config;
use crate::connect::{connect, connect_with};
use crate::report::{sql, sqlstate, Failure, Outcome};
use crate::tls::RustlsNoVerify;
use crate::{bail, ensure};

async fn refused(login: Result<Client, tokio_postgres::Error>, want: &str) -> Outcome {
    match login {
        Ok(_) => bail!("the login succeeded; want it refused with {}", want),
        Err(e) => {
            ensure!(sqlstate(&e) == want, "SQLSTATE of the refused login: {}, want {}", Failure::from(e).0, want);
            Ok(None)
        }
    }
}

pub async fn auth_password(dsn: &str, wrong_dsn: &str) -> Outcome {
    sql(&format!("(log in) {}", dsn));
    let k = connect(dsn).await?;
    expect_one(&k, "SELECT 1").await?;
    drop(k);
    sql(&format!("(log in, to be refused with 28P01) {}", wrong_dsn));
    refused(connect(wrong_dsn).await, "28P01").await
}

pub async fn auth_md5(cfg: &Config) -> Outcome {
    auth_password(&cfg.md5_dsn, &cfg.md5_wrong_dsn).await
}

pub async fn auth_cleartext(cfg: &Config) -> Outcome {
    auth_password(&cfg.clear_dsn, &cfg.clear_wrong_dsn).await
}

pub async fn auth_cert(cfg: &Config) -> Outcome {
    let read = |path: &str| std::fs::read(path).map_err(|e| Failure(format!("reading {}: {}", path, e)));
    let tls = RustlsNoVerify::with_client_cert(read(&cfg.sslcert_der)?, read(&cfg.sslkey_pk8)?)
        .map_err(|e| Failure(format!("the client certificate: {}", e)))?;
    sql(&format!("(log in with a client certificate) {}", cfg.cert_user_dsn));
    let k = connect_with(&cfg.cert_user_dsn, tls).await?;
    expect_one(&k, "SELECT 1").await?;
    drop(k);
    sql(&format!("(log in without a client certificate, to be refused with 28000) {}", cfg.cert_user_dsn));
    refused(connect_with(&cfg.cert_user_dsn, RustlsNoVerify::new()).await, "28000").await
}

//! The features every driver runs (compat.py COMMON) and "prepared".
//! tokio-postgres prepares every statement (Parse + Describe + Sync, then
//! Bind/Execute), sends parameters in binary by the types the server
//! describes and asks for every result column in binary; simple_query() and
//! batch_execute() use the simple protocol (text results).

use std::fmt::Debug;

use chrono::{NaiveDate, NaiveDateTime};
use tokio_postgres::types::{FromSql, ToSql, Type};
use tokio_postgres::{Client, SimpleQueryMessage};

use crate::config::Config;
use crate::connect::{connect, connect_with, Shared};
use crate::pg_values::loose_int;
use crate::report::{sql, sqlstate, Outcome};
use crate::tls::RustlsNoVerify;
use crate::{bail, ensure};

pub const MISSING_TABLE: &str = "compat_no_such_table";
pub const PARAM_TEXT: &str = "it's ünïcode ✓";

/// `SELECT 1` must give 1 (extended protocol).
pub async fn expect_one(k: &Client, what: &str) -> Outcome {
    let row = k.query_one(sql("SELECT 1"), &[]).await?;
    let v = loose_int(&row, 0)?;
    ensure!(v == 1, "{} gave {}", what, v);
    Ok(None)
}

pub async fn connect_trust(cfg: &Config, main: &mut Shared) -> Outcome {
    sql("(connect)");
    let k = main.set(connect(&cfg.trust_dsn).await)?;
    expect_one(k, "SELECT 1").await
}

pub async fn connect_scram(cfg: &Config) -> Outcome {
    sql("(connect with SCRAM)");
    let k = connect(&cfg.scram_dsn).await?;
    expect_one(&k, "SELECT 1").await
}

pub async fn connect_tls(cfg: &Config) -> Outcome {
    sql("(connect with sslmode=require)");
    let tls = RustlsNoVerify::new();
    let k = connect_with(&cfg.tls_dsn, tls.clone()).await?;
    let handshakes = tls.handshakes.load(std::sync::atomic::Ordering::SeqCst);
    ensure!(handshakes == 1, "connected with sslmode=require after {} TLS handshakes, want 1", handshakes);
    expect_one(&k, "SELECT 1").await
}

/// The rows (their first column's text) and command counts of a simple query.
async fn simple(k: &Client, text: &str) -> Result<(Vec<Option<String>>, Vec<u64>), tokio_postgres::Error> {
    let (mut values, mut counts) = (vec![], vec![]);
    for m in k.simple_query(sql(text)).await? {
        match m {
            SimpleQueryMessage::Row(r) => values.push(r.get(0).map(String::from)),
            SimpleQueryMessage::CommandComplete(n) => counts.push(n),
            _ => {}
        }
    }
    Ok((values, counts))
}

pub async fn simple_query(main: &mut Shared) -> Outcome {
    let k = main.get()?;
    let msgs = k.simple_query(sql("SELECT 1 AS one")).await?;
    let rows: Vec<_> = msgs
        .iter()
        .filter_map(|m| if let SimpleQueryMessage::Row(r) = m { Some(r) } else { None })
        .collect();
    ensure!(rows.len() == 1, "{} rows, want 1", rows.len());
    let name = rows[0].columns().get(0).map(|c| c.name().to_string());
    ensure!(name.as_deref() == Some("one"), "column {:?}, want \"one\"", name);
    ensure!(rows[0].get(0) == Some("1"), "value {:?}, want \"1\"", rows[0].get(0));
    Ok(None)
}

pub async fn expr_type(main: &mut Shared) -> Outcome {
    let k = main.get()?;
    let stmt = k.prepare(sql("SELECT 1 + 1 AS two")).await?;
    let ty = stmt.columns()[0].type_().clone();
    ensure!([Type::INT2, Type::INT4, Type::INT8].contains(&ty), "column type {} (oid {}), want an integer type", ty, ty.oid());
    let v = loose_int(&k.query_one(&stmt, &[]).await?, 0)?;
    ensure!(v == 2, "value {}", v);
    Ok(None)
}

pub async fn recreate_table(k: &Client, table: &str, create: &str) -> Result<(), tokio_postgres::Error> {
    k.batch_execute(sql(&format!("DROP TABLE IF EXISTS {}", table))).await?;
    k.batch_execute(sql(create)).await
}

/// INSERT the value as parameter $2 of row `id`, SELECT it back: equal.
async fn param<T>(cfg: &Config, main: &mut Shared, col: &str, id: i64, value: T) -> Outcome
where
    T: ToSql + Sync + Debug + PartialEq + for<'a> FromSql<'a>,
{
    let k = main.get()?;
    let insert = format!("INSERT INTO {} (id, {}) VALUES ($1, $2)", cfg.table, col);
    k.execute(sql(&insert), &[&id, &value]).await?;
    let rows = k.query(sql(&format!("SELECT {} FROM {} WHERE id = $1", col, cfg.table)), &[&id]).await?;
    ensure!(rows.len() == 1, "got {} rows, want 1", rows.len());
    let got: T = rows[0].try_get(0)?;
    ensure!(got == value, "got {:?}, want {:?}", got, value);
    Ok(None)
}

pub async fn param_feature(cfg: &Config, main: &mut Shared, feature: &str) -> Outcome {
    let date = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
    let ts: NaiveDateTime = date.and_hms_milli_opt(12, 34, 56, 789).unwrap();
    match feature {
        "param_int" => param(cfg, main, "i", 1, 1234567890123i64).await,
        "param_text" => param(cfg, main, "s", 2, PARAM_TEXT.to_string()).await,
        "param_null" => param(cfg, main, "s", 3, None::<String>).await,
        "param_float" => param(cfg, main, "f", 4, 3.25f64).await,
        "param_bool" => param(cfg, main, "b", 5, true).await,
        "param_bytea" => param(cfg, main, "bin", 6, vec![0u8, 1, 0xfe, 0xff]).await,
        "param_date" => param(cfg, main, "d", 7, date).await,
        "param_timestamp" => param(cfg, main, "ts", 8, ts).await,
        other => bail!("unknown parameter feature {}", other),
    }
}

pub const PARAM_FEATURES: [&str; 8] = [
    "param_int", "param_text", "param_null", "param_float", "param_bool", "param_bytea", "param_date",
    "param_timestamp",
];

pub async fn error_sqlstate(main: &mut Shared) -> Outcome {
    let k = main.get()?;
    match k.query(sql(&format!("SELECT * FROM {}", MISSING_TABLE)), &[]).await {
        Ok(_) => bail!("no error for a missing table"),
        Err(e) => ensure!(sqlstate(&e) == "42P01", "got {}, want SQLSTATE 42P01", crate::report::describe(&e)),
    }
    expect_one(k, "SELECT 1 after the error").await
}

pub async fn multi_statement(main: &mut Shared) -> Outcome {
    let k = main.get()?;
    let (values, counts) = simple(k, "SELECT 1; SELECT 2").await?;
    let want = vec![Some("1".to_string()), Some("2".to_string())];
    ensure!(values == want, "values {:?}, want {:?}", values, want);
    ensure!(counts == vec![1, 1], "row counts {:?}, want [1, 1]", counts);
    Ok(None)
}

async fn count(cfg: &Config, k: &Client, id: i64) -> Result<i64, crate::report::Failure> {
    let row = k.query_one(sql(&format!("SELECT count(*) FROM {} WHERE id = {}", cfg.table, id)), &[]).await?;
    loose_int(&row, 0)
}

/// Client::transaction(): a rolled-back row is gone, a committed one stays,
/// an error inside one comes with its SQLSTATE, the failed block refuses the
/// next statement with 25P02, and ROLLBACK ends it
/// (tokio-postgres does not tell the transaction status).
pub async fn transaction(cfg: &Config, main: &mut Shared) -> Outcome {
    let k = main.get()?;
    let tx = k.transaction().await?;
    tx.execute(sql(&format!("INSERT INTO {} (id, s) VALUES (100, 'rolled back')", cfg.table)), &[]).await?;
    tx.rollback().await?;
    let tx = k.transaction().await?;
    tx.execute(sql(&format!("INSERT INTO {} (id, s) VALUES (101, 'committed')", cfg.table)), &[]).await?;
    tx.commit().await?;
    let tx = k.transaction().await?;
    match tx.query(sql(&format!("SELECT * FROM {}", MISSING_TABLE)), &[]).await {
        Ok(_) => bail!("no error for a missing table in a transaction"),
        Err(e) => ensure!(sqlstate(&e) == "42P01", "got {}, want SQLSTATE 42P01", crate::report::describe(&e)),
    }
    // The block is failed: anything but its end is refused.
    match tx.query(sql("SELECT 1"), &[]).await {
        Ok(_) => bail!("a statement ran in a failed transaction block"),
        Err(e) => ensure!(sqlstate(&e) == "25P02", "got {}, want SQLSTATE 25P02", crate::report::describe(&e)),
    }
    tx.rollback().await?;
    let (rolled_back, committed) = (count(cfg, k, 100).await?, count(cfg, k, 101).await?);
    ensure!(rolled_back == 0, "rolled-back row: count {}", rolled_back);
    ensure!(committed == 1, "committed row: count {}", committed);
    Ok(None)
}

pub async fn rows_100k(cfg: &Config, main: &mut Shared) -> Outcome {
    let k = main.get()?;
    let rows = k.query(sql(&cfg.sql_rows), &[]).await?;
    ensure!(rows.len() as i64 == cfg.rows, "got {} rows, want {}", rows.len(), cfg.rows);
    let last = loose_int(rows.last().unwrap(), 0)?;
    ensure!(last == cfg.rows, "last value {}, want {}", last, cfg.rows);
    Ok(None)
}

/// A portal read 1000 rows at a time (Execute with a row limit; the server
/// answers PortalSuspended until the last batch), in a transaction.
pub async fn stream_100k(cfg: &Config, main: &mut Shared) -> Outcome {
    let k = main.get()?;
    let tx = k.transaction().await?;
    let stmt = tx.prepare(sql(&cfg.sql_rows)).await?;
    let portal = tx.bind(&stmt, &[]).await?;
    let (mut n, mut last, mut batches) = (0i64, None, 0);
    loop {
        let rows = tx.query_portal(&portal, 1000).await?;
        batches += 1;
        n += rows.len() as i64;
        if let Some(r) = rows.last() {
            last = Some(loose_int(r, 0)?);
        }
        if rows.len() < 1000 {
            break;
        }
    }
    tx.commit().await?;
    ensure!(n == cfg.rows && last == Some(cfg.rows), "got {} rows in {} batches, last {:?}", n, batches, last);
    Ok(None)
}

/// Client::prepare, then the Statement executed three times.
pub async fn prepared(cfg: &Config, main: &mut Shared) -> Outcome {
    let k = main.get()?;
    let stmt = k.prepare(sql(&format!("SELECT s FROM {} WHERE id = $1", cfg.table))).await?;
    ensure!(stmt.params() == [Type::INT8], "parameter types {:?}, want [int8]", stmt.params());
    for _ in 0..3 {
        let s: String = k.query_one(&stmt, &[&2i64]).await?.try_get(0)?;
        ensure!(s == PARAM_TEXT, "got {:?}", s);
    }
    Ok(None)
}

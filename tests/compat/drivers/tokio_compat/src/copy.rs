//! copy_in / copy_out: COPY_ROWS rows (compat.py), row n = (n, NULL when
//! n % 100 == 0, else "r<n>" TAB BACKSLASH LF " ü✓"), each in text and in
//! binary format, on a connection of their own.

use bytes::Bytes;
use futures_util::{pin_mut, SinkExt, TryStreamExt};
use tokio_postgres::binary_copy::{BinaryCopyInWriter, BinaryCopyOutStream};
use tokio_postgres::types::Type;
use tokio_postgres::Client;

use crate::common::recreate_table;
use crate::config::Config;
use crate::connect::connect;
use crate::ensure;
use crate::pg_values::loose_int;
use crate::report::{sql, Failure, Outcome};

fn copy_value(n: i64) -> Option<String> {
    if n % 100 == 0 {
        None
    } else {
        Some(format!("r{}\t\\\n \u{fc}\u{2713}", n))
    }
}

/// Row n in COPY's text format (escapes, \N).
fn copy_line(n: i64) -> String {
    let field = match copy_value(n) {
        None => "\\N".to_string(),
        Some(v) => v.replace('\\', "\\\\").replace('\t', "\\t").replace('\n', "\\n").replace('\r', "\\r"),
    };
    format!("{}\t{}\n", n, field)
}

fn check_rows(cfg: &Config, mut got: Vec<(i64, Option<String>)>) -> Result<(), Failure> {
    ensure!(got.len() as i64 == cfg.copy_rows, "{} rows, want {}", got.len(), cfg.copy_rows);
    got.sort_by_key(|r| r.0);
    for (i, (id, s)) in got.into_iter().enumerate() {
        let n = i as i64 + 1;
        ensure!(id == n && s == copy_value(n), "row {}: got ({}, {:?}), want ({}, {:?})", n, id, s, n, copy_value(n));
    }
    Ok(())
}

/// After a COPY FROM: the count, then every row read back with SELECT.
async fn check_table(cfg: &Config, k: &Client) -> Result<(), Failure> {
    let n = loose_int(&k.query_one(sql(&format!("SELECT count(*) FROM {}", cfg.copy_table)), &[]).await?, 0)?;
    ensure!(n == cfg.copy_rows, "count(*) {}, want {}", n, cfg.copy_rows);
    let rows = k.query(sql(&format!("SELECT id, s FROM {} ORDER BY id", cfg.copy_table)), &[]).await?;
    let got = rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect::<Result<Vec<_>, tokio_postgres::Error>>()?;
    check_rows(cfg, got)
}

/// Client::copy_in with text rows (in chunks of 100 rows), then
/// BinaryCopyInWriter; each time the row count finish() returns and the rows.
pub async fn copy_in(cfg: &Config) -> Outcome {
    let k = connect(&cfg.trust_dsn).await?;
    recreate_table(&k, &cfg.copy_table, &cfg.sql_create_copy).await?;
    let sink = k.copy_in(sql(&format!("COPY {} (id, s) FROM STDIN", cfg.copy_table))).await?;
    pin_mut!(sink);
    let lines: Vec<String> = (1..=cfg.copy_rows).map(copy_line).collect();
    for chunk in lines.chunks(100) {
        sink.send(Bytes::from(chunk.concat())).await?;
    }
    let n = sink.finish().await?;
    ensure!(n as i64 == cfg.copy_rows, "text COPY: finish() says {} rows, want {}", n, cfg.copy_rows);
    check_table(cfg, &k).await?;

    recreate_table(&k, &cfg.copy_table, &cfg.sql_create_copy).await?;
    let sink = k.copy_in(sql(&format!("COPY {} (id, s) FROM STDIN (FORMAT binary)", cfg.copy_table))).await?;
    let writer = BinaryCopyInWriter::new(sink, &[Type::INT8, Type::TEXT]);
    pin_mut!(writer);
    for n in 1..=cfg.copy_rows {
        writer.as_mut().write(&[&n, &copy_value(n)]).await?;
    }
    let n = writer.finish().await?;
    ensure!(n as i64 == cfg.copy_rows, "binary COPY: finish() says {} rows, want {}", n, cfg.copy_rows);
    check_table(cfg, &k).await?;
    Ok(Some("text+binary".into()))
}

/// Client::copy_out in text (every line compared, ordered by id), then
/// binary through BinaryCopyOutStream (every row decoded and compared).
pub async fn copy_out(cfg: &Config) -> Outcome {
    let k = connect(&cfg.trust_dsn).await?;
    recreate_table(&k, &cfg.copy_table, &cfg.sql_create_copy).await?;
    k.batch_execute(sql(&cfg.sql_copy_seed)).await?;

    let stream = k.copy_out(sql(&format!("COPY {} (id, s) TO STDOUT", cfg.copy_table))).await?;
    let chunks: Vec<Bytes> = stream.try_collect().await?;
    let data = chunks.concat();
    let text = String::from_utf8(data).map_err(|e| Failure(format!("the COPY data is not UTF-8: {}", e)))?;
    ensure!(text.ends_with('\n'), "the COPY data does not end with a newline: {:?}", &text[text.len().saturating_sub(40)..]);
    let mut lines: Vec<&str> = text[..text.len() - 1].split('\n').collect();
    ensure!(lines.len() as i64 == cfg.copy_rows, "{} lines, want {}", lines.len(), cfg.copy_rows);
    lines.sort_by_key(|l| l.split('\t').next().and_then(|id| id.parse::<i64>().ok()).unwrap_or(-1));
    for (i, line) in lines.iter().enumerate() {
        let want = copy_line(i as i64 + 1);
        ensure!(format!("{}\n", line) == want, "line {:?}, want {:?}", line, want);
    }

    let stream = k.copy_out(sql(&format!("COPY {} (id, s) TO STDOUT (FORMAT binary)", cfg.copy_table))).await?;
    let rows = BinaryCopyOutStream::new(stream, &[Type::INT8, Type::TEXT]);
    pin_mut!(rows);
    let mut got = vec![];
    while let Some(row) = rows.try_next().await? {
        got.push((row.try_get::<i64>(0)?, row.try_get::<Option<String>>(1)?));
    }
    check_rows(cfg, got)?;
    Ok(Some("text+binary".into()))
}

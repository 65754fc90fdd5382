//! Type round trips (features type_<name>); types.json (COMPAT_TYPES) is the
//! spec: PostgreSQL's text and binary output of one value per type.
//!
//! Each value goes in as a parameter, twice where tokio-postgres has a Rust
//! type for it: the native value, binary (row id), and the canonical text in
//! text format (row id + 100, TextParam). Each row is read back in binary
//! (query(): the column's type oid, the raw bytes against the spec, and the
//! native value FromSql decodes) and in text (simple_query(): the text).
//! numeric, timetz and interval have no Rust type in Debian's crates
//! (rust_decimal could not hold the 30 digits anyway): text parameter only,
//! the binary result checked byte for byte.

use std::fmt::Debug;
use std::net::IpAddr;

use chrono::{NaiveDate, TimeZone, Utc};
use tokio_postgres::types::{FromSql, ToSql};
use tokio_postgres::{Client, SimpleQueryMessage};

use crate::config::Config;
use crate::pg_values::{Inet, Raw, TextParam};
use crate::report::{sql, Failure, Outcome};
use crate::{bail, ensure};

pub struct TypeSpec {
    pub name: String,
    text: String,
    binary: Vec<u8>,
    oid: u32,
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len() / 2).map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap_or(0)).collect()
}

/// Bytes for a message: hex, and the text too when they are printable UTF-8.
fn shown(bytes: &[u8]) -> String {
    let hex: String = bytes.iter().map(|b| format!("{:02x}", b)).collect();
    match std::str::from_utf8(bytes) {
        Ok(text) if !text.chars().any(char::is_control) => format!("{} ({:?})", hex, text),
        _ => hex,
    }
}

pub fn load(path: &str) -> Result<Vec<TypeSpec>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("reading COMPAT_TYPES {}: {}", path, e))?;
    let doc: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("parsing {}: {}", path, e))?;
    let types = doc["types"].as_array().ok_or(format!("{}: no \"types\" list", path))?;
    Ok(types
        .iter()
        .map(|t| TypeSpec {
            name: t["name"].as_str().unwrap_or("").to_string(),
            text: t["text"].as_str().unwrap_or("").to_string(),
            binary: unhex(t["binary"].as_str().unwrap_or("")),
            oid: t["oid"].as_u64().unwrap_or(0) as u32,
        })
        .collect())
}

/// One inserted row: its id, what was sent (for messages), and the text
/// the server holds for it (json keeps its input text as is).
struct Sent {
    id: i64,
    shown: String,
    format: &'static str,
    text: String,
}

struct Trip<'a> {
    k: &'a Client,
    cfg: &'a Config,
    spec: &'a TypeSpec,
}

impl<'a> Trip<'a> {
    fn column(&self) -> String {
        format!("v_{}", self.spec.name)
    }

    fn insert_sql(&self) -> String {
        format!("INSERT INTO {} (id, {}) VALUES ($1, $2)", self.cfg.types_table, self.column())
    }

    fn insert_failed(shown: &str, format: &str, e: tokio_postgres::Error) -> Failure {
        Failure(format!("sending {} as a {} parameter: {}", shown, format, crate::report::describe(&e)))
    }

    /// The binary result: type oid, raw bytes, and (for a native type) the decoded value.
    async fn check_binary<T>(&self, sent: &Sent, native: Option<&T>) -> Result<(), Failure>
    where
        T: Debug + PartialEq + for<'b> FromSql<'b>,
    {
        let select = format!("SELECT {} FROM {} WHERE id = $1", self.column(), self.cfg.types_table);
        let what = format!("sent {} ({} parameter), binary result", sent.shown, sent.format);
        let rows = self.k.query(sql(&select), &[&sent.id]).await.map_err(|e| Failure(format!("{}: {}", what, crate::report::describe(&e))))?;
        ensure!(rows.len() == 1, "{}: {} rows, want 1", what, rows.len());
        let ty = rows[0].columns()[0].type_();
        ensure!(ty.oid() == self.spec.oid, "{}: column type oid {} ({}), want {}", what, ty.oid(), ty, self.spec.oid);
        let raw: Option<Raw> = rows[0].try_get(0)?;
        // json's binary form is its text; the others are PostgreSQL's.
        let want = if self.spec.name == "json" { sent.text.as_bytes().to_vec() } else { self.spec.binary.clone() };
        match raw {
            Some(Raw(got)) if got == want => {}
            Some(Raw(got)) => bail!("{}: raw value {}, want {}", what, shown(&got), shown(&want)),
            None => bail!("{}: NULL, want {}", what, shown(&want)),
        }
        if let Some(native) = native {
            let got: T = rows[0].try_get(0).map_err(|e| Failure(format!("{}: decoding: {}", what, e)))?;
            ensure!(&got == native, "{}: decoded {:?}, want {:?}", what, got, native);
        }
        Ok(())
    }

    /// The text result (simple protocol): the server's text for the row.
    async fn check_text(&self, sent: &Sent) -> Result<(), Failure> {
        let select = format!("SELECT {} FROM {} WHERE id = {}", self.column(), self.cfg.types_table, sent.id);
        let what = format!("sent {} ({} parameter), text result", sent.shown, sent.format);
        let msgs = self.k.simple_query(sql(&select)).await.map_err(|e| Failure(format!("{}: {}", what, crate::report::describe(&e))))?;
        let rows: Vec<Option<String>> = msgs
            .iter()
            .filter_map(|m| if let SimpleQueryMessage::Row(r) = m { Some(r.get(0).map(String::from)) } else { None })
            .collect();
        ensure!(rows.len() == 1, "{}: {} rows, want 1", what, rows.len());
        ensure!(rows[0].as_deref() == Some(sent.text.as_str()), "{}: {:?}, want {:?}", what, rows[0], sent.text);
        Ok(())
    }

    /// The canonical text in text format (row id + 100).
    async fn send_text(&self, id: i64) -> Result<Sent, Failure> {
        let shown = format!("{:?}", self.spec.text);
        let text = TextParam(self.spec.text.clone());
        execute(self.k, &self.insert_sql(), id + 100, &text).await.map_err(|e| Self::insert_failed(&shown, "text", e))?;
        Ok(Sent { id: id + 100, shown, format: "text", text: self.spec.text.clone() })
    }

    /// A type with a Rust value: sent native (binary) and as text; both rows
    /// read back in binary (decoded too) and in text.
    async fn native<T>(&self, id: i64, v: T) -> Outcome
    where
        T: ToSql + Sync + Debug + PartialEq + for<'b> FromSql<'b>,
    {
        let text = match self.spec.name.as_str() {
            "json" => String::from_utf8(json_bytes(&v)).unwrap_or_default(),
            _ => self.spec.text.clone(),
        };
        let shown = format!("{:?}", v);
        execute(self.k, &self.insert_sql(), id, &v).await.map_err(|e| Self::insert_failed(&shown, "binary", e))?;
        let sent = [Sent { id, shown, format: "binary", text }, self.send_text(id).await?];
        for s in &sent {
            self.check_binary(s, Some(&v)).await?;
            self.check_text(s).await?;
        }
        Ok(Some("t+b/t+b".into()))
    }

    /// A type without one: the text parameter, read back in binary (bytes) and text.
    async fn text_only(&self, id: i64) -> Outcome {
        let s = self.send_text(id).await?;
        self.check_binary::<Raw>(&s, None).await?;
        self.check_text(&s).await?;
        Ok(Some("t/t+b".into()))
    }
}

/// INSERT with (id, value) as the parameters. (A free function: rustc 1.63
/// rejects an async method of Trip taking the value, E0700.)
async fn execute<V: ToSql + Sync>(k: &Client, insert: &str, id: i64, value: &V) -> Result<(), tokio_postgres::Error> {
    k.execute(sql(insert), &[&id, value]).await.map(|_| ())
}

/// What tokio-postgres sends for a json value (serde_json, compact).
fn json_bytes<T: ToSql + Debug>(v: &T) -> Vec<u8> {
    let mut out = bytes::BytesMut::new();
    let _ = v.to_sql(&tokio_postgres::types::Type::JSON, &mut out);
    out.to_vec()
}

/// Runs type_<name> with the native Rust value of the type, if it has one.
pub async fn round_trip(cfg: &Config, k: &Client, spec: &TypeSpec, id: i64) -> Outcome {
    let t = Trip { k, cfg, spec };
    let date = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
    let ts = date.and_hms_micro_opt(12, 34, 56, 789012).unwrap();
    let json: serde_json::Value = serde_json::from_str(&spec.text).unwrap_or_default();
    match spec.name.as_str() {
        "int2" => t.native(id, -32768i16).await,
        "int4" => t.native(id, -2147483648i32).await,
        "int8" => t.native(id, -9007199254740993i64).await,
        "float4" => t.native(id, -1.5f32).await,
        "float8" => t.native(id, std::f64::consts::PI).await,
        "bool" => t.native(id, true).await,
        "text" | "varchar" => t.native(id, spec.text.clone()).await,
        "bytea" => t.native(id, vec![0u8, 1, 0xfe, 0xff, 0x27, 0x5c]).await,
        "oid" => t.native(id, 4000000000u32).await,
        "date" => t.native(id, date).await,
        "time" => t.native(id, ts.time()).await,
        "timestamp" => t.native(id, ts).await,
        "timestamptz" => t.native(id, Utc.from_utc_datetime(&ts)).await,
        "uuid" => t.native(id, uuid::Uuid::parse_str(&spec.text).map_err(|e| Failure(e.to_string()))?).await,
        "json" | "jsonb" => t.native(id, json).await,
        "inet" => t.native(id, Inet { addr: "2001:db8::ff".parse::<IpAddr>().unwrap(), netmask: 64 }).await,
        "cidr" => t.native(id, Inet { addr: "10.1.0.0".parse::<IpAddr>().unwrap(), netmask: 16 }).await,
        "int4_array" => t.native(id, vec![Some(1i32), None, Some(-3)]).await,
        "text_array" => {
            let v = vec![Some("a b".to_string()), Some("c,d".into()), None, Some("q\"x".into()), Some(String::new())];
            t.native(id, v).await
        }
        // No Rust type in Debian's crates: the canonical text only.
        _ => t.text_only(id).await,
    }
}

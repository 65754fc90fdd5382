//! Values tokio-postgres has no type of its own for, through its ToSql /
//! FromSql extension traits: the raw bytes of any binary result, a parameter
//! in text format, inet/cidr with their netmask; and integers read whatever
//! integer type the server announced.

use std::error::Error;
use std::net::IpAddr;

use bytes::BytesMut;
use tokio_postgres::types::{to_sql_checked, Format, FromSql, IsNull, ToSql, Type};
use tokio_postgres::Row;

use crate::report::Failure;

type BoxError = Box<dyn Error + Sync + Send>;

/// A binary result value exactly as the server sent it, of any type.
#[derive(Debug, PartialEq)]
pub struct Raw(pub Vec<u8>);

impl<'a> FromSql<'a> for Raw {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Raw, BoxError> {
        Ok(Raw(raw.to_vec()))
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

/// A parameter sent in text format (ToSql::encode_format), for any type:
/// the canonical text of a value, as libpq would send it.
#[derive(Debug)]
pub struct TextParam(pub String);

impl ToSql for TextParam {
    fn to_sql(&self, _: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        out.extend_from_slice(self.0.as_bytes());
        Ok(IsNull::No)
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    fn encode_format(&self, _: &Type) -> Format {
        Format::Text
    }

    to_sql_checked!();
}

/// inet / cidr with the netmask: tokio-postgres maps INET to std's IpAddr,
/// which has none (it sends /32 or /128 and drops the netmask it reads).
/// postgres-protocol's codec is the one tokio-postgres uses for IpAddr.
#[derive(Debug, PartialEq)]
pub struct Inet {
    pub addr: IpAddr,
    pub netmask: u8,
}

impl ToSql for Inet {
    fn to_sql(&self, _: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        postgres_protocol::types::inet_to_sql(self.addr, self.netmask, out);
        Ok(IsNull::No)
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::INET || *ty == Type::CIDR
    }

    to_sql_checked!();
}

impl<'a> FromSql<'a> for Inet {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Inet, BoxError> {
        let v = postgres_protocol::types::inet_from_sql(raw)?;
        Ok(Inet { addr: v.addr(), netmask: v.netmask() })
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::INET || *ty == Type::CIDR
    }
}

/// An integer column as i64, whether the server typed it int2, int4 or int8
/// (sqlite_server and PostgreSQL differ for expressions like `SELECT 1`).
pub fn loose_int(row: &Row, idx: usize) -> Result<i64, Failure> {
    let ty = row.columns()[idx].type_().clone();
    Ok(match ty {
        Type::INT2 => row.try_get::<_, i16>(idx)? as i64,
        Type::INT4 => row.try_get::<_, i32>(idx)? as i64,
        Type::INT8 => row.try_get::<_, i64>(idx)?,
        other => crate::bail!("column type {} (oid {}), want an integer type", other, other.oid()),
    })
}

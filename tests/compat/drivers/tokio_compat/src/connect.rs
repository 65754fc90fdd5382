//! Connections: the driver's main one (made by connect_trust, used by the
//! features that share it) and fresh ones. tokio-postgres splits a connection
//! into a Client and a Connection future that does the I/O; the Connection
//! runs as a task of its own.

use tokio_postgres::tls::{MakeTlsConnect, TlsConnect};
use tokio_postgres::{Client, NoTls, Socket};

use crate::report::Failure;

pub async fn connect_with<T>(dsn: &str, tls: T) -> Result<Client, tokio_postgres::Error>
where
    T: MakeTlsConnect<Socket>,
    T::Stream: Send + 'static,
    <T::TlsConnect as TlsConnect<Socket>>::Future: Send,
{
    let (client, connection) = tokio_postgres::connect(dsn, tls).await?;
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            eprintln!("tokio_compat: connection ended with: {}", e);
        }
    });
    Ok(client)
}

pub async fn connect(dsn: &str) -> Result<Client, tokio_postgres::Error> {
    connect_with(dsn, NoTls).await
}

/// The main connection, or why there is none.
pub struct Shared {
    client: Option<Client>,
    error: String,
}

impl Shared {
    pub fn new() -> Shared {
        Shared { client: None, error: "not attempted".into() }
    }

    pub fn set(&mut self, result: Result<Client, tokio_postgres::Error>) -> Result<&mut Client, Failure> {
        match result {
            Ok(client) => Ok(self.client.insert(client)),
            Err(e) => {
                let failure = Failure::from(e);
                self.error = failure.0.clone();
                Err(failure)
            }
        }
    }

    pub fn get(&mut self) -> Result<&mut Client, Failure> {
        let error = &self.error;
        self.client
            .as_mut()
            .ok_or_else(|| Failure(format!("no connection (connect_trust failed: {})", error)))
    }
}

//! TLS for tokio-postgres through rustls (tokio-rustls), without a
//! certificate check: libpq's sslmode=require against the suite's throw-away
//! certificates. tokio-postgres defines the MakeTlsConnect/TlsConnect traits;
//! no Debian crate implements them for rustls, so this does. Each completed
//! handshake is counted, so connect_tls can tell the connection is encrypted.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::SystemTime;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_postgres::tls::{ChannelBinding, MakeTlsConnect, TlsConnect, TlsStream};
use tokio_rustls::rustls::client::{ServerCertVerified, ServerCertVerifier};
use tokio_rustls::rustls::{Certificate, ClientConfig, Error as TlsError, PrivateKey, ServerName};
use tokio_rustls::TlsConnector;

struct AcceptAnyCertificate;

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &Certificate,
        _intermediates: &[Certificate],
        _server_name: &ServerName,
        _scts: &mut dyn Iterator<Item = &[u8]>,
        _ocsp_response: &[u8],
        _now: SystemTime,
    ) -> Result<ServerCertVerified, TlsError> {
        Ok(ServerCertVerified::assertion())
    }
}

#[derive(Clone)]
pub struct RustlsNoVerify {
    config: Arc<ClientConfig>,
    pub handshakes: Arc<AtomicUsize>,
}

impl RustlsNoVerify {
    pub fn new() -> RustlsNoVerify {
        let config = ClientConfig::builder()
            .with_safe_defaults()
            .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate))
            .with_no_client_auth();
        RustlsNoVerify { config: Arc::new(config), handshakes: Arc::new(AtomicUsize::new(0)) }
    }

    /// The same, presenting a client certificate (DER) with its key (DER PKCS#8).
    pub fn with_client_cert(cert_der: Vec<u8>, key_pkcs8_der: Vec<u8>) -> Result<RustlsNoVerify, TlsError> {
        let config = ClientConfig::builder()
            .with_safe_defaults()
            .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate))
            .with_single_cert(vec![Certificate(cert_der)], PrivateKey(key_pkcs8_der))?;
        Ok(RustlsNoVerify { config: Arc::new(config), handshakes: Arc::new(AtomicUsize::new(0)) })
    }
}

impl<S> MakeTlsConnect<S> for RustlsNoVerify
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    type Stream = RustlsStream<S>;
    type TlsConnect = RustlsConnect;
    type Error = io::Error;

    fn make_tls_connect(&mut self, domain: &str) -> io::Result<RustlsConnect> {
        let name = ServerName::try_from(domain)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        Ok(RustlsConnect {
            connector: TlsConnector::from(self.config.clone()),
            name,
            handshakes: self.handshakes.clone(),
        })
    }
}

pub struct RustlsConnect {
    connector: TlsConnector,
    name: ServerName,
    handshakes: Arc<AtomicUsize>,
}

impl<S> TlsConnect<S> for RustlsConnect
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    type Stream = RustlsStream<S>;
    type Error = io::Error;
    type Future = Pin<Box<dyn Future<Output = io::Result<RustlsStream<S>>> + Send>>;

    fn connect(self, stream: S) -> Self::Future {
        Box::pin(async move {
            let tls = self.connector.connect(self.name, stream).await?;
            self.handshakes.fetch_add(1, Ordering::SeqCst);
            Ok(RustlsStream(tls))
        })
    }
}

pub struct RustlsStream<S>(tokio_rustls::client::TlsStream<S>);

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for RustlsStream<S> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncWrite for RustlsStream<S> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> TlsStream for RustlsStream<S> {
    fn channel_binding(&self) -> ChannelBinding {
        // SCRAM over TLS is not tested here; without a binding the client
        // uses plain SCRAM-SHA-256.
        ChannelBinding::none()
    }
}

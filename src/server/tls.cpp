#include "tls.hpp"

#include <stdexcept>

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace pgwire::detail {

namespace {

int select_alpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
                unsigned int inlen, void*) {
  static const unsigned char wanted[] = {10, 'p', 'o', 's', 't', 'g', 'r', 'e', 's', 'q', 'l'};
  unsigned char* selected = nullptr;
  if (SSL_select_next_proto(&selected, outlen, wanted, sizeof wanted, in, inlen) ==
      OPENSSL_NPN_NEGOTIATED) {
    *out = selected;
    return SSL_TLSEXT_ERR_OK;
  }
  return SSL_TLSEXT_ERR_ALERT_FATAL;  // no_application_protocol
}

}  // namespace

std::unique_ptr<asio::ssl::context> make_server_tls_context(const TlsOptions& options) {
  auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  SSL_CTX* native = ctx->native_handle();
  ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                   asio::ssl::context::no_sslv3 | asio::ssl::context::single_dh_use);
  int floor = 0;
  if (options.min_protocol_version.empty() || options.min_protocol_version == "TLSv1.2") {
    floor = TLS1_2_VERSION;
  } else if (options.min_protocol_version == "TLSv1.3") {
    floor = TLS1_3_VERSION;
  } else {
    // Older ones are not offered at all (PostgreSQL's default floor is 1.2 too).
    throw std::invalid_argument("TLS min_protocol_version must be TLSv1.2 or TLSv1.3, not " +
                                options.min_protocol_version);
  }
  SSL_CTX_set_min_proto_version(native, floor);
  if (!options.ciphers.empty() && SSL_CTX_set_cipher_list(native, options.ciphers.c_str()) != 1)
    throw std::invalid_argument("no usable TLS cipher in: " + options.ciphers);
  if (!options.ciphersuites.empty() && SSL_CTX_set_ciphersuites(native, options.ciphersuites.c_str()) != 1)
    throw std::invalid_argument("no usable TLS 1.3 ciphersuite in: " + options.ciphersuites);
  ctx->use_certificate_chain_file(options.cert_file);
  ctx->use_private_key_file(options.key_file, asio::ssl::context::pem);
  using CC = TlsOptions::ClientCertificates;
  if (options.client_certificates != CC::none) {
    if (options.ca_file.empty()) throw std::invalid_argument("client certificates need a TLS ca_file");
    ctx->load_verify_file(options.ca_file);
    // The CA names go in the CertificateRequest, as PostgreSQL sends them.
    if (STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(options.ca_file.c_str()))
      SSL_CTX_set_client_CA_list(native, names);
    int mode = SSL_VERIFY_PEER | SSL_VERIFY_CLIENT_ONCE;
    if (options.client_certificates == CC::required) mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
    SSL_CTX_set_verify(native, mode, nullptr);
    // Session resumption would skip the verification of a new certificate.
    SSL_CTX_set_session_cache_mode(native, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(native, SSL_OP_NO_TICKET);
  }
  SSL_CTX_set_alpn_select_cb(native, select_alpn, nullptr);
  return ctx;
}

std::string negotiated_alpn(SSL* ssl) {
  const unsigned char* data = nullptr;
  unsigned int len = 0;
  SSL_get0_alpn_selected(ssl, &data, &len);
  return data ? std::string(reinterpret_cast<const char*>(data), len) : std::string();
}

std::optional<TlsClientCertificate> verified_client_certificate(SSL* ssl) {
  X509* cert = SSL_get0_peer_certificate(ssl);
  if (!cert || SSL_get_verify_result(ssl) != X509_V_OK) return std::nullopt;
  TlsClientCertificate out;
  X509_NAME* subject = X509_get_subject_name(cert);
  int at = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (at >= 0) {
    unsigned char* utf8 = nullptr;
    int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, at)));
    if (n >= 0) out.subject_cn.assign(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(n));
    OPENSSL_free(utf8);
  }
  if (BIO* bio = BIO_new(BIO_s_mem())) {
    if (X509_NAME_print_ex(bio, subject, 0, XN_FLAG_RFC2253) >= 0) {
      char* data = nullptr;
      long n = BIO_get_mem_data(bio, &data);
      if (n > 0) out.subject.assign(data, static_cast<std::size_t>(n));
    }
    BIO_free(bio);
  }
  auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  for (int i = 0; names && i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
    if (name->type != GEN_DNS) continue;
    const ASN1_IA5STRING* dns = name->d.dNSName;
    out.dns_names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(dns)),
                               static_cast<std::size_t>(ASN1_STRING_length(dns)));
  }
  GENERAL_NAMES_free(names);
  return out;
}

}  // namespace pgwire::detail

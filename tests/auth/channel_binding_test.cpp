// tls-server-end-point (RFC 5929 section 4.1) for certificates made here.

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <memory>

#include "pgwire/auth/channel_binding.hpp"
#include "support/catch.hpp"

using namespace pgwire::auth;

namespace {

using PKey = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using Cert = std::unique_ptr<X509, decltype(&X509_free)>;

PKey rsa_key() {
  static EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{1024});
  REQUIRE(key != nullptr);
  EVP_PKEY_up_ref(key);
  return PKey(key, &EVP_PKEY_free);
}

PKey ec_key() {
  return PKey(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), &EVP_PKEY_free);
}

PKey ed25519_key() { return PKey(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"), &EVP_PKEY_free); }

// A self-signed certificate; md == nullptr for EdDSA; pss for RSASSA-PSS.
Cert make_cert(EVP_PKEY* key, const EVP_MD* md, bool pss = false) {
  Cert cert(X509_new(), &X509_free);
  REQUIRE(cert);
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("pgwire test"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509_set_pubkey(cert.get(), key);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  EVP_PKEY_CTX* pctx = nullptr;
  REQUIRE(EVP_DigestSignInit(ctx.get(), &pctx, md, nullptr, key) == 1);
  if (pss) {
    REQUIRE(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1);
    REQUIRE(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1);
  }
  REQUIRE(X509_sign_ctx(cert.get(), ctx.get()) > 0);
  return cert;
}

std::string digest(X509* cert, const EVP_MD* md) {
  unsigned char buf[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  REQUIRE(X509_digest(cert, md, buf, &len) == 1);
  return std::string(reinterpret_cast<char*>(buf), len);
}

std::string der(X509* cert) {
  unsigned char* out = nullptr;
  int len = i2d_X509(cert, &out);
  REQUIRE(len > 0);
  std::string s(reinterpret_cast<char*>(out), static_cast<std::size_t>(len));
  OPENSSL_free(out);
  return s;
}

void check_hash(X509* cert, const EVP_MD* expected_md, std::size_t expected_size) {
  auto h = tls_server_end_point(cert);
  REQUIRE(h);
  CHECK(h->size() == expected_size);
  CHECK(*h == digest(cert, expected_md));
  CHECK(tls_server_end_point_der(der(cert)) == h);
}

}  // namespace

TEST_CASE("auth: tls-server-end-point uses the signature's hash") {
  PKey rsa = rsa_key();
  SECTION("RSA with SHA-256") { check_hash(make_cert(rsa.get(), EVP_sha256()).get(), EVP_sha256(), 32); }
  SECTION("RSA with SHA-384") { check_hash(make_cert(rsa.get(), EVP_sha384()).get(), EVP_sha384(), 48); }
  SECTION("RSA with SHA-512") { check_hash(make_cert(rsa.get(), EVP_sha512()).get(), EVP_sha512(), 64); }
  SECTION("RSA-PSS with SHA-384") {
    check_hash(make_cert(rsa.get(), EVP_sha384(), true).get(), EVP_sha384(), 48);
  }
  SECTION("ECDSA with SHA-512") {
    PKey ec = ec_key();
    check_hash(make_cert(ec.get(), EVP_sha512()).get(), EVP_sha512(), 64);
  }
  SECTION("ECDSA with SHA-256") {
    PKey ec = ec_key();
    check_hash(make_cert(ec.get(), EVP_sha256()).get(), EVP_sha256(), 32);
  }
}

TEST_CASE("auth: tls-server-end-point replaces MD5 and SHA-1 by SHA-256") {
  PKey rsa = rsa_key();
  Cert sha1 = make_cert(rsa.get(), EVP_sha1());
  check_hash(sha1.get(), EVP_sha256(), 32);
  CHECK(*tls_server_end_point(sha1.get()) != digest(sha1.get(), EVP_sha1()) + std::string(12, '\0'));
  PKey ec = ec_key();
  check_hash(make_cert(ec.get(), EVP_sha1()).get(), EVP_sha256(), 32);
}

TEST_CASE("auth: tls-server-end-point without a usable digest") {
  CHECK_FALSE(tls_server_end_point(nullptr));
  CHECK_FALSE(tls_server_end_point_der(""));
  CHECK_FALSE(tls_server_end_point_der("not a certificate"));
  // Ed25519 signs without a separate digest: RFC 5929 defines nothing.
  PKey ed = ed25519_key();
  REQUIRE(ed);
  Cert cert = make_cert(ed.get(), nullptr);
  CHECK_FALSE(tls_server_end_point(cert.get()));
  // Trailing bytes after the DER certificate are refused.
  PKey rsa = rsa_key();
  std::string d = der(make_cert(rsa.get(), EVP_sha256()).get());
  CHECK(tls_server_end_point_der(d));
  CHECK_FALSE(tls_server_end_point_der(d + "x"));
  CHECK_FALSE(tls_server_end_point_der(d.substr(0, d.size() - 1)));
}

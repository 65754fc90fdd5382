#include "pgwire/auth/channel_binding.hpp"

#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include <memory>

namespace pgwire::auth {

std::optional<std::string> tls_server_end_point(const x509_st* cert) {
  if (cert == nullptr) return std::nullopt;
  // X509_get_signature_info() takes a non-const pointer only because it may
  // fill OpenSSL's internal cache; it does not modify the certificate.
  X509* x = const_cast<X509*>(cert);
  int md_nid = NID_undef;
  if (X509_get_signature_info(x, &md_nid, nullptr, nullptr, nullptr) != 1) return std::nullopt;
  // RFC 5929 section 4.1: MD5 and SHA-1 are upgraded to SHA-256.
  if (md_nid == NID_md5 || md_nid == NID_sha1) md_nid = NID_sha256;
  const EVP_MD* md = md_nid == NID_undef ? nullptr : EVP_get_digestbynid(md_nid);
  if (md == nullptr) return std::nullopt;
  unsigned char hash[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(x, md, hash, &len) != 1) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(hash), len);
}

std::optional<std::string> tls_server_end_point_der(std::string_view der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      d2i_X509(nullptr, &p, static_cast<long>(der.size())), &X509_free);
  if (!cert || p != reinterpret_cast<const unsigned char*>(der.data()) + der.size())
    return std::nullopt;
  return tls_server_end_point(cert.get());
}

}  // namespace pgwire::auth

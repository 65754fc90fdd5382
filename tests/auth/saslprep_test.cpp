// SASLprep: RFC 4013 section 3 examples, PostgreSQL's deviations, NFKC.

#include "pgwire/auth/saslprep.hpp"
#include "support/catch.hpp"

using namespace pgwire::auth;

namespace {

std::string prepped(std::string_view in) {
  SaslprepResult r = saslprep(in);
  REQUIRE(r.status == SaslprepStatus::success);
  return r.output;
}

SaslprepStatus status(std::string_view in) { return saslprep(in).status; }

}  // namespace

TEST_CASE("auth: SASLprep examples of RFC 4013 section 3") {
  CHECK(prepped("I\xC2\xAD" "X") == "IX");         // 1. SOFT HYPHEN mapped to nothing
  CHECK(prepped("user") == "user");                // 2. no transformation
  CHECK(prepped("USER") == "USER");                // 3. case preserved
  CHECK(prepped("\xC2\xAA") == "a");               // 4. U+00AA output is NFKC, "a"
  CHECK(prepped("\xE2\x85\xA8") == "IX");          // 5. U+2168 ROMAN NUMERAL NINE
  // 6. <U+0007> is prohibited by the RFC, but PostgreSQL returns pure ASCII
  // unchanged without any check; a control character among non-ASCII ones
  // is prohibited.
  CHECK(prepped("\x07") == "\x07");
  CHECK(status("\x07\xC3\xA9") == SaslprepStatus::prohibited);
  // 7. <U+0627><U+0031>: a RandALCat string must end with a RandALCat.
  CHECK(status("\xD8\xA7" "1") == SaslprepStatus::prohibited);
}

TEST_CASE("auth: SASLprep passes ASCII through unchanged") {
  std::string all;
  for (int c = 0; c < 128; ++c) all += static_cast<char>(c);
  CHECK(prepped(all) == all);
  CHECK(prepped("") == "");
  CHECK(prepped("pencil") == "pencil");
  CHECK(scram_prepare_password("  pen cil \t") == "  pen cil \t");
}

TEST_CASE("auth: SASLprep mapping tables B.1 and C.1.2") {
  // C.1.2 non-ASCII spaces become U+0020.
  CHECK(prepped("a\xC2\xA0" "b") == "a b");             // U+00A0
  CHECK(prepped("a\xE1\x9A\x80" "b") == "a b");         // U+1680
  CHECK(prepped("a\xE2\x80\x80" "b") == "a b");         // U+2000
  CHECK(prepped("a\xE2\x80\x8A" "b") == "a b");         // U+200A
  CHECK(prepped("a\xE2\x80\x8B" "b") == "a b");         // U+200B (Zs in Unicode 3.2)
  CHECK(prepped("a\xE2\x80\xAF" "b") == "a b");         // U+202F
  CHECK(prepped("a\xE2\x81\x9F" "b") == "a b");         // U+205F
  CHECK(prepped("a\xE3\x80\x80" "b") == "a b");         // U+3000
  // B.1 commonly mapped to nothing.
  CHECK(prepped("a\xCD\x8F" "b") == "ab");              // U+034F
  CHECK(prepped("a\xE1\xA0\x86" "b") == "ab");          // U+1806
  CHECK(prepped("a\xE1\xA0\x8B\xE1\xA0\x8D" "b") == "ab");  // U+180B, U+180D
  CHECK(prepped("a\xE2\x80\x8C\xE2\x80\x8D" "b") == "ab");  // U+200C, U+200D
  CHECK(prepped("a\xE2\x81\xA0" "b") == "ab");          // U+2060
  CHECK(prepped("a\xEF\xB8\x80\xEF\xB8\x8F" "b") == "ab");  // U+FE00, U+FE0F
  CHECK(prepped("a\xEF\xBB\xBF" "b") == "ab");          // U+FEFF
  // Nothing left after mapping: prohibited (PostgreSQL refuses empty passwords).
  CHECK(status("\xC2\xAD") == SaslprepStatus::prohibited);
  CHECK(status("\xC2\xAD\xEF\xBB\xBF") == SaslprepStatus::prohibited);
  CHECK(scram_prepare_password("\xC2\xAD") == "\xC2\xAD");
}

TEST_CASE("auth: SASLprep prohibited output and unassigned code points") {
  for (std::string_view s : {
           "\xC2\x80" "a",          // U+0080 C.2.2
           "a\xC2\x9F",             // U+009F C.2.2
           "a\xDB\x9D",             // U+06DD C.2.2
           "a\xE2\x80\x8E",         // U+200E LRM, C.8
           "a\xE2\x80\xA8",         // U+2028 C.2.2
           "a\xE2\x81\xAA",         // U+206A C.8
           "a\xE2\xBF\xB0",         // U+2FF0 C.7
           "a\xEE\x80\x80",         // U+E000 private use, C.3
           "a\xEF\xB7\x90",         // U+FDD0 non-character, C.4
           "a\xEF\xBF\xBE",         // U+FFFE C.4
           "a\xEF\xBF\xB9",         // U+FFF9 C.6
           "a\xEF\xBF\xBD",         // U+FFFD C.6
           "a\xF3\xA0\x80\x81",     // U+E0001 tag, C.9
           "a\xF3\xB0\x80\x80",     // U+F0000 plane 15 private use
           "a\xC8\xA1",             // U+0221: unassigned in Unicode 3.2 (A.1)
           "a\xF0\x9F\x98\x80",     // U+1F600 emoji: unassigned in 3.2
           "a\xE0\xA5\xB1",         // U+0971: unassigned in 3.2
       }) {
    INFO(s);
    CHECK(status(s) == SaslprepStatus::prohibited);
    // PostgreSQL's rule: then the raw bytes are hashed.
    CHECK(scram_prepare_password(s) == s);
  }
}

TEST_CASE("auth: SASLprep rejects invalid UTF-8") {
  for (std::string_view s : {
           "a\x80",               // lone continuation byte
           "a\xC3",               // truncated
           "a\xC3(",              // bad continuation
           "a\xC0\x80",           // overlong NUL
           "a\xC1\xBF",           // overlong
           "a\xE0\x80\xAF",       // overlong 3-byte
           "a\xF0\x80\x80\xAF",   // overlong 4-byte
           "a\xED\xA0\x80",       // surrogate U+D800
           "a\xED\xBF\xBF",       // surrogate U+DFFF
           "a\xF4\x90\x80\x80",   // above U+10FFFF
           "a\xF5\x80\x80\x80",
           "a\xFF",
           "\xE2\x82",            // truncated 3-byte at the end
       }) {
    INFO(s);
    CHECK(status(s) == SaslprepStatus::invalid_utf8);
    CHECK(scram_prepare_password(s) == s);
  }
}

TEST_CASE("auth: SASLprep bidirectional rule") {
  CHECK(prepped("\xD7\x90\xD7\x91") == "\xD7\x90\xD7\x91");          // Hebrew only
  CHECK(prepped("\xD8\xA7" "1\xD8\xA8") == "\xD8\xA7" "1\xD8\xA8");  // AL, EN, AL
  CHECK(prepped("\xD7\x90 \xD7\x91") == "\xD7\x90 \xD7\x91");        // neutral space inside
  CHECK(status("\xD7\x90" "a\xD7\x91") == SaslprepStatus::prohibited);  // L inside
  CHECK(status("a\xD7\x90") == SaslprepStatus::prohibited);             // R not first
  CHECK(status("\xD7\x90" "1") == SaslprepStatus::prohibited);          // R not last
  CHECK(prepped("1\xC3\xA9") == "1\xC3\xA9");                           // no R: no rule
}

TEST_CASE("auth: SASLprep NFKC normalisation") {
  // Composition and decomposition.
  CHECK(prepped("e\xCC\x81") == "\xC3\xA9");                     // e + U+0301 -> U+00E9
  CHECK(prepped("\xC3\xA9") == "\xC3\xA9");
  CHECK(prepped("a\xCC\x81\xCC\x81") == "\xC3\xA1\xCC\x81");     // second accent stays
  // Canonical reordering: dot below (220) before dot above (230).
  CHECK(prepped("\xE1\xB8\x8B\xCC\xA3") == "\xE1\xB8\x8D\xCC\x87");  // U+1E0B U+0323 -> U+1E0D U+0307
  CHECK(prepped("q\xCC\x87\xCC\xA3") == "q\xCC\xA3\xCC\x87");
  // Singletons and composition exclusions.
  CHECK(prepped("\xE2\x84\xAB") == "\xC3\x85");                  // U+212B ANGSTROM SIGN -> U+00C5
  CHECK(prepped("\xE2\x84\xA6") == "\xCE\xA9");                  // U+2126 OHM SIGN -> U+03A9
  CHECK(prepped("\xE0\xA5\x98") == "\xE0\xA4\x95\xE0\xA4\xBC");  // U+0958 stays decomposed
  // Compatibility mappings.
  CHECK(prepped("\xEF\xAC\x81") == "fi");                        // U+FB01
  CHECK(prepped("\xE2\x91\xB4") == "(1)");                       // U+2474
  CHECK(prepped("\xEF\xBC\xA1\xEF\xBD\x82") == "Ab");            // fullwidth
  CHECK(prepped("\xE3\x8E\xA1") == "m2");                        // U+33A1 SQUARE M SQUARED
  CHECK(prepped("\xC2\xBD") == "1\xE2\x81\x84" "2");             // U+00BD -> 1 U+2044 2
  CHECK(prepped("\xF0\x9D\x90\x80") == "A");                     // U+1D400 MATHEMATICAL BOLD A
  CHECK(prepped("\xEF\xB7\xBA").size() == 33);                   // U+FDFA: 18 Arabic letters
  // Hangul, by rule.
  CHECK(prepped("\xEA\xB0\x80") == "\xEA\xB0\x80");              // U+AC00
  CHECK(prepped("\xE1\x84\x80\xE1\x85\xA1\xE1\x86\xA8") == "\xEA\xB0\x81");  // L V T -> U+AC01
  CHECK(prepped("\xEA\xB0\x80\xE1\x86\xA8") == "\xEA\xB0\x81");  // LV T -> LVT
  CHECK(prepped("\xE3\x84\xB1") == "\xE1\x84\x80");              // U+3131 compat jamo -> U+1100
  // Unicode 4.0.1 corrigendum #4, which PostgreSQL 15's Unicode 14 data has.
  CHECK(prepped("\xF0\xAF\xA1\xA8") == "\xE3\x9B\xBC");          // U+2F868 -> U+36FC
}

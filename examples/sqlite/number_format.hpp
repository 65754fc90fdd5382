#pragma once
// to_char(number, template): PostgreSQL's number templates, for the value's
// exact decimal text (numeric_text.hpp), as PostgreSQL 15 prints them:
//
//   9   a digit; a leading zero is a blank (dropped under FM)
//   0   a digit; zeros from the first 0 on are printed
//   . D the decimal point          , G a group separator (C locale: ',')
//   S   the sign ('+'/'-'), next to the number
//   MI  '-' or a blank   PL '+' or a blank   SG '+' or '-'  (where they stand)
//   PR  a negative value in angle brackets
//   TH th  the ordinal suffix      FM  no padding, no trailing 9-zeros
//   "text" and any other character: copied
//
// Without S, MI, PL's absence aside, SG or PR, a sign position stands
// before the number: a blank, or '-'. Digits beyond the template are '#'.
// V, EEEE, L, RN and the like are 0A000.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "numeric_text.hpp"

namespace sqlite_example::number_format {

struct Element {
  enum Kind : std::uint8_t { nine, zero, point, group, sign_s, minus, plus, sign_sg, brackets, ordinal, literal } kind;
  std::string text;  // literal: the characters; ordinal: "TH" or "th"
};

struct Template {
  std::vector<Element> elements;
  bool fill_mode = false;  // FM
};

inline bool starts_with_ci(std::string_view s, std::string_view word) {
  if (s.size() < word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i)
    if ((s[i] & ~0x20) != (word[i] & ~0x20)) return false;
  return true;
}

// The template's elements; nullopt (with `unsupported` named) for a
// pattern this does not print.
inline std::optional<Template> parse(std::string_view f, std::string& unsupported) {
  Template t;
  auto add = [&](Element::Kind k, std::string text = {}) { t.elements.push_back({k, std::move(text)}); };
  for (std::size_t i = 0; i < f.size();) {
    std::string_view rest = f.substr(i);
    char c = f[i];
    if (starts_with_ci(rest, "FM")) {
      t.fill_mode = true;
      i += 2;
    } else if (c == '9') {
      add(Element::nine), ++i;
    } else if (c == '0') {
      add(Element::zero), ++i;
    } else if (c == '.' || c == 'D' || c == 'd') {
      add(Element::point), ++i;
    } else if (c == ',' || c == 'G' || c == 'g') {
      add(Element::group), ++i;
    } else if (starts_with_ci(rest, "SG")) {
      add(Element::sign_sg), i += 2;
    } else if (c == 'S' || c == 's') {
      add(Element::sign_s), ++i;
    } else if (starts_with_ci(rest, "MI")) {
      add(Element::minus), i += 2;
    } else if (starts_with_ci(rest, "PL")) {
      add(Element::plus), i += 2;
    } else if (starts_with_ci(rest, "PR")) {
      add(Element::brackets), i += 2;
    } else if (starts_with_ci(rest, "TH")) {
      add(Element::ordinal, std::string(rest.substr(0, 2))), i += 2;
    } else if (c == '"') {
      std::size_t close = f.find('"', i + 1);
      if (close == std::string_view::npos) close = f.size();
      add(Element::literal, std::string(f.substr(i + 1, close - i - 1)));
      i = close + 1;
    } else if (c == 'V' || c == 'v' || c == 'L' || c == 'l' || starts_with_ci(rest, "EEEE") ||
               starts_with_ci(rest, "RN")) {
      unsupported = std::string(rest.substr(0, starts_with_ci(rest, "EEEE") ? 4 : starts_with_ci(rest, "RN") ? 2 : 1));
      return std::nullopt;
    } else {
      add(Element::literal, std::string(1, c)), ++i;
    }
  }
  return t;
}

inline std::string ordinal_suffix(const std::string& integer_digits, bool upper) {
  int last = integer_digits.empty() ? 0 : integer_digits.back() - '0';
  int tens = integer_digits.size() > 1 ? integer_digits[integer_digits.size() - 2] - '0' : 0;
  const char* s = tens == 1 ? "th" : last == 1 ? "st" : last == 2 ? "nd" : last == 3 ? "rd" : "th";
  std::string out = s;
  if (upper)
    for (char& ch : out) ch = static_cast<char>(ch - 'a' + 'A');
  return out;
}

// `value`: a finite decimal text.
inline std::string format(std::string_view value, const Template& t) {
  std::size_t int_positions = 0, frac_positions = 0, zero_start = static_cast<std::size_t>(-1);
  bool after_point = false, explicit_sign = false, brackets = false;
  for (const auto& e : t.elements) {
    if (e.kind == Element::point) after_point = true;
    if (e.kind == Element::nine || e.kind == Element::zero) {
      if (after_point) {
        ++frac_positions;
      } else {
        if (e.kind == Element::zero && zero_start == static_cast<std::size_t>(-1)) zero_start = int_positions;
        ++int_positions;
      }
    }
    if (e.kind == Element::sign_s || e.kind == Element::minus || e.kind == Element::sign_sg) explicit_sign = true;
    if (e.kind == Element::brackets) brackets = true;
  }
  std::string rounded = numeric_text::round_to_scale(value, static_cast<std::int64_t>(frac_positions));
  bool negative = !rounded.empty() && rounded[0] == '-';
  if (negative) rounded.erase(0, 1);
  std::string integer = rounded.substr(0, rounded.find('.'));
  std::string fraction = rounded.find('.') == std::string::npos ? "" : rounded.substr(rounded.find('.') + 1);
  if (integer == "0") integer.clear();
  bool overflow = integer.size() > int_positions;
  // Under FM, the fraction's trailing zeros in 9 positions go.
  std::size_t keep_fraction = fraction.size();
  if (t.fill_mode) {
    std::vector<Element::Kind> frac_kinds;
    bool seen_point = false;
    for (const auto& e : t.elements) {
      if (e.kind == Element::point) seen_point = true;
      if (seen_point && (e.kind == Element::nine || e.kind == Element::zero)) frac_kinds.push_back(e.kind);
    }
    while (keep_fraction > 0 && frac_kinds[keep_fraction - 1] == Element::nine && fraction[keep_fraction - 1] == '0')
      --keep_fraction;
  }

  // The cells: text, and whether it is part of the number (where a sign anchors).
  struct Cell {
    std::string text;
    bool number;
  };
  std::vector<Cell> cells;
  std::size_t int_at = 0, frac_at = 0;
  bool printed = false;  // a digit of the integer part is out
  after_point = false;
  for (std::size_t k = 0; k < t.elements.size(); ++k) {
    const Element& e = t.elements[k];
    switch (e.kind) {
      case Element::nine:
      case Element::zero: {
        if (after_point) {
          std::size_t f = frac_at++;
          if (overflow) cells.push_back({"#", true});
          else if (f < keep_fraction) cells.push_back({std::string(1, fraction[f]), true});
          else if (!t.fill_mode) cells.push_back({"0", true});
          break;
        }
        std::size_t position = int_at++;
        std::size_t from_right = int_positions - 1 - position;
        std::string cell;
        if (overflow) {
          cell = "#";
        } else if (from_right < integer.size()) {
          cell = std::string(1, integer[integer.size() - 1 - from_right]);
        } else if (position >= zero_start) {
          cell = "0";
        } else if (integer.empty() && frac_positions == 0 && from_right == 0) {
          cell = "0";  // (zero, without a fraction, shows its last digit)
        }
        if (!cell.empty()) printed = true;
        if (cell.empty() && !t.fill_mode) cell = " ";
        if (!cell.empty()) cells.push_back({cell, cell != " "});
        break;
      }
      case Element::point:
        after_point = true;
        cells.push_back({".", true});
        break;
      case Element::group:
        if (printed) cells.push_back({",", true});
        else if (!t.fill_mode) cells.push_back({" ", false});
        break;
      case Element::sign_s: {
        bool before_digits = int_at == 0 && !after_point;
        std::string s = negative ? "-" : "+";
        if (before_digits) cells.push_back({"\x01" + s, false});  // placed next to the number below
        else cells.push_back({s, false});
        break;
      }
      case Element::minus:
        if (negative) cells.push_back({"-", false});
        else if (!t.fill_mode) cells.push_back({" ", false});
        break;
      case Element::plus:
        if (!negative) cells.push_back({"+", false});
        else if (!t.fill_mode) cells.push_back({" ", false});
        break;
      case Element::sign_sg:
        cells.push_back({negative ? "-" : "+", false});
        break;
      case Element::brackets:
        if (negative) cells.push_back({">", false});
        else if (!t.fill_mode) cells.push_back({" ", false});
        break;
      case Element::ordinal:
        cells.push_back({ordinal_suffix(integer, e.text[0] == 'T'), false});
        break;
      case Element::literal:
        cells.push_back({e.text, false});
        break;
    }
  }
  // The sign next to the number's first character: S placed before the
  // digits, PR's '<', or the sign position of a template without one.
  std::string anchored;
  for (auto& c : cells)
    if (c.text.size() == 2 && c.text[0] == '\x01') {
      anchored = c.text.substr(1);
      c.text.clear();
    }
  if (anchored.empty() && !explicit_sign) {
    if (brackets) anchored = negative ? "<" : (t.fill_mode ? "" : " ");
    else anchored = negative ? "-" : (t.fill_mode ? "" : " ");
  }
  std::string out;
  bool placed = anchored.empty();
  for (const auto& c : cells) {
    if (!placed && c.number) {
      out += anchored;
      placed = true;
    }
    out += c.text;
  }
  if (!placed) out = anchored + out;
  return out;
}

}  // namespace sqlite_example::number_format

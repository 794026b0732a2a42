package auth

import (
	"strings"
	"unicode/utf8"
)

// mask stands for the hidden part of a masked value. It is always four
// stars, so the length of what it hides is not shown either.
const mask = "****"

// MaskPhone hides the middle of a phone number: "13812345678" becomes
// "138****5678". It never shows more than the first 3 and the last 4
// characters, and always hides at least 4: a shorter number shows less
// ("12345678" → "12****78", "1234567" → "1****67"), and one of 4 characters
// or fewer is all stars. The empty string stays empty.
func MaskPhone(s string) string {
	s = strings.TrimSpace(s)
	r := []rune(s)
	n := len(r)
	if n == 0 {
		return ""
	}
	shown := n - max(4, n-7) // at most 7 shown, at least 4 hidden
	if shown <= 0 {
		return mask
	}
	lead := min(3, shown/2)
	tail := min(4, shown-lead)
	return string(r[:lead]) + mask + string(r[n-tail:])
}

// MaskEmail hides an email address's local part but its first character:
// "zhang.san@example.org" becomes "z***@example.org". A one-character local
// part is hidden entirely ("a@x.org" → "***@x.org"); a text that is not an
// address (no "@", or nothing before it) is all stars. The empty string
// stays empty.
func MaskEmail(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 {
		return "***"
	}
	local, domain := s[:at], s[at:]
	if utf8.RuneCountInString(local) < 2 {
		return "***" + domain
	}
	first, _ := utf8.DecodeRuneInString(local)
	return string(first) + "***" + domain
}

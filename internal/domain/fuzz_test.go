package domain

import (
	"encoding/hex"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Fuzz tests of the checks that read client-supplied values. Run one with
// e.g. go test ./internal/domain -run '^$' -fuzz '^FuzzValidateCreditCode$'.

// ValidateCreditCode accepts exactly the 18-character codes of the alphabet
// whose last character is the check character of the first 17, and every
// code it accepts is a fixed point of upper-casing.
func FuzzValidateCreditCode(f *testing.F) {
	for _, s := range []string{
		"91350100M000100Y43", "91110108551385082Q", "91350100M000100Y44", "91350100m000100Y43",
		"9135010IM000100Y43", "91350100M000100Y4", "91350100M000100Y433", "", "统一社会信用",
		"统一社会信用代码统一社会信用代码统一", "91350100M000100Y4\xff", "\x0091350100M000100Y4",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, code string) {
		err := ValidateCreditCode(code)
		// An independent oracle: the shape, then the check character.
		shaped := len(code) == 18
		for i := 0; shaped && i < len(code); i++ {
			shaped = strings.IndexByte(creditCodeAlphabet, code[i]) >= 0
		}
		if !shaped {
			if err == nil {
				t.Fatalf("ValidateCreditCode(%q) = nil for a code that is not 18 characters of the alphabet", code)
			}
			if err.Error() == "" {
				t.Fatalf("ValidateCreditCode(%q): empty error message", code)
			}
			return
		}
		want, cerr := CreditCodeCheckChar(code[:17])
		if cerr != nil {
			t.Fatalf("CreditCodeCheckChar(%q) = %v for characters of the alphabet", code[:17], cerr)
		}
		if (err == nil) != (code[17] == want) {
			t.Fatalf("ValidateCreditCode(%q) = %v, but the check character of the first 17 is %q", code, err, want)
		}
		if err == nil && strings.ToUpper(code) != code {
			t.Fatalf("valid code %q changes when upper-cased", code)
		}
	})
}

// A code built from any 17 characters of the alphabet and their check
// character is valid, and changing any one of its characters to another of
// the alphabet makes it invalid (the check detects every single
// substitution, 31 being prime).
func FuzzCreditCodeCheckChar(f *testing.F) {
	f.Add([]byte("91350100M000100Y4"), uint8(3), uint8(7))
	f.Add([]byte{}, uint8(0), uint8(0))
	f.Add([]byte{0xff, 0xfe, 0x00, 0x80}, uint8(17), uint8(30))
	f.Fuzz(func(t *testing.T, seed []byte, pos, repl uint8) {
		var b [17]byte
		for i := range b {
			if len(seed) > 0 {
				b[i] = creditCodeAlphabet[int(seed[i%len(seed)])%len(creditCodeAlphabet)]
			} else {
				b[i] = '0'
			}
		}
		check, err := CreditCodeCheckChar(string(b[:]))
		if err != nil {
			t.Fatalf("CreditCodeCheckChar(%q) = %v", b[:], err)
		}
		code := string(b[:]) + string(check)
		if err := ValidateCreditCode(code); err != nil {
			t.Fatalf("code %q built with its own check character refused: %v", code, err)
		}
		i := int(pos) % 18
		c := creditCodeAlphabet[int(repl)%len(creditCodeAlphabet)]
		if c == code[i] {
			return
		}
		changed := code[:i] + string(c) + code[i+1:]
		if err := ValidateCreditCode(changed); err == nil {
			t.Fatalf("%q (character %d of valid %q changed) accepted", changed, i+1, code)
		}
	})
}

// ValidatePeriod accepts exactly the months written YYYY-MM: what it
// accepts prints back unchanged.
func FuzzValidatePeriod(f *testing.F) {
	for _, s := range []string{"2026-03", "2026-3", "2026-13", "2026-00", "0000-01", "9999-12", "2026-03-01", "202603", "", "2026-03 ", "２０２６-03"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		err := ValidatePeriod(p)
		if err == nil {
			m, perr := time.Parse("2006-01", p)
			if perr != nil || m.Format("2006-01") != p {
				t.Fatalf("ValidatePeriod(%q) = nil but it is not a YYYY-MM month (%v)", p, perr)
			}
			return
		}
		if len(p) == 7 {
			if m, perr := time.Parse("2006-01", p); perr == nil && m.Format("2006-01") == p {
				t.Fatalf("ValidatePeriod(%q) = %v for a YYYY-MM month", p, err)
			}
		}
	})
}

// CheckRange refuses exactly the ranges whose end is before their start.
func FuzzCheckRange(f *testing.F) {
	f.Add(int64(0), int64(0))
	f.Add(int64(1767225600), int64(1767139200))
	f.Add(int64(-62135596800), int64(253402300799))
	f.Add(int64(1<<62), int64(-1<<62))
	f.Fuzz(func(t *testing.T, fromSec, toSec int64) {
		from, to := time.Unix(fromSec, 0).UTC(), time.Unix(toSec, 0).UTC()
		err := CheckRange(&from, &to)
		if (err != nil) != to.Before(from) {
			t.Fatalf("CheckRange(%v, %v) = %v", from, to, err)
		}
		if CheckRange(nil, &to) != nil || CheckRange(&from, nil) != nil {
			t.Fatalf("CheckRange with an open end refused")
		}
	})
}

// NameKey turns any name, even one that is not UTF-8, into a lower-case hex
// key, the same each time.
func FuzzNameKey(f *testing.F) {
	for _, s := range []string{"顺丰", "安能", "SF Express", "", "\xff\xfe", "a\x00b", "张三（省总工会）"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		k := NameKey(name)
		if _, err := hex.DecodeString(k); err != nil || strings.ToLower(k) != k {
			t.Fatalf("NameKey(%q) = %q, not lower-case hex", name, k)
		}
		if again := NameKey(name); again != k {
			t.Fatalf("NameKey(%q) is %q then %q", name, k, again)
		}
	})
}

// Enterprise.Validate reports, under the right field, a name that is not
// UTF-8 or holds a control character and a credit code ValidateCreditCode
// refuses; it accepts the valid enterprise with a clean name.
func FuzzEnterpriseValidate(f *testing.F) {
	f.Add("山西顺丰", "91350100M000100Y43")
	f.Add("", "")
	f.Add("山西\n顺丰", "91350100m000100Y43")
	f.Add("\xff", "91350100M000100Y4")
	f.Add(strings.Repeat("顺", 300), "统一社会信用代码统一社会信用代码统一")
	f.Fuzz(func(t *testing.T, name, creditCode string) {
		e := validEnterprise()
		e.Name, e.CreditCode = name, &creditCode
		probs := e.Validate()
		fields := map[string]bool{}
		for _, p := range probs {
			if p.Field == "" || p.Message == "" {
				t.Fatalf("Validate gave a problem without a field or message: %+v", p)
			}
			fields[p.Field] = true
		}
		if (ValidateCreditCode(creditCode) != nil) != fields["creditCode"] {
			t.Fatalf("credit code %q: problems %+v", creditCode, probs)
		}
		trimmed := strings.TrimSpace(name)
		bad := trimmed == "" || !utf8.ValidString(trimmed) || utf8.RuneCountInString(trimmed) > MaxNameLength ||
			strings.ContainsFunc(trimmed, func(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) })
		if bad != fields["name"] {
			t.Fatalf("name %q: problems %+v", name, probs)
		}
	})
}

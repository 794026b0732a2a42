package auth_test

import (
	"strings"
	"testing"

	"sanfang/internal/auth"
)

func TestMaskPhone(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"13812345678", "138****5678"},
		{"+8613812345678", "+86****5678"},
		{"0351-7654321", "035****4321"},
		{"1381234567", "138****567"},
		{"123456789", "12****789"},
		{"12345678", "12****78"},
		{"1234567", "1****67"},
		{"123456", "1****6"},
		{"12345", "****5"},
		{"1234", "****"},
		{"1", "****"},
		{"", ""},
		{"  13812345678 ", "138****5678"},
		{"电话一二三四五六七八九", "电话一****六七八九"},
	} {
		if got := auth.MaskPhone(c.in); got != c.want {
			t.Errorf("MaskPhone(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// Whatever the length, a masked phone shows at most 3 leading and 4
// trailing characters of the original, and hides at least 4.
func TestMaskPhoneNeverRevealsMuch(t *testing.T) {
	const digits = "98765432109876543210"
	for n := 1; n <= len(digits); n++ {
		in := digits[:n]
		got := auth.MaskPhone(in)
		lead, tail, ok := strings.Cut(got, "****")
		if !ok {
			t.Fatalf("MaskPhone(%q) = %q: no mask", in, got)
		}
		if len(lead) > 3 || len(tail) > 4 || n-len(lead)-len(tail) < min(4, n) {
			t.Errorf("MaskPhone(%q) = %q shows too much", in, got)
		}
		if !strings.HasPrefix(in, lead) || !strings.HasSuffix(in, tail) {
			t.Errorf("MaskPhone(%q) = %q is not a masking of it", in, got)
		}
	}
}

func TestMaskEmail(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"zhang.san@example.org", "z***@example.org"},
		{"ab@example.org", "a***@example.org"},
		{"a@x.org", "***@x.org"},
		{"杨晓兰@example.cn", "杨***@example.cn"},
		{"odd@name@example.org", "o***@example.org"},
		{"@example.org", "***"},
		{"not an address", "***"},
		{"", ""},
	} {
		if got := auth.MaskEmail(c.in); got != c.want {
			t.Errorf("MaskEmail(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

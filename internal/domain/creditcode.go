package domain

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The unified social credit code (统一社会信用代码, GB 32100-2015) is 18
// characters from a 31-character alphabet (digits and capitals without I, O,
// S, V, Z). The last one is a check character computed from the first 17.
const creditCodeAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var creditCodeWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// CreditCodeCheckChar computes the check character for the first 17
// characters of a unified social credit code.
func CreditCodeCheckChar(first17 string) (byte, error) {
	if len(first17) != 17 {
		return 0, fmt.Errorf("need 17 characters, got %d", len(first17))
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(creditCodeAlphabet, first17[i])
		if v < 0 {
			return 0, fmt.Errorf("character %d (%q) is not allowed: use digits and capital letters other than I, O, S, V, Z", i+1, first17[i])
		}
		sum += v * creditCodeWeights[i]
	}
	return creditCodeAlphabet[(31-sum%31)%31], nil
}

// ValidateCreditCode checks the length, alphabet and check character of a
// unified social credit code and says what is wrong if it is not valid.
func ValidateCreditCode(code string) error {
	if n := utf8.RuneCountInString(code); n != 18 {
		return fmt.Errorf("a unified social credit code has 18 characters, this one has %d", n)
	}
	for i, r := range []rune(code) {
		if r > unicode.MaxASCII || strings.IndexByte(creditCodeAlphabet, byte(r)) < 0 {
			return fmt.Errorf("character %d (%q) is not allowed: use digits and capital letters other than I, O, S, V, Z", i+1, r)
		}
	}
	want, err := CreditCodeCheckChar(code[:17])
	if err != nil {
		return err
	}
	if code[17] != want {
		return fmt.Errorf("check character is %q but the first 17 characters give %q", code[17], want)
	}
	return nil
}

package domain

import (
	"strings"
	"testing"
)

func TestValidateCreditCode(t *testing.T) {
	tests := []struct {
		name    string
		code    string
		wantErr string
	}{
		{"valid example from the standard's commentaries", "91350100M000100Y43", ""},
		{"valid, letter check character", "91110108551385082Q", ""},
		{"wrong check character", "91350100M000100Y44", "check character"},
		{"too short", "91350100M000100Y4", "18 characters"},
		{"too long", "91350100M000100Y433", "18 characters"},
		{"forbidden letter I", "9135010IM000100Y43", "not allowed"},
		{"lower case", "91350100m000100Y43", "not allowed"},
		{"18 chinese characters", "统一社会信用代码统一社会信用代码统一", "not allowed"},
		{"6 chinese characters, 18 bytes", "统一社会信用", "has 6"},
		{"empty", "", "18 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateCreditCode(tt.code)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("ValidateCreditCode(%q) = %v, want nil", tt.code, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("ValidateCreditCode(%q) = %v, want error containing %q", tt.code, err, tt.wantErr)
			}
		})
	}
}

func TestCreditCodeCheckCharRoundTrip(t *testing.T) {
	for _, body := range []string{"91140100MA0GRXXX0", "12140000405200187", "91140000110014125"} {
		c, err := CreditCodeCheckChar(body)
		if err != nil {
			t.Fatal(err)
		}
		if err := ValidateCreditCode(body + string(c)); err != nil {
			t.Errorf("code built with its own check character rejected: %v", err)
		}
	}
}

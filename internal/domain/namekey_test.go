package domain

import (
	"slices"
	"testing"
)

func TestNameKeySortsByPinyin(t *testing.T) {
	names := []string{"中通", "顺丰", "京东", "圆通", "申通", "韵达", "极兔", "邮政", "安能"}
	slices.SortFunc(names, func(a, b string) int {
		ka, kb := NameKey(a), NameKey(b)
		switch {
		case ka < kb:
			return -1
		case ka > kb:
			return 1
		}
		return 0
	})
	want := []string{"安能", "极兔", "京东", "申通", "顺丰", "邮政", "圆通", "韵达", "中通"}
	if !slices.Equal(names, want) {
		t.Fatalf("sorted by NameKey: %v, want %v", names, want)
	}
}

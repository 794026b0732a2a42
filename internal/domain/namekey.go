package domain

import (
	"encoding/hex"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// collators are reused: building a Chinese collator is costly and one is not
// safe for concurrent use.
var collators = sync.Pool{New: func() any { return collate.New(language.Chinese) }}

// NameKey returns a string whose byte order is the Chinese (pinyin) collation
// order of name, so that a plain sort on it in MongoDB sorts names as a
// Chinese reader expects (安能 < 京东 < 顺丰 < 中通).
func NameKey(name string) string {
	c := collators.Get().(*collate.Collator)
	defer collators.Put(c)
	var buf collate.Buffer
	return hex.EncodeToString(c.KeyFromString(&buf, name))
}

package domain

import (
	"fmt"
	"time"
)

// CheckRange says what is wrong if a range's end comes before its start.
func CheckRange(from, to *time.Time) error {
	if from != nil && to != nil && to.Before(*from) {
		return fmt.Errorf("the range ends (%s) before it starts (%s): swap them", to.Format(time.DateOnly), from.Format(time.DateOnly))
	}
	return nil
}

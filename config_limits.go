package main

// limitsConfig holds the limits settings.
type limitsConfig struct{}

// limitSettings lists the limits settings (see settings in config.go).
func limitSettings() []setting { return nil }

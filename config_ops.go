package main

// opsConfig holds the ops settings.
type opsConfig struct{}

// opsSettings lists the ops settings (see settings in config.go).
func opsSettings() []setting { return nil }

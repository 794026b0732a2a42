package main

// documentsConfig holds the documents settings.
type documentsConfig struct{}

// documentSettings lists the documents settings (see settings in config.go).
func documentSettings() []setting { return nil }

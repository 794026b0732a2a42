package main

import (
	"fmt"
	"net/url"
	"os"
	"strings"
)

// documentsConfig holds the settings of trusted documents (production mode
// runs only registered operations) and of cross-site access from browsers.
type documentsConfig struct {
	// Dir is a directory of .graphql files, each a registered document,
	// besides those in the joint database (sanfang documents add).
	Dir string
	// CORSOrigins are the origins whose pages (the dashboards) may call
	// the endpoint from a browser; none: no cross-origin access.
	CORSOrigins []string
	// GatewayCredentials are the supergraph routers' credential ids: in
	// production mode they may run unregistered _service and _entities
	// operations.
	GatewayCredentials []string
}

// documentSettings lists the documents settings (see settings in config.go).
func documentSettings() []setting {
	return []setting{
		{"documents-dir", "SANFANG_DOCUMENTS_DIR", "", "directory of .graphql files, each a registered (trusted) document, loaded at start with those added by \"sanfang documents add\"; in production mode only registered documents run", func(c *config, v string) error {
			if v != "" {
				fi, err := os.Stat(v)
				if err != nil {
					return err
				}
				if !fi.IsDir() {
					return fmt.Errorf("is not a directory")
				}
			}
			c.Documents.Dir = v
			return nil
		}},
		{"gateway-credentials", "SANFANG_GATEWAY_CREDENTIALS", "", "comma-separated credential ids of supergraph routers (an API key's id as \"sanfang apikey list\" shows it, or jwt:SUBJECT): in production mode they may also run unregistered operations on _service and _entities alone, which a router makes up per query", func(c *config, v string) error {
			c.Documents.GatewayCredentials = nil
			for part := range strings.SplitSeq(v, ",") {
				if part = strings.TrimSpace(part); part != "" {
					if strings.HasPrefix(part, "sfk_") {
						return fmt.Errorf("list the key's id, not the key itself (sanfang apikey list shows the ids)")
					}
					c.Documents.GatewayCredentials = append(c.Documents.GatewayCredentials, part)
				}
			}
			return nil
		}},
		{"cors-origins", "SANFANG_CORS_ORIGINS", "", "comma-separated origins whose pages may call the endpoint from a browser, e.g. https://dashboard.example.cn,http://localhost:5173; empty: no cross-origin access", func(c *config, v string) error {
			origins, err := parseOrigins(v)
			c.Documents.CORSOrigins = origins
			return err
		}},
	}
}

// parseOrigins reads a comma-separated list of origins, each
// scheme://host[:port] (http or https), written as browsers send them in
// the Origin header: lower case, without a default port or a path.
func parseOrigins(v string) ([]string, error) {
	var origins []string
	for part := range strings.SplitSeq(v, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if part == "*" || part == "null" {
			return nil, fmt.Errorf("%q is not allowed: list the dashboards' origins, e.g. https://dashboard.example.cn", part)
		}
		u, err := url.Parse(part)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
			(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
			return nil, fmt.Errorf("%q is not an origin: write scheme://host[:port], e.g. https://dashboard.example.cn", part)
		}
		host := strings.ToLower(u.Host)
		if (u.Scheme == "https" && strings.HasSuffix(host, ":443")) || (u.Scheme == "http" && strings.HasSuffix(host, ":80")) {
			host = host[:strings.LastIndexByte(host, ':')]
		}
		origins = append(origins, u.Scheme+"://"+host)
	}
	return origins, nil
}

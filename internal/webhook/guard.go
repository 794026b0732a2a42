package webhook

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"sanfang/internal/domain"
)

// special lists the address ranges, beyond what netip's predicates cover,
// that a webhook may not reach.
var special = []struct {
	prefix netip.Prefix
	what   string
}{
	{netip.MustParsePrefix("100.64.0.0/10"), "shared (CGNAT)"},
	{netip.MustParsePrefix("0.0.0.0/8"), `"this network"`},
	{netip.MustParsePrefix("192.0.0.0/24"), "IETF protocol assignment"},
	{netip.MustParsePrefix("192.0.2.0/24"), "documentation"},
	{netip.MustParsePrefix("198.51.100.0/24"), "documentation"},
	{netip.MustParsePrefix("203.0.113.0/24"), "documentation"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), "local-use NAT64"},
	{netip.MustParsePrefix("2001:db8::/32"), "documentation"},
}

var nat64 = netip.MustParsePrefix("64:ff9b::/96")

// blocked says what sort of internal or special-purpose address a is, or ""
// if a webhook may reach it.
func blocked(a netip.Addr) string {
	a = a.Unmap()
	switch {
	case !a.IsValid():
		return "invalid"
	case a.IsLoopback():
		return "loopback"
	case a.IsPrivate():
		return "private"
	case a.IsMulticast():
		return "multicast"
	case a.IsLinkLocalUnicast():
		return "link-local"
	case a.IsUnspecified():
		return "unspecified"
	}
	if a.Is4() && a == netip.AddrFrom4([4]byte{255, 255, 255, 255}) {
		return "broadcast"
	}
	for _, p := range special {
		if p.prefix.Contains(a) {
			return p.what
		}
	}
	if nat64.Contains(a) {
		// A NAT64 address reaches the IPv4 address in its last 32 bits.
		b := a.As16()
		if what := blocked(netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})); what != "" {
			return what + " (through NAT64)"
		}
	}
	return ""
}

// errRefusedAddress is wrapped by the dial guard's errors.
var errRefusedAddress = errors.New("refused address")

// control is the dialer's Control function: it sees the address actually
// dialled (after DNS), for every connection, redirects and DNS changes
// included.
func (s *Service) control(_, address string, _ syscall.RawConn) error {
	if s.permitDial != nil && s.permitDial(address) {
		return nil
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("webhook: refusing to dial %q: %w: not an IP address and port", address, errRefusedAddress)
	}
	if what := blocked(ap.Addr()); what != "" {
		return fmt.Errorf("webhook: refusing to dial %s: %w: %s addresses are internal", address, errRefusedAddress, what)
	}
	return nil
}

// refuseRedirect stops the client at the first redirect: the 3xx answer is
// returned as it is and counts as a failed attempt.
func refuseRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// httpClient returns the client deliveries are sent with: given (or a
// default) with redirects refused and, unless AllowInsecure, its
// *http.Transport cloned to dial through the guard and use no proxy.
func (s *Service) httpClient(given *http.Client) *http.Client {
	var c http.Client
	if given != nil {
		c = *given
	}
	c.CheckRedirect = refuseRedirect
	switch t := c.Transport.(type) {
	case nil:
		c.Transport = s.transport(nil)
	case *http.Transport:
		if !s.opts.AllowInsecure {
			c.Transport = s.transport(t)
		}
	default:
		if !s.opts.AllowInsecure {
			s.log.Warn("webhook HTTP client has a custom RoundTripper: internal addresses are not guarded when dialling")
		}
	}
	return &c
}

// transport returns base (or a default transport) dialling through the
// guard unless AllowInsecure. A proxy would dial on our behalf, past the
// guard, so there is none.
func (s *Service) transport(base *http.Transport) *http.Transport {
	var t *http.Transport
	if base != nil {
		t = base.Clone()
	} else {
		t = &http.Transport{
			ForceAttemptHTTP2:   true,
			MaxIdleConnsPerHost: 2,
			IdleConnTimeout:     90 * time.Second,
			TLSHandshakeTimeout: DefaultAttemptTimeout,
		}
	}
	dialer := &net.Dialer{Timeout: s.opts.AttemptTimeout, KeepAlive: 30 * time.Second}
	if !s.opts.AllowInsecure {
		dialer.Control = s.control
	}
	t.Proxy = nil
	t.DialContext = dialer.DialContext
	t.DialTLSContext = nil
	return t
}

// checkURL returns what is wrong with a subscription URL, or "".
func (s *Service) checkURL(ctx context.Context, raw string) string {
	if raw == "" {
		return "url is required: the address sanfang POSTs events to"
	}
	if n := utf8.RuneCountInString(raw); n > domain.MaxURLLength {
		return fmt.Sprintf("url has %d characters; at most %d are allowed", n, domain.MaxURLLength)
	}
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" || u.Opaque != "" {
		return fmt.Sprintf("%q is not an absolute http(s) URL such as https://partner.example.com/sanfang/events", raw)
	}
	scheme := strings.ToLower(u.Scheme)
	switch {
	case scheme == "https":
	case scheme == "http" && s.opts.AllowInsecure:
	case scheme == "http":
		return "url must use https://: events are sent only over TLS"
	default:
		return fmt.Sprintf("url must use https://, not %s://", u.Scheme)
	}
	if u.User != nil {
		return "url must not contain a user name or password: the signature header authenticates sanfang to the receiver"
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return "url must not contain a #fragment"
	}
	if s.opts.AllowInsecure {
		return ""
	}
	host := u.Hostname()
	if a, err := netip.ParseAddr(host); err == nil {
		if what := blocked(a); what != "" {
			return fmt.Sprintf("url names %s, a %s address: webhooks are not sent to internal networks", a, what)
		}
		return ""
	}
	lctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	addrs, err := s.lookup(lctx, host)
	if err != nil || len(addrs) == 0 {
		return fmt.Sprintf("url's host %q cannot be resolved: register it in DNS first", host)
	}
	for _, ia := range addrs {
		a, ok := netip.AddrFromSlice(ia.IP)
		if !ok {
			continue
		}
		if what := blocked(a); what != "" {
			return fmt.Sprintf("url's host %q resolves to %s, a %s address: webhooks are not sent to internal networks", host, a.Unmap(), what)
		}
	}
	return ""
}

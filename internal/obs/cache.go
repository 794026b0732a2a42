package obs

import (
	"github.com/prometheus/client_golang/prometheus"

	"sanfang/internal/respcache"
)

// RegisterCache exposes the response cache's counters, read from stats at
// every scrape: sanfang_cache_{hits,misses,evictions,invalidations,
// expirations}_total and sanfang_cache_{entries,bytes}.
func (o *Obs) RegisterCache(stats func() respcache.Stats) {
	o.reg.MustRegister(cacheCollector{stats})
}

type cacheCollector struct{ stats func() respcache.Stats }

var cacheDescs = struct {
	hits, misses, evictions, invalidations, expirations, entries, bytes *prometheus.Desc
}{
	hits:          prometheus.NewDesc("sanfang_cache_hits_total", "Answers served from the response cache.", nil, nil),
	misses:        prometheus.NewDesc("sanfang_cache_misses_total", "Cacheable operations the response cache did not have.", nil, nil),
	evictions:     prometheus.NewDesc("sanfang_cache_evictions_total", "Answers dropped to keep the response cache within its size.", nil, nil),
	invalidations: prometheus.NewDesc("sanfang_cache_invalidations_total", "Answers dropped because a write changed what they read.", nil, nil),
	expirations:   prometheus.NewDesc("sanfang_cache_expirations_total", "Answers dropped because their time to live had passed.", nil, nil),
	entries:       prometheus.NewDesc("sanfang_cache_entries", "Answers in the response cache.", nil, nil),
	bytes:         prometheus.NewDesc("sanfang_cache_bytes", "Size of the answers in the response cache.", nil, nil),
}

func (c cacheCollector) Describe(ch chan<- *prometheus.Desc) {
	d := cacheDescs
	for _, x := range []*prometheus.Desc{d.hits, d.misses, d.evictions, d.invalidations, d.expirations, d.entries, d.bytes} {
		ch <- x
	}
}

func (c cacheCollector) Collect(ch chan<- prometheus.Metric) {
	s, d := c.stats(), cacheDescs
	ch <- prometheus.MustNewConstMetric(d.hits, prometheus.CounterValue, float64(s.Hits))
	ch <- prometheus.MustNewConstMetric(d.misses, prometheus.CounterValue, float64(s.Misses))
	ch <- prometheus.MustNewConstMetric(d.evictions, prometheus.CounterValue, float64(s.Evictions))
	ch <- prometheus.MustNewConstMetric(d.invalidations, prometheus.CounterValue, float64(s.Invalidations))
	ch <- prometheus.MustNewConstMetric(d.expirations, prometheus.CounterValue, float64(s.Expirations))
	ch <- prometheus.MustNewConstMetric(d.entries, prometheus.GaugeValue, float64(s.Entries))
	ch <- prometheus.MustNewConstMetric(d.bytes, prometheus.GaugeValue, float64(s.Bytes))
}

package hooks

import "github.com/prometheus/client_golang/prometheus"

var (
	deliveredDesc = prometheus.NewDesc("ftppanel_webhook_events_delivered_total",
		"Web hook events the hook took (answered 2xx) since start.", nil, nil)
	failedDesc = prometheus.NewDesc("ftppanel_webhook_events_failed_total",
		"Web hook events given up since start: retried for an hour in vain, or left unsent at shutdown.", nil, nil)
	droppedDesc = prometheus.NewDesc("ftppanel_webhook_events_dropped_total",
		"Web hook events dropped unsent since start because the queue was full (the oldest go first).", nil, nil)
	queuedDesc = prometheus.NewDesc("ftppanel_webhook_events_queued",
		"Web hook events waiting to be sent now.", nil, nil)
)

// Collector serves the counts of Stats as Prometheus metrics.
func (h *Hooks) Collector() prometheus.Collector { return collector{h} }

type collector struct{ h *Hooks }

func (c collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{deliveredDesc, failedDesc, droppedDesc, queuedDesc} {
		ch <- d
	}
}

func (c collector) Collect(ch chan<- prometheus.Metric) {
	st := c.h.Stats()
	ch <- prometheus.MustNewConstMetric(deliveredDesc, prometheus.CounterValue, float64(st.Delivered))
	ch <- prometheus.MustNewConstMetric(failedDesc, prometheus.CounterValue, float64(st.Failed))
	ch <- prometheus.MustNewConstMetric(droppedDesc, prometheus.CounterValue, float64(st.Dropped))
	ch <- prometheus.MustNewConstMetric(queuedDesc, prometheus.GaugeValue, float64(st.Queued))
}

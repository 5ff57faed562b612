// Package ftpmetrics serves Prometheus metrics for the FTP server, read from the
// session registry at each scrape. It is served on its own address (serve
// --metrics-addr), away from the panel.
package ftpmetrics

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/ftppanel/ftppanel/internal/session"
)

// LostRows says how many history and audit rows were given up because the
// store was out of reach for too long.
type LostRows func() (history, audit int64)

// Handler serves the metrics at any path, with those of extra; lost may be nil.
func Handler(reg *session.Registry, lost LostRows, extra ...prometheus.Collector) http.Handler {
	if lost == nil {
		lost = func() (int64, int64) { return 0, 0 }
	}
	pr := prometheus.NewRegistry()
	pr.MustRegister(
		sessionCollector{reg},
		lostCollector{lost},
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	pr.MustRegister(extra...)
	return promhttp.HandlerFor(pr, promhttp.HandlerOpts{})
}

var (
	sessionsDesc = prometheus.NewDesc("ftppanel_sessions",
		"FTP sessions open now, by state.", []string{"state"}, nil)
	loginsDesc = prometheus.NewDesc("ftppanel_logins_total",
		"Successful FTP logins since start.", nil, nil)
	loginFailuresDesc = prometheus.NewDesc("ftppanel_login_failures_total",
		"Failed FTP logins since start.", nil, nil)
	bytesDesc = prometheus.NewDesc("ftppanel_transferred_bytes_total",
		"Bytes moved since start: up from clients, down to them.", []string{"direction"}, nil)
	endedDesc = prometheus.NewDesc("ftppanel_sessions_ended_total",
		"FTP sessions ended since start, by reason; \"disconnected\" counts panel and API disconnects.", []string{"reason"}, nil)
)

// sessionCollector reads the registry at each scrape.
type sessionCollector struct{ reg *session.Registry }

func (c sessionCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{sessionsDesc, loginsDesc, loginFailuresDesc, bytesDesc, endedDesc} {
		ch <- d
	}
}

func (c sessionCollector) Collect(ch chan<- prometheus.Metric) {
	byState := map[session.State]int{}
	for _, s := range c.reg.List(session.AllSessions(), session.Filter{}) {
		byState[s.State]++
	}
	for _, st := range []session.State{session.StateNotLoggedIn, session.StateIdle, session.StateUploading,
		session.StateDownloading, session.StateListing} {
		ch <- prometheus.MustNewConstMetric(sessionsDesc, prometheus.GaugeValue, float64(byState[st]), string(st))
	}
	t := c.reg.Totals()
	ch <- prometheus.MustNewConstMetric(loginsDesc, prometheus.CounterValue, float64(t.Logins))
	ch <- prometheus.MustNewConstMetric(loginFailuresDesc, prometheus.CounterValue, float64(t.EndedBy[session.EndLoginFailed]))
	ch <- prometheus.MustNewConstMetric(bytesDesc, prometheus.CounterValue, float64(t.BytesUp), "up")
	ch <- prometheus.MustNewConstMetric(bytesDesc, prometheus.CounterValue, float64(t.BytesDown), "down")
	for _, kind := range session.EndKinds() {
		ch <- prometheus.MustNewConstMetric(endedDesc, prometheus.CounterValue, float64(t.EndedBy[kind]), string(kind))
	}
}

var lostDesc = prometheus.NewDesc("ftppanel_store_rows_lost_total",
	"History and audit rows given up since start because the store was out of reach for too long, by table.",
	[]string{"table"}, nil)

// lostCollector reads the counts of rows given up at each scrape.
type lostCollector struct{ lost LostRows }

func (c lostCollector) Describe(ch chan<- *prometheus.Desc) { ch <- lostDesc }

func (c lostCollector) Collect(ch chan<- prometheus.Metric) {
	history, audit := c.lost()
	ch <- prometheus.MustNewConstMetric(lostDesc, prometheus.CounterValue, float64(history), "session_history")
	ch <- prometheus.MustNewConstMetric(lostDesc, prometheus.CounterValue, float64(audit), "audit_log")
}

var certificateExpiryDesc = prometheus.NewDesc("ftppanel_tls_certificate_expiry_timestamp_seconds",
	"When the FTPS certificate in use expires, in seconds since the Unix epoch; absent without FTPS.", nil, nil)

// CertificateExpiry reports when the FTPS certificate in use expires; expiry
// returns false when FTPS is off.
func CertificateExpiry(expiry func() (time.Time, bool)) prometheus.Collector {
	return certificateCollector{expiry}
}

type certificateCollector struct{ expiry func() (time.Time, bool) }

func (c certificateCollector) Describe(ch chan<- *prometheus.Desc) { ch <- certificateExpiryDesc }

func (c certificateCollector) Collect(ch chan<- prometheus.Metric) {
	if t, ok := c.expiry(); ok {
		ch <- prometheus.MustNewConstMetric(certificateExpiryDesc, prometheus.GaugeValue, float64(t.Unix()))
	}
}

package main

import (
	"bytes"
	"net/http"
	"regexp"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

func TestMetricsParseAndCount(t *testing.T) {
	t.Parallel()
	in := start(t, "--metrics-addr", "127.0.0.1:0")
	m := regexp.MustCompile(`Metrics at (http://\S+/metrics)`).FindStringSubmatch(in.stdout.String())
	if m == nil {
		t.Fatalf("no metrics address printed:\n%s", in.stdout.String())
	}
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")

	failed := in.rawDial()
	failed.cmd(331, "USER bob")
	failed.cmd(530, "PASS wrong-password")
	bob := in.ftpLogin("bob")
	if err := bob.Stor("a.txt", bytes.NewReader(make([]byte, 1000))); err != nil {
		t.Fatal(err)
	}
	kicked := in.rawDial()
	kicked.login("bob")
	admin := in.signInAdmin()
	waitFor(t, "two sessions", func() bool { return len(admin.rows()) == 2 })
	for id, row := range admin.rows() {
		if !bytes.Contains([]byte(row), []byte("1000 B")) { // the uploader stays
			admin.mustDisconnect(id)
		}
	}

	var families map[string]*dto.MetricFamily
	waitFor(t, "the failed login to be counted", func() bool {
		resp, err := http.Get(m[1])
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /metrics: %d", resp.StatusCode)
		}
		parser := expfmt.NewTextParser(model.UTF8Validation)
		families, err = parser.TextToMetricFamilies(resp.Body)
		if err != nil {
			t.Fatalf("metrics do not parse: %v", err)
		}
		return value(families, "ftppanel_login_failures_total", "") == 1
	})
	for _, tc := range []struct {
		name, label string
		want        float64
	}{
		{"ftppanel_logins_total", "", 2},
		{"ftppanel_sessions", "idle", 1},
		{"ftppanel_sessions", "uploading", 0},
		{"ftppanel_transferred_bytes_total", "up", 1000},
		{"ftppanel_sessions_ended_total", "disconnected", 1},
		{"ftppanel_sessions_ended_total", "login failed", 1},
		{"ftppanel_sessions_ended_total", "store unavailable", 0},
		{"ftppanel_store_rows_lost_total", "session_history", 0},
		{"ftppanel_store_rows_lost_total", "audit_log", 0},
	} {
		if got := value(families, tc.name, tc.label); got != tc.want {
			t.Errorf("%s{%s} = %v, want %v", tc.name, tc.label, got, tc.want)
		}
	}
}

// value finds a metric's value by its one label's value ("" for none).
func value(families map[string]*dto.MetricFamily, name, label string) float64 {
	f, ok := families[name]
	if !ok {
		return -1
	}
	for _, m := range f.GetMetric() {
		if label != "" && (len(m.GetLabel()) != 1 || m.GetLabel()[0].GetValue() != label) {
			continue
		}
		if c := m.GetCounter(); c != nil {
			return c.GetValue()
		}
		return m.GetGauge().GetValue()
	}
	return -1
}

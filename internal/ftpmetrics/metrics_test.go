package ftpmetrics

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/ftppanel/ftppanel/internal/session"
)

// scrape reads the metrics as Prometheus does.
func scrape(t *testing.T, reg *session.Registry) map[string][]labelled {
	t.Helper()
	rec := httptest.NewRecorder()
	Handler(reg, nil).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(rec.Body)
	if err != nil {
		t.Fatalf("metrics do not parse: %v", err)
	}
	out := map[string][]labelled{}
	for name, fam := range families {
		for _, m := range fam.GetMetric() {
			l := labelled{labels: map[string]string{}, value: m.GetCounter().GetValue() + m.GetGauge().GetValue()}
			for _, lp := range m.GetLabel() {
				l.labels[lp.GetName()] = lp.GetValue()
			}
			out[name] = append(out[name], l)
		}
	}
	return out
}

type labelled struct {
	labels map[string]string
	value  float64
}

// byLabel is a family's values by one label.
func byLabel(series []labelled, label string) map[string]float64 {
	out := map[string]float64{}
	for _, s := range series {
		out[s.labels[label]] = s.value
	}
	return out
}

func addSession(reg *session.Registry, login string) *session.Session {
	var s *session.Session
	s = session.New("192.0.2.9", 40000, time.Now(), func() { go reg.Remove(s) })
	reg.Add(s)
	if login != "" {
		s.LoggedIn(login, "acme", "", false, time.Now())
	}
	return s
}

// Every kind of end on session.EndKinds has its series of
// ftppanel_sessions_ended_total, which counts it.
func TestEveryEndKindHasItsSeries(t *testing.T) {
	reg := session.NewRegistry()
	kinds := session.EndKinds()
	for _, k := range kinds {
		s := addSession(reg, "bob")
		if k == session.EndDisconnected {
			if _, err := reg.Disconnect(s.ID(), session.AllSessions(), "root", ""); err != nil {
				t.Fatal(err)
			}
		} else if !reg.End(s.ID(), k) {
			t.Fatalf("End(%q) ended nothing", k)
		}
		<-s.Done()
	}
	got := byLabel(scrape(t, reg)["ftppanel_sessions_ended_total"], "reason")
	for _, k := range kinds {
		if v, ok := got[string(k)]; !ok || v != 1 {
			t.Errorf(`ftppanel_sessions_ended_total{reason=%q} = %v (present %v), want 1`, k, v, ok)
		}
	}
	if len(got) != len(kinds) {
		t.Errorf("%d reason series, want one per kind (%d): %v", len(got), len(kinds), got)
	}
}

// The sessions open now are counted by state, every state with its series.
func TestSessionsByState(t *testing.T) {
	reg := session.NewRegistry()
	addSession(reg, "")
	addSession(reg, "bob")
	addSession(reg, "carol")
	got := byLabel(scrape(t, reg)["ftppanel_sessions"], "state")
	want := map[string]float64{string(session.StateNotLoggedIn): 1, string(session.StateIdle): 2,
		string(session.StateUploading): 0, string(session.StateDownloading): 0, string(session.StateListing): 0}
	for state, n := range want {
		if v, ok := got[state]; !ok || v != n {
			t.Errorf(`ftppanel_sessions{state=%q} = %v (present %v), want %v`, state, v, ok, n)
		}
	}
	if logins := scrape(t, reg)["ftppanel_logins_total"]; len(logins) != 1 || logins[0].value != 2 {
		t.Errorf("ftppanel_logins_total = %+v, want 2", logins)
	}
}

// Rows given up while the store was out of reach are counted by table.
func TestLostRows(t *testing.T) {
	rec := httptest.NewRecorder()
	Handler(session.NewRegistry(), func() (int64, int64) { return 3, 7 }).
		ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, m := range families["ftppanel_store_rows_lost_total"].GetMetric() {
		got[m.GetLabel()[0].GetValue()] = m.GetCounter().GetValue()
	}
	if got["session_history"] != 3 || got["audit_log"] != 7 || len(got) != 2 {
		t.Errorf("ftppanel_store_rows_lost_total = %v, want session_history 3 and audit_log 7", got)
	}
}

package session

import (
	"slices"
	"testing"
	"time"
)

func TestFilterMatch(t *testing.T) {
	bob := Snapshot{Login: "bob", Customer: "acme", RemoteIP: "192.0.2.17", State: StateUploading}
	anon := Snapshot{RemoteIP: "198.51.100.4", State: StateNotLoggedIn}

	tests := []struct {
		name   string
		filter Filter
		snap   Snapshot
		want   bool
	}{
		{"empty matches logged in", Filter{}, bob, true},
		{"empty matches not logged in", Filter{}, anon, true},
		{"login exact", Filter{Login: "bob"}, bob, true},
		{"login prefix", Filter{Login: "bo"}, bob, true},
		{"login middle", Filter{Login: "o"}, bob, true},
		{"login suffix", Filter{Login: "ob"}, bob, true},
		{"login other", Filter{Login: "alice"}, bob, false},
		{"login longer than value", Filter{Login: "bobby"}, bob, false},
		{"login against not logged in", Filter{Login: "b"}, anon, false},
		{"exact login", Filter{ExactLogin: "bob"}, bob, true},
		{"exact login is not a substring match", Filter{ExactLogin: "bo"}, bob, false},
		{"exact login longer than value", Filter{ExactLogin: "bobby"}, bob, false},
		{"exact login against not logged in", Filter{ExactLogin: "bob"}, anon, false},
		{"customer substring", Filter{Customer: "cm"}, bob, true},
		{"customer exact", Filter{Customer: "acme"}, bob, true},
		{"customer other", Filter{Customer: "other"}, bob, false},
		{"customer against not logged in", Filter{Customer: "a"}, anon, false},
		{"ip prefix", Filter{IP: "192.0.2."}, bob, true},
		{"ip suffix", Filter{IP: ".17"}, bob, true},
		{"ip exact", Filter{IP: "192.0.2.17"}, bob, true},
		{"ip other", Filter{IP: "198.51"}, bob, false},
		{"ip of not logged in", Filter{IP: "198.51"}, anon, true},
		{"state exact", Filter{State: StateUploading}, bob, true},
		{"state other", Filter{State: StateIdle}, bob, false},
		{"state is not a substring match", Filter{State: "upload"}, bob, false},
		{"state not logged in", Filter{State: StateNotLoggedIn}, anon, true},
		{"all fields match", Filter{Login: "bo", Customer: "ac", IP: "192", State: StateUploading}, bob, true},
		{"all but login", Filter{Login: "x", Customer: "ac", IP: "192", State: StateUploading}, bob, false},
		{"all but customer", Filter{Login: "bo", Customer: "x", IP: "192", State: StateUploading}, bob, false},
		{"all but ip", Filter{Login: "bo", Customer: "ac", IP: "10.", State: StateUploading}, bob, false},
		{"all but state", Filter{Login: "bo", Customer: "ac", IP: "192", State: StateListing}, bob, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.filter.Match(tt.snap); got != tt.want {
				t.Errorf("%+v.Match(%+v) = %v, want %v", tt.filter, tt.snap, got, tt.want)
			}
		})
	}
}

func TestValidState(t *testing.T) {
	for _, st := range []State{StateNotLoggedIn, StateIdle, StateUploading, StateDownloading, StateListing} {
		if !ValidState(st) {
			t.Errorf("ValidState(%q) = false, want true", st)
		}
	}
	for _, st := range []State{"", "Idle", "IDLE", "idle ", "upload", "busy", "not-logged-in", "disconnected"} {
		if ValidState(st) {
			t.Errorf("ValidState(%q) = true, want false", st)
		}
	}
}

func TestListFilter(t *testing.T) {
	r := testRegistry(at(time.Minute))
	anon := addConn(r, "198.51.100.4", 4000, t0)
	web1 := addLoggedIn(r, "web1", "acme", at(1*time.Second))
	web2 := addLoggedIn(r, "web2", "acme", at(2*time.Second))
	backup := addLoggedIn(r, "backup", "acme", at(3*time.Second))
	otherWeb := addLoggedIn(r, "web1", "other", at(4*time.Second))
	web2.s.StartTransfer(StateUploading, "/up.bin", -1, at(5*time.Second))
	otherWeb.s.StartTransfer(StateUploading, "/x.bin", -1, at(5*time.Second))

	tests := []struct {
		name   string
		scope  Scope
		filter Filter
		want   []*fakeConn // in List order
	}{
		{"admin, no filter", AllSessions(), Filter{}, []*fakeConn{anon, web1, web2, backup, otherWeb}},
		{"admin, login web", AllSessions(), Filter{Login: "web"}, []*fakeConn{web1, web2, otherWeb}},
		{"admin, login web1", AllSessions(), Filter{Login: "web1"}, []*fakeConn{web1, otherWeb}},
		{"admin, customer", AllSessions(), Filter{Customer: "oth"}, []*fakeConn{otherWeb}},
		{"admin, ip", AllSessions(), Filter{IP: "198.51."}, []*fakeConn{anon}},
		{"admin, not logged in", AllSessions(), Filter{State: StateNotLoggedIn}, []*fakeConn{anon}},
		{"admin, uploading", AllSessions(), Filter{State: StateUploading}, []*fakeConn{web2, otherWeb}},
		{"admin, idle", AllSessions(), Filter{State: StateIdle}, []*fakeConn{web1, backup}},
		{"admin, nothing matches", AllSessions(), Filter{Login: "nobody"}, nil},
		{"acme, no filter", CustomerSessions("acme"), Filter{}, []*fakeConn{web1, web2, backup}},
		{"acme, login web1 leaves other's web1 out", CustomerSessions("acme"), Filter{Login: "web1"}, []*fakeConn{web1}},
		{"acme, uploading", CustomerSessions("acme"), Filter{State: StateUploading}, []*fakeConn{web2}},
		{"acme, filter for another customer", CustomerSessions("acme"), Filter{Customer: "other"}, nil},
		{"acme, filter for not logged in", CustomerSessions("acme"), Filter{State: StateNotLoggedIn}, nil},
		{"acme, ip of anonymous session", CustomerSessions("acme"), Filter{IP: "198.51."}, nil},
		{"other, login web", CustomerSessions("other"), Filter{Login: "web"}, []*fakeConn{otherWeb}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := r.List(tt.scope, tt.filter)
			want := make([]string, len(tt.want))
			for i, c := range tt.want {
				want[i] = c.s.ID()
			}
			if !slices.Equal(ids(got), want) {
				t.Errorf("List = %v, want %v", ids(got), want)
			}
			if got == nil {
				t.Error("List returned nil")
			}
		})
	}
}

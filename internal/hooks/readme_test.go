package hooks

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/internal/store"
)

// README's examples of events name only fields the events have, and show
// every type the table lists.
func TestREADMEExamplesMatchTheEvents(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	start := strings.Index(text, "### Hooks")
	if start < 0 {
		t.Fatal("README has no Hooks section")
	}
	section := text[start:]
	if end := strings.Index(section[1:], "\n## "); end > 0 {
		section = section[:end+1]
	}

	// Every field each type can have: events with everything set.
	hk := &Hooks{cfg: Config{Node: "n", Now: time.Now}, queue: newQueue(100), log: quiet()}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	snap := session.Snapshot{ID: "x", Node: "n", Login: "l", Customer: "c", RemoteIP: "192.0.2.1", RemotePort: 1, Client: "c",
		ConnectedAt: t0, LoggedInAt: t0, Now: t0, EndReason: session.EndReason{Kind: session.EndDisconnected, By: "a", Message: "m"}}
	hk.SessionStarted(snap)
	hk.SessionEnded(snap)
	full := store.AuditEntry{At: t0, Actor: "a", SessionID: "x", FTPLogin: "l", Customer: "c", RemoteIP: "192.0.2.1", Detail: "d"}
	for _, action := range []string{"disconnect", "change password"} {
		e := full
		e.Action = action
		hk.Audited(e)
	}
	ban := store.Ban{ID: 1, IP: "192.0.2.1", Reason: "r", CreatedBy: "a", CreatedAt: t0, Until: t0.Add(time.Hour)}
	hk.Ban(store.BanChange{Ban: ban}, t0)
	hk.Ban(store.BanChange{Ban: ban, Lifted: true, LiftedBy: "b"}, t0)
	keys := map[string]map[string]bool{}
	for e := hk.queue.pop(); e != nil; e = hk.queue.pop() {
		var m struct{ Data map[string]any }
		json.Unmarshal(e.body, &m)
		keys[e.typ] = map[string]bool{}
		for k := range m.Data {
			keys[e.typ][k] = true
		}
	}
	keys[AccountPassword]["session_id"] = true // an account change has none, but may

	shown := map[string]bool{}
	for _, block := range regexp.MustCompile("(?s)```json\n(.*?)```").FindAllStringSubmatch(section, -1) {
		var ev map[string]any
		if err := json.Unmarshal([]byte(block[1]), &ev); err != nil {
			t.Errorf("README example does not parse: %v\n%s", err, block[1])
			continue
		}
		for k := range ev {
			if !strings.Contains(" id type time node data ", " "+k+" ") {
				t.Errorf("README example has a field %q events do not", k)
			}
		}
		typ, _ := ev["type"].(string)
		want, ok := keys[typ]
		if !ok {
			t.Errorf("README shows an event of type %q, which the code does not send as tested here", typ)
			continue
		}
		shown[typ] = true
		for k := range ev["data"].(map[string]any) {
			if !want[k] {
				t.Errorf("README's %s example has data.%s, which the event has not", typ, k)
			}
		}
	}
	for typ := range keys {
		if !shown[typ] {
			t.Errorf("README shows no example of %s", typ)
		}
	}
	for _, typ := range []string{SessionStarted, SessionEnded, SessionDisconnected, BanAdded, BanLifted, AccountCreated,
		AccountPassword, AccountDisabled, AccountEnabled, AccountDeleted, AccountChanged, Audit} {
		if !strings.Contains(section, "`"+typ+"`") {
			t.Errorf("README's Hooks section does not name %s", typ)
		}
	}
}

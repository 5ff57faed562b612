package panel

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ftppanel/ftppanel/internal/store"
)

// History and audit rows written before client text was kept in its visible form
// still show control and bidirectional characters as escapes.
func TestStoredClientTextShowsAsEscapes(t *testing.T) {
	f := newAuthzFixture(t, newAuthzTemplate(t))
	now := time.Now()
	if err := f.db.RecordHistory(t.Context(), []store.HistoryEntry{{SessionID: "OLDSESSIONAAAAAAAAAAAAAAAA",
		FTPLogin: "bob", Customer: "acme", RemoteIP: "192.0.2.1", RemotePort: 40000, Client: "evil\r\x1b[2J\u202e",
		ConnectedAt: now.Add(-time.Minute), LoggedInAt: now.Add(-time.Minute), EndedAt: now, EndReason: "quit"}}); err != nil {
		t.Fatal(err)
	}
	if err := f.db.RecordAudit(t.Context(), store.AuditEntry{Actor: "root", Action: "disconnect", FTPLogin: "bob",
		Customer: "acme", RemoteIP: "192.0.2.1", Detail: "uploading /a\u202eexe.txt\a (3 B moved)"}); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{"/history": `evil\r\x1b[2J\u202e`, "/audit": `uploading /a\u202eexe.txt\x07 (3 B moved)`} {
		a := f.as(t, "root", http.MethodGet, path, nil)
		if a.status != http.StatusOK || !strings.Contains(a.body, want) || strings.ContainsAny(a.body, "\r\x1b\a\u202e") {
			t.Errorf("%s: status %d, want %q shown and no raw control or bidirectional characters:\n%s", path, a.status, want, a.body)
		}
	}
}

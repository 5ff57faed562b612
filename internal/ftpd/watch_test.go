package ftpd

import (
	"testing"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/internal/store"
)

// Every change the store records for an account ends its sessions as a kind of
// its own, so history and metrics tell a new password from a deleted account.
func TestAccountChangesEndAsTheirOwnKind(t *testing.T) {
	want := map[string]session.EndKind{
		store.ChangePassword: session.EndPasswordChanged,
		store.ChangeDisabled: session.EndAccountDisabled,
		store.ChangeDeleted:  session.EndAccountDeleted,
	}
	for change, kind := range want {
		if got := accountChangeEnds[change]; got != kind || !session.ValidEndKind(got) {
			t.Errorf("%q ends sessions as %q, want %q", change, got, kind)
		}
		// The client reads the reply, history the kind: both say the same.
		if string(kind) != change {
			t.Errorf("%q ends sessions as %q: history and the client's reply differ", change, kind)
		}
	}
}

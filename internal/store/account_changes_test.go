package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestAccountChangesEndSessionsElsewhere(t *testing.T) {
	forEachStore(t, testAccountChangesEndSessionsElsewhere)
}

func testAccountChangesEndSessionsElsewhere(t *testing.T) {
	db := mustOpen(t)
	ctx := context.Background()
	if err := db.AddCustomer(ctx, "acme", "acme-password"); err != nil {
		t.Fatal(err)
	}
	for _, login := range []string{"bob", "carol", "dave"} {
		if err := db.AddFTPAccount(ctx, login, "acme", login+"-password"); err != nil {
			t.Fatal(err)
		}
	}
	start, err := db.LastAccountChange(ctx)
	if err != nil || start != 0 {
		t.Fatalf("LastAccountChange = %d, %v", start, err)
	}

	if err := db.SetFTPPassword(ctx, "bob", "new-bob-password"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AuthenticateFTP(ctx, "bob", "bob-password"); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("the old password still works: %v", err)
	}
	if _, err := db.AuthenticateFTP(ctx, "bob", "new-bob-password"); err != nil {
		t.Errorf("the new password: %v", err)
	}
	if err := db.SetFTPDisabled(ctx, "carol", true); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AuthenticateFTP(ctx, "carol", "carol-password"); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("a disabled account logs in: %v", err)
	}
	if err := db.SetFTPDisabled(ctx, "carol", false); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AuthenticateFTP(ctx, "carol", "carol-password"); err != nil {
		t.Errorf("an enabled account: %v", err)
	}
	if err := db.SetFTPIdleTimeout(ctx, "dave", 90*time.Second); err != nil {
		t.Fatal(err)
	}
	if a, err := db.AuthenticateFTP(ctx, "dave", "dave-password"); err != nil || a.IdleTimeout != 90*time.Second {
		t.Errorf("dave's idle timeout: %v, %v", a.IdleTimeout, err)
	}
	if err := db.DeleteFTPAccount(ctx, "dave"); err != nil {
		t.Fatal(err)
	}
	if err := db.SetFTPPassword(ctx, "nobody", "some-password"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown login: %v", err)
	}
	if err := db.SetFTPPassword(ctx, "bob", "short"); !errors.Is(err, ErrWeakPassword) {
		t.Errorf("weak password: %v", err)
	}

	changes, err := db.AccountChangesAfter(ctx, start)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range changes {
		got = append(got, c.Login+": "+c.Change)
	}
	// Enabling ends nothing; an idle timeout is taken by running sessions, as limits are.
	want := []string{"bob: password changed", "carol: account disabled", "dave: limits changed", "dave: account deleted"}
	if len(got) != len(want) {
		t.Fatalf("changes %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("changes %q, want %q", got, want)
		}
	}
	last, _ := db.LastAccountChange(ctx)
	if more, _ := db.AccountChangesAfter(ctx, last); len(more) != 0 || last != changes[len(changes)-1].ID {
		t.Errorf("after the last change: %v (last %d)", more, last)
	}
}

// A login carries the newest change to its account it saw, also when its
// password was remembered, so that a server ends it by the changes it did not see.
func TestAuthenticateFTPSeesTheNewestChange(t *testing.T) {
	forEachStore(t, testAuthenticateFTPSeesTheNewestChange)
}

func testAuthenticateFTPSeesTheNewestChange(t *testing.T) {
	db := mustOpen(t)
	ctx := context.Background()
	if err := db.AddCustomer(ctx, "acme", "acme-password"); err != nil {
		t.Fatal(err)
	}
	for _, login := range []string{"bob", "carol"} {
		if err := db.AddFTPAccount(ctx, login, "acme", login+"-password"); err != nil {
			t.Fatal(err)
		}
	}
	seen := func(login string) int64 {
		t.Helper()
		a, err := db.AuthenticateFTP(ctx, login, login+"-password")
		if err != nil {
			t.Fatalf("%s: %v", login, err)
		}
		return a.SeenChange
	}
	if got := seen("bob"); got != 0 {
		t.Errorf("an account never changed: SeenChange %d, want 0", got)
	}
	if err := db.SetFTPDisabled(ctx, "bob", true); err != nil {
		t.Fatal(err)
	}
	if err := db.SetFTPDisabled(ctx, "bob", false); err != nil {
		t.Fatal(err)
	}
	disabled, _ := db.LastAccountChange(ctx)
	if got := seen("bob"); got != disabled {
		t.Errorf("after bob was disabled and enabled: SeenChange %d, want the change %d", got, disabled)
	}
	if err := db.SetFTPDisabled(ctx, "carol", true); err != nil {
		t.Fatal(err)
	}
	if err := db.SetFTPDisabled(ctx, "carol", false); err != nil {
		t.Fatal(err)
	}
	carols, _ := db.LastAccountChange(ctx)
	if got := seen("bob"); got != disabled { // remembered password, no bcrypt: still read
		t.Errorf("a change to carol moved bob's SeenChange to %d, want %d", got, disabled)
	}
	if got := seen("carol"); got != carols || carols <= disabled {
		t.Errorf("carol's SeenChange %d, want her change %d", got, carols)
	}
}

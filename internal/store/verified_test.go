package store

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

// countHashes counts bcrypt comparisons until the test ends.
func countHashes(t *testing.T) *atomic.Int64 {
	var n atomic.Int64
	real := compareHash
	compareHash = func(hash, pw []byte) error {
		n.Add(1)
		return real(hash, pw)
	}
	t.Cleanup(func() { compareHash = real })
	return &n
}

// TestRepeatedFTPLoginsHashOnce: an FTP client that logs in again and again with
// the right password pays bcrypt once; everything else pays it every time.
func TestRepeatedFTPLoginsHashOnce(t *testing.T) { forEachStore(t, testRepeatedFTPLoginsHashOnce) }

func testRepeatedFTPLoginsHashOnce(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	clock := newFakeClock()
	db.Now = clock.Now
	if err := db.AddCustomer(ctx, "acme", customerPW); err != nil {
		t.Fatal(err)
	}
	if err := db.AddFTPAccount(ctx, "bob", "acme", ftpPW); err != nil {
		t.Fatal(err)
	}
	hashes := countHashes(t)
	login := func(pw string, wantOK bool, wantHashes int64) {
		t.Helper()
		before := hashes.Load()
		_, err := db.AuthenticateFTP(ctx, "bob", pw)
		if ok := err == nil; ok != wantOK {
			t.Fatalf("login with %q: %v, want success %v", pw, err, wantOK)
		}
		if !wantOK && !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("login with %q: %v, want ErrBadCredentials", pw, err)
		}
		if got := hashes.Load() - before; got != wantHashes {
			t.Fatalf("login with %q: %d bcrypt comparisons, want %d", pw, got, wantHashes)
		}
	}

	login(ftpPW, true, 1) // the first login always hashes
	login(ftpPW, true, 0)
	login(ftpPW, true, 0)
	login("wrong-password", false, 1) // a wrong password always hashes
	login("wrong-password", false, 1)

	clock.Advance(verifiedFor)
	login(ftpPW, true, 1) // remembered for a while only
	login(ftpPW, true, 0)

	if err := db.SetFTPPassword(ctx, "bob", "new-ftp-secret"); err != nil {
		t.Fatal(err)
	}
	login(ftpPW, false, 1) // the old password is forgotten with its hash
	login("new-ftp-secret", true, 1)
	login("new-ftp-secret", true, 0)

	if err := db.SetFTPDisabled(ctx, "bob", true); err != nil {
		t.Fatal(err)
	}
	login("new-ftp-secret", false, 0) // remembered, yet refused: the account is off
	if err := db.SetFTPDisabled(ctx, "bob", false); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteFTPAccount(ctx, "bob"); err != nil {
		t.Fatal(err)
	}
	login("new-ftp-secret", false, 1) // gone: compared against the dummy hash
}

func TestPanelLoginsAlwaysHash(t *testing.T) { forEachStore(t, testPanelLoginsAlwaysHash) }

func testPanelLoginsAlwaysHash(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	if err := db.AddAdmin(ctx, "root", adminPW); err != nil {
		t.Fatal(err)
	}
	hashes := countHashes(t)
	for range 3 {
		if _, err := db.AuthenticatePanelUser(ctx, "root", adminPW); err != nil {
			t.Fatal(err)
		}
	}
	if n := hashes.Load(); n != 3 {
		t.Errorf("3 panel sign-ins made %d bcrypt comparisons, want 3", n)
	}
}

// TestVerifiedLoginsAreBounded: a full cache makes room from expired entries
// only, and otherwise adds nothing.
func TestVerifiedLoginsAreBounded(t *testing.T) {
	var v verifiedLogins
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	for i := range maxVerified {
		v.add("hash", string(rune(i))+"-password", now)
	}
	v.add("hash", "one-more-password", now)
	if v.has("hash", "one-more-password", now) || len(v.until) != maxVerified {
		t.Fatalf("a full cache took one more: %d entries", len(v.until))
	}
	later := now.Add(verifiedFor)
	v.add("hash", "one-more-password", later)
	if !v.has("hash", "one-more-password", later) || len(v.until) != 1 {
		t.Fatalf("expired entries did not make room: %d entries", len(v.until))
	}
}

package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestAccountRateLimits(t *testing.T) { forEachStore(t, testAccountRateLimits) }

func testAccountRateLimits(t *testing.T) {
	db := mustOpen(t)
	ctx := context.Background()
	if err := db.AddCustomer(ctx, "acme", "acme-password"); err != nil {
		t.Fatal(err)
	}
	if err := db.AddFTPAccount(ctx, "bob", "acme", "bob-password"); err != nil {
		t.Fatal(err)
	}
	a, err := db.AuthenticateFTP(ctx, "bob", "bob-password")
	if err != nil || a.DownloadLimit != 0 || a.UploadLimit != 0 {
		t.Fatalf("a new account: %+v, %v", a, err)
	}
	start, err := db.LastAccountChange(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetFTPRateLimits(ctx, "bob", 2<<20, 512<<10); err != nil {
		t.Fatal(err)
	}
	a, err = db.AuthenticateFTP(ctx, "bob", "bob-password")
	if err != nil || a.DownloadLimit != 2<<20 || a.UploadLimit != 512<<10 {
		t.Errorf("after SetFTPRateLimits, login reads %d down, %d up, %v", a.DownloadLimit, a.UploadLimit, err)
	}
	info, err := db.FTPAccountIn(ctx, CustomerAccounts("acme"), "bob")
	if err != nil || info.DownloadLimit != 2<<20 || info.UploadLimit != 512<<10 {
		t.Errorf("the accounts page reads %d down, %d up, %v", info.DownloadLimit, info.UploadLimit, err)
	}
	// Running servers learn of it as of any change, which they must not take
	// for one that ends sessions.
	changes, err := db.AccountChangesAfter(ctx, start)
	if err != nil || len(changes) != 1 || changes[0].Login != "bob" || changes[0].Change != ChangeLimits {
		t.Fatalf("changes after setting limits: %+v, %v", changes, err)
	}
	if a.SeenChange != changes[0].ID {
		t.Errorf("the login saw change %d, the newest is %d", a.SeenChange, changes[0].ID)
	}
	if c, err := db.AccountChangeSince(ctx, "bob", start); err != nil || c != "" {
		t.Errorf("AccountChangeSince = %q, %v; a new limit ends nothing", c, err)
	}

	if err := db.SetFTPRateLimits(ctx, "bob", 0, 0); err != nil {
		t.Fatal(err)
	}
	list, err := db.FTPAccounts(ctx, AllAccounts())
	if err != nil || len(list) != 1 || list[0].DownloadLimit != 0 || list[0].UploadLimit != 0 {
		t.Errorf("after lifting: %+v, %v", list, err)
	}
	if err := db.SetFTPRateLimits(ctx, "nobody", 1, 1); !errors.Is(err, ErrNotFound) {
		t.Errorf("an unknown login: %v", err)
	}
	if err := db.SetFTPRateLimits(ctx, "bob", -1, 0); err == nil {
		t.Error("a negative limit is taken")
	}
}

func TestChangeFTPLimits(t *testing.T) { forEachStore(t, testChangeFTPLimits) }

func testChangeFTPLimits(t *testing.T) {
	db := mustOpen(t)
	ctx := context.Background()
	if err := db.AddCustomer(ctx, "acme", "acme-password"); err != nil {
		t.Fatal(err)
	}
	if err := db.AddFTPAccount(ctx, "bob", "acme", "bob-password"); err != nil {
		t.Fatal(err)
	}
	ptr := func(v int64) *int64 { return &v }
	idle := 90 * time.Second
	got, err := db.ChangeFTPLimits(ctx, "bob", LimitsChange{Download: ptr(1000), Upload: ptr(2000), IdleTimeout: &idle})
	if err != nil || got != (AccountLimits{1000, 2000, idle}) {
		t.Fatalf("setting all three: %+v, %v", got, err)
	}
	start, err := db.LastAccountChange(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// A field left out keeps the value it has then, whatever a caller read before.
	got, err = db.ChangeFTPLimits(ctx, "bob", LimitsChange{Download: ptr(0)})
	if err != nil || got != (AccountLimits{0, 2000, idle}) {
		t.Errorf("the download limit alone: %+v, %v", got, err)
	}
	zero := time.Duration(0)
	got, err = db.ChangeFTPLimits(ctx, "bob", LimitsChange{Upload: ptr(3000), IdleTimeout: &zero})
	if err != nil || got != (AccountLimits{0, 3000, 0}) {
		t.Errorf("upload and idle timeout: %+v, %v", got, err)
	}
	a, err := db.FTPAccountIn(ctx, AllAccounts(), "bob")
	if err != nil || a.DownloadLimit != 0 || a.UploadLimit != 3000 || a.IdleTimeout != 0 {
		t.Errorf("stored: %+v, %v", a, err)
	}
	// One change each, for the running sessions to take.
	changes, err := db.AccountChangesAfter(ctx, start)
	if err != nil || len(changes) != 2 || changes[0].Change != ChangeLimits || changes[1].Change != ChangeLimits {
		t.Errorf("changes: %+v, %v; want two 'limits changed'", changes, err)
	}
	if _, err := db.ChangeFTPLimits(ctx, "nobody", LimitsChange{Download: ptr(1)}); !errors.Is(err, ErrNotFound) {
		t.Errorf("an unknown login: %v", err)
	}
	for _, c := range []LimitsChange{{Download: ptr(-1)}, {Upload: ptr(MaxRateLimit + 1)}, {IdleTimeout: new(time.Duration(-time.Second))}} {
		if _, err := db.ChangeFTPLimits(ctx, "bob", c); err == nil {
			t.Errorf("%+v was taken", c)
		}
	}
	if changes, _ := db.AccountChangesAfter(ctx, start); len(changes) != 2 {
		t.Errorf("refused changes were recorded: %+v", changes)
	}
}

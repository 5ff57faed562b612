package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jlaffaye/ftp"

	"github.com/ftppanel/ftppanel/internal/store"
)

// greeting connects from ip and returns the server's first reply.
func (in *instance) greeting(ip string) (string, net.Conn) {
	in.t.Helper()
	d := net.Dialer{Timeout: 10 * time.Second, LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	conn, err := d.Dial("tcp", in.ftpAddr)
	if err != nil {
		in.t.Fatal(err)
	}
	in.t.Cleanup(func() { conn.Close() })
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	line := make([]byte, 512)
	n, err := conn.Read(line)
	if err != nil {
		in.t.Fatalf("no greeting: %v", err)
	}
	return strings.TrimSpace(string(line[:n])), conn
}

func TestConnectionLimits(t *testing.T) {
	t.Parallel()
	in := start(t, "--max-sessions", "4", "--max-sessions-per-ip", "2", "--max-sessions-per-login", "1")
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	in.addFTPUser("carol", "acme")

	first, second := in.rawDial(), in.rawDial()
	if reply, _ := in.greeting("127.0.0.1"); !strings.HasPrefix(reply, "421 Too many connections from your address (limit 2)") {
		t.Errorf("a third connection from one address got %q", reply)
	}
	in.rawDialFrom("127.0.0.2") // other addresses are untouched
	in.rawDialFrom("127.0.0.2")
	if reply, _ := in.greeting("127.0.0.3"); !strings.HasPrefix(reply, "421 Too many connections to this server (4)") {
		t.Errorf("a fifth connection got %q", reply)
	}

	first.login("bob")
	second.cmd(331, "USER bob")
	if err := second.text.PrintfLine("PASS bob-password"); err != nil {
		t.Fatal(err)
	}
	second.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if line, err := second.text.ReadLine(); err != nil || !strings.HasPrefix(line, "421 Too many sessions for bob (limit 1)") {
		t.Errorf("a second session of bob got %q, %v", line, err)
	}
	if err := closedByServer(second.conn); err != nil {
		t.Error(err)
	}
	first.cmd(200, "NOOP")

	// A closed connection makes room again.
	first.conn.Close()
	waitFor(t, "room for a new connection", func() bool {
		reply, conn := in.greeting("127.0.0.1")
		conn.Close()
		return strings.HasPrefix(reply, "220")
	})
}

func TestRepeatedFailedLoginsBanTheAddress(t *testing.T) {
	t.Parallel()
	in := start(t, "--ban-after", "3", "--ban-time", "10m")
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	bystander := in.rawDialFrom("127.0.0.2") // logged in from the guesser's address
	bystander.login("bob")
	elsewhere := in.rawDial()
	elsewhere.login("bob")

	for i := 0; i < 2; i++ {
		guess := in.rawDialFrom("127.0.0.2")
		guess.cmd(331, "USER bob")
		guess.cmd(530, "PASS guess-%d", i)
	}
	// The third wrong password bans the address, the guesser's connection first.
	guess := in.rawDialFrom("127.0.0.2")
	guess.cmd(331, "USER bob")
	guess.cmd(421, "PASS guess-2")
	if err := closedByServer(bystander.conn); err != nil {
		t.Errorf("sessions from a banned address stay: %v", err)
	}
	// Refused before the password is read, even the right one.
	if reply := in.dialBanned("127.0.0.2"); !strings.HasPrefix(reply, "421 This address is banned until ") {
		t.Errorf("a banned address got %q", reply)
	}
	elsewhere.cmd(200, "NOOP")

	db := in.openStore()
	bans, err := db.Bans(context.Background())
	if err != nil || len(bans) != 1 || bans[0].IP != "127.0.0.2" || bans[0].CreatedBy != "defender" ||
		bans[0].Until.Sub(bans[0].CreatedAt).Round(time.Second) != 10*time.Minute {
		t.Fatalf("bans = %+v, %v", bans, err)
	}
	var audited bool
	for _, e := range in.auditEntries() {
		audited = audited || e.Actor == "defender" && e.Action == "ban" && e.RemoteIP == "127.0.0.2"
	}
	if !audited {
		t.Error("the ban is not in the audit log")
	}

	// Lifted, and caught again: the second ban is twice as long.
	if _, err := db.LiftBan(context.Background(), bans[0].ID, "admin"); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		guess := in.rawDialFrom("127.0.0.2")
		guess.cmd(331, "USER bob")
		if err := guess.text.PrintfLine("PASS again-%d", i); err != nil {
			t.Fatal(err)
		}
		if err := closedByServer(guess.conn); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "a second ban", func() bool {
		bans, _ = db.Bans(context.Background())
		return len(bans) == 1
	})
	if d := bans[0].Until.Sub(bans[0].CreatedAt).Round(time.Second); d != 20*time.Minute {
		t.Errorf("a repeat offender's ban lasts %s, want 20m", d)
	}
}

func TestTimeoutsBeforeAndAfterLogin(t *testing.T) {
	t.Parallel()
	in := start(t, "--login-timeout", "1s", "--idle-timeout", "1h")
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	in.addFTPUser("carol", "acme")
	writeFile(t, filepath.Join(in.home("acme", "carol"), "big.bin"), 32<<20)

	silent := in.rawDial()
	silent.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if line, err := silent.text.ReadLine(); err != nil || !strings.HasPrefix(line, "421 No login within 1s") {
		t.Errorf("a connection that never logged in got %q, %v", line, err)
	}
	if e := in.endedAs(silent.conn.LocalAddr()); e.EndReason != "login timeout" {
		t.Errorf("end reason %q", e.EndReason)
	}

	// bob's account gets an idle timeout of its own; carol, mid-download, keeps hers.
	db := in.openStore()
	if err := db.SetFTPIdleTimeout(context.Background(), "bob", time.Second); err != nil {
		t.Fatal(err)
	}
	downloader := in.ftpLogin("carol")
	r, err := downloader.Retr("big.bin")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := io.ReadFull(r, make([]byte, 1024)); err != nil {
		t.Fatal(err)
	}
	bob := in.rawDial()
	bob.login("bob")
	bob.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if line, err := bob.text.ReadLine(); err != nil || !strings.HasPrefix(line, "421 Idle for 1s") {
		t.Errorf("bob idle got %q, %v", line, err)
	}
	// bob was dropped after a second of quiet; carol's stalled download is a
	// transfer in progress, which is never idle: all of it arrives. (A cut one
	// still yields megabytes from socket buffers before the reset.)
	if n, err := io.Copy(io.Discard, r); err != nil || n != 32<<20-1024 {
		t.Errorf("carol's download was cut after %d bytes: %v", 1024+n, err)
	}
	if err := r.Close(); err != nil {
		t.Errorf("carol's download did not end well: %v", err)
	}
}

func TestChangingAnAccountEndsItsSessions(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	in.addFTPUser("carol", "acme")
	bob, carol := in.rawDial(), in.rawDial()
	bob.login("bob")
	carol.login("carol")

	// As "ftppanel ftp-user disable bob" does, from another process.
	if err := in.openStore().SetFTPDisabled(context.Background(), "bob", true); err != nil {
		t.Fatal(err)
	}
	bob.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if line, err := bob.text.ReadLine(); err != nil || line != "421 Account disabled; closing." {
		t.Errorf("bob got %q, %v", line, err)
	}
	if err := closedByServer(bob.conn); err != nil {
		t.Error(err)
	}
	carol.cmd(200, "NOOP")
	if e := in.endedAs(bob.conn.LocalAddr()); e.EndReason != "account disabled" {
		t.Errorf("end reason %q", e.EndReason)
	}
	var audited bool
	for _, e := range in.auditEntries() {
		audited = audited || e.FTPLogin == "bob" && e.Detail == "account disabled"
	}
	if !audited {
		t.Error("the disconnect is not in the audit log")
	}
}

func TestFTPS(t *testing.T) {
	t.Parallel()
	in := start(t, "--require-tls")
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	if !strings.Contains(in.stdout.String(), "FTPS required") {
		t.Errorf("serve does not say FTPS is required:\n%s", in.stdout.String())
	}

	plain, err := ftp.Dial(in.ftpAddr, ftp.DialWithTimeout(10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if err := plain.Login("bob", "bob-password"); err == nil {
		t.Error("a plain login was accepted although TLS is required")
	}
	plain.Quit()

	client, err := ftp.Dial(in.ftpAddr, ftp.DialWithTimeout(10*time.Second),
		ftp.DialWithExplicitTLS(&tls.Config{InsecureSkipVerify: true})) // the self-signed certificate
	if err != nil {
		t.Fatal(err)
	}
	defer client.Quit()
	if err := client.Login("bob", "bob-password"); err != nil {
		t.Fatal(err)
	}
	want := bytes.Repeat([]byte("encrypted "), 10000)
	if err := client.Stor("secret.txt", bytes.NewReader(want)); err != nil {
		t.Fatal(err)
	}
	r, err := client.Retr("secret.txt")
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r)
	r.Close()
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("round trip over FTPS: %d bytes, %v", len(got), err)
	}

	admin := in.signInAdmin()
	id, row := admin.rowFor("bob")
	if !strings.Contains(row, "FTPS") {
		t.Errorf("the row does not say FTPS:\n%s", row)
	}
	admin.mustDisconnect(id)
	if err := client.NoOp(); err == nil {
		t.Error("the FTPS session survived its disconnect")
	}
}

// openStore opens the instance's database as another process would.
func (in *instance) openStore() *store.DB {
	in.t.Helper()
	db := openStore(in.t, in.data)
	db.PasswordCost = 4
	in.t.Cleanup(func() { db.Close() })
	return db
}

// TestPublicHostInPassiveReplies: behind NAT the passive reply names the public
// address, not the one the server sees.
func TestPublicHostInPassiveReplies(t *testing.T) {
	t.Parallel()
	in := start(t, "--public-host", "203.0.113.9")
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	c := in.rawDial()
	c.login("bob")
	if reply := c.cmd(227, "PASV"); !strings.Contains(reply, "(203,0,113,9,") {
		t.Errorf("PASV reply %q does not name the public address", reply)
	}
	if out, err := in.cli("", "serve", "--public-host", "not-an-ip"); err == nil || !strings.Contains(err.Error()+out, "public-host") {
		t.Errorf("a bad --public-host: %v\n%s", err, out)
	}
}

// TestMonitoringChecksAreNotBanned: a check that connects and quits politely is
// no attack; connections dropped without a login count, half a failure each.
func TestMonitoringChecksAreNotBanned(t *testing.T) {
	t.Parallel()
	in := start(t, "--ban-after", "2")
	for i := 0; i < 6; i++ {
		probe := in.rawDialFrom("127.0.0.2")
		probe.cmd(221, "QUIT")
		if err := closedByServer(probe.conn); err != nil {
			t.Fatal(err)
		}
	}
	if reply, _ := in.greeting("127.0.0.2"); !strings.HasPrefix(reply, "220") {
		t.Fatalf("after polite checks the address got %q", reply)
	}
	for i := 0; i < 4; i++ {
		in.rawDialFrom("127.0.0.3").conn.Close()
	}
	waitFor(t, "dropped connections to ban their address", func() bool {
		reply, conn := in.greeting("127.0.0.3")
		conn.Close()
		return strings.HasPrefix(reply, "421 This address is banned")
	})
}

// guessAtOnce opens n connections from ip, says USER bob on each, then sends a
// wrong password on all of them at once; it returns when the server has ended
// every one of them, so no failure is still being counted.
func (in *instance) guessAtOnce(ip string, n int) {
	in.t.Helper()
	guesses := make([]*rawFTP, n)
	for i := range guesses {
		guesses[i] = in.rawDialFrom(ip)
		guesses[i].cmd(331, "USER bob")
	}
	var wg sync.WaitGroup
	for i, g := range guesses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g.text.PrintfLine("PASS wrong-%d", i)
		}()
	}
	wg.Wait()
	for _, g := range guesses {
		in.endedAs(g.conn.LocalAddr())
	}
}

// bansOn reads, as another process would, the bans in force on ip.
func (in *instance) bansOn(ip string) []store.Ban {
	in.t.Helper()
	all, err := in.openStore().Bans(context.Background())
	if err != nil {
		in.t.Fatal(err)
	}
	var out []store.Ban
	for _, b := range all {
		if b.IP == ip {
			out = append(out, b)
		}
	}
	return out
}

// TestABurstOfFailuresBansOnce: forty wrong passwords at once ban the address
// once, for the first ban's time, in one row; lifting that row lets the address
// in at once; a burst after that ban ended bans for twice as long.
func TestABurstOfFailuresBansOnce(t *testing.T) {
	t.Parallel()
	in := start(t, "--ban-after", "3", "--ban-time", "10m")
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")

	in.guessAtOnce("127.0.0.2", 40)
	bans := in.bansOn("127.0.0.2")
	if len(bans) != 1 {
		t.Fatalf("%d bans in force after one burst, want 1: %+v", len(bans), bans)
	}
	if d := bans[0].Until.Sub(bans[0].CreatedAt).Round(time.Second); d != 10*time.Minute {
		t.Errorf("one burst banned for %s, want the first ban's 10m", d)
	}
	if reply := in.dialBanned("127.0.0.2"); !strings.HasPrefix(reply, "421 This address is banned until ") {
		t.Errorf("a banned address got %q", reply)
	}

	admin := in.signInAdmin()
	page := admin.get("/bans")
	if n := strings.Count(page.body, "/lift\""); n != 1 {
		t.Errorf("the bans page lists %d bans, want 1", n)
	}
	if r := admin.post("/bans/"+strconv.FormatInt(bans[0].ID, 10)+"/lift", nil); r.status != http.StatusSeeOther {
		t.Fatalf("lift: status %d\n%s", r.status, r.body)
	}
	// In at once, with the right password.
	in.rawDialFrom("127.0.0.2").login("bob")
	if bans := in.bansOn("127.0.0.2"); len(bans) != 0 {
		t.Errorf("bans in force after the lift: %+v", bans)
	}

	in.guessAtOnce("127.0.0.2", 40)
	bans = in.bansOn("127.0.0.2")
	if len(bans) != 1 {
		t.Fatalf("%d bans in force after a second burst, want 1: %+v", len(bans), bans)
	}
	if d := bans[0].Until.Sub(bans[0].CreatedAt).Round(time.Second); d != 20*time.Minute {
		t.Errorf("a repeat burst banned for %s, want twice the first, 20m", d)
	}
}

// TestOneBanPerAddressWhoeverBans: failures during an admin's ban add nothing,
// and an admin banning an address the store has banned already extends that ban.
func TestOneBanPerAddressWhoeverBans(t *testing.T) {
	t.Parallel()
	in := start(t, "--ban-after", "3", "--ban-time", "10m")
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	bob := in.rawDialFrom("127.0.0.2")
	bob.login("bob")
	guesses := make([]*rawFTP, 5)
	for i := range guesses {
		guesses[i] = in.rawDialFrom("127.0.0.2")
		guesses[i].cmd(331, "USER bob")
	}

	// Banned by hand from another process while the guesses are connected.
	manual, err := in.openStore().AddBan(context.Background(),
		store.Ban{IP: "127.0.0.2", Reason: "by hand", CreatedBy: "ops", Until: time.Now().Add(5 * time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	for i, g := range guesses {
		g.text.PrintfLine("PASS wrong-%d", i)
		in.endedAs(g.conn.LocalAddr())
	}
	if bans := in.bansOn("127.0.0.2"); len(bans) != 1 || bans[0] != manual {
		t.Fatalf("bans after failures during a ban = %+v, want only %+v", bans, manual)
	}

	admin := in.signInAdmin()
	id, _ := admin.rowFor("bob")
	if r := admin.post("/sessions/"+id+"/ban", url.Values{"duration": {"1h"}, "reason": {"password guessing"}}); r.status != http.StatusSeeOther {
		t.Fatalf("ban: status %d\n%s", r.status, r.body)
	}
	if err := closedByServer(bob.conn); err != nil {
		t.Error(err)
	}
	bans := in.bansOn("127.0.0.2")
	if len(bans) != 1 || bans[0].ID != manual.ID || !bans[0].Until.After(manual.Until) || bans[0].Reason != "password guessing" {
		t.Fatalf("bans after an admin's = %+v, want ban %d extended", bans, manual.ID)
	}
}

// An idle timeout given to an account reaches its sessions already logged in,
// as its limits do: they need not reconnect to be held to it.
func TestAccountIdleTimeoutReachesRunningSessions(t *testing.T) {
	t.Parallel()
	in := start(t, "--idle-timeout", "1h")
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	in.addFTPUser("carol", "acme")
	bob, carol := in.rawDial(), in.rawDial()
	bob.login("bob")
	carol.login("carol")

	if err := in.openStore().SetFTPIdleTimeout(context.Background(), "bob", time.Second); err != nil {
		t.Fatal(err)
	}
	bob.conn.SetReadDeadline(time.Now().Add(15 * time.Second))
	if line, err := bob.text.ReadLine(); err != nil || !strings.HasPrefix(line, "421 Idle for 1s") {
		t.Fatalf("bob, logged in before his account got an idle timeout of 1s, got %q, %v", line, err)
	}
	if e := in.endedAs(bob.conn.LocalAddr()); e.EndReason != "idle timeout" {
		t.Errorf("bob's session ended as %q", e.EndReason)
	}
	// carol's account kept the server's hour: she is still there.
	carol.cmd(200, "NOOP")
}

package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// apiCLI runs "sessions" or "disconnect" against the instance's panel with
// $FTPPANEL_TOKEN set to token (unset when ""), and returns standard output and
// standard error apart.
func (in *instance) apiCLI(token string, args ...string) (stdout, stderr string, err error) {
	var out, errOut syncBuffer
	env := func(name string) string {
		if name == tokenEnv {
			return token
		}
		return testEnv(name)
	}
	args = append([]string{"ftppanel"}, append(args, "--url", in.panelURL)...)
	err = run(context.Background(), args, env, strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), err
}

func (in *instance) mustAPICLI(token string, args ...string) string {
	in.t.Helper()
	out, errOut, err := in.apiCLI(token, args...)
	if err != nil {
		in.t.Fatalf("ftppanel %q: %v\n%s%s", args, err, out, errOut)
	}
	return out
}

// tableRow finds the line of a "sessions" table that starts with id.
func tableRow(table, id string) []string {
	for _, line := range strings.Split(table, "\n") {
		if strings.HasPrefix(line, id+" ") {
			return regexp.MustCompile(`\s{2,}`).Split(strings.TrimSpace(line), -1)
		}
	}
	return nil
}

func TestCLISessionsAndDisconnectTalkToTheRunningServer(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	in.addFTPUser("carol", "acme")
	token := in.apiToken("admin")

	if out := in.mustAPICLI(token, "sessions"); !strings.Contains(out, "No users logged in") {
		t.Errorf("with nobody connected, sessions printed:\n%s", out)
	}

	bob := in.rawDial()
	bob.login("bob")
	var carols []*rawFTP
	for range 2 {
		c := in.rawDial()
		c.login("carol")
		carols = append(carols, c)
	}
	script := in.browser()
	bobID := script.apiID(token, "bob")
	waitFor(t, "carol's two sessions", func() bool { return len(script.apiSessions(token, "")["carol"]) == 2 })

	t.Run("table", func(t *testing.T) {
		out := in.with(t).mustAPICLI(token, "sessions")
		header := strings.Fields(strings.SplitN(out, "\n", 2)[0])
		if want := []string{"ID", "LOGIN", "CUSTOMER", "IP", "STATE", "FILE", "RATE", "IDLE"}; strings.Join(header, " ") != strings.Join(want, " ") {
			t.Errorf("header %q, want %q", header, want)
		}
		row := tableRow(out, bobID)
		if len(row) != 8 || row[1] != "bob" || row[2] != "acme" || row[3] != "127.0.0.1" || row[4] != "idle" || row[5] != "-" ||
			!regexp.MustCompile(`^\d+(s|m \d\ds)$`).MatchString(row[7]) {
			t.Errorf("bob's row %q in:\n%s", row, out)
		}
		if n := strings.Count(out, " carol "); n != 2 {
			t.Errorf("%d rows for carol, want 2:\n%s", n, out)
		}
		filtered := in.with(t).mustAPICLI(token, "sessions", "--login", "carol")
		if tableRow(filtered, bobID) != nil || strings.Count(filtered, " carol ") != 2 {
			t.Errorf("--login carol:\n%s", filtered)
		}
	})

	t.Run("json", func(t *testing.T) {
		out := in.with(t).mustAPICLI(token, "sessions", "--json", "--login", "bob")
		var list struct {
			Sessions []map[string]any `json:"sessions"`
		}
		if err := json.Unmarshal([]byte(out), &list); err != nil {
			t.Fatalf("--json is not JSON: %v\n%s", err, out)
		}
		if len(list.Sessions) != 1 || list.Sessions[0]["id"] != bobID || list.Sessions[0]["login"] != "bob" ||
			list.Sessions[0]["remote_ip"] != "127.0.0.1" || list.Sessions[0]["state"] != "idle" {
			t.Errorf("--json --login bob = %v", list.Sessions)
		}
	})

	t.Run("disconnect by ID", func(t *testing.T) {
		out := in.with(t).mustAPICLI(token, "disconnect", bobID)
		if !strings.Contains(out, "Disconnected bob (127.0.0.1)") {
			t.Errorf("disconnect printed %q", out)
		}
		if err := closedByServer(bob.conn); err != nil {
			t.Fatalf("bob's connection: %v", err)
		}
		// Now unknown: the API's message, and failure.
		_, _, err := in.apiCLI(token, "disconnect", bobID)
		if err == nil || !strings.Contains(err.Error(), "session not found") || !strings.Contains(err.Error(), "404") {
			t.Errorf("disconnecting an ended session: %v", err)
		}
		for _, c := range carols {
			c.with(t).cmd(200, "NOOP")
		}
	})

	t.Run("disconnect by login", func(t *testing.T) {
		out := in.with(t).mustAPICLI(token, "disconnect", "--login", "carol")
		if !strings.Contains(out, "Disconnected 2 sessions of carol.") {
			t.Errorf("disconnect --login printed %q", out)
		}
		for i, c := range carols {
			if err := closedByServer(c.conn); err != nil {
				t.Errorf("carol's session %d: %v", i+1, err)
			}
		}
		if out := in.with(t).mustAPICLI(token, "disconnect", "--login", "carol"); !strings.Contains(out, "carol had no sessions") {
			t.Errorf("nothing left: printed %q", out)
		}
	})

	var audited []string
	for _, e := range in.auditEntries() {
		if e.Actor == "admin" && e.Action == "disconnect" {
			audited = append(audited, e.FTPLogin)
		}
	}
	if strings.Join(audited, " ") != "carol carol bob" {
		t.Errorf("audit log names %q, want carol carol bob (newest first)", audited)
	}
}

func TestCLIAPICommandsExplainWhatIsWrong(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	bob := in.rawDial()
	bob.login("bob")
	acme := in.apiToken("acme")
	script := in.browser()
	id := script.apiID(in.apiToken("admin"), "bob")

	for _, tc := range []struct {
		name  string
		token string
		args  []string
		want  []string
	}{
		{"no token", "", []string{"sessions"}, []string{"FTPPANEL_TOKEN", "token add"}},
		{"bad token", "ftpp_WRONG", []string{"sessions"}, []string{"unknown or has been revoked", "401"}},
		{"bad token, disconnect", "ftpp_WRONG", []string{"disconnect", id}, []string{"unknown or has been revoked"}},
		{"not an ID", acme, []string{"disconnect", "bob"}, []string{`"bob" is not a session ID`}},
		{"ID and --login", acme, []string{"disconnect", id, "--login", "bob"}, []string{"invalid command line"}},
		{"neither ID nor --login", acme, []string{"disconnect"}, []string{"invalid command line"}},
		{"bad login", acme, []string{"disconnect", "--login", "Bob/.."}, []string{"FTP login name"}},
		{"stray argument", acme, []string{"sessions", "bob"}, []string{"invalid command line"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := in.with(t).apiCLI(tc.token, tc.args...)
			if err == nil {
				t.Fatal("succeeded")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "ftpp_WRONG") {
				t.Errorf("error %q repeats the token", err)
			}
		})
	}

	t.Run("wrong URL", func(t *testing.T) {
		var out, errOut syncBuffer
		env := func(name string) string { return map[string]string{tokenEnv: acme}[name] }
		for _, u := range []string{"ftp://127.0.0.1", "127.0.0.1:8080", in.panelURL + "/no/such/prefix"} {
			err := run(context.Background(), []string{"ftppanel", "sessions", "--url", u}, env, strings.NewReader(""), &out, &errOut)
			if err == nil || !strings.Contains(err.Error(), "--url") {
				t.Errorf("--url %s: %v", u, err)
			}
		}
	})

	t.Run("another customer's session", func(t *testing.T) {
		in.addCustomer("globex")
		_, _, err := in.with(t).apiCLI(in.apiToken("globex"), "disconnect", id)
		if err == nil || !strings.Contains(err.Error(), "session not found") {
			t.Errorf("globex disconnecting bob: %v", err)
		}
		if out := in.with(t).mustAPICLI(in.apiToken("globex"), "sessions"); !strings.Contains(out, "No users logged in") {
			t.Errorf("globex sees:\n%s", out)
		}
		bob.with(t).cmd(200, "NOOP")
	})
}

// A server that is not one of a fleet: "nodes" lists it alone, up, with its
// sessions; "sessions --node" keeps the sessions of that node only.
func TestCLINodesAndSessionsByNode(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	token := in.apiToken("admin")
	bob := in.rawDial()
	bob.login("bob")
	bobID := in.browser().apiID(token, "bob")

	out := in.mustAPICLI(token, "nodes")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	split := regexp.MustCompile(`\s{2,}`)
	if len(lines) != 2 || strings.Join(split.Split(lines[0], -1), "|") != "NAME|VERSION|UP-SINCE|LAST-HEARD|SESSIONS|TRANSFERS|RATE|STATE" {
		t.Fatalf("nodes printed:\n%s", out)
	}
	row := split.Split(strings.TrimSpace(lines[1]), -1)
	if len(row) != 8 || row[4] != "1" || row[5] != "0" || row[7] != "up" || !regexp.MustCompile(`^\d{4}-\d\d-\d\dT`).MatchString(row[2]) {
		t.Errorf("the node's row %q in:\n%s", row, out)
	}

	var listed struct{ Nodes []map[string]any }
	err := json.Unmarshal([]byte(in.mustAPICLI(token, "nodes", "--json")), &listed)
	nodes := listed.Nodes
	if err != nil || len(nodes) != 1 || nodes[0]["up"] != true || nodes[0]["self"] != true || nodes[0]["sessions"] != 1.0 {
		t.Fatalf("nodes --json: %v, %v", nodes, err)
	}
	_, _, err = in.apiCLI(in.apiToken("acme"), "nodes")
	if err == nil || !strings.Contains(err.Error(), "administrator") || !strings.Contains(err.Error(), "403") {
		t.Errorf("a customer's token: %v", err)
	}

	// The node's own name keeps bob; another name keeps nothing.
	var list struct{ Sessions []map[string]any }
	if err := json.Unmarshal([]byte(in.mustAPICLI(token, "sessions", "--json")), &list); err != nil || len(list.Sessions) != 1 {
		t.Fatalf("sessions --json: %v, %v", list, err)
	}
	name, _ := list.Sessions[0]["node"].(string)
	if name != nodes[0]["name"] {
		t.Errorf("bob's session is on node %q, and the node is %q", name, nodes[0]["name"])
	}
	if name != "" {
		if out := in.mustAPICLI(token, "sessions", "--node", name); tableRow(out, bobID) == nil {
			t.Errorf("--node %s:\n%s", name, out)
		}
	}
	if out := in.mustAPICLI(token, "sessions", "--node", "no-such-node"); !strings.Contains(out, "No users logged in") {
		t.Errorf("--node no-such-node:\n%s", out)
	}
}

// The sessions of a fleet's nodes: the table gains a NODE column, last. The
// fleet's own tests run real nodes; here an API answer as a fleet's panel
// gives it is enough to see the table.
func TestCLISessionsTableOfAFleet(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"sessions":[` +
			`{"id":"S1","login":"bob","customer":"acme","remote_ip":"192.0.2.1","state":"idle","node":"a"},` +
			`{"id":"S2","login":"carl","customer":"acme","remote_ip":"192.0.2.2","state":"idle","node":"b"}]}`))
	}))
	defer srv.Close()
	var out, errOut syncBuffer
	env := func(name string) string { return map[string]string{tokenEnv: "ftpp_T"}[name] }
	if err := run(context.Background(), []string{"ftppanel", "sessions", "--url", srv.URL}, env, strings.NewReader(""), &out, &errOut); err != nil {
		t.Fatal(err)
	}
	header := strings.Fields(strings.SplitN(out.String(), "\n", 2)[0])
	if strings.Join(header, " ") != "ID LOGIN CUSTOMER IP STATE FILE RATE IDLE NODE" {
		t.Errorf("header %q", header)
	}
	if row := tableRow(out.String(), "S2"); len(row) != 9 || row[1] != "carl" || row[8] != "b" {
		t.Errorf("carl's row %q in:\n%s", row, out.String())
	}
}

func TestCLITokenCommands(t *testing.T) {
	t.Parallel()
	in := offline(t)
	in.addCustomer("acme")

	in.mustFail("", []string{"token", "add", "nobody"}, `no panel user named "nobody"`, "customer add nobody")
	in.mustFail("", []string{"token", "add", "Bad/Name"}, "panel user name")
	in.mustFail("", []string{"token", "add", "acme", "--label", "two\nlines"}, "token label")
	in.mustFail("", []string{"token", "revoke", "acme", "1"}, "acme has no API token 1")
	in.mustFail("", []string{"token", "revoke", "acme", "x"}, `"x" is not a token ID`)
	for _, args := range [][]string{{"token"}, {"token", "add"}, {"token", "add", "a", "b"}, {"token", "remove", "acme"}, {"token", "list", "acme", "--label", "x"}} {
		if out, err := in.cli("", args...); err == nil {
			t.Errorf("ftppanel %q succeeded:\n%s", args, out)
		}
	}

	var stdout, stderr syncBuffer
	err := run(context.Background(), append([]string{"ftppanel", "token", "add", "acme", "--label", "backup script", "--data", in.data}, storeArgs(t, in.data)...),
		testEnv, strings.NewReader(""), &stdout, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	token := strings.TrimSuffix(stdout.String(), "\n")
	if !regexp.MustCompile(`^ftpp_[A-Z2-7]{52}$`).MatchString(token) {
		t.Errorf("standard output %q is not the token alone", stdout.String())
	}
	if strings.Contains(stderr.String(), token) || !strings.Contains(stderr.String(), "shown only this once") {
		t.Errorf("standard error: %q", stderr.String())
	}
	out, err := in.cli("", "token", "list", "acme")
	if err != nil || !strings.Contains(out, "backup script") || !strings.Contains(out, "never") || strings.Contains(out, token) {
		t.Errorf("token list: %v\n%s", err, out)
	}
	if u, err := in.openDB().APITokenUser(context.Background(), token); err != nil || u.Name != "acme" || u.Customer != "acme" {
		t.Errorf("the token acts as %+v, %v; want acme with its scope", u, err)
	}
	if out, _ := in.cli("", "token", "list", "acme"); strings.Contains(out, "never") {
		t.Errorf("token list after a use still says never:\n%s", out)
	}
	in.mustCLI("", "token", "revoke", "acme", "1")
	if _, err := in.openDB().APITokenUser(context.Background(), token); err == nil {
		t.Error("the revoked token still works")
	}
	if out, _ := in.cli("", "token", "list", "acme"); !strings.Contains(out, "acme has no API tokens") {
		t.Errorf("token list after revoking: %s", out)
	}
}

func TestCLIAPICommandsHelp(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--help"}, "disconnect --login LOGIN"},
		{[]string{"sessions", "--help"}, "FTPPANEL_TOKEN"},
		{[]string{"sessions", "--help"}, "--node NAME"},
		{[]string{"nodes", "--help"}, "nodes [--json] [--url URL]"},
		{[]string{"--help"}, "nodes [--json]"},
		{[]string{"disconnect", "-h"}, "disconnect --login LOGIN"},
		{[]string{"disconnect", "-h"}, "disconnect --ip ADDR|CIDR [--reason TEXT]"},
		{[]string{"--help"}, "disconnect --ip ADDR|CIDR"},
		{[]string{"token", "--help"}, "token revoke NAME ID"},
		{[]string{"token", "add", "--help"}, "--label"},
	} {
		var stdout, stderr syncBuffer
		// No token and no server: asking for help needs neither.
		err := run(context.Background(), append([]string{"ftppanel"}, tc.args...), testEnv, strings.NewReader(""), &stdout, &stderr)
		if out := stdout.String() + stderr.String(); err != nil || !strings.Contains(out, "Usage:") || !strings.Contains(out, tc.want) {
			t.Errorf("%q: %v, printed no usage with %q:\n%s", tc.args, err, tc.want, out)
		}
	}
}

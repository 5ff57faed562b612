package apiclient

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// The real panel answers these calls in cmd/ftppanel's end-to-end tests; here a
// plain HTTP server shows what the client sends and what it makes of answers
// the panel would not give.

func TestClientSendsTokenUnderTheBasePath(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Method+" "+r.URL.RequestURI()+" "+r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", "application/json")
		switch r.Method {
		case http.MethodDelete:
			if r.URL.Query().Get("login") != "" {
				w.Write([]byte(`{"disconnected":2}`))
				return
			}
			w.WriteHeader(http.StatusNoContent)
		default:
			if strings.HasSuffix(r.URL.Path, "/nodes") {
				w.Write([]byte(`{"nodes":[{"name":"a","version":"v1","up_since":"2026-03-01T08:30:00Z","last_heard":null,` +
					`"sessions":3,"transfers":1,"rate":2048,"up":true,"self":true}]}`))
				return
			}
			w.Write([]byte(`{"sessions":[{"id":"s1","login":"bob","remote_port":40123,"logged_in_at":null,"size":null,"node":"a"}]}`))
		}
	}))
	defer srv.Close()
	c, err := New(srv.URL+"/ftp-sessions/", "ftpp_T")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	list, err := c.Sessions(ctx, "b o")
	if err != nil || len(list) != 1 || list[0].ID != "s1" || list[0].RemotePort != 40123 || list[0].LoggedInAt != nil {
		t.Errorf("Sessions = %+v, %v", list, err)
	}
	if list, err := c.FilteredSessions(ctx, Filter{Node: "a"}); err != nil || len(list) != 1 || list[0].Node != "a" {
		t.Errorf("FilteredSessions = %+v, %v", list, err)
	}
	nodes, err := c.Nodes(ctx)
	if err != nil || len(nodes) != 1 || nodes[0].Name != "a" || nodes[0].UpSince == nil || !nodes[0].UpSince.Equal(time.Date(2026, 3, 1, 8, 30, 0, 0, time.UTC)) ||
		nodes[0].LastHeard != nil || nodes[0].Sessions != 3 || nodes[0].Transfers != 1 || nodes[0].Rate != 2048 || !nodes[0].Up || !nodes[0].Self {
		t.Errorf("Nodes = %+v, %v", nodes, err)
	}
	if err := c.Disconnect(ctx, "s1", ""); err != nil {
		t.Errorf("Disconnect: %v", err)
	}
	if n, err := c.DisconnectLogin(ctx, "bob", ""); n != 2 || err != nil {
		t.Errorf("DisconnectLogin = %d, %v", n, err)
	}
	want := []string{
		"GET /ftp-sessions/api/v1/sessions?login=b+o Bearer ftpp_T",
		"GET /ftp-sessions/api/v1/sessions?node=a Bearer ftpp_T",
		"GET /ftp-sessions/api/v1/nodes Bearer ftpp_T",
		"DELETE /ftp-sessions/api/v1/sessions/s1 Bearer ftpp_T",
		"DELETE /ftp-sessions/api/v1/sessions?login=bob Bearer ftpp_T",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestClientErrors(t *testing.T) {
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("a redirect was followed, with %q", r.Header.Get("Authorization"))
	}))
	defer elsewhere.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasPrefix(r.URL.Path, "/refused/"):
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"error":"the token is unknown\u001b[31m"}`))
		case strings.HasPrefix(r.URL.Path, "/moved/"):
			http.Redirect(w, r, elsewhere.URL, http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	ctx := context.Background()
	client := func(path string) *Client {
		c, err := New(srv.URL+path, "ftpp_T")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(c.Close)
		return c
	}

	t.Run("the API's message", func(t *testing.T) {
		_, err := client("/refused").Session(ctx, "s1")
		var e *Error
		if !errors.As(err, &e) || e.Status != 401 || e.Message != `the token is unknown\x1b[31m` {
			t.Errorf("err = %#v", err)
		}
	})
	t.Run("not the API", func(t *testing.T) {
		_, err := client("/wrong").Sessions(ctx, "")
		var e *Error
		if !errors.As(err, &e) || e.Message != "" || !strings.Contains(err.Error(), "not as the ftppanel API does") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("a redirect is not followed", func(t *testing.T) {
		_, err := client("/moved").Sessions(ctx, "")
		var e *Error
		if !errors.As(err, &e) || e.Status != http.StatusFound {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("unreachable", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		c, _ := New("http://"+addr, "ftpp_T")
		defer c.Close()
		_, err = c.Sessions(ctx, "")
		var e *UnreachableError
		if !errors.As(err, &e) || e.URL != "http://"+addr {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("bad URL", func(t *testing.T) {
		for _, u := range []string{"ftp://127.0.0.1", "127.0.0.1:8080", "http://h/?q=1", "http://h/#x", "http:///p"} {
			if _, err := New(u, "t"); !errors.Is(err, ErrBadURL) {
				t.Errorf("New(%q): %v", u, err)
			}
		}
	})
}

package ftpd

import (
	"errors"
	"fmt"
	"net"
	"os"
	"testing"
	"time"
)

func TestPassivePort(t *testing.T) {
	for _, tc := range []struct {
		reply string
		port  int
		ok    bool
	}{
		{"227 Entering Passive Mode (127,0,0,1,195,80)\r\n", 195*256 + 80, true},
		{"229 Entering Extended Passive Mode (|||40123|)\r\n", 40123, true},
		{"227 Entering Passive Mode (127,0,0,1,256,80)\r\n", 0, false},
		{"227 Entering Passive Mode (127,0,0,1,-1,80)\r\n", 0, false},
		{"227 Entering Passive Mode (127,0,0,1,80)\r\n", 0, false},
		{"227 (,,,,0,0)", 0, false}, // found by FuzzPassivePort
		{"227 Entering Passive Mode )127,0,0,1,1,2(\r\n", 0, false},
		{"229 Entering Extended Passive Mode (|||0|)\r\n", 0, false},
		{"229 Entering Extended Passive Mode (|||70000|)\r\n", 0, false},
		{"229 Entering Extended Passive Mode (|||12\r\n", 0, false},
		{"200 (|||40123|)\r\n", 0, false},
		{"", 0, false},
	} {
		port, ok := passivePort([]byte(tc.reply))
		if port != tc.port || ok != tc.ok {
			t.Errorf("passivePort(%q) = %d, %v; want %d, %v", tc.reply, port, ok, tc.port, tc.ok)
		}
	}
}

func FuzzPassivePort(f *testing.F) {
	f.Add([]byte("227 Entering Passive Mode (127,0,0,1,195,80)\r\n"))
	f.Add([]byte("229 Entering Extended Passive Mode (|||40123|)\r\n"))
	f.Fuzz(func(t *testing.T, reply []byte) {
		if port, ok := passivePort(reply); ok && (port <= 0 || port > 65535) {
			t.Errorf("passivePort(%q) = %d", reply, port)
		}
	})
}

func TestFinalReply(t *testing.T) {
	for reply, want := range map[string]bool{
		"226 Closing transfer connection\r\n": true,
		"550 Could not list\r\n":              true,
		"150 Using transfer connection\r\n":   false,
		"211-Features:\r\n":                   false,
		"22":                                  false,
	} {
		if got := finalReply([]byte(reply)); got != want {
			t.Errorf("finalReply(%q) = %v, want %v", reply, got, want)
		}
	}
}

// TestUnannouncedListenerIsClosed: a passive listener whose reply never went out
// (the library fails PASV on IPv6 after opening it) does not keep its port.
func TestUnannouncedListenerIsClosed(t *testing.T) {
	p := &passiveListeners{byPort: map[int]*dataListener{}, unannounced: 10 * time.Millisecond}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dl := p.wrap(ln)
	if _, err := dl.Accept(); err == nil {
		t.Fatal("Accept succeeded on a listener nobody announced")
	}
	if p.lookup(dl.port) != nil {
		t.Error("the closed listener is still registered")
	}
}

// TestAnnouncedListenerServesUntilClosed: one named in a reply is the library's.
func TestAnnouncedListenerServesUntilClosed(t *testing.T) {
	p := &passiveListeners{byPort: map[int]*dataListener{}, unannounced: time.Hour}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dl := p.wrap(ln)
	dl.announced()
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	ln.(*net.TCPListener).SetDeadline(time.Now().Add(5 * time.Second))
	conn, err := dl.Accept()
	if err != nil {
		t.Fatalf("Accept on an announced listener: %v", err)
	}
	conn.Close()
	dl.Close()
	if p.lookup(dl.port) != nil {
		t.Error("a closed listener is still registered")
	}
}

// TestDataConnectionsOnlyOnTheControlAddress: the library listens on every
// interface; connections to another local address are reset at accept.
func TestDataConnectionsOnlyOnTheControlAddress(t *testing.T) {
	p := &passiveListeners{byPort: map[int]*dataListener{}, unannounced: time.Hour, only: net.ParseIP("127.0.0.1")}
	ln, err := net.Listen("tcp", "0.0.0.0:0")
	if err != nil {
		t.Fatal(err)
	}
	dl := p.wrap(ln)
	defer dl.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := dl.Accept()
		if err == nil {
			accepted <- c
		}
		close(accepted)
	}()

	// The reset may come while connecting or at the first read.
	other, err := net.Dial("tcp", net.JoinHostPort("127.0.0.2", fmt.Sprint(port)))
	if err == nil {
		defer other.Close()
		other.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, err = other.Read(make([]byte, 1))
	}
	if err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("a connection to another address was not turned away: %v", err)
	}
	own, err := net.Dial("tcp", net.JoinHostPort("127.0.0.1", fmt.Sprint(port)))
	if err != nil {
		t.Fatal(err)
	}
	defer own.Close()
	c := <-accepted
	if c == nil || c.RemoteAddr().String() != own.LocalAddr().String() {
		t.Fatalf("accepted %v, want the connection to the control address", c)
	}
	c.Close()
}

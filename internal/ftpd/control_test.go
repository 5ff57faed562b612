package ftpd

import (
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"
)

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

// controlPipe is a control connection over an in-memory pipe, and the client's end.
func controlPipe(t *testing.T) (*controlConn, net.Conn) {
	t.Helper()
	server, client := net.Pipe()
	t.Cleanup(func() { server.Close(); client.Close() })
	return &controlConn{Conn: server, listener: &controlListener{now: time.Now}}, client
}

// sendAfter writes line from the client once the clock has passed when, so a
// read waiting for it has met that deadline first.
func sendAfter(t *testing.T, client net.Conn, when time.Time, line string) {
	t.Helper()
	go func() {
		time.Sleep(time.Until(when) + time.Millisecond) // the deadline itself is what is tested
		client.Write([]byte(line))
	}()
}

// TestControlDeadlineLaterOnlyNoted: the library sets a later deadline before
// every command; the socket keeps the earlier one, and a read that meets it
// goes on to the later one instead of timing out.
func TestControlDeadlineLaterOnlyNoted(t *testing.T) {
	c, client := controlPipe(t)
	first := time.Now().Add(20 * time.Millisecond)
	c.SetDeadline(first)
	c.SetDeadline(time.Now().Add(time.Minute))
	sendAfter(t, client, first, "NOOP\r\n")
	buf := make([]byte, 16)
	n, err := c.Read(buf)
	if err != nil || string(buf[:n]) != "NOOP\r\n" {
		t.Fatalf("read %q, %v; want the command sent after the first deadline", buf[:n], err)
	}
}

// deadlineCounter counts the deadlines set on the socket under a control connection.
type deadlineCounter struct {
	net.Conn
	set int
}

func (d *deadlineCounter) SetDeadline(t time.Time) error {
	d.set++
	return d.Conn.SetDeadline(t)
}

// TestControlDeadlineSetOnceForManyCommands: the deadline set again before each
// of 1,000 commands moves the socket's deadline once, not 1,000 times (each move
// changed a runtime timer and woke an idle thread).
func TestControlDeadlineSetOnceForManyCommands(t *testing.T) {
	c, _ := controlPipe(t)
	socket := &deadlineCounter{Conn: c.Conn}
	c.Conn = socket
	start := time.Now()
	for i := range 1000 {
		c.SetDeadline(start.Add(time.Hour + time.Duration(i)*time.Millisecond))
	}
	if socket.set != 1 {
		t.Errorf("the socket's deadline was set %d times for 1,000 commands, want once", socket.set)
	}
}

// TestControlDeadlineEarlierAtOnce: a deadline earlier than the socket's is set
// at once, and the connection times out at the library's last deadline.
func TestControlDeadlineEarlierAtOnce(t *testing.T) {
	c, _ := controlPipe(t)
	c.SetDeadline(time.Now().Add(time.Hour))
	c.SetDeadline(time.Now().Add(20 * time.Millisecond))
	done := make(chan error, 1)
	go func() {
		_, err := c.Read(make([]byte, 16))
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("read ended with %v, want the deadline exceeded", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the read still waits, past the earlier deadline")
	}
}

// TestControlDeadlineCleared: no deadline after one is no deadline at all, and
// a write that meets a deadline the library has since moved later goes on.
func TestControlDeadlineCleared(t *testing.T) {
	c, client := controlPipe(t)
	first := time.Now().Add(20 * time.Millisecond)
	c.SetDeadline(first)
	c.SetDeadline(time.Time{})
	sendAfter(t, client, first, "QUIT\r\n")
	buf := make([]byte, 16)
	if n, err := c.Read(buf); err != nil || string(buf[:n]) != "QUIT\r\n" {
		t.Fatalf("read %q, %v; want the command", buf[:n], err)
	}

	first = time.Now().Add(20 * time.Millisecond)
	c.SetDeadline(first)
	c.SetDeadline(time.Now().Add(time.Minute))
	got := make(chan string, 1)
	go func() {
		time.Sleep(time.Until(first) + time.Millisecond) // the client reads late
		b, _ := io.ReadAll(io.LimitReader(client, 8))
		got <- string(b)
	}()
	if n, err := c.Write([]byte("221 Bye\r\n")[:8]); err != nil || n != 8 {
		t.Fatalf("wrote %d bytes, %v; want all 8", n, err)
	}
	if s := <-got; s != "221 Bye\r" {
		t.Errorf("the client read %q", s)
	}
}

// TestFarewellToAClientThatStoppedReading: a reply the library is writing to a
// client that reads nothing is blocked; the watcher's last words (say, with a
// short write deadline of its own) end that write, as before, so the kill that
// follows is not held up: the library's later deadline, only noted, must not
// replace the short one (it held the write, and the disconnect, for hours).
func TestFarewellToAClientThatStoppedReading(t *testing.T) {
	c, _ := controlPipe(t) // the client's end is never read
	c.SetDeadline(time.Now().Add(time.Hour))
	c.SetDeadline(time.Now().Add(2 * time.Hour))
	blocked := make(chan error, 1)
	go func() {
		_, err := c.Write([]byte("200 NOOP ok\r\n")) // the library's reply
		blocked <- err
	}()
	said := make(chan struct{})
	go func() {
		c.say("421 Idle for 15m; closing.")
		close(said)
	}()
	select {
	case err := <-blocked:
		if err == nil {
			t.Error("the library's reply to a client that reads nothing was written")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the library's reply is still blocked after the farewell's short deadline")
	}
	<-said
	c.kill()
}

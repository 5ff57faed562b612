package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"strconv"
	"strings"
	"time"
)

// ftpConn is a small FTP client, the same for both servers, so that neither
// pays for a client library's habits: it speaks only what the measures need.
type ftpConn struct {
	conn net.Conn
	text *textproto.Conn
}

// ioTimeout bounds every wait on a server; a measure that hits it fails.
const ioTimeout = 2 * time.Minute

func dialFTP(addr string) (*ftpConn, error) {
	conn, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return nil, err
	}
	c := &ftpConn{conn: conn, text: textproto.NewConn(conn)}
	if _, err := c.expect(220); err != nil {
		conn.Close()
		return nil, fmt.Errorf("greeting: %w", err)
	}
	return c, nil
}

// expect reads a reply and checks its code; code 1 accepts any 1xx.
func (c *ftpConn) expect(code int) (string, error) {
	c.conn.SetReadDeadline(time.Now().Add(ioTimeout))
	_, msg, err := c.text.ReadResponse(code)
	return msg, err
}

func (c *ftpConn) cmd(code int, format string, args ...any) (string, error) {
	c.conn.SetWriteDeadline(time.Now().Add(ioTimeout))
	if err := c.text.PrintfLine(format, args...); err != nil {
		return "", err
	}
	msg, err := c.expect(code)
	if err != nil {
		return msg, fmt.Errorf("%s: %w", strings.Fields(format)[0], err)
	}
	return msg, nil
}

// login logs in and switches to binary transfers.
func (c *ftpConn) login(user, pass string) error {
	if _, err := c.cmd(331, "USER %s", user); err != nil {
		return err
	}
	if _, err := c.cmd(230, "PASS %s", pass); err != nil {
		return err
	}
	_, err := c.cmd(200, "TYPE I")
	return err
}

func (c *ftpConn) quit() error {
	_, err := c.cmd(221, "QUIT")
	c.conn.Close()
	return err
}

func (c *ftpConn) close() { c.conn.Close() }

// passive asks for a data port with EPSV and connects to it.
func (c *ftpConn) passive() (*net.TCPConn, error) {
	msg, err := c.cmd(229, "EPSV")
	if err != nil {
		return nil, err
	}
	open := strings.Index(msg, "(|||")
	if open < 0 {
		return nil, fmt.Errorf("EPSV reply %q", msg)
	}
	port, err := strconv.Atoi(strings.TrimSuffix(msg[open+4:strings.LastIndexByte(msg, ')')], "|"))
	if err != nil {
		return nil, fmt.Errorf("EPSV reply %q", msg)
	}
	host, _, _ := net.SplitHostPort(c.conn.RemoteAddr().String())
	conn, err := net.DialTimeout("tcp", net.JoinHostPort(host, strconv.Itoa(port)), 10*time.Second)
	if err != nil {
		return nil, err
	}
	return conn.(*net.TCPConn), nil
}

// retr downloads name and throws the bytes away, reading as fast as it can
// with a large buffer.
func (c *ftpConn) retr(name string, buf []byte) (int64, error) {
	data, err := c.passive()
	if err != nil {
		return 0, err
	}
	defer data.Close()
	if _, err := c.cmd(1, "RETR %s", name); err != nil {
		return 0, err
	}
	var n int64
	for {
		data.SetReadDeadline(time.Now().Add(ioTimeout))
		k, err := data.Read(buf)
		n += int64(k)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return n, err
		}
	}
	_, err = c.expect(226)
	return n, err
}

// stor uploads size bytes, repeating block.
func (c *ftpConn) stor(name string, size int64, block []byte) error {
	data, err := c.passive()
	if err != nil {
		return err
	}
	defer data.Close()
	if _, err := c.cmd(1, "STOR %s", name); err != nil {
		return err
	}
	for left := size; left > 0; {
		k := min(left, int64(len(block)))
		data.SetWriteDeadline(time.Now().Add(ioTimeout))
		if _, err := data.Write(block[:k]); err != nil {
			return err
		}
		left -= k
	}
	data.Close()
	_, err = c.expect(226)
	return err
}

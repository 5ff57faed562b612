package ftpd

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"time"

	"github.com/ftppanel/ftppanel/internal/store"
)

// admit decides whether a new connection may in, before the FTP library reads a
// byte from it: a banned address or one over the limits is answered 421 and
// closed, so not even a password gets through.
func (s *Server) admit(c net.Conn) bool {
	ip := hostOf(c.RemoteAddr())
	refusal := s.banned(ip)
	if refusal == "" {
		refusal = s.limits.admit(ip)
	}
	if refusal == "" {
		return true
	}
	c.SetWriteDeadline(s.now().Add(time.Second))
	c.Write([]byte(refusal + "\r\n"))
	c.Close()
	s.log.Info("connection refused", slog.String("ip", ip), slog.String("reply", refusal))
	return false
}

// release forgets an admitted connection that has closed.
func (s *Server) release(c net.Conn) { s.limits.release(hostOf(c.RemoteAddr())) }

// banned returns the reply for a banned address, or "" when it is not banned.
func (s *Server) banned(ip string) string {
	ban, err := s.store.ActiveBan(context.Background(), ip)
	if errors.Is(err, store.ErrNotFound) {
		return ""
	}
	if err != nil {
		// The database is out of reach: serving beats refusing everyone.
		s.log.Error("check ban", slog.String("ip", ip), slog.Any("error", err))
		return ""
	}
	if ban.Permanent() {
		return "421 This address is banned until the ban is lifted."
	}
	return "421 This address is banned until " + ban.Until.UTC().Format(time.RFC1123) + "."
}

func hostOf(addr net.Addr) string {
	host, _, err := net.SplitHostPort(addr.String())
	if err != nil {
		return addr.String()
	}
	return host
}

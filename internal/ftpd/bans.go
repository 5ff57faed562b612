package ftpd

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"time"

	"github.com/ftppanel/ftppanel/internal/store"
)

// refuseBanned answers a banned address with 421 and closes the connection before
// the FTP library reads a byte from it: not even a password gets through.
func (s *Server) refuseBanned(c net.Conn) bool {
	ip, _, err := net.SplitHostPort(c.RemoteAddr().String())
	if err != nil {
		return false
	}
	ban, err := s.store.ActiveBan(context.Background(), ip)
	if errors.Is(err, store.ErrNotFound) {
		return false
	}
	if err != nil {
		// The database is out of reach: serving beats refusing everyone.
		s.log.Error("check ban", slog.String("ip", ip), slog.Any("error", err))
		return false
	}
	until := "until it is lifted"
	if !ban.Permanent() {
		until = "until " + ban.Until.UTC().Format(time.RFC1123)
	}
	c.SetWriteDeadline(s.now().Add(time.Second))
	c.Write([]byte("421 This address is banned " + until + ".\r\n"))
	c.Close()
	s.log.Info("refused banned address", slog.String("ip", ip), slog.Int64("ban", ban.ID))
	return true
}

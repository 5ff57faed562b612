package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// smallSize is the size of each of the small files: a site deploy's PHP, CSS
// and image files are mostly a few KiB.
const smallSize = 4 << 10

// smallFilesMeasure moves many small files with ordinary clients: with lftp
// over one session, up (mirror -R) and down (mirror), and with curl, one new
// process, connection and login per file, up. Each is a row of its own.
func (b *bench) smallFilesMeasure(ctx context.Context) error {
	for _, prog := range []string{"lftp", "curl"} {
		if _, err := exec.LookPath(prog); err != nil {
			return fmt.Errorf("%s is not installed", prog)
		}
	}
	n, nCurl := b.cfg.smallFiles, b.cfg.smallCurl
	src, err := b.smallSource(n)
	if err != nil {
		return err
	}
	target := "at least vsftpd's speed, CPU per file at most vsftpd's"
	rows := []struct {
		r     row
		files int
		once  func(*server, int) (time.Duration, error)
	}{
		{row{measure: fmt.Sprintf("%s files of %s uploaded with lftp (`mirror -R`), one session", count(n), size(smallSize))}, n,
			func(s *server, round int) (time.Duration, error) { return b.lftpMirrorUp(ctx, s, src, n, round) }},
		{row{measure: fmt.Sprintf("%s files of %s downloaded with lftp (`mirror`), one session", count(n), size(smallSize))}, n,
			func(s *server, round int) (time.Duration, error) { return b.lftpMirrorDown(ctx, s, src, n, round) }},
		{row{measure: fmt.Sprintf("%s files of %s uploaded with curl, one process, connection and login each "+
			"(ftppanel: its logins, password cache warm; vsftpd: anonymous)", count(nCurl), size(smallSize))}, nCurl,
			func(s *server, round int) (time.Duration, error) { return b.curlUploads(ctx, s, src, nCurl, round) }},
	}
	for _, x := range rows {
		files := x.files
		r := x.r
		r.target, r.unit, r.higherIsBetter, r.wantRatio, r.wantCPURatio = target, "files/s", true, 1, 1
		r.cpuUnit, r.cpuScale, r.rounds = "ms/file", 1000, b.cfg.smallRounds
		r.secs = map[string][]float64{}
		rounds := map[string]int{}
		err := b.alternate(ctx, r, func(s *server) (float64, error) {
			rounds[s.name]++
			took, err := x.once(s, rounds[s.name])
			if err != nil {
				return 0, err
			}
			r.secs[s.name] = append(r.secs[s.name], took.Seconds())
			b.work = float64(files)
			return float64(files) / took.Seconds(), nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// count writes a whole number with a comma between thousands.
func count(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// smallSource writes n files of smallSize, each different, into a folder of
// their own, the local side of every small-file measure, and reads them back
// so that they are in the page cache.
func (b *bench) smallSource(n int) (string, error) {
	dir := filepath.Join(b.dir, "small-source")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	buf := make([]byte, smallSize)
	for i := range n {
		x := uint32(i)*2654435761 + 1
		for j := range buf {
			x ^= x << 13
			x ^= x >> 17
			x ^= x << 5
			buf[j] = byte(x)
		}
		if err := os.WriteFile(filepath.Join(dir, smallName(i)), buf, 0o644); err != nil {
			return "", err
		}
	}
	return dir, nil
}

func smallName(i int) string { return fmt.Sprintf("file-%05d.bin", i) }

// smallPlace is where a server's small files go: the folder, as the client
// names it, in which uploads may be made (ftppanel: the home; vsftpd: up/),
// and that folder on disk.
func smallPlace(s *server) (remote, disk string) {
	return path.Dir(s.storName), filepath.Dir(s.storPath)
}

// smallFolder is a new folder name for round's files of a kind on s, as the
// client names it and on disk; nothing is there yet.
func smallFolder(s *server, kind string, round int) (remote, disk string) {
	remote, disk = smallPlace(s)
	name := fmt.Sprintf("small-%s-%d", kind, round)
	os.RemoveAll(filepath.Join(disk, name))
	return path.Join(remote, name), filepath.Join(disk, name)
}

// checkSmall confirms that dir holds the first n small files, whole.
func checkSmall(dir string, n int) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("the files did not arrive: %w", err)
	}
	if len(entries) != n {
		return fmt.Errorf("%d files arrived, want %d", len(entries), n)
	}
	for i := range n {
		info, err := os.Stat(filepath.Join(dir, smallName(i)))
		if err != nil {
			return err
		}
		if info.Size() != smallSize {
			return fmt.Errorf("%s arrived with %d bytes, want %d", smallName(i), info.Size(), smallSize)
		}
	}
	return nil
}

// lftpMirrorUp uploads the first n small files with `mirror -R` into a new
// remote folder.
func (b *bench) lftpMirrorUp(ctx context.Context, s *server, src string, n, round int) (time.Duration, error) {
	remote, disk := smallFolder(s, "up", round)
	defer os.RemoveAll(disk) // at once, so that no later round waits for its writing out
	took, err := b.lftpTimed(ctx, s, fmt.Sprintf("mirror -R --no-perms %s %s", lftpQuote(src), lftpQuote(remote)))
	if err != nil {
		return 0, err
	}
	return took, checkSmall(disk, n)
}

// lftpMirrorDown downloads a remote folder of the first n small files with
// `mirror` into a new local folder. The remote folder holds hard links to the
// local files, in place before the first round.
func (b *bench) lftpMirrorDown(ctx context.Context, s *server, src string, n, round int) (time.Duration, error) {
	remote, disk := smallPlace(s)
	remote, disk = path.Join(remote, "small-down"), filepath.Join(disk, "small-down")
	if _, err := os.Stat(disk); err != nil {
		if err := os.Mkdir(disk, 0o755); err != nil {
			return 0, err
		}
		for i := range n {
			if err := os.Link(filepath.Join(src, smallName(i)), filepath.Join(disk, smallName(i))); err != nil {
				return 0, err
			}
		}
	}
	local := filepath.Join(b.dir, fmt.Sprintf("small-got-%s-%d", s.name, round))
	os.RemoveAll(local)
	defer os.RemoveAll(local)
	took, err := b.lftpTimed(ctx, s, fmt.Sprintf("mirror %s %s", lftpQuote(remote), lftpQuote(local)))
	if err != nil {
		return 0, err
	}
	return took, checkSmall(local, n)
}

// lftpQuote quotes a path for lftp's command line.
func lftpQuote(p string) string { return `"` + strings.ReplaceAll(p, `"`, `\"`) + `"` }

// lftpSettings make lftp give up at the first failure instead of retrying
// (retries would be measured), and send the same commands to both servers:
// no TLS, and no FEAT, without which lftp does not set an uploaded file's
// time (with it, lftp sends ftppanel, which offers MFMT, one more command
// per file than vsftpd, which does not) nor tries SITE UTIME.
const lftpSettings = "set cmd:interactive no; set cmd:fail-exit yes; set ftp:ssl-allow no; set xfer:clobber yes; " +
	"set net:max-retries 1; set net:timeout 60; set ftp:use-feat no; set ftp:use-site-utime no; set ftp:use-site-utime2 no"

// lftpTimed runs lftp, its commands read from a pipe: it logs in on s, and the
// commands run between two clock readings. The server's CPU time is read
// while the session is logged in and idle, before the first reading and after
// the second (b.cpuBefore, b.cpuAfter), so neither the login nor QUIT counts.
func (b *bench) lftpTimed(ctx context.Context, s *server, commands string) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "lftp")
	cmd.WaitDelay = 10 * time.Second
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return 0, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return 0, err
	}
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
	}()
	finish := func(err error) (time.Duration, error) {
		stdin.Close()
		if err != nil {
			cancel()
		}
		for range lines {
		}
		if werr := cmd.Wait(); err == nil && werr != nil {
			err = werr
		}
		if err != nil {
			return 0, fmt.Errorf("lftp: %w: %s", err, strings.TrimSpace(stderr.String()))
		}
		return 0, nil
	}
	send := func(text string) error {
		_, err := io.WriteString(stdin, text+"\n")
		return err
	}
	// await reads lftp's output up to the line that begins with mark and
	// returns the rest of that line.
	await := func(mark string) (string, error) {
		for {
			select {
			case line, ok := <-lines:
				if !ok {
					return "", errors.New("lftp ended early")
				}
				if rest, found := strings.CutPrefix(line, mark); found {
					return rest, nil
				}
			case <-ctx.Done():
				return "", ctx.Err()
			}
		}
	}
	user, pass := s.account(0)
	// NOOP makes lftp log in (it does so lazily, at the first command).
	if err := send(fmt.Sprintf("%s\nopen -u %s,%s ftp://%s\nquote NOOP\n!echo ftpbench-ready", lftpSettings, user, pass, s.addr)); err != nil {
		return finish(err)
	}
	if _, err := await("ftpbench-ready"); err != nil {
		return finish(err)
	}
	b.cpuBefore = cpuTime(s)
	// A shell command (!) runs to the end of its line.
	clock := "!date +ftpbench-clock%s.%N"
	if err := send(clock + "\n" + commands + "\n" + clock); err != nil {
		return finish(err)
	}
	var at [2]float64
	for i := range at {
		v, err := await("ftpbench-clock")
		if err == nil {
			at[i], err = strconv.ParseFloat(v, 64)
		}
		if err != nil {
			return finish(err)
		}
	}
	b.cpuAfter = cpuTime(s)
	if _, err := finish(nil); err != nil {
		return 0, err
	}
	return seconds(at[1] - at[0]), nil
}

// curlUploads uploads the first n small files one after another, each with a
// curl process of its own that connects, logs in, changes into the folder
// (one CWD on both servers), stores the file and quits; it returns the time
// from the first one's start to the last one's end. The server's CPU time is
// read after one login has warmed ftppanel's password cache and its session
// has ended, and again once every session has ended: ending one is part of
// each file's cost here. vsftpd's sessions' processes are adopted by this
// one when their parent has not waited for them, and counted.
func (b *bench) curlUploads(ctx context.Context, s *server, src string, n, round int) (time.Duration, error) {
	remote, disk := smallFolder(s, "curl", round)
	if err := os.Mkdir(disk, 0o755); err != nil {
		return 0, err
	}
	defer os.RemoveAll(disk)
	if err := sameOwner(disk, filepath.Dir(disk)); err != nil {
		return 0, err
	}
	if s.name == "vsftpd" {
		if err := setSubreaper(true); err != nil {
			return 0, fmt.Errorf("becoming a subreaper: %w", err)
		}
		defer setSubreaper(false)
	}
	c, err := b.login(s, 0)
	if err != nil {
		return 0, err
	}
	c.quit()
	if _, err := b.allSessionsGone(s); err != nil {
		return 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	user, pass := s.account(0)
	url := fmt.Sprintf("ftp://%s/%s/", s.addr, remote)
	b.cpuBefore = cpuTime(s)
	start := time.Now()
	for i := range n {
		// The source holds smallFiles files; past them, curl sends them again
		// under new names.
		file := filepath.Join(src, smallName(i%b.cfg.smallFiles))
		cmd := exec.CommandContext(ctx, "curl", "-sS", "--user", user+":"+pass, "--ftp-method", "singlecwd",
			"-T", file, url+smallName(i))
		if out, err := cmd.CombinedOutput(); err != nil {
			return 0, fmt.Errorf("curl, file %d: %w: %s", i+1, err, strings.TrimSpace(string(out)))
		}
	}
	took := time.Since(start)
	adopted, err := b.allSessionsGone(s)
	if err != nil {
		return 0, err
	}
	b.cpuAfter = cpuTime(s) + adopted
	if adopted > 0 {
		fmt.Fprintf(os.Stderr, "  (%s: %.3g s of the CPU time was session processes' that their parents left)\n",
			s.name, adopted.Seconds())
	}
	return took, checkSmall(disk, n)
}

// allSessionsGone waits until the server has let go of every session and, for
// vsftpd, every process of theirs that this one adopted has exited, and
// returns those processes' CPU time.
func (b *bench) allSessionsGone(s *server) (time.Duration, error) {
	if err := b.sessionsGone(s); err != nil || s.name != "vsftpd" {
		return 0, err
	}
	var sum time.Duration
	deadline := time.Now().Add(time.Minute)
	for {
		cpu, running := reapAdopted("vsftpd", s.pid())
		sum += cpu
		if running == 0 {
			return sum, nil
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("%d of vsftpd's session processes still running a minute after their clients left", running)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// sameOwner gives path the owner of other: vsftpd's anonymous sessions write
// as the user "ftp", who owns up/.
func sameOwner(path, other string) error {
	info, err := os.Stat(other)
	if err != nil {
		return err
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	return os.Chown(path, int(st.Uid), int(st.Gid))
}

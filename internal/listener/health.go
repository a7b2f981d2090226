// The HTTP health check: it tells a healthy dev server from an unhealthy one, from a
// port that speaks something other than HTTP, and from a port nobody listens on.

package listener

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/git-worktree-ports/git-worktree-ports/internal/bundle"
)

// Health is the outcome of a health check.
type Health string

// The outcomes of a health check.
const (
	// Healthy means the server answered with a 2xx or 3xx status.
	Healthy Health = "healthy"
	// Unhealthy means the server answered HTTP with any other status.
	Unhealthy Health = "unhealthy"
	// NotHTTP means the port accepted the connection but gave no HTTP
	// response within the timeout: it closed, sent something else, or
	// stayed silent.
	NotHTTP Health = "not-http"
	// Closed means the connection was refused: nobody listens.
	Closed Health = "closed"
)

// HealthResult is the outcome of probing one port. Code is the HTTP status when
// there was one; Err says what went wrong otherwise.
type HealthResult struct {
	Port   int
	Path   string
	Status Health
	Code   int
	Err    string
}

// HealthTarget is one port and health path to probe.
type HealthTarget struct {
	Port int
	Path string
}

// HealthParallelism is how many probes CheckHealthAll runs at once.
const HealthParallelism = 16

// maxHeaderBytes bounds what a probe reads from a server: a few KiB of status
// line and headers are plenty to tell HTTP, and the body is never read.
const maxHeaderBytes = 8 << 10

// CheckHealth GETs http://127.0.0.1:PORT/PATH, and http://[::1]:PORT/PATH when IPv4
// is refused (servers that bind "localhost" may take only ::1). The whole probe,
// both attempts included, ends within timeout. A 2xx or 3xx answer is Healthy
// (redirects are not followed), any other status Unhealthy. A connection that
// is accepted but yields no HTTP response before the timeout (closed, garbage,
// silence) is NotHTTP, and so is any other failure after which the port cannot
// be called refused. Refused on both addresses is Closed.
//
// The path defaults to "/"; a missing leading slash is added. A TLS server on
// the port answers in its own way: Go's says 400 (Unhealthy), others hang up
// (NotHTTP).
func CheckHealth(ctx context.Context, port int, path string, timeout time.Duration) HealthResult {
	res := HealthResult{Port: port, Path: path}
	if port < 1 || port > bundle.MaxPort {
		res.Status, res.Err = Closed, fmt.Sprintf("invalid port %d", port)
		return res
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	var err error
	for _, host := range []string{"127.0.0.1", "::1"} {
		var code int
		code, err = get(ctx, net.JoinHostPort(host, strconv.Itoa(port)), path)
		if err == nil {
			res.Code = code
			res.Status = Unhealthy
			if code >= 200 && code < 400 {
				res.Status = Healthy
			}
			return res
		}
		if !errors.Is(err, syscall.ECONNREFUSED) {
			break
		}
	}
	res.Err = describeHealth(err, timeout)
	res.Status = NotHTTP
	if errors.Is(err, syscall.ECONNREFUSED) {
		res.Status = Closed
	}
	return res
}

// get sends one GET over a fresh connection and returns the response's status code. It
// speaks just enough HTTP/1.1 for a health check: one request with Connection: close, and
// the status line of the answer, read within maxHeaderBytes; there is nothing to follow,
// no proxy, no keep-alive. (net/http would do the same at the price of about 0.3 ms of
// package initialisation on every start of the binary, env on every shell prompt
// included.)
func get(ctx context.Context, host, path string) (int, error) {
	if path == "" || path[0] != '/' {
		path = "/" + path
	}
	if strings.IndexFunc(path, func(r rune) bool { return r <= ' ' || r == 0x7f }) >= 0 {
		return 0, fmt.Errorf("invalid health path %q", path)
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", host)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	if deadline, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(deadline)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	req := "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: git-worktree-ports-health\r\nAccept: */*\r\nConnection: close\r\n\r\n"
	if _, err := io.WriteString(conn, req); err != nil {
		return 0, ctxErr(ctx, err)
	}
	br := bufio.NewReaderSize(io.LimitReader(conn, maxHeaderBytes), 512)
	line, err := br.ReadString('\n')
	if err != nil && line == "" {
		return 0, ctxErr(ctx, err)
	}
	code, err := parseStatusLine(line)
	if err != nil {
		return 0, err
	}
	// The header must end within the limit too: a server that streams headers forever
	// is not a healthy HTTP server, whatever its status line said.
	for {
		h, err := br.ReadString('\n')
		if h == "\r\n" || h == "\n" {
			return code, nil
		}
		if errors.Is(err, io.EOF) {
			return 0, fmt.Errorf("malformed HTTP response: header larger than %d KiB or cut short", maxHeaderBytes>>10)
		}
		if err != nil {
			return 0, ctxErr(ctx, err)
		}
	}
}

// parseStatusLine reads the code from "HTTP/1.1 200 OK".
func parseStatusLine(line string) (int, error) {
	proto, rest, _ := strings.Cut(strings.TrimRight(line, "\r\n"), " ")
	if !strings.HasPrefix(proto, "HTTP/") || len(rest) < 3 || (len(rest) > 3 && rest[3] != ' ') {
		return 0, fmt.Errorf("malformed HTTP response %q", truncate(line, 40))
	}
	code, err := strconv.Atoi(rest[:3])
	if err != nil || code < 100 || code > 599 {
		return 0, fmt.Errorf("malformed HTTP status %q", truncate(line, 40))
	}
	return code, nil
}

// ctxErr reports a deadline that ended the connection as the context's error. The
// connection's deadline only ever comes from the context, but its timer can fire a hair
// before the context's own, so a connection timeout is the context's deadline even when
// ctx.Err() is still nil.
func ctxErr(ctx context.Context, err error) error {
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		return err
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return context.DeadlineExceeded
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// describeHealth turns a probe failure into one short line.
func describeHealth(err error, timeout time.Duration) string {
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("no HTTP response within %v", timeout)
	case errors.Is(err, context.Canceled):
		return "probe canceled"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.EPIPE):
		return "connection closed without an HTTP response"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset without an HTTP response"
	}
	msg := err.Error()
	if strings.Contains(msg, "malformed HTTP") {
		return "not an HTTP response: " + msg
	}
	return "no HTTP response: " + msg
}

// CheckHealthAll probes the targets in parallel, at most HealthParallelism at once, and
// returns their results in the order of targets.
func CheckHealthAll(ctx context.Context, targets []HealthTarget, timeout time.Duration) []HealthResult {
	results := make([]HealthResult, len(targets))
	sem := make(chan struct{}, HealthParallelism)
	var wg sync.WaitGroup
	for i, t := range targets {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			results[i] = CheckHealth(ctx, t.Port, t.Path, timeout)
		})
	}
	wg.Wait()
	return results
}

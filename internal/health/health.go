// Package health probes local listeners over HTTP to tell a healthy dev server
// from an unhealthy one, from a port that speaks something other than HTTP, and
// from a port nobody listens on.
//
// A probe only ever talks to the loopback address it was given: it follows no
// redirect, uses no proxy from the environment, keeps no connection open, and
// reads no body.
package health

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Status is the outcome of a probe.
type Status string

// The outcomes of a probe.
const (
	// Healthy means the server answered with a 2xx or 3xx status.
	Healthy Status = "healthy"
	// Unhealthy means the server answered HTTP with any other status.
	Unhealthy Status = "unhealthy"
	// NotHTTP means the port accepted the connection but gave no HTTP
	// response within the timeout: it closed, sent something else, or
	// stayed silent.
	NotHTTP Status = "not-http"
	// Closed means the connection was refused: nobody listens.
	Closed Status = "closed"
)

// Result is the outcome of probing one port. Code is the HTTP status when
// there was one; Err says what went wrong otherwise.
type Result struct {
	Port   int
	Path   string
	Status Status
	Code   int
	Err    string
}

// Target is one port and health path to probe.
type Target struct {
	Port int
	Path string
}

// Parallelism is how many probes ProbeAll runs at once.
const Parallelism = 16

// maxHeaderBytes bounds what a probe reads from a server: a few KiB of status
// line and headers are plenty to tell HTTP, and the body is never read.
const maxHeaderBytes = 8 << 10

// transport is shared by all probes; with keep-alives off it holds no state
// between them. Proxy stays nil so HTTP_PROXY and friends never apply.
var transport = &http.Transport{
	Proxy:                  nil,
	DialContext:            (&net.Dialer{}).DialContext,
	DisableKeepAlives:      true,
	DisableCompression:     true,
	MaxResponseHeaderBytes: maxHeaderBytes,
}

var client = &http.Client{
	Transport: transport,
	// A redirect proves the server is up; following it could leave the
	// machine.
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// Probe GETs http://127.0.0.1:PORT/PATH, and http://[::1]:PORT/PATH when IPv4
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
func Probe(ctx context.Context, port int, path string, timeout time.Duration) Result {
	res := Result{Port: port, Path: path}
	if port < 1 || port > 65535 {
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
	res.Err = describe(err, timeout)
	res.Status = NotHTTP
	if errors.Is(err, syscall.ECONNREFUSED) {
		res.Status = Closed
	}
	return res
}

// get sends one GET to host and returns the status code. Its errors wrap the
// dial error, so that refusal stays recognisable with errors.Is.
func get(ctx context.Context, host, path string) (int, error) {
	if path == "" || path[0] != '/' {
		path = "/" + path
	}
	u, err := url.Parse("http://" + host + path)
	if err != nil || u.Host != host {
		return 0, fmt.Errorf("invalid health path %q", path)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("User-Agent", "git-worktree-ports-health")
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	// Closing unread discards the body: with keep-alives off the connection
	// is simply dropped, so a streaming or huge body costs nothing.
	resp.Body.Close()
	return resp.StatusCode, nil
}

// describe turns a probe failure into one short line.
func describe(err error, timeout time.Duration) string {
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("no HTTP response within %v", timeout)
	case errors.Is(err, context.Canceled):
		return "probe canceled"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		// net/http's name for a hang-up before the request was written; the
		// error value is unexported.
		strings.Contains(err.Error(), "server closed idle connection"):
		return "connection closed without an HTTP response"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset without an HTTP response"
	}
	msg := err.Error()
	// url.Error repeats the method and URL, which the caller already knows.
	var uerr *url.Error
	if errors.As(err, &uerr) {
		msg = uerr.Err.Error()
	}
	if strings.Contains(msg, "malformed HTTP") {
		return "not an HTTP response: " + msg
	}
	return "no HTTP response: " + msg
}

// ProbeAll probes the targets in parallel, at most Parallelism at once, and
// returns their results in the order of targets.
func ProbeAll(ctx context.Context, targets []Target, timeout time.Duration) []Result {
	results := make([]Result, len(targets))
	sem := make(chan struct{}, Parallelism)
	var wg sync.WaitGroup
	for i, t := range targets {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			results[i] = Probe(ctx, t.Port, t.Path, timeout)
		})
	}
	wg.Wait()
	return results
}

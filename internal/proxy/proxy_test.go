package proxy

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/websocket"
)

// backend starts h on 127.0.0.1, on a port the kernel chooses, and returns that port.
func backend(t *testing.T, h http.Handler) int {
	t.Helper()
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s.Listener.Addr().(*net.TCPAddr).Port
}

// front starts the proxy over routes and returns its address.
func front(t *testing.T, routes ...Route) string {
	t.Helper()
	srv := &Server{Routes: func(context.Context) []Route { return routes }}
	s := httptest.NewServer(srv)
	t.Cleanup(s.Close)
	return s.Listener.Addr().String()
}

func get(t *testing.T, addr, host, path string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", "http://"+addr+path, nil)
	req.Host = host
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func TestWebSocketEchoThroughTheProxy(t *testing.T) {
	port := backend(t, websocket.Handler(func(ws *websocket.Conn) { _, _ = io.Copy(ws, ws) }))
	addr := front(t, Route{Host: "web.feature-x.shop.localhost", Port: port, Service: "web"})
	cfg, err := websocket.NewConfig("ws://web.feature-x.shop.localhost/hmr", "http://web.feature-x.shop.localhost/")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	ws, err := websocket.NewClient(cfg, conn)
	if err != nil {
		t.Fatalf("upgrade through the proxy: %v", err)
	}
	defer ws.Close()
	for _, msg := range []string{"hello", "update /src/App.tsx"} {
		if err := websocket.Message.Send(ws, msg); err != nil {
			t.Fatal(err)
		}
		var got string
		if err := websocket.Message.Receive(ws, &got); err != nil {
			t.Fatal(err)
		}
		if got != msg {
			t.Errorf("echo = %q, want %q", got, msg)
		}
	}
}

func TestResponsesStream(t *testing.T) {
	release := make(chan struct{})
	port := backend(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, "data: first\n\n")
		w.(http.Flusher).Flush()
		<-release // the rest only once the client has seen the first event
		fmt.Fprint(w, "data: second\n\n")
	}))
	addr := front(t, Route{Host: "api.a.b.localhost", Port: port})
	req, _ := http.NewRequest("GET", "http://"+addr+"/events", nil)
	req.Host = "api.a.b.localhost"
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	line, err := bufio.NewReader(resp.Body).ReadString('\n')
	close(release)
	if err != nil || line != "data: first\n" {
		t.Fatalf("first event = %q, %v: the proxy held the stream back", line, err)
	}
}

func TestForwardedHeadersAndHost(t *testing.T) {
	port := backend(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s|%s|%s|%s", r.Host, r.Header.Get("X-Forwarded-For"), r.Header.Get("X-Forwarded-Host"), r.Header.Get("X-Forwarded-Proto"))
	}))
	addr := front(t, Route{Host: "web.x.shop.localhost", Port: port})
	// Upper case and a trailing dot name the same host.
	resp, body := get(t, addr, "WEB.x.shop.localhost.:7355", "/")
	if resp.StatusCode != 200 || body != "WEB.x.shop.localhost.:7355|127.0.0.1|WEB.x.shop.localhost.:7355|http" {
		t.Errorf("got %d %q", resp.StatusCode, body)
	}
}

func TestBadGatewayNamesTheWorktreeEscaped(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close() // nothing listens there now
	addr := front(t, Route{Host: "web.x.shop.localhost", Port: port, Service: "web<script>", Worktree: "/src/<b>x", Repo: "shop"})
	resp, body := get(t, addr, "web.x.shop.localhost", "/")
	if resp.StatusCode != http.StatusBadGateway {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for _, want := range []string{"web&lt;script&gt; is not listening", "<code>/src/&lt;b&gt;x</code>", "port " + strconv.Itoa(port)} {
		if !strings.Contains(body, want) {
			t.Errorf("502 page lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "<script>") || strings.Contains(body, "<b>x") {
		t.Errorf("502 page holds unescaped HTML:\n%s", body)
	}
}

func TestNotFoundListsTheNames(t *testing.T) {
	addr := front(t, Route{Host: "web.x.shop.localhost", Port: 20000, Service: "web", Worktree: "/src/x", Repo: "shop"})
	resp, body := get(t, addr, "other.localhost", "/")
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, `<a href="http://web.x.shop.localhost/">web.x.shop.localhost</a>`) {
		t.Errorf("got %d:\n%s", resp.StatusCode, body)
	}
}

// TestRoutesAreReadAgain checks that a name allocated after the proxy started is found
// at once, and that the table is not read again on every request.
func TestRoutesAreReadAgain(t *testing.T) {
	port := backend(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "ok") }))
	reads := 0
	var routes []Route
	srv := &Server{MaxAge: time.Hour, MinAge: time.Nanosecond, Routes: func(context.Context) []Route { reads++; return routes }}
	s := httptest.NewServer(srv)
	defer s.Close()
	addr := s.Listener.Addr().String()
	if resp, _ := get(t, addr, "web.new.shop.localhost", "/"); resp.StatusCode != 404 {
		t.Fatalf("before: %d", resp.StatusCode)
	}
	routes = []Route{{Host: "web.new.shop.localhost", Port: port}}
	time.Sleep(time.Millisecond)
	if resp, body := get(t, addr, "web.new.shop.localhost", "/"); resp.StatusCode != 200 || body != "ok" {
		t.Fatalf("after: %d %q", resp.StatusCode, body)
	}
	before := reads
	get(t, addr, "web.new.shop.localhost", "/")
	if reads != before {
		t.Errorf("a known name read the table again")
	}
}

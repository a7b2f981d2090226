package proxy

import (
	"context"
	"errors"
	"html/template"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Server is the proxy. Routes reads the routes (Gather, over the per-user index); the
// server asks again when its table is older than MaxAge, and at once for a name it does
// not know, at most once per MinAge, so a worktree allocated a moment ago is found.
type Server struct {
	Routes func(ctx context.Context) []Route
	MaxAge time.Duration // 0 is 2s
	MinAge time.Duration // 0 is 250ms
	// ListenPort is the proxy's own port, for the links on the 404 page; 0 leaves it out.
	ListenPort int

	mu     sync.Mutex
	table  map[string]Route
	list   []Route
	read   time.Time
	once   sync.Once
	rproxy *httputil.ReverseProxy
}

type routeKey struct{}

func (s *Server) init() {
	s.once.Do(func() {
		dialer := &net.Dialer{Timeout: 2 * time.Second}
		tr := &http.Transport{
			// The target's address is always made here from a port number: loopback,
			// IPv4 first, then IPv6 (a dev server may listen on either "localhost").
			DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				_, port, err := net.SplitHostPort(addr)
				if err != nil {
					return nil, err
				}
				c, err4 := dialer.DialContext(ctx, "tcp4", net.JoinHostPort("127.0.0.1", port))
				if err4 == nil {
					return c, nil
				}
				c, err6 := dialer.DialContext(ctx, "tcp6", net.JoinHostPort("::1", port))
				if err6 == nil {
					return c, nil
				}
				return nil, err4
			},
			MaxIdleConnsPerHost: 32,
			IdleConnTimeout:     90 * time.Second,
			ForceAttemptHTTP2:   false,
		}
		s.rproxy = &httputil.ReverseProxy{
			Rewrite: func(pr *httputil.ProxyRequest) {
				rt := pr.In.Context().Value(routeKey{}).(Route)
				pr.SetURL(&url.URL{Scheme: "http", Host: "127.0.0.1:" + strconv.Itoa(rt.Port)})
				// The dev server sees the name the browser asked for: its host checks and
				// the links it builds keep working.
				pr.Out.Host = pr.In.Host
				pr.SetXForwarded()
			},
			Transport: tr,
			// Streamed: server-sent events and chunked responses reach the browser as
			// they are written.
			FlushInterval: -1,
			ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
				rt := r.Context().Value(routeKey{}).(Route)
				if errors.Is(err, context.Canceled) {
					return
				}
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				w.WriteHeader(http.StatusBadGateway)
				_ = pages().badGateway.Execute(w, map[string]any{"Route": rt, "Err": err.Error()})
			},
		}
	})
}

// lookup returns the route for host, reading the routes again when they are stale. The
// reading happens outside the lock, so a slow repository (up to the index's time limit)
// holds up only the requests that wait for the new table, not those the old one answers.
func (s *Server) lookup(ctx context.Context, host string) (Route, bool) {
	maxAge, minAge := s.MaxAge, s.MinAge
	if maxAge == 0 {
		maxAge = 2 * time.Second
	}
	if minAge == 0 {
		minAge = 250 * time.Millisecond
	}
	s.mu.Lock()
	age := time.Since(s.read)
	rt, ok := s.table[host]
	stale := s.table == nil || age > maxAge || !ok && age > minAge
	s.mu.Unlock()
	if !stale {
		return rt, ok
	}
	list := s.Routes(ctx)
	table := make(map[string]Route, len(list))
	for _, r := range list {
		table[r.Host] = r
	}
	s.mu.Lock()
	s.list, s.table, s.read = list, table, time.Now()
	s.mu.Unlock()
	rt, ok = table[host]
	return rt, ok
}

func (s *Server) routes() []Route {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.list
}

// HostOf returns the name a request asks for: its Host without the port, lower-cased,
// without a trailing dot.
func HostOf(r *http.Request) string {
	h := r.Host
	if host, _, err := net.SplitHostPort(h); err == nil {
		h = host
	}
	return strings.TrimSuffix(strings.ToLower(h), ".")
}

// ServeHTTP routes r by its Host.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.init()
	rt, ok := s.lookup(r.Context(), HostOf(r))
	if !ok {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		port := ""
		if s.ListenPort != 0 {
			port = ":" + strconv.Itoa(s.ListenPort)
		}
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		_ = pages().notFound.Execute(w, map[string]any{"Host": HostOf(r), "Routes": s.routes(), "Port": port, "Scheme": scheme})
		return
	}
	s.rproxy.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), routeKey{}, rt)))
}

// pageSet holds the pages, parsed on first use: parsing them when the package loads
// would cost every start of the binary, env's included.
type pageSet struct{ badGateway, notFound *template.Template }

var pages = sync.OnceValue(func() pageSet {
	return pageSet{
		badGateway: template.Must(template.New("502").Parse(badGatewayPage)),
		notFound:   template.Must(template.New("404").Parse(notFoundPage)),
	}
})

// Everything from a file (names, paths) goes through html/template's escaping.
const badGatewayPage = `<!doctype html>
<meta charset="utf-8"><title>502 {{.Route.Host}}: not listening</title>
<h1>502: {{.Route.Service}} is not listening</h1>
<p><b>{{.Route.Host}}</b> is service <b>{{.Route.Service}}</b> of the worktree
<code>{{.Route.Worktree}}</code> (repository {{.Route.Repo}}), on port {{.Route.Port}},
and nothing answers there.</p>
<p>Start it in that worktree, for example:
<code>git worktree-ports exec -- npm run dev</code></p>
<p><small>{{.Err}}</small></p>
`

const notFoundPage = `<!doctype html>
<meta charset="utf-8"><title>404 {{.Host}}: unknown name</title>
<h1>404: no service is called {{.Host}}</h1>
{{if .Routes}}<p>The names git-worktree-ports knows:</p>
<ul>
{{range .Routes}}<li><a href="{{$.Scheme}}://{{.Host}}{{$.Port}}/">{{.Host}}</a>: {{.Service}} of <code>{{.Worktree}}</code> (repository {{.Repo}}), port {{.Port}}</li>
{{end}}</ul>{{else}}<p>No worktree of any registered repository has a reservation yet:
run <code>git worktree-ports allocate</code> in one.</p>{{end}}
`

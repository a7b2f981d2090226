package devserver

import (
	"strings"
	"testing"
)

func TestRewrite(t *testing.T) {
	one := Ports{Default: "web", Port: map[string]int{"web": 21000}}
	named := Ports{
		Assign: map[string]string{"vite": "web", "storybook": "sb", "node.inspect": "debug", "wrangler.inspect": "debug", "script:dev": "web"},
		Port:   map[string]int{"web": 21000, "sb": 21001, "debug": 21002, "api": 21003},
	}
	several := Ports{Port: map[string]int{"web": 21000, "api": 21003}}
	scripts := map[string]string{
		"dev":    "vite --host",
		"serve":  "vite",
		"both":   "vite & node server.js",
		"envpre": "NODE_ENV=dev vite",
		"build":  "vite build",
		"django": "python3 manage.py runserver",
		"other":  "echo hi",
	}
	lookup := func(n string) (string, bool) { s, ok := scripts[n]; return s, ok }
	withScripts := Ports{Assign: map[string]string{"script:dev": "web", "script:both": "web", "script:envpre": "web", "script:build": "web", "script:django": "web"}, Port: map[string]int{"web": 21000}}

	for _, tc := range []struct {
		name string
		p    Ports
		argv string
		want string
		note string // a substring of the note, "" for none
	}{
		{"vite bare", one, "vite", "vite --port 21000 --strictPort", ""},
		{"vite dev", one, "vite dev --host", "vite dev --host --port 21000 --strictPort", ""},
		{"vite path", one, "./node_modules/.bin/vite", "./node_modules/.bin/vite --port 21000 --strictPort", ""},
		{"vite build untouched", one, "vite build", "vite build", ""},
		{"vite root dir untouched", one, "vite src", "vite src", ""},
		{"vite user port kept", one, "vite --port 3000", "vite --port 3000", "your port flag is kept"},
		{"vite user port= kept", one, "vite --port=3000", "vite --port=3000", "kept"},
		{"vite double dash", one, "vite -- --x", "vite -- --x", "hold a --"},
		{"npx vite", one, "npx vite", "npx vite --port 21000 --strictPort", ""},
		{"npx -y vite", one, "npx -y vite dev", "npx -y vite dev --port 21000 --strictPort", ""},
		{"pnpm exec vite", one, "pnpm exec vite", "pnpm exec vite --port 21000 --strictPort", ""},
		{"yarn vite", one, "yarn vite", "yarn vite --port 21000 --strictPort", ""},
		{"bunx vite", one, "bunx vite", "bunx vite --port 21000 --strictPort", ""},
		{"npx with valued option untouched", one, "npx -p vite vite", "npx -p vite vite", ""},
		{"next bare", one, "next", "next -p 21000", ""},
		{"next dev", one, "next dev --turbo", "next dev --turbo -p 21000", ""},
		{"next build", one, "next build", "next build", ""},
		{"next -p3000 kept", one, "next dev -p3000", "next dev -p3000", "kept"},
		{"astro dev", one, "astro dev", "astro dev --port 21000", ""},
		{"astro build", one, "astro build", "astro build", ""},
		{"ng serve", one, "ng serve", "ng serve --port 21000", ""},
		{"ng build", one, "ng build", "ng build", ""},
		{"nuxi dev", one, "nuxi dev", "nuxi dev --port 21000", ""},
		{"react-router dev", one, "react-router dev", "react-router dev --port 21000 --strictPort", ""},
		{"storybook dev", named, "storybook dev", "storybook dev -p 21001 --exact-port", ""},
		{"storybook build", named, "storybook build", "storybook build", ""},
		{"django manage.py", one, "python3 manage.py runserver", "python3 manage.py runserver 127.0.0.1:21000", ""},
		{"django ./manage.py", one, "./manage.py runserver --noreload", "./manage.py runserver --noreload 127.0.0.1:21000", ""},
		{"django settings value", one, "django-admin runserver --settings mysite.settings", "django-admin runserver --settings mysite.settings 127.0.0.1:21000", ""},
		{"django addrport kept", one, "python manage.py runserver 0.0.0.0:8000", "python manage.py runserver 0.0.0.0:8000", "addr:port is kept"},
		{"django migrate", one, "python manage.py migrate", "python manage.py migrate", ""},
		{"python -m django", one, "python3 -m django runserver", "python3 -m django runserver 127.0.0.1:21000", ""},
		{"rails s", one, "bin/rails s", "bin/rails s -p 21000", ""},
		{"rails console", one, "rails console", "rails console", ""},
		{"uvicorn", one, "uvicorn app:app --reload", "uvicorn app:app --reload --port 21000", ""},
		{"python -m uvicorn", one, "python3 -m uvicorn app:app", "python3 -m uvicorn app:app --port 21000", ""},
		{"uvicorn uds kept", one, "uvicorn app:app --uds /tmp/s", "uvicorn app:app --uds /tmp/s", "kept"},
		{"flask run", one, "flask run", "flask run --port 21000", ""},
		{"flask -p kept", one, "flask run -p 5000", "flask run -p 5000", "kept"},
		{"flask routes", one, "flask routes", "flask routes", ""},
		{"python -m flask", one, "python -m flask --app hello run", "python -m flask --app hello run --port 21000", ""},
		{"flask --app=x run", one, "flask --app=hello run", "flask --app=hello run --port 21000", ""},
		{"flask unknown option first", one, "flask --debug run", "flask --debug run", ""},
		{"expo start", one, "npx expo start", "npx expo start --port 21000", ""},
		{"metro", one, "react-native start", "react-native start --port 21000", ""},
		{"wrangler dev with inspector", named, "wrangler dev", "wrangler dev --inspector-port 21002", "names none"},
		{"node inspect filled", named, "node --inspect server.js", "node --inspect=127.0.0.1:21002 server.js", ""},
		{"node inspect-brk filled", named, "node --inspect-brk server.js", "node --inspect-brk=127.0.0.1:21002 server.js", ""},
		{"node inspect with port kept", named, "node --inspect=9230 server.js", "node --inspect=9230 server.js", ""},
		{"node without inspect", named, "node server.js", "node server.js", ""},
		{"node no inspector service", one, "node --inspect server.js", "node --inspect server.js", ""},
		{"several services, none named", several, "vite", "vite", "names none"},
		{"named service missing", Ports{Assign: map[string]string{"vite": "nope"}, Port: map[string]int{"web": 1}}, "vite", "vite", `names service "nope"`},
		{"unknown program", one, "python3 -m http.server", "python3 -m http.server", ""},
		{"sh -c with vite", one, "sh -c vite", "sh -c vite", "shell string"},
		{"sh -c plain", one, "sh -c true", "sh -c true", ""},
		{"npm run dev named", withScripts, "npm run dev", "npm run dev -- --port 21000 --strictPort", ""},
		{"npm run dev with args", withScripts, "npm run dev -- --open", "npm run dev -- --open --port 21000 --strictPort", ""},
		{"pnpm run dev", withScripts, "pnpm run dev", "pnpm run dev --port 21000 --strictPort", ""},
		{"npm run django", withScripts, "npm run django", "npm run django -- 127.0.0.1:21000", ""},
		{"npm run not named", one, "npm run serve", "npm run serve", `"script:serve"`},
		{"npm run compound", withScripts, "npm run both", "npm run both", "not one plain command"},
		{"npm run env prefix", withScripts, "npm run envpre", "npm run envpre", "not one plain command"},
		{"npm run build", withScripts, "npm run build", "npm run build", ""},
		{"npm run missing", withScripts, "npm run nope", "npm run nope", ""},
		{"npm run other", one, "npm run other", "npm run other", ""},
		{"npm runner args", withScripts, "npm run dev --silent", "npm run dev --silent", "runner's"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Rewrite(strings.Fields(tc.argv), tc.p, lookup)
			if got := strings.Join(r.Argv, " "); got != tc.want {
				t.Errorf("argv = %q, want %q", got, tc.want)
			}
			if r.Injected != (tc.want != tc.argv) {
				t.Errorf("Injected = %v", r.Injected)
			}
			if tc.note == "" && r.Note != "" || !strings.Contains(r.Note, tc.note) {
				t.Errorf("note = %q, want one containing %q", r.Note, tc.note)
			}
		})
	}
}

// TestTableNames: every program has a name, a command and a way to get a port, and no
// command belongs to two programs.
func TestTableNames(t *testing.T) {
	seen := map[string]string{}
	for _, p := range Table {
		if p.Name == "" || len(p.Commands) == 0 || len(p.Inject) == 0 && len(p.Roles) == 0 {
			t.Errorf("%+v: incomplete", p)
		}
		for _, c := range p.Commands {
			if other, ok := seen[c]; ok {
				t.Errorf("command %s in %s and %s", c, other, p.Name)
			}
			seen[c] = p.Name
		}
	}
}

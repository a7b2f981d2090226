// Package proxyunit writes what runs the proxy as a user service (`proxy install`): a
// systemd user unit, or a launchd agent on macOS. It is apart from package proxy so that
// git-worktree-ports itself, which writes these files, does not link the proxy's HTTP
// server (see cmd/git-worktree-ports-serve).
package proxyunit

import (
	"encoding/xml"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/git-worktree-ports/git-worktree-ports/internal/shquote"
)

// DefaultListen is where the proxy listens unless told otherwise: loopback, on a port
// that no common dev server, database or browser-blocked service uses.
const DefaultListen = "127.0.0.1:7355"

// UnitName is the systemd user unit `proxy install` writes.
const UnitName = "git-worktree-ports-proxy.service"

// AgentLabel is the launchd agent `proxy install` writes on macOS.
const AgentLabel = "io.github.git-worktree-ports.proxy"

// Service is a user service that runs the proxy.
type Service struct {
	Path    string // where the file goes
	Content []byte
	Enable  string // the command that starts it, for the user to run
}

// SystemdUnit returns the user unit that runs exe proxy --listen listen, and then the
// flags in extra (--https), under configHome ($XDG_CONFIG_HOME, or ~/.config). env holds
// variables the service needs to read the same index (XDG_STATE_HOME when set), as
// NAME=VALUE.
func SystemdUnit(configHome, exe, listen string, env []string, extra ...string) Service {
	var b strings.Builder
	b.WriteString("[Unit]\n")
	b.WriteString("Description=git-worktree-ports proxy: SERVICE.WORKTREE.REPO.localhost to each worktree's port\n")
	b.WriteString("Documentation=man:git-worktree-ports(1)\n\n")
	b.WriteString("[Service]\n")
	for _, e := range env {
		b.WriteString("Environment=" + systemdQuote(e) + "\n")
	}
	b.WriteString("ExecStart=" + systemdQuote(exe) + " proxy --listen " + systemdQuote(listen))
	for _, a := range extra {
		b.WriteString(" " + systemdQuote(a))
	}
	b.WriteString("\n")
	b.WriteString("Restart=on-failure\n\n")
	b.WriteString("[Install]\nWantedBy=default.target\n")
	return Service{
		Path:    filepath.Join(configHome, "systemd", "user", UnitName),
		Content: []byte(b.String()),
		Enable:  "systemctl --user daemon-reload && systemctl --user enable --now " + UnitName,
	}
}

// systemdQuote quotes s as one word of a unit file: in double quotes, with backslash,
// quote and every control character escaped, and "%" doubled (systemd's specifiers).
func systemdQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '\\' || r == '"':
			b.WriteString(`\` + string(r))
		case r == '%':
			b.WriteString("%%")
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// LaunchdAgent returns the launchd agent (macOS) that runs exe proxy --listen listen
// and the flags in extra, under home's Library/LaunchAgents.
func LaunchdAgent(home, exe, listen string, env []string, extra ...string) Service {
	esc := func(s string) string {
		var b strings.Builder
		_ = xml.EscapeText(&b, []byte(s))
		return b.String()
	}
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>Label</key><string>` + AgentLabel + `</string>
  <key>ProgramArguments</key>
  <array><string>` + esc(exe) + `</string><string>proxy</string><string>--listen</string><string>` + esc(listen) + `</string>`)
	for _, a := range extra {
		b.WriteString("<string>" + esc(a) + "</string>")
	}
	b.WriteString(`</array>
`)
	if len(env) > 0 {
		b.WriteString("  <key>EnvironmentVariables</key>\n  <dict>\n")
		for _, e := range env {
			k, v, _ := strings.Cut(e, "=")
			b.WriteString("    <key>" + esc(k) + "</key><string>" + esc(v) + "</string>\n")
		}
		b.WriteString("  </dict>\n")
	}
	b.WriteString("  <key>RunAtLoad</key><true/>\n  <key>KeepAlive</key><true/>\n</dict>\n</plist>\n")
	path := filepath.Join(home, "Library", "LaunchAgents", AgentLabel+".plist")
	return Service{Path: path, Content: []byte(b.String()), Enable: "launchctl load -w " + shquote.Word(path)}
}

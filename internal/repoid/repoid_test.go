package repoid

import "testing"

func TestOf(t *testing.T) {
	tests := []struct {
		name, url, main, want string
	}{
		{"https", "https://github.com/Acme/API", "/src/api", "github.com/Acme/API"},
		{"https .git", "https://github.com/Acme/API.git", "", "github.com/Acme/API"},
		{"scp-like", "git@github.com:Acme/API.git", "", "github.com/Acme/API"},
		{"scp-like no user", "github.com:Acme/API", "", "github.com/Acme/API"},
		{"ssh with port", "ssh://git@github.com:22/Acme/API.git", "", "github.com/Acme/API"},
		{"ssh other port", "ssh://git@git.example.com:2222/team/svc.git", "", "git.example.com/team/svc"},
		{"git protocol", "git://git.example.com/team/svc.git", "", "git.example.com/team/svc"},
		{"user and password", "https://alice:s3cr3t@github.com/Acme/API.git", "", "github.com/Acme/API"},
		{"https with port", "https://gitlab.example.com:8443/group/sub/proj.git", "", "gitlab.example.com/group/sub/proj"},
		{"trailing slash", "https://github.com/Acme/API/", "", "github.com/Acme/API"},
		{"trailing .git/", "https://github.com/Acme/API.git/", "", "github.com/Acme/API"},
		{"uppercase host", "https://GitHub.COM/Acme/API", "", "github.com/Acme/API"},
		{"uppercase scp host", "git@GITHUB.com:Acme/API.git", "", "github.com/Acme/API"},
		{"scp-like absolute path", "git@example.com:/srv/git/x.git", "", "example.com/srv/git/x"},
		{"ssh absolute path", "ssh://example.com/srv/git/x.git", "", "example.com/srv/git/x"},
		{"host only", "https://github.com/", "", "github.com"},
		{"ipv6", "ssh://git@[::1]:22/a/b.git", "", "[::1]/a/b"},
		{"ipv6 scp-like", "git@[::1]:a/b.git", "", "[::1]/a/b"},
		{"surrounding space", "  https://github.com/Acme/API\n", "", "github.com/Acme/API"},
		{"file url", "file:///srv/git/x.git", "/src/x", "/srv/git/x"},
		{"file url slash", "file:///srv/git/x.git/", "", "/srv/git/x"},
		{"local absolute", "/srv/git/x.git", "", "/srv/git/x"},
		{"local unclean", "/srv//git/./y/../x/", "", "/srv/git/x"},
		{"local relative", "../upstream.git", "", "../upstream"},
		{"local with colon", "./a:b", "", "a:b"},
		{"no remote", "", "/home/me/src/myrepo", "myrepo"},
		{"no remote trailing slash", "", "/home/me/src/myrepo/", "myrepo"},
		{"no remote bare", "", "/srv/git/x.git", "x"},
		{"unparseable", "https://[bad", "", "https://[bad"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Of(tt.url, tt.main); got != tt.want {
				t.Errorf("Of(%q, %q) = %q, want %q", tt.url, tt.main, got, tt.want)
			}
		})
	}
}

package inventory

import (
	"reflect"
	"testing"
)

func TestNotes(t *testing.T) {
	row := Row{Repo: "shop", Name: "feature-x", Ports: []Port{{Service: "web", Port: 21340, URL: "http://web.feature-x.shop.localhost:21340"}, {Service: "db", Port: 21341}}}
	leased := row
	leased.Leases = []Lease{{Name: "agent", Port: 21399}, {Name: "pw", Port: 21398, Expires: "2026-12-07T16:05:09Z"}}
	evil := Row{Repo: "shop", Name: "x", Leases: []Lease{{Name: "a\x1b[31m", Port: 1}}}
	tests := []struct {
		name      string
		rows      []Row
		all, urls bool
		want      []string
	}{
		{"no leases, no urls", []Row{row}, false, false, nil},
		{"leases", []Row{row, leased}, false, false, []string{"leases of feature-x: agent=21399, pw=21398 until 16:05Z"}},
		{"all names the repository", []Row{leased}, true, false, []string{"leases of shop/feature-x: agent=21399, pw=21398 until 16:05Z"}},
		{"urls, only where known", []Row{row}, false, true, []string{"web of feature-x: http://web.feature-x.shop.localhost:21340"}},
		{"escaped", []Row{evil}, false, false, []string{`leases of x: a\x1b[31m=1`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Notes(List{Worktrees: tt.rows}, tt.all, tt.urls)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Notes = %q, want %q", got, tt.want)
			}
		})
	}
}
